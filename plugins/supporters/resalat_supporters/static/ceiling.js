// The ceiling follows the estimate as it is typed; the "work out" button does the same on the server.
(function () {
  var hint = document.getElementById("ceiling-hint"), out = document.getElementById("ceiling");
  var input = document.getElementById("f-estimate");
  if (!hint || !out || !input) return;
  var ratio = Number(hint.dataset.ratio), cap = Number(hint.dataset.cap);
  var locale = hint.dataset.lang === "fa" ? "fa-IR" : "en-US", unit = hint.dataset.unit;
  function latin(s) {
    return s.replace(/[\u06f0-\u06f9]/g, function (d) { return d.charCodeAt(0) - 0x06f0; })
            .replace(/[\u0660-\u0669]/g, function (d) { return d.charCodeAt(0) - 0x0660; });
  }
  function update() {
    var text = latin(input.value).replace(/[,\u066c\u060c\s]|تومان|tomans?/gi, "").replace("\u066b", ".");
    if (!/^[0-9]+(\.[0-9])?$/.test(text)) { out.textContent = "—"; return; }
    var rials = Math.round(Number(text) * 10);
    var ceiling = Math.min(Math.floor(rials * ratio / 100 / 10) * 10, cap);
    out.textContent = (ceiling / 10).toLocaleString(locale) + " " + unit;
  }
  input.addEventListener("input", update);
})();
