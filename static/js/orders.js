// Progressive help for checkout and order pages; everything works without it.
(function () {
  var form = document.querySelector('form.checkout');
  if (form) {
    var province = form.elements.province_code, ward = form.elements.ward_code;
    // Without fetch, or when a request fails, the form goes back to the server as the
    // "Tính phí giao hàng" button sends it: the page comes back with the wards and fees.
    var quote = function () { form.querySelector('button[value="quote"]').click(); };
    var getJSON = function (url) {
      return fetch(url, {credentials: 'same-origin', headers: {Accept: 'application/json'}}).then(function (r) {
        if (!r.ok) { throw new Error(r.status); }
        return r.json();
      });
    };
    var show = function (selector, text) {
      var el = form.querySelector(selector);
      if (el) { el.textContent = text; }
    };
    // Fees and totals for the chosen address, updated in place (a few hundred bytes over 3G).
    var updateFees = function () {
      var query = '?province_code=' + encodeURIComponent(province.value) + '&ward_code=' + encodeURIComponent(ward.value);
      return getJSON(form.dataset.feeUrl + query).then(function (q) {
        q.groups.forEach(function (g) {
          show('[data-fee="' + g.stall_id + '"]', g.shipping_fee);
          show('[data-total="' + g.stall_id + '"]', g.total);
        });
        show('[data-total="all"]', q.total);
        form.elements.expected_total.value = q.expected_total;
      });
    };
    if (window.fetch && province && ward) {
      province.addEventListener('change', function () {
        getJSON(form.dataset.wardsUrl + '?province_code=' + encodeURIComponent(province.value)).then(function (wards) {
          while (ward.options.length > 1) { ward.remove(1); }
          wards.forEach(function (w) { ward.add(new Option(w[1], w[0])); });
          return updateFees();
        }).catch(quote);
      });
      ward.addEventListener('change', function () { updateFees().catch(quote); });
    } else if (province && ward) {
      [province, ward].forEach(function (select) { select.addEventListener('change', quote); });
    }
  }
  // Tapping a payment detail selects it and copies it, ready to paste into the bank app.
  document.querySelectorAll('input.js-copy').forEach(function (input) {
    input.addEventListener('click', function () {
      input.select();
      if (navigator.clipboard) { navigator.clipboard.writeText(input.value).catch(function () {}); }
    });
  });
})();
