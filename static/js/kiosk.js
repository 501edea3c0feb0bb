/* The kiosk works without this file. It adds: the idle sign-out (the server enforces it too), focus
   handling for a barcode scanner that types and presses Enter, the return to the start screen after a
   result, and a short tone for success or refusal. */
(function () {
  "use strict";

  var screen = document.querySelector("[data-idle-seconds]");
  var badge = document.getElementById("id_badge");
  var pin = document.getElementById("id_pin");

  // A scanner fills the badge and presses Enter: move on to the PIN instead of submitting half a form,
  // unless it was a camera's label (the asset-tag prefix): that submits, and the server starts its return.
  if (badge && pin) {
    var prefix = (badge.getAttribute("data-asset-tag-prefix") || "").trim().toUpperCase();
    badge.addEventListener("keydown", function (event) {
      var isCamera = prefix && badge.value.trim().toUpperCase().indexOf(prefix) === 0;
      if (event.key === "Enter" && badge.value && !pin.value && !isCamera) {
        event.preventDefault();
        pin.focus();
      }
    });
  }
  // Scanned or typed: a barcode scanner sends every key of the code within a few milliseconds of the
  // last and ends with Enter; a person is far slower. The server records the answer with the return
  // (and treats anything but "scanned" as typed). Any edit by hand (paste, delete) makes it typed.
  document.querySelectorAll("[data-entry-method-field]").forEach(function (field) {
    var method = document.getElementById(field.getAttribute("data-entry-method-field"));
    var gap = parseInt(field.getAttribute("data-scan-gap-ms"), 10) || 50;
    var last = 0;
    var keys = 0;
    var burst = true;
    if (!method) { return; }
    field.addEventListener("keydown", function (event) {
      var now = event.timeStamp || window.performance.now();  // when the key came, not when it was handled
      if (!field.value) { burst = true; last = 0; keys = 0; }
      if (last && now - last > gap) { burst = false; }
      last = now;
      if (event.key === "Enter") {
        // Every character must have come from a key in the burst (not filled in some other way).
        method.value = burst && field.value.length > 0 && keys >= field.value.length ? "scanned" : "typed";
      } else if (event.key.length === 1) {
        keys += 1;
      } else {
        burst = false;
      }
    });
    field.addEventListener("paste", function () { burst = false; });
    field.addEventListener("input", function () { method.value = "typed"; });
  });
  var autofocus = document.querySelector("[autofocus]");
  if (autofocus) { autofocus.focus(); }

  // Colour and tone for the outcome.
  var ok = document.querySelector('[role="status"]');
  var refused = document.querySelector('[role="alert"]');
  if (refused) { document.body.classList.add("kiosk-refused"); }
  else if (ok) { document.body.classList.add("kiosk-ok"); }
  try {
    if (ok || refused) {
      var Audio = window.AudioContext || window.webkitAudioContext;
      var audio = new Audio();
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.frequency.value = refused ? 220 : 880;
      tone.type = refused ? "square" : "sine";
      gain.gain.value = 0.08;
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + (refused ? 0.35 : 0.15));
    }
  } catch (error) { /* no audio: colour is enough */ }

  if (!screen) { return; }
  var seconds = parseInt(screen.getAttribute("data-idle-seconds"), 10) || 20;
  var action = screen.getAttribute("data-idle-action");
  var home = screen.getAttribute("data-home-url");
  var countdown = document.querySelector("[data-countdown]");
  var left = seconds;

  function show() { if (countdown) { countdown.textContent = String(left); } }
  function touched() { left = seconds; show(); }
  function somethingToClear() {
    if (document.querySelector(".message")) { return true; }
    var fields = document.querySelectorAll("input[type=text], input[type=password], textarea");
    for (var i = 0; i < fields.length; i++) { if (fields[i].value) { return true; } }
    return false;
  }
  function expire() {
    if (action === "signout") {
      var form = document.getElementById("idle-signout");
      form.querySelector("[data-idle-reason]").value = "idle";
      form.submit();
    } else if (action === "home" || somethingToClear()) {
      window.location.replace(home);
    }
  }
  ["pointerdown", "keydown", "input", "touchstart"].forEach(function (name) {
    document.addEventListener(name, touched, { passive: true });
  });
  window.setInterval(function () {
    left -= 1;
    show();
    if (left <= 0) { left = seconds; expire(); }
  }, 1000);
})();
