// Suggestions under the header search box. The box is a plain GET form without this file.
(function () {
  "use strict";
  var input = document.getElementById("search-q");
  var list = document.getElementById("search-suggest");
  if (!input || !list || !window.fetch) return;
  var timer = null, last = "", controller = null;

  function clear() { list.innerHTML = ""; list.hidden = true; }

  function show(items) {
    clear();
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      var a = document.createElement("a");
      a.href = input.form.action + "?q=" + encodeURIComponent(item.text);
      a.textContent = item.text;
      if (item.kind === "stall") a.className = "search-suggest-stall";
      li.appendChild(a);
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
  }

  function load() {
    var q = input.value.trim();
    if (q === last) return;
    last = q;
    if (q.length < 2) { clear(); return; }
    if (controller) controller.abort();
    controller = window.AbortController ? new AbortController() : null;
    fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(q), controller ? { signal: controller.signal } : {})
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) { if (input.value.trim() === q) show(data.suggestions || []); })
      .catch(function () {});
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(load, 150); });
  input.addEventListener("keydown", function (e) { if (e.key === "Escape") clear(); });
  document.addEventListener("click", function (e) { if (!input.form.contains(e.target)) clear(); });
})();
