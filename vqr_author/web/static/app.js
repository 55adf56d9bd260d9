// The two behaviours the pages need, without a build step: a drop zone for the upload, and panels
// that refresh themselves while work runs in the background (an element with data-poll="URL" is
// replaced by that URL's HTML every second until the new one has no data-poll).
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
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-poll]").forEach(poll);
    document.querySelectorAll(".drop").forEach(function (drop) {
      var input = drop.querySelector("input[type=file]");
      var chosen = drop.querySelector(".chosen");
      input.addEventListener("change", function () {
        chosen.textContent = input.files.length ? "已选择：" + input.files[0].name : "";
      });
      ["dragenter", "dragover"].forEach(function (e) {
        drop.addEventListener(e, function (ev) { ev.preventDefault(); drop.classList.add("over"); });
      });
      ["dragleave", "drop"].forEach(function (e) {
        drop.addEventListener(e, function () { drop.classList.remove("over"); });
      });
      drop.addEventListener("drop", function (ev) {
        ev.preventDefault();
        if (ev.dataTransfer.files.length) {
          input.files = ev.dataTransfer.files;
          input.dispatchEvent(new Event("change"));
        }
      });
    });
  });
})();
