// Progressive help for checkout and order pages; everything works without it.
(function () {
  // Choosing a province reloads the commune/ward list and delivery fees.
  document.querySelectorAll('.js-autosubmit select').forEach(function (select) {
    select.addEventListener('change', function () {
      var button = select.form.querySelector('button[value="quote"]');
      if (button) { button.click(); }
    });
  });
  // Tapping a payment detail selects it and copies it, ready to paste into the bank app.
  document.querySelectorAll('input.js-copy').forEach(function (input) {
    input.addEventListener('click', function () {
      input.select();
      if (navigator.clipboard) { navigator.clipboard.writeText(input.value).catch(function () {}); }
    });
  });
})();
