// Progressive help for the add-to-cart form, checkout and order pages; everything works without it.
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
    // Only the latest choice's answer counts: over 3G an earlier answer may arrive last.
    var asked = 0;
    var updateFees = function () {
      var query = '?province_code=' + encodeURIComponent(province.value) + '&ward_code=' + encodeURIComponent(ward.value);
      var mine = ++asked;
      return getJSON(form.dataset.feeUrl + query).then(function (q) {
        if (mine !== asked) { return; }
        q.groups.forEach(function (g) {
          show('[data-fee="' + g.stall_id + '"]', g.shipping_fee);
          show('[data-total="' + g.stall_id + '"]', g.total);
        });
        show('[data-total="all"]', q.total);
        form.elements.expected_total.value = q.expected_total;
      });
    };
    var askedWards = 0;  // the same for the ward lists of a province chosen, then changed
    if (window.fetch && province && ward) {
      province.addEventListener('change', function () {
        var mine = ++askedWards;
        getJSON(form.dataset.wardsUrl + '?province_code=' + encodeURIComponent(province.value)).then(function (wards) {
          if (mine !== askedWards) { return; }
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
  // "Thêm vào giỏ" adds without leaving the product page: one small request over 3G instead of
  // a redirect and the whole page again. Without fetch, or if no answer comes, the form posts
  // as usual. Refusals (too much, an expired page) come as JSON with the message to show.
  document.querySelectorAll('form.add-to-cart').forEach(function (addForm) {
    if (!window.fetch || !window.URLSearchParams) { return; }
    addForm.addEventListener('submit', function (event) {
      event.preventDefault();
      var button = addForm.querySelector('button[type="submit"]');
      button.disabled = true;
      fetch(addForm.action, {method: 'POST', credentials: 'same-origin', headers: {Accept: 'application/json'},
                             body: new URLSearchParams(new FormData(addForm))}).then(function (r) {
        return r.json().then(function (answer) { return {ok: r.ok, answer: answer}; });
      }).then(function (result) {
        button.disabled = false;
        var note = addForm.querySelector('.flash') || document.createElement('p');
        note.className = 'flash flash-' + (result.ok ? 'success' : 'error');
        note.setAttribute('role', result.ok ? 'status' : 'alert');
        note.textContent = result.answer.message || result.answer.error.message;
        addForm.insertBefore(note, addForm.firstChild);
        var link = document.querySelector('a[data-cart]');
        if (link && result.answer.count) {
          var count = link.querySelector('.count') || link.appendChild(document.createElement('span'));
          count.className = 'count';
          count.textContent = result.answer.count;
          count.setAttribute('aria-label', result.answer.count_label);
        }
      }).catch(function () { addForm.submit(); });
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
