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
   * by data-osk-target, or into the field marked data-osk-focus that was touched last, and
   * fires "input" so htmx's active search reacts as to real typing.
   */
  function startOnScreenKeyboards() {
    document.querySelectorAll(".osk").forEach(function (keyboard) {
      var input = document.getElementById(keyboard.dataset.oskTarget);
      if (!input) { return; }
      keyboard.hidden = false;
      var form = keyboard.closest("form") || document;
      form.addEventListener("focusin", function (event) {
        if (event.target.matches("input[data-osk-focus], input#" + input.id)) {
          input = event.target;
        }
      });
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

  /*
   * Card photos with the kiosk camera: live picture, "Take photo" freezes a frame into the
   * form's file input (so the upload is the same as choosing a file), "Retake" goes back to
   * the live picture. Without a camera the file input alone works.
   */
  function startCameras() {
    document.querySelectorAll("[data-camera]").forEach(function (camera) {
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
      var form = camera.closest("form");
      var fileInput = form.querySelector("input[type=file]");
      var video = camera.querySelector("video");
      var still = camera.querySelector(".camera-still");
      var take = camera.querySelector("[data-camera-take]");
      var retake = camera.querySelector("[data-camera-retake]");
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
        .then(function (stream) {
          video.srcObject = stream;
          video.play();
          camera.hidden = false;
        })
        .catch(function () { /* no camera: the file input stays the way to add a photo */ });
      take.addEventListener("click", function () {
        var canvas = document.createElement("canvas");
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        canvas.getContext("2d").drawImage(video, 0, 0);
        canvas.toBlob(function (blob) {
          var files = new DataTransfer();
          files.items.add(new File([blob], "card.jpg", { type: "image/jpeg" }));
          fileInput.files = files.files;
          still.src = URL.createObjectURL(blob);
          still.hidden = false;
          video.hidden = true;
          take.hidden = true;
          retake.hidden = false;
        }, "image/jpeg", 0.9);
      });
      retake.addEventListener("click", function () {
        fileInput.value = "";
        still.hidden = true;
        video.hidden = false;
        take.hidden = false;
        retake.hidden = true;
      });
    });
  }

  /*
   * Finger signature: strokes on the canvas; "Sign and check in" sends the drawing as a PNG
   * data URL. The tap-to-agree button works without any of this.
   */
  function startSignaturePads() {
    document.querySelectorAll("[data-signature-form]").forEach(function (form) {
      var pad = form.querySelector("[data-signature]");
      var canvas = pad.querySelector("canvas");
      var context = canvas.getContext("2d");
      var drawing = false;
      var signed = false;
      pad.hidden = false;
      form.querySelector("[data-signature-submit]").hidden = false;
      context.lineWidth = 6;
      context.lineCap = "round";
      context.strokeStyle = "#111827";
      function point(event) {
        var box = canvas.getBoundingClientRect();
        return [(event.clientX - box.left) * canvas.width / box.width,
                (event.clientY - box.top) * canvas.height / box.height];
      }
      canvas.addEventListener("pointerdown", function (event) {
        drawing = true;
        var p = point(event);
        context.beginPath();
        context.moveTo(p[0], p[1]);
      });
      canvas.addEventListener("pointermove", function (event) {
        if (!drawing) { return; }
        var p = point(event);
        context.lineTo(p[0], p[1]);
        context.stroke();
        signed = true;
      });
      ["pointerup", "pointerleave"].forEach(function (name) {
        canvas.addEventListener(name, function () { drawing = false; });
      });
      pad.querySelector("[data-signature-clear]").addEventListener("click", function () {
        context.clearRect(0, 0, canvas.width, canvas.height);
        signed = false;
      });
      form.addEventListener("submit", function (event) {
        if (event.submitter && event.submitter.value === "signature" && signed) {
          form.querySelector("input[name=signature]").value = canvas.toDataURL("image/png");
        }
      });
    });
  }

  /*
   * Keyboard and screen-reader users start every screen at its top: after a page load focus
   * goes to the main heading, and after htmx swaps in a part of a screen that has its own
   * heading (a route's next floor, marked data-focus-after-swap) to that heading. Swaps without
   * one (search results while typing, print status) leave focus where it is, and a screen
   * that focuses a field itself (autofocus, for a code scanner that types) keeps that.
   */
  function focusHeading(heading) {
    if (!heading) { return; }
    if (!heading.hasAttribute("tabindex")) { heading.setAttribute("tabindex", "-1"); }
    heading.focus({ preventScroll: true });
  }

  function focusMainHeading() {
    if (document.querySelector("[autofocus]")) { return; }
    focusHeading(document.querySelector("main h1"));
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var part = event.target;
    if (!(part instanceof Element) || !document.contains(part)) { return; }
    var selector = "h1, [data-focus-after-swap]";
    focusHeading(part.matches(selector) ? part : part.querySelector(selector));
  });

  /*
   * htmx 2 swaps no 4xx answer. A form marked data-show-problems lets the server's explanation
   * of an unknown place (404) or a route that cannot be made now (409) into its target, so the
   * person reads why instead of seeing nothing happen.
   */
  document.addEventListener("htmx:beforeSwap", function (event) {
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    var status = event.detail.xhr.status;
    if (source && source.closest("[data-show-problems]") && (status === 404 || status === 409)) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // A page restored from the back/forward cache could show the previous person's screen.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });

  document.addEventListener("DOMContentLoaded", focusMainHeading);
  document.addEventListener("DOMContentLoaded", startIdleTimer);
  document.addEventListener("DOMContentLoaded", startOnScreenKeyboards);
  document.addEventListener("DOMContentLoaded", startCameras);
  document.addEventListener("DOMContentLoaded", startSignaturePads);
}());
