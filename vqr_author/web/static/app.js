// The behaviours the pages need, without a build step: drop zones for the upload (a workbook and
// its photos dropped together go to their own fields), and panels
// that refresh themselves while work runs in the background (an element with data-poll="URL" is
// replaced by that URL's HTML every second until the new one has no data-poll), and the 复制 button
// beside a school's link.
(function () {
  function poll(el) {
    setTimeout(function () {
      fetch(el.dataset.poll, { credentials: "same-origin" }).then(function (r) {
        return r.ok ? r.text() : null;
      }).then(function (html) {
        if (html === null) { poll(el); return; }
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var next = holder.firstElementChild;
        el.replaceWith(next);
        if (next.dataset.poll) poll(next);
      }).catch(function () { poll(el); });
    }, 1000);
  }
  function copy(button) {  // a school's link to the clipboard (the Clipboard API where the page is
    var input = button.parentNode.querySelector("input");  // secure, else the selection's copy)
    function done(ok) {
      button.textContent = ok ? "已复制" : "请按 Ctrl+C 复制";
      setTimeout(function () { button.textContent = "复制"; }, 2000);
    }
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () { done(true); }, function () { done(false); });
    } else {
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      done(ok);
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-poll]").forEach(poll);
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () { copy(button); });
    });
    function put(input, files) {  // a FileList cannot be built directly; a DataTransfer makes one
      var list = new DataTransfer();
      files.forEach(function (f) { list.items.add(f); });
      input.files = list.files;
      input.dispatchEvent(new Event("change"));
    }
    function isPhoto(f) { return /\.(jpe?g|png|gif|bmp)$/i.test(f.name); }
    document.querySelectorAll(".drop").forEach(function (drop) {
      var input = drop.querySelector("input[type=file]");
      var chosen = drop.querySelector(".chosen");
      var form = drop.closest("form");
      var photos = form && input.name === "file" ? form.querySelector("input[name=photos]") : null;
      input.addEventListener("change", function () {
        var n = input.files.length;
        chosen.textContent = n > 1 ? "已选择 " + n + " 个文件" : n ? "已选择：" + input.files[0].name : "";
      });
      ["dragenter", "dragover"].forEach(function (e) {
        drop.addEventListener(e, function (ev) { ev.preventDefault(); drop.classList.add("over"); });
      });
      ["dragleave", "drop"].forEach(function (e) {
        drop.addEventListener(e, function () { drop.classList.remove("over"); });
      });
      drop.addEventListener("drop", function (ev) {
        ev.preventDefault();
        var files = Array.prototype.slice.call(ev.dataTransfer.files);
        if (!files.length) return;
        if (!photos) { put(input, files.slice(0, input.multiple ? files.length : 1)); return; }
        // the workbook (or .zip) and its photos dropped together: each goes to its own field
        var others = files.filter(function (f) { return !isPhoto(f); });
        if (others.length) put(input, others.slice(0, 1));
        if (files.some(isPhoto)) put(photos, files.filter(isPhoto));
      });
    });
  });
})();
