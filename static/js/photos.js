/* Downscale photos on the phone before upload: a 4 MB camera photo becomes a ~300 KB JPEG of
   at most 1600 px, which matters on 3G. Applies to <input type=file data-downscale="1600">.
   Without this script (or on an old browser) the original files are sent and the server
   resizes them; nothing depends on it. */
(function () {
  "use strict";
  var QUALITY = 0.85;
  if (!window.HTMLCanvasElement || !window.DataTransfer || !window.Promise) { return; }
  try { new DataTransfer(); } catch (e) { return; }

  function decode(file) {
    // createImageBitmap applies the EXIF orientation, so portrait photos stay upright.
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" }).catch(function () {
        return decodeWithImage(file);
      });
    }
    return decodeWithImage(file);
  }

  function decodeWithImage(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () { URL.revokeObjectURL(url); resolve(img); };
      img.onerror = function () { URL.revokeObjectURL(url); reject(new Error("decode")); };
      img.src = url;
    });
  }

  function shrink(file, maxSide) {
    if (!/^image\/(jpeg|png|webp)$/.test(file.type)) { return Promise.resolve(file); }
    return decode(file).then(function (image) {
      var w = image.width, h = image.height;
      var scale = Math.min(1, maxSide / Math.max(w, h));
      if (scale === 1 && file.size < 1024 * 1024) { return file; }
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(h * scale);
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff";  // transparent PNGs become white, as on the server
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) { resolve(file); return; }
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          resolve(new File([blob], name, { type: "image/jpeg", lastModified: Date.now() }));
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });  // undecodable here: let the server decide
  }

  function setBusy(input, busy) {
    var form = input.form;
    var buttons = form ? form.querySelectorAll("button[type=submit]") : [];
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = busy; });
    var note = input.parentNode.querySelector(".photo-busy");
    if (busy && !note && input.getAttribute("data-busy")) {
      note = document.createElement("small");
      note.className = "hint photo-busy";
      note.setAttribute("role", "status");
      note.textContent = input.getAttribute("data-busy");
      input.parentNode.insertBefore(note, input.nextSibling);
    } else if (!busy && note) {
      note.parentNode.removeChild(note);
    }
  }

  function onChange(event) {
    var input = event.target;
    var maxSide = parseInt(input.getAttribute("data-downscale"), 10) || 1600;
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length) { return; }
    input.removeAttribute("data-downscaled");
    setBusy(input, true);
    Promise.all(files.map(function (f) { return shrink(f, maxSide); })).then(function (smaller) {
      var transfer = new DataTransfer();
      smaller.forEach(function (f) { transfer.items.add(f); });
      input.files = transfer.files;  // assigning files fires no "change": no loop
      input.setAttribute("data-downscaled", "1");
      setBusy(input, false);
    }, function () { setBusy(input, false); });
  }

  Array.prototype.forEach.call(document.querySelectorAll("input[type=file][data-downscale]"), function (input) {
    input.addEventListener("change", onChange);
  });
})();
