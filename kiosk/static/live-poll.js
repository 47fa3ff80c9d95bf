/* Conditional polling with a connection-lost banner, for every screen that htmx keeps live (the
 * waiting-room board, the front desk's Today screen). No inline script under the strict CSP.
 *
 * - The last ETag goes out as If-None-Match, so an unchanged screen is answered 304 and htmx
 *   leaves it as it is (htmx-config: no swap on 304).
 * - A failed or timed-out poll, an error status, or no answer for three polling periods shows
 *   the `#connection-lost` banner and marks the body `connection-lost` (the screen's CSS hides
 *   what may be stale), until an answer comes back.
 *
 * lobbyLivePoll({pollMs, etag, isPoll}) starts it; `isPoll(event)` picks the polling requests
 * out of the screen's htmx requests (default: all of them).
 */
(function () {
  "use strict";
  window.lobbyLivePoll = function (options) {
    var body = document.body;
    var banner = document.getElementById("connection-lost");
    var pollMs = options.pollMs;
    var isPoll = options.isPoll || function () { return true; };
    var etag = options.etag || null;
    var lastAnswer = Date.now();

    function setLost(lost) {
      body.classList.toggle("connection-lost", lost);
      if (banner) { banner.hidden = !lost; }
    }

    body.addEventListener("htmx:configRequest", function (event) {
      if (isPoll(event) && etag) { event.detail.headers["If-None-Match"] = '"' + etag + '"'; }
    });
    body.addEventListener("htmx:afterRequest", function (event) {
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
    body.addEventListener("htmx:sendError", function () { setLost(true); });
    body.addEventListener("htmx:timeout", function () { setLost(true); });
    window.setInterval(function () {
      if (Date.now() - lastAnswer > 3 * pollMs) { setLost(true); }
    }, 1000);
  };
}());
