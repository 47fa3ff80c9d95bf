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
   *
   * The field being typed into keeps the focus (a key press does not take it) and is marked
   * osk-active, so the person sees where the digits go; a field that is full (its maxlength)
   * hands the focus to the next field of the form, as a date of birth's boxes do.
   */
  function startOnScreenKeyboards() {
    document.querySelectorAll(".osk").forEach(function (keyboard) {
      var input = document.getElementById(keyboard.dataset.oskTarget);
      if (!input) { return; }
      keyboard.hidden = false;
      var form = keyboard.closest("form") || document;
      var selector = "input[data-osk-focus], input#" + input.id;

      function typingInto(field) {
        form.querySelectorAll(".osk-active").forEach(function (old) {
          old.classList.remove("osk-active");
        });
        input = field;
        input.classList.add("osk-active");
      }

      function nextField() {
        var fields = Array.prototype.slice.call(form.querySelectorAll(selector));
        return fields[fields.indexOf(input) + 1] || null;
      }

      typingInto(input);
      form.addEventListener("focusin", function (event) {
        if (event.target.matches(selector)) { typingInto(event.target); }
      });
      // Pressing a key must not move the focus away from the field being typed into.
      ["pointerdown", "mousedown"].forEach(function (name) {
        keyboard.addEventListener(name, function (event) {
          if (event.target.closest(".osk-key")) { event.preventDefault(); }
        });
      });
      keyboard.addEventListener("click", function (event) {
        var key = event.target.closest(".osk-key");
        if (!key) { return; }
        var limit = input.maxLength > 0 ? input.maxLength : 200;
        var value = input.value;
        if (key.dataset.key === "Backspace") { value = value.slice(0, -1); }
        else if (value.length < limit) { value += key.dataset.key; }
        input.value = value;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        var next = key.dataset.key !== "Backspace" && value.length >= limit && nextField();
        if (next) { next.focus(); typingInto(next); }
        else if (document.activeElement !== input) { input.focus({ preventScroll: true }); }
      });
    });
  }

  /*
   * Card photos with the kiosk camera: live picture, "Take photo" freezes a frame into the
   * form's file input (so the upload is the same as choosing a file), "Retake" goes back to
   * the live picture. Without a camera the "Choose a photo" button alone works.
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
      // The camera appears once its picture runs: "Take photo" before the first frame would
      // take nothing.
      video.addEventListener("playing", function () { camera.hidden = false; }, { once: true });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
        .then(function (stream) {
          video.srcObject = stream;
          video.play();
        })
        .catch(function () { /* no camera: the file input stays the way to add a photo */ });
      take.addEventListener("click", function () {
        if (!video.videoWidth) { return; }
        // The frame is drawn on the still canvas itself: the content security policy allows
        // no blob: images, so an <img> of the photo would stay empty.
        still.width = video.videoWidth;
        still.height = video.videoHeight;
        still.getContext("2d").drawImage(video, 0, 0);
        still.toBlob(function (blob) {
          var files = new DataTransfer();
          files.items.add(new File([blob], "card.jpg", { type: "image/jpeg" }));
          fileInput.files = files.files;
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
   * Photo choice without a camera picture: the chosen photo is drawn on a canvas before it is
   * sent (the content security policy allows no blob: images), so the person can see it is the
   * card (or letter) and choose again. A file that is no picture shows nothing.
   */
  var PREVIEW_MAX_WIDTH = 900;
  var PREVIEW_MAX_HEIGHT = 480;

  function startPhotoPreviews() {
    document.querySelectorAll("input[type=file][data-photo-preview]").forEach(function (input) {
      var preview = document.getElementById(input.dataset.photoPreview);
      if (!preview || typeof window.createImageBitmap !== "function") { return; }
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        preview.hidden = true;
        if (!file) { return; }
        window.createImageBitmap(file).then(function (bitmap) {
          var scale = Math.min(1, PREVIEW_MAX_WIDTH / bitmap.width,
            PREVIEW_MAX_HEIGHT / bitmap.height);
          preview.width = Math.round(bitmap.width * scale);
          preview.height = Math.round(bitmap.height * scale);
          preview.getContext("2d").drawImage(bitmap, 0, 0, preview.width, preview.height);
          preview.hidden = false;
        }).catch(function () { preview.hidden = true; });
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
  document.addEventListener("DOMContentLoaded", startPhotoPreviews);
  document.addEventListener("DOMContentLoaded", startSignaturePads);
}());
