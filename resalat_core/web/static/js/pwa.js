/* Registers the service worker (resalat_core/web/templates/core/sw.js) and shows what it saved:
   the "offline copy" banner on a page served from the phone, and on the offline page the list of
   pages opened before. No inline script anywhere: the page's data-* attributes carry what it needs. */
(function () {
  "use strict";
  var script = document.currentScript;
  var lang = document.documentElement.lang === "en" ? "en" : "fa";

  function when(iso) {
    var locale = lang === "fa" ? "fa-IR-u-ca-persian" : "en-GB";
    try {
      return new Intl.DateTimeFormat(locale, {dateStyle: "medium", timeStyle: "short"}).format(new Date(iso));
    } catch (e) {
      return iso;
    }
  }

  function showSavedBanner() {
    var banner = document.getElementById("offline-copy");
    if (!banner || !banner.dataset.savedAt) return;
    banner.querySelector("time").textContent = when(banner.dataset.savedAt);
    banner.querySelector("time").setAttribute("datetime", banner.dataset.savedAt);
    banner.hidden = false;
  }

  function listSavedPages() {
    var list = document.getElementById("saved-pages");
    if (!list || !window.caches) return;
    caches.open("pages").then(function (cache) {
      return cache.keys().then(function (keys) {
        return Promise.all(keys.map(function (key) {
          return cache.match(key).then(function (saved) { return {url: key.url, saved: saved}; });
        }));
      });
    }).then(function (pages) {
      var shown = 0;
      pages.forEach(function (page) {
        var title = page.saved && page.saved.headers.get("X-Title");
        if (!title) return;
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = page.url;
        link.textContent = decodeURIComponent(title).split(" · ")[0];
        item.appendChild(link);
        var at = page.saved.headers.get("X-Saved-At");
        if (at) {
          var time = document.createElement("time");
          time.setAttribute("datetime", at);
          time.className = "text-body-secondary small ms-2";
          time.textContent = when(at);
          item.appendChild(time);
        }
        list.appendChild(item);
        shown += 1;
      });
      if (shown) {
        list.hidden = false;
        var none = document.getElementById("saved-none");
        if (none) none.hidden = true;
      }
    }).catch(function () {});
  }

  function tellWorkerOnSignOut() {
    var forms = document.querySelectorAll("form[data-signs-out]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function () {
        var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
        if (worker) worker.postMessage({type: "signed-out"});
      });
    });
  }

  function ready() {
    showSavedBanner();
    listSavedPages();
    tellWorkerOnSignOut();
  }

  if ("serviceWorker" in navigator && script && script.dataset.worker) {
    navigator.serviceWorker.register(script.dataset.worker, {scope: "/"}).catch(function () {});
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
