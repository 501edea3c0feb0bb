// "Copy" buttons: <button data-copy="ID"> copies the text of the element with that id and says so in
// the element with data-copy-status="ID". Without JavaScript the text is still shown whole to select.
function selectText(element) {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

async function copyText(element) {
  const text = element.textContent.trim();
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return true;
  }
  // Plain http on a closed network: the older API, on a selection of the text itself.
  selectText(element);
  return document.execCommand("copy");
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const id = button.getAttribute("data-copy");
  const source = document.getElementById(id);
  const status = document.querySelector(`[data-copy-status="${id}"]`);
  if (!source) return;
  let copied = false;
  try {
    copied = await copyText(source);
  } catch (error) {
    copied = false;
  }
  if (!copied) selectText(source);
  if (status) status.textContent = copied ? "Copied." : "Selected: press Ctrl+C to copy.";
});
