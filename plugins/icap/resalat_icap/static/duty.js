// The duty follows the amount as it is typed; the server computes it again when the note is issued.
(function () {
  var hint = document.getElementById("duty-hint"), out = document.getElementById("duty");
  var input = document.getElementById("f-amount");
  if (!hint || !out || !input) return;
  var rate = Number(hint.dataset.rate), unit = hint.dataset.unit;
  var locale = hint.dataset.lang === "fa" ? "fa-IR" : "en-US";
  function latin(s) {
    return s.replace(/[\u06f0-\u06f9]/g, function (d) { return d.charCodeAt(0) - 0x06f0; })
            .replace(/[\u0660-\u0669]/g, function (d) { return d.charCodeAt(0) - 0x0660; });
  }
  function update() {
    var text = latin(input.value).replace(/[,\u066c\u060c\s]|ریال|rials?/gi, "");
    if (!/^[0-9]+$/.test(text)) { out.textContent = "—"; return; }
    var duty = Math.ceil(Number(text) * rate / 10000);
    out.textContent = duty.toLocaleString(locale) + " " + unit;
  }
  input.addEventListener("input", update);
  update();
})();
