// The checklist and the instalments follow the form as it is filled in: the server works them out
// again (?part=standing) and the list is swapped in place; without script, "Check again" does it.
(function () {
  var form = document.getElementById("request-form");
  if (!form || !window.fetch) return;
  var timer = null, asked = 0;
  function refresh() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && name !== "action") params.append(name, value);
    });
    var mine = ++asked;
    fetch(form.dataset.standing + "&" + params.toString(), {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null || mine !== asked) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("standing");
        var now = document.getElementById("standing");
        if (fresh && now) now.replaceWith(fresh);
      })
      .catch(function () {});
  }
  function later() { clearTimeout(timer); timer = setTimeout(refresh, 350); }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
