// The camera list's selection: a "select all on this page" box, and no bulk action with nothing ticked.
// Without it the page still works: each row has its box, and the server says "Tick at least one camera first."
(() => {
  const form = document.getElementById("bulk-form");
  if (!form) return;
  const name = form.getAttribute("data-needs-selection");
  const boxes = () => document.querySelectorAll(`input[type=checkbox][name="${name}"][form="${form.id}"]`);
  const all = document.querySelector(`[data-select-all="${name}"]`);
  const nothing = document.getElementById("bulk-nothing");

  const sync = () => {
    const list = Array.from(boxes());
    const ticked = list.filter((box) => box.checked).length;
    if (all) {
      all.checked = list.length > 0 && ticked === list.length;
      all.indeterminate = ticked > 0 && ticked < list.length;
    }
    if (nothing && ticked) nothing.hidden = true;
  };

  if (all) {
    all.hidden = false;
    all.addEventListener("change", () => {
      boxes().forEach((box) => {
        box.checked = all.checked;
      });
      sync();
    });
  }
  document.addEventListener("change", (event) => {
    if (event.target.matches && event.target.matches(`input[name="${name}"]`)) sync();
  });
  form.addEventListener("submit", (event) => {
    if (Array.from(boxes()).some((box) => box.checked)) return;
    event.preventDefault();
    if (nothing) {
      nothing.hidden = false;
      nothing.focus();
    }
  });
  sync();
})();
