/*
 * Kiosk behaviour that needs a script. Everything else works without JavaScript.
 *
 * Inactivity: after data-idle-seconds without a touch or key, a dialog counts down
 * data-idle-countdown seconds, then submits the reset form, which deletes the server-side
 * session and returns to the home screen. The server also expires idle sessions on its own, so
 * a screen whose script stopped still forgets the last person.
 */
(function () {
  "use strict";

  function startIdleTimer() {
    var body = document.body;
    if (body.dataset.idleReset !== "on") { return; }
    var idleSeconds = parseInt(body.dataset.idleSeconds, 10) || 90;
    var countdownSeconds = parseInt(body.dataset.idleCountdown, 10) || 15;
    var dialog = document.getElementById("idle-dialog");
    var secondsLeft = document.getElementById("idle-seconds-left");
    var resetForm = document.getElementById("idle-reset-form");
    var idleTimer = null;
    var countdownTimer = null;

    function resetScreen() { resetForm.submit(); }

    function tick(remaining) {
      secondsLeft.textContent = String(remaining);
      if (remaining <= 0) { resetScreen(); return; }
      countdownTimer = window.setTimeout(function () { tick(remaining - 1); }, 1000);
    }

    function showCountdown() {
      if (typeof dialog.showModal === "function") { dialog.showModal(); }
      else { dialog.setAttribute("open", ""); }
      tick(countdownSeconds);
    }

    function restart() {
      window.clearTimeout(idleTimer);
      window.clearTimeout(countdownTimer);
      if (dialog.open) { dialog.close(); }
      idleTimer = window.setTimeout(showCountdown, idleSeconds * 1000);
    }

    document.getElementById("idle-continue").addEventListener("click", restart);
    ["pointerdown", "keydown", "touchstart", "input"].forEach(function (name) {
      document.addEventListener(name, function () { if (!dialog.open) { restart(); } },
        { passive: true });
    });
    restart();
  }

  /*
   * On-screen keyboard: kiosks have no physical keyboard. Each key types into the input named
   * by data-osk-target and fires "input" so htmx's active search reacts as to real typing.
   */
  function startOnScreenKeyboards() {
    document.querySelectorAll(".osk").forEach(function (keyboard) {
      var input = document.getElementById(keyboard.dataset.oskTarget);
      if (!input) { return; }
      keyboard.hidden = false;
      keyboard.addEventListener("click", function (event) {
        var key = event.target.closest(".osk-key");
        if (!key) { return; }
        var value = input.value;
        if (key.dataset.key === "Backspace") { value = value.slice(0, -1); }
        else if (value.length < (input.maxLength > 0 ? input.maxLength : 200)) {
          value += key.dataset.key;
        }
        input.value = value;
        input.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
  }

  // A page restored from the back/forward cache could show the previous person's screen.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });

  document.addEventListener("DOMContentLoaded", startIdleTimer);
  document.addEventListener("DOMContentLoaded", startOnScreenKeyboards);
}());
