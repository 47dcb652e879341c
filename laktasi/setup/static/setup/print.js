// A "Print" button (the page's CSP forbids inline handlers): prints the invitation card.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) { window.print(); }
});
