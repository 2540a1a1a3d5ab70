"""Every page each demo persona can reach reads in one language: no English or Latin digit on a
Persian page, no untranslated Persian on an English one.

The demo world (every installed plugin's ``resalat_demo``) is loaded, then a real browser signs in
as each persona the installed roles declare and walks the same-origin links from the home page and
the navigation (GET only, bounded; sign-out, the language switch, downloads and the API are left
alone). On a Persian page the visible text, the page title and the ``title``, ``placeholder``,
``aria-label`` and ``alt`` attributes may hold no Latin letter outside ``LATIN_ALLOWED`` and no
Latin digit. On an English page they may hold no Persian letter or digit, except data that is
Persian by nature: a text stored in the database whose row keeps no English twin (a member's
name, a product's title, a note the member typed). A name that has an English twin (a region's,
a product's ``title_en``) must be shown in English, so it is not excused.
"""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from flask import Flask
from sqlalchemy import JSON, String, Text, select

pytestmark = pytest.mark.browser

# Words that are Latin on a Persian page by design: the switch to the other language (written in
# that language so that a reader who cannot read Persian finds it) and brand names, if any.
LATIN_ALLOWED = frozenset({"English"})
# The same switch on an English page.
PERSIAN_ALLOWED = frozenset({"فارسی"})
# A core ID's letters (province and field, as printed on the core's papers: ZNJ-LIVESTOCK-۰۰۰۰۰۱)
# are part of the identifier; its digits still follow the language.
CODE_LETTERS = re.compile(r"\b[A-Z]{2,4}-[A-Z_]+-(?=[0-9\u06f0-\u06f9])")
# A Sheba number (an IBAN) begins with its country's letters, IR, as every bank prints it; its 24
# digits still follow the language.
SHEBA_LETTERS = re.compile(r"\bIR(?=[0-9\u06f0-\u06f9]{24})")
# A legal term glossed in Persian right after its English words, as the paper shows it:
# "On demand (عندالمطالبه)". Only a parenthesis of Persian letters after a Latin word.
GLOSS = re.compile(r"(?<=[A-Za-z]) \([\u0600-\u06ff\u200c ]+\)")

LATIN_LETTERS = re.compile(r"[A-Za-z][A-Za-z'’.-]*")
LATIN_DIGITS = re.compile(r"[0-9]+")
# Arabic-script letters and Persian/Arabic-Indic digits (U+0600–U+06FF and the presentation forms).
_ARABIC_SCRIPT = "\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff"
PERSIAN = re.compile(f"[{_ARABIC_SCRIPT}]+")
PERSIAN_RUN = re.compile(f"[{_ARABIC_SCRIPT}][{_ARABIC_SCRIPT}\u200c .:]*")

# Links a crawl follows only once: they change the session or leave the pages.
SKIP_PATH = re.compile(
    r"^/(auth/logout|logout|lang/|static/|api/|openapi|healthz)|\.(pdf|csv|xlsx|zip|png|jpg|svg)$"
)

PAGES_PER_PERSONA = 30  # per language: every kind of page a persona reaches in the demo
PER_SHAPE = 1  # pages whose paths differ only in ids (/bazaar/product/3, /4, ...) visited at most
SECONDS = 300  # the whole crawl, both languages, every persona: a bound for CI on two cores
AT_LEAST = 8  # pages each persona must have read in each language, however slow the machine

_READ_PAGE = """() => {
    const texts = [document.title, document.body ? document.body.innerText : ""];
    for (const el of document.querySelectorAll("[title], [placeholder], [aria-label], img[alt]")) {
        for (const name of ["title", "placeholder", "aria-label", "alt"]) {
            const value = el.getAttribute(name);
            if (value) texts.push(value);
        }
    }
    const links = [];
    for (const a of document.querySelectorAll("a[href]")) {
        if (a.hasAttribute("download")) continue;
        links.push(a.href);
    }
    return {texts, links};
}"""


def _shape(path: str, query: str) -> str:
    """A page's shape: its path with ids as ``#`` and its query's names (not values)."""
    keys = sorted({k for k, _ in parse_qsl(query, keep_blank_values=True)})
    return re.sub(r"\d+", "#", path) + ("?" + "&".join(keys) if keys else "")


def _latin_offences(text: str) -> list[str]:
    text = SHEBA_LETTERS.sub("", CODE_LETTERS.sub("", text))
    found = [w for w in LATIN_LETTERS.findall(text) if w.strip(".-'’") not in LATIN_ALLOWED]
    found += LATIN_DIGITS.findall(text)
    return found


def _persian_offences(text: str, data: list[str], blob: str) -> list[str]:
    for value in data:  # longest first: a name is excused whole, not a word of it
        if value in text:
            text = text.replace(value, " ")
    text = GLOSS.sub(" ", text)
    # What is left may still be data cut short (a note's first words and "..."): a run of Persian
    # words found as it is inside a stored text is data.
    found: list[str] = []
    for run in PERSIAN_RUN.findall(text):
        run = run.strip(" .:")
        if run in PERSIAN_ALLOWED or (len(run) > 3 and run in blob):
            continue
        found += PERSIAN.findall(run)
    return found


def _snippet(text: str, token: str) -> str:
    at = text.find(token)
    start = max(0, at - 30)
    return " ".join(text[start : at + len(token) + 30].split())


