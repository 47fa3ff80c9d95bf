/* Live staff screens (no inline script under the strict CSP).
 *
 * The element `#queue-live` is polled by htmx; this script sends the last ETag as
 * If-None-Match, so an unchanged queue answers 304 and the screen stays as it is. A failed or
 * timed-out poll, an error status, or no answer for three polling periods hides the live part
 * and shows the connection-lost banner, until an answer comes back: a coordinator never acts
 * on a list that silently stopped updating.
 */
(function () {
  "use strict";
  var live = document.getElementById("queue-live");
  var banner = document.getElementById("connection-lost");
  if (!live) { return; }
  var pollMs = (Number(live.dataset.pollSeconds) || 2) * 1000;
  var etag = null;
  var lastAnswer = Date.now();

  function setLost(lost) {
    document.body.classList.toggle("connection-lost", lost);
    if (banner) { banner.hidden = !lost; }
  }

  function isPoll(event) { return event.detail.elt === live; }

  document.body.addEventListener("htmx:configRequest", function (event) {
    if (isPoll(event) && etag) { event.detail.headers["If-None-Match"] = '"' + etag + '"'; }
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (!isPoll(event)) { return; }
    var xhr = event.detail.xhr;
    if (xhr && (xhr.status === 200 || xhr.status === 304)) {
      var answered = (xhr.getResponseHeader("ETag") || "").replace(/^W\//, "").replace(/"/g, "");
      if (answered) { etag = answered; }
      lastAnswer = Date.now();
      setLost(false);
    } else {
      setLost(true);
    }
  });
  document.body.addEventListener("htmx:sendError", function () { setLost(true); });
  document.body.addEventListener("htmx:timeout", function () { setLost(true); });
  window.setInterval(function () {
    if (Date.now() - lastAnswer > 3 * pollMs) { setLost(true); }
  }, 1000);
}());
