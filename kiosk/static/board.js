/* The waiting-room board's behaviour (no inline script under the strict CSP).
 *
 * - Conditional polling: htmx asks for the calls every few seconds; this script sends the last
 *   ETag as If-None-Match, and a 304 leaves the screen as it is (htmx-config: no swap on 304).
 * - Connection lost: a failed or timed-out request, an error status, or no answer for three
 *   polling periods hides the calls and shows the banner, until an answer comes back.
 * - Chime: a short two-tone sound through WebAudio (nothing fetched) when a new call arrives,
 *   unless switched off with the Chime button.
 */
(function () {
  "use strict";
  var body = document.body;
  var banner = document.getElementById("connection-lost");
  var toggle = document.getElementById("chime-toggle");
  var pollMs = (Number(body.dataset.pollSeconds) || 2) * 1000;
  var calls = document.getElementById("board-calls");
  var etag = calls ? calls.dataset.etag : null;
  var latestCall = calls ? calls.dataset.latestCall : "";
  var lastAnswer = Date.now();
  var chimeOn = body.dataset.chime === "on";
  var audio = null;

  function setLost(lost) {
    body.classList.toggle("connection-lost", lost);
    if (banner) { banner.hidden = !lost; }
  }

  function chime() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!chimeOn || !Context) { return; }
    audio = audio || new Context();
    if (audio.state === "suspended") { audio.resume(); }
    [660, 880].forEach(function (frequency, index) {
      var start = audio.currentTime + index * 0.35;
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.4, start + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.3);
      tone.connect(gain).connect(audio.destination);
      tone.start(start);
      tone.stop(start + 0.32);
    });
  }

  body.addEventListener("htmx:configRequest", function (event) {
    if (etag) { event.detail.headers["If-None-Match"] = '"' + etag + '"'; }
  });
  body.addEventListener("htmx:afterRequest", function (event) {
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
  body.addEventListener("htmx:afterSwap", function () {
    var fresh = document.getElementById("board-calls");
    var newest = fresh ? fresh.dataset.latestCall : "";
    if (newest && newest !== latestCall) { chime(); }
    latestCall = newest;
  });
  window.setInterval(function () {
    if (Date.now() - lastAnswer > 3 * pollMs) { setLost(true); }
  }, 1000);
  if (toggle) {
    toggle.addEventListener("click", function () {
      chimeOn = !chimeOn;
      toggle.setAttribute("aria-pressed", chimeOn ? "true" : "false");
      if (chimeOn) { chime(); }
    });
  }
}());
