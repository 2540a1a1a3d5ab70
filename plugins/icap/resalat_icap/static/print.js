// The print button prints the note (a file, not an inline handler: the pages' policy runs no inline script).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
