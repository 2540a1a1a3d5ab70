/* M-Resalat's service worker (resalat_core/web/pwa.py serves it at /sw.js).
   Static files: cache first (their addresses name their content). Pages: network first, and the
   copy saved when the member last opened the page when the network fails, else the offline page.
   Saved are only GET pages made for a signed-in member (with the member's own cookies), never a
   POST's answer nor the API; they are dropped at sign-out and when another member signs in. */
"use strict";

var VERSION = {{ version|tojson }};
var SHELL_CACHE = "shell-" + VERSION;
var PAGES_CACHE = "pages";
var SHELL = {{ shell|tojson }};
var OFFLINE_URL = {{ offline_url|tojson }};
var LOGOUT_URL = {{ logout_url|tojson }};
var VIEWER_KEY = "/__viewer__";
var MAX_PAGES = 60;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) {
      return cache.addAll(SHELL.concat([OFFLINE_URL]));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("shell-") === 0 && name !== SHELL_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function clearPages() {
  return caches.delete(PAGES_CACHE);
}

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "signed-out") {
    event.waitUntil(clearPages());
  }
});

function viewerOf(html) {
  var found = /data-viewer="([0-9a-f]*)"/.exec(html);
  return found ? found[1] : "";
}

function titleOf(html) {
  var found = /<title>([\s\S]*?)<\/title>/.exec(html);
  return found ? found[1].replace(/\s+/g, " ").trim() : "";
}

/* Keep a copy of a page made for a signed-in member, marked with when it was saved. */
function savePage(request, response) {
  return response.text().then(function (html) {
    var viewer = viewerOf(html);
    if (!viewer) return null;
    var savedAt = new Date().toISOString();
    var marked = html.replace('data-saved-at=""', 'data-saved-at="' + savedAt + '"');
    return caches.open(PAGES_CACHE).then(function (cache) {
      return cache.match(VIEWER_KEY).then(function (known) {
        return known ? known.text() : "";
      }).then(function (knownViewer) {
        if (knownViewer && knownViewer !== viewer) {
          // Another member signed in on this phone: the first one's pages go.
          return clearPages().then(function () { return caches.open(PAGES_CACHE); });
        }
        return cache;
      });
    }).then(function (cache) {
      var headers = new Headers({
        "Content-Type": "text/html; charset=utf-8",
        "X-Saved-At": savedAt,
        "X-Title": encodeURIComponent(titleOf(html))
      });
      return Promise.all([
        cache.put(VIEWER_KEY, new Response(viewer)),
        cache.put(request.url, new Response(marked, {headers: headers}))
      ]).then(function () { return trim(cache); });
    });
  });
}

function trim(cache) {
  return cache.keys().then(function (keys) {
    var pages = keys.filter(function (key) { return new URL(key.url).pathname !== VIEWER_KEY; });
    var extra = pages.length - MAX_PAGES;
    return Promise.all(pages.slice(0, Math.max(0, extra)).map(function (key) { return cache.delete(key); }));
  });
}

function fromNetworkFirst(event) {
  var request = event.request;
  return fetch(request).then(function (response) {
    var type = response.headers.get("Content-Type") || "";
    var store = response.headers.get("Cache-Control") || "";
    if (response.status === 200 && type.indexOf("text/html") === 0 && store.indexOf("no-store") < 0) {
      event.waitUntil(savePage(request, response.clone()).catch(function () {}));
    }
    return response;
  }).catch(function () {
    return caches.open(PAGES_CACHE).then(function (cache) {
      return cache.match(request.url);
    }).then(function (saved) {
      return saved || caches.match(OFFLINE_URL, {cacheName: SHELL_CACHE});
    }).then(function (answer) {
      return answer || Response.error();
    });
  });
}

function fromCacheFirst(request) {
  return caches.open(SHELL_CACHE).then(function (cache) {
    // The shell cache holds one version of each file (its name is the release's hash).
    return cache.match(request, {ignoreSearch: true}).then(function (hit) {
      if (hit) return hit;
      return fetch(request).then(function (response) {
        if (response.ok && new URL(request.url).search) cache.put(request, response.clone());
        return response;
      });
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    if (request.mode === "navigate" && url.pathname === LOGOUT_URL) {
      event.waitUntil(clearPages());
    }
    return;  // never answered from, nor kept in, a cache
  }
  if (url.pathname.indexOf("/api/") === 0) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(fromCacheFirst(request));
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fromNetworkFirst(event));
  }
});
