// Print buttons on the monthly report: the page prints fine without this (Ctrl+P).
document.querySelectorAll('[data-print]').forEach(function (el) {
  el.addEventListener('click', function (e) { e.preventDefault(); window.print(); });
});
