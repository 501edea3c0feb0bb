// On a phone the console's navigation folds behind a "Menu" button; without this script it stays open.
(() => {
  const bar = document.querySelector(".topbar");
  const toggle = bar && bar.querySelector(".nav-toggle");
  if (!toggle) return;
  bar.classList.add("collapsible");
  toggle.addEventListener("click", () => {
    const open = bar.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
})();