def persian_data(app: Flask) -> list[str]:
    """Texts stored in the database that are Persian by nature: in a row with no English twin.

    A column ``x_fa`` whose row has a non-empty ``x_en`` is a name the reader of English must see
    in English, so it is not data to excuse. JSON columns (a notification's parameters) give
    their string leaves. Longest first.
    """
    from resalat_core.db import Base

    found: set[str] = set()

    def leaves(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from leaves(v)
        elif isinstance(value, list):
            for v in value:
                yield from leaves(v)

    db = app.extensions["resalat"].db
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
            if not columns:
                continue
            names = {c.name for c in table.columns}
            for row in conn.execute(select(*columns)).mappings():
                for column in columns:
                    twin = column.name[:-3] + "_en" if column.name.endswith("_fa") else None
                    if twin in names and row.get(twin):
                        continue
                    for text in leaves(row[column.name]):
                        if PERSIAN.search(text):
                            found.update(part.strip() for part in text.splitlines() if part.strip())
    return sorted(found, key=len, reverse=True)


class Crawl:
    """One persona's walk in one language; ``offences`` maps a page to what it shows wrongly."""

    def __init__(self, page: Any, base: str, deadline: float) -> None:
        self.page, self.base, self.deadline = page, base, deadline
        self.offences: dict[str, list[str]] = {}
        self.visited: list[str] = []
        self.broken: list[str] = []
        self.cut = 0  # pages left unread when its time ran out

    def _local(self, href: str) -> str | None:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != self.base or SKIP_PATH.search(parts.path):
            return None
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "next"])
        return parts.path + ("?" + query if query else "")

    def walk(self, start: Iterable[str], check: Any, *, follow: bool = True) -> None:
        queue = list(start)
        seen: set[str] = set(queue)
        shapes: dict[str, int] = {}
        while queue and len(self.visited) < PAGES_PER_PERSONA:
            if time.monotonic() > self.deadline:
                self.cut = len(queue)
                break
            url = queue.pop(0)
            parts = urlsplit(url)
            shape = _shape(parts.path, parts.query)
            if follow and shapes.get(shape, 0) >= PER_SHAPE:
                continue
            shapes[shape] = shapes.get(shape, 0) + 1
            try:
                # "load": the style sheets are in, so what CSS hides is not read as shown.
                response = self.page.goto(self.base + url, wait_until="load")
            except Exception as error:  # a download starts instead of a page: not a page
                if "Download is starting" in str(error):
                    continue
                raise
            if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                continue
            if response.status >= 500:
                self.broken.append(f"{url}: {response.status}")
                continue
            self.visited.append(url)
            found = self.page.evaluate(_READ_PAGE)
            bad = [f"«{_snippet(t, token)}» ({token})" for t in found["texts"] for token in check(t)]
            if bad:
                self.offences[url] = sorted(set(bad))
            for href in found["links"] if follow else ():
                local = self._local(href)
                if local and local not in seen:
                    seen.add(local)
                    queue.append(local)


@pytest.fixture
def demo_app(app: Flask) -> Flask:
    from resalat_core.demo import load_demo

    with app.app_context():
        session = app.extensions["resalat"].db.session
        load_demo(app, session)
        session.commit()
        app.extensions["resalat"].db.session.remove()
    return app


def _sign_in(page: Any, base: str, mobile: str) -> None:
    from resalat_core.demo import DEMO_PASSWORD

    page.goto(f"{base}/auth/login")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state("domcontentloaded")
    assert "/auth/login" not in page.url, f"{mobile} could not sign in"


def test_every_persona_reads_one_language_on_every_page(demo_app, live_server, _playwright_browser, backend):
    from resalat_core.demo import personas

    if backend != "postgresql":
        # What a page says does not depend on the database; one walk (on production's) keeps CI short.
        pytest.skip("the walk runs once, on PostgreSQL")

    with demo_app.app_context():
        people = {p.mobile: p for _, p in personas()}
    data = persian_data(demo_app)
    blob = "\n".join(data)
    # The host alone (CI's plugins-alone run) has only its own few pages to show; with any installed
    # plugin each persona must reach at least AT_LEAST pages, or the walk proved nothing.
    least = AT_LEAST if any(r.distribution for r in demo_app.extensions["resalat"].plugins.loaded) else 1
    started = time.monotonic()
    report: list[str] = []
    cut: list[str] = []
    # One browser context for everyone (its cache keeps the style sheets and the font between
    # pages); each persona signs in on cleared cookies and has an equal share of the time.
    context = _playwright_browser.new_context(locale="fa-IR", viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        for n, (mobile, persona) in enumerate(people.items(), start=1):
            share = started + SECONDS * n / len(people)
            context.clear_cookies()
            _sign_in(page, live_server, mobile)
            persian = Crawl(page, live_server, share - (share - time.monotonic()) / 3)
            persian.walk(["/"], _latin_offences)
            page.goto(f"{live_server}/lang/en")
            english = Crawl(page, live_server, share)
            # The same pages in English: the links are the same, so none is followed again.
            english.walk(persian.visited, lambda text: _persian_offences(text, data, blob), follow=False)
            for lang, crawl in (("fa", persian), ("en", english)):
                assert len(crawl.visited) >= min(least, len(persian.visited)), (
                    f"{persona.key} read only {len(crawl.visited)} pages in {lang}"
                )
                if crawl.cut:
                    cut.append(f"{persona.key} {lang}: {crawl.cut} pages left")
                report += [f"[{persona.key} {lang}] {b}" for b in crawl.broken]
                for url, bad in crawl.offences.items():
                    report.append(f"[{persona.key} {lang}] {url}\n      " + "\n      ".join(bad))
            assert len(persian.visited) >= least, f"{persona.key} reached almost no page from home"
    finally:
        context.close()
    if cut:  # a slow machine reads fewer pages, never for longer
        warnings.warn("the crawl ran out of time: " + "; ".join(cut), stacklevel=1)
    assert not report, f"{len(report)} pages in the wrong language:\n" + "\n".join(report)
