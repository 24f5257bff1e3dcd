// "Print with the discussion" works without JavaScript: the link targets a note, and the
// print stylesheet then prints the discussion. With JavaScript the link also opens the
// browser's print dialog once the note is the target.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-print]");
  if (!link) {
    return;
  }
  window.setTimeout(() => window.print(), 0);
});
