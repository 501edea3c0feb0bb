// The progress bar of an import applied in the background (imports/preview.html): polls the small
// JSON status every second and reloads the page once the import is applied or refused.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-progress]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-progress-label]");

  function show(state) {
    if (state.total) {
      bar.max = state.total;
      bar.value = state.done;
    }
    if (state.message) label.textContent = state.message;
  }

  function poll() {
    fetch(box.getAttribute("data-import-progress"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (state) {
        if (state && state.status !== "applying") {
          window.location.reload();
          return;
        }
        if (state) show(state);
        window.setTimeout(poll, 1000);
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }

  window.setTimeout(poll, 1000);
})();
