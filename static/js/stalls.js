/* Stall form: show only the villages of the chosen commune. Without this script the village
   list shows every village grouped by commune, and the server checks the choice. */
(function () {
  "use strict";
  var commune = document.querySelector("[data-commune-select]");
  var village = document.querySelector("[data-village-select]");
  if (!commune || !village) { return; }

  // Keep every village option aside, then rebuild the list for the chosen commune: hiding
  // <option>s is not honoured by every phone browser, removing them is.
  var placeholder = village.querySelector("option[value='']");
  var all = Array.prototype.slice.call(village.querySelectorAll("option[data-commune]"));

  function refresh() {
    var chosen = commune.value;
    var current = village.value;
    while (village.firstChild) { village.removeChild(village.firstChild); }
    if (placeholder) { village.appendChild(placeholder); }
    all.forEach(function (option) {
      if (option.getAttribute("data-commune") === chosen) { village.appendChild(option); }
    });
    village.value = current;
    if (village.value !== current) { village.value = ""; }
    village.disabled = !chosen;
  }

  commune.addEventListener("change", refresh);
  refresh();
  // A disabled select is not submitted; enable it again before sending.
  village.form.addEventListener("submit", function () { village.disabled = false; });
})();
