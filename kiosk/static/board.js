/* The waiting-room board's behaviour (no inline script under the strict CSP).
 *
 * - Conditional polling and the connection-lost banner: live-poll.js (htmx asks for the calls
 *   every few seconds; a 304 leaves the screen as it is; no answer hides the calls).
 * - Chime: a short two-tone sound through WebAudio (nothing fetched) when a new call arrives,
 *   unless switched off with the Chime button.
 */
(function () {
  "use strict";
  var body = document.body;
  var toggle = document.getElementById("chime-toggle");
  var pollMs = (Number(body.dataset.pollSeconds) || 2) * 1000;
  var calls = document.getElementById("board-calls");
  var latestCall = calls ? calls.dataset.latestCall : "";
  var chimeOn = body.dataset.chime === "on";
  var audio = null;

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

  window.lobbyLivePoll({pollMs: pollMs, etag: calls ? calls.dataset.etag : null});
  body.addEventListener("htmx:afterSwap", function () {
    var fresh = document.getElementById("board-calls");
    var newest = fresh ? fresh.dataset.latestCall : "";
    if (newest && newest !== latestCall) { chime(); }
    latestCall = newest;
  });
  if (toggle) {
    toggle.addEventListener("click", function () {
      chimeOn = !chimeOn;
      toggle.setAttribute("aria-pressed", chimeOn ? "true" : "false");
      if (chimeOn) { chime(); }
    });
  }
}());
