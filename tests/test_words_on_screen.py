"""Every page of the app, read by the personas of the demo world in a real browser at 390 px:
one language on each page, no serious accessibility fault, a layout that fits a phone.

The demo world (every installed plugin's ``resalat_demo``) is loaded, then a visitor and each
persona the installed roles declare walk the same-origin links and GET forms from the home page,
by endpoint: the first address seen of each endpoint is read (so the walk is as long as the app
has kinds of page). Sign-out, the language switch, downloads and the API are left alone; no form
is sent. At the end every GET route that answers with a page must have been read by someone,
unless ``UNREACHED`` says why not.

On a Persian page the visible text, the page title and the ``title``, ``placeholder``,
``aria-label`` and ``alt`` attributes may hold no Latin letter outside ``LATIN_ALLOWED`` and no
Latin digit. On an English page they may hold no Persian letter or digit, except data that is
Persian by nature: a text stored in the database whose row keeps no English twin (a member's
name, a product's title, a note the member typed). A name that has an English twin (a region's,
a product's ``title_en``) must be shown in English, so it is not excused. axe-core (serious and
critical) runs once on each kind of page, in Persian; the phone layout is checked on every page
in both languages."""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from flask import Flask
from sqlalchemy import JSON, String, Text, inspect, select, text

pytestmark = pytest.mark.browser

# Words that are Latin on a Persian page by design: the switch to the other language (written in
# that language so that a reader who cannot read Persian finds it), brand names, if any, and the
# "IR" a Sheba number starts with (the member types it so, as the bank prints it).
LATIN_ALLOWED = frozenset({"English", "IR"})
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
# A person's name masked to each word's first letter ("م*** ا***", as a transfer shows its
# recipient): a stored name, cut short, so data.
MASKED = re.compile(r"[\u0600-\u06ff]\*\*\*")

LATIN_LETTERS = re.compile(r"[A-Za-z][A-Za-z'’.-]*")
LATIN_DIGITS = re.compile(r"[0-9]+")
# Arabic-script letters and Persian/Arabic-Indic digits (U+0600–U+06FF and the presentation forms).
_ARABIC_SCRIPT = "\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff"
PERSIAN = re.compile(f"[{_ARABIC_SCRIPT}]+")
PERSIAN_RUN = re.compile(f"[{_ARABIC_SCRIPT}][{_ARABIC_SCRIPT}\u200c .:]*")

# Links a crawl follows only once: they change the session or leave the pages.
SKIP_PATH = re.compile(
    r"^/(auth/logout|logout|lang/|static/|api/|openapi|healthz|readyz)|\.(pdf|csv|xlsx|zip|png|jpg|svg)$"
)

PHONE = 390  # a phone's width in CSS pixels
SECONDS = 1500  # the whole walk, every persona, both languages, axe: a guard against a hang (5 to 8 minutes)

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
    // A GET form (a search, a filter, a step that asks before it shows) leads to a page too: its
    // address with the fields as they stand.
    for (const form of document.querySelectorAll("form")) {
        if (form.method !== "get") continue;
        const query = new URLSearchParams();
        for (const [name, value] of new FormData(form)) {
            if (typeof value === "string") query.append(name, value);
        }
        const url = new URL(form.action);
        url.search = query.toString();
        links.push(url.href);
    }
    return {texts, links};
}"""


def _latin_offences(text: str) -> list[str]:
    text = SHEBA_LETTERS.sub("", CODE_LETTERS.sub("", text))
    found = [w for w in LATIN_LETTERS.findall(text) if w.strip(".-'’") not in LATIN_ALLOWED]
    found += LATIN_DIGITS.findall(text)
    return found


def _persian_offences(text: str, data: list[str], blob: str) -> list[str]:
    for value in data:  # longest first: a name is excused whole, not a word of it
        if value in text:
            text = text.replace(value, " ")
    text = MASKED.sub(" ", GLOSS.sub(" ", text))
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


# The endpoints of pages that list one's own things.
OWN = re.compile(r"\.(mine|my_\w+)$")

# GET routes that are not pages a reader sees: no words to read, no layout to check.
NOT_PAGES = {
    "static": "style sheets, scripts and fonts",
    "web.health": "the supervisor's liveness probe (JSON)",
    "web.ready": "the load balancer's readiness probe (JSON)",
    "web.set_language": "switches the language and goes back",
    "notifications.open_notification": "marks a notification read and goes to its page",
    "bazaar.photo": "a product's photo",
    "files.show": "a stored file (a picture or a PDF)",
    "files.thumb": "a stored picture's thumbnail",
    "hesam.statement_csv": "a statement as CSV",
    "account.data_json": "a member's own data as a JSON file (a download)",
    "audit.export": "the audit trail as CSV",
    "hesam.payouts_batch": "a withdrawal batch as the bank's CSV",
    "cores.by_code": "the core ID printed on its papers, typed in: goes on to the core's page",
    "pwa.manifest": "the web app manifest (JSON) a phone reads to install the app",
    "pwa.worker": "the service worker's script",
}
# Pages no persona reaches in the demo world, by following links or by the forms ``SCRIPTS``
# sends, each with why.
UNREACHED: dict[str, str] = {
    "pwa.offline": "shown by the service worker when the phone has no connection, never linked: "
    "tests/test_pwa.py reads it offline, in Persian at 390 px",
}


def html_pages(app: Flask) -> set[str]:
    """The endpoint of every GET route of the app that answers with a page (not the API, not a
    file, not a POST-only action): what the walk must have read."""
    found = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint in NOT_PAGES:
            continue
        if rule.endpoint.endswith(".static"):  # a plugin's scripts
            continue
        if rule.rule.startswith("/api/"):
            continue
        found.add(rule.endpoint)
    return found


class Walk:
    """A real browser's walk through the pages one persona sees, by endpoint: the first address
    seen for each endpoint is read, every later one is left (so the walk is as long as the app has
    kinds of page, not as long as the demo has rows)."""

    def __init__(self, page: Any, base: str, app: Flask) -> None:
        self.page, self.base = page, base
        self.adapter = app.url_map.bind("localhost")
        self.visited: dict[str, str] = {}  # endpoint (where the page landed) -> its address
        self.addresses: list[str] = []  # every address read, in order
        self.offences: dict[str, list[str]] = {}
        self.broken: list[str] = []
        self.not_html: set[str] = set()

    def endpoint(self, path: str) -> str | None:
        from werkzeug.exceptions import HTTPException
        from werkzeug.routing import RequestRedirect

        try:
            found, _args = self.adapter.match(path, method="GET")
        except RequestRedirect as redirect:  # "/bazaar" for "/bazaar/"
            return self.endpoint(urlsplit(redirect.new_url).path)
        except HTTPException:
            return None
        return str(found)

    def local(self, href: str) -> str | None:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != self.base or SKIP_PATH.search(parts.path):
            return None
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "next"])
        return parts.path + ("?" + query if query else "")

    def read(self, url: str, check: Any, on_page: Any = None, response: Any = None) -> list[str]:
        """Open ``url``, check its words; returns the links it shows (none if it is no page).

        With ``response``, the page a sent form led to is already open: it is read as it stands
        (a bank's way back is not opened twice)."""
        if response is None:
            try:
                # "load": the style sheets are in, so what CSS hides is not read as shown.
                response = self.page.goto(self.base + url, wait_until="load")
            except Exception as error:  # a download starts instead of a page: not a page
                if "Download is starting" in str(error):
                    return []
                raise
        else:
            self.page.wait_for_load_state("load")
        if response is None:
            return []
        if "text/html" not in (response.headers.get("content-type") or ""):
            self.not_html.add(self.endpoint(urlsplit(url).path) or url)
            return []
        if response.status >= 500:
            self.broken.append(f"{url}: {response.status}")
            return []
        self.addresses.append(url)
        found = self.page.evaluate(_READ_PAGE)
        bad = [f"«{_snippet(t, token)}» ({token})" for t in found["texts"] for token in check(t)]
        if bad:
            self.offences[url] = sorted(set(bad))
        if response.status < 400:
            landed = self.endpoint(urlsplit(self.page.url).path)
            if landed and landed not in self.visited:
                self.visited[landed] = url
                if on_page is not None:
                    on_page(landed, url)
        return list(found["links"])

    def crawl(self, start: Iterable[str], check: Any, on_page: Any, deadline: float, missing: Any) -> bool:
        """Follow links breadth first, one address per endpoint; False if time ran out.

        The first address of an endpoint may be someone else's booth, whose page has no link to
        edit it: while ``missing(visited)`` still names a blueprint with pages nobody read, a few
        more addresses of that blueprint's endpoints are read (the persona's own booth among them).
        """
        queue = list(start)
        seen = {self.endpoint(urlsplit(u).path) or u for u in queue}
        spare: dict[str, str] = {}  # endpoint (of a page with ids) -> its second address seen
        rounds = 3  # the first walk, then twice more with the second addresses
        while rounds:
            rounds -= 1
            while queue:
                if time.monotonic() > deadline:
                    return False
                url = queue.pop(0)
                # A link on a page of one's own things ("my booths") is to one's own booth, whose
                # page has the links to change it: it wins the second place.
                own = OWN.search(self.endpoint(urlsplit(url).path) or "")
                for href in self.read(url, check, on_page):
                    local = self.local(href)
                    endpoint = self.endpoint(urlsplit(local).path) if local else None
                    if local is None or endpoint is None:
                        continue
                    if endpoint not in seen:
                        seen.add(endpoint)
                        queue.append(local)
                    elif "?" in local and (waiting := _waiting(queue, endpoint, self)) is not None:
                        # "/loans/new?product=general" shows more than "/loans/new": a fuller
                        # address of a page not read yet takes its place.
                        queue[waiting] = local
                    elif (
                        (own or endpoint not in spare)
                        and re.search(r"/\d+(/|$)", local)
                        and local not in self.addresses
                    ):
                        spare[endpoint] = local
            wanted = missing(self.visited)
            queue = [url for endpoint, url in spare.items() if endpoint.split(".")[0] in wanted]
            spare = {e: u for e, u in spare.items() if u not in queue}
        return True


def _waiting(queue: list[str], endpoint: str, walk: Walk) -> int | None:
    """Where in ``queue`` the address of ``endpoint`` waits, if it has no query."""
    for at, url in enumerate(queue):
        if "?" not in url and walk.endpoint(urlsplit(url).path) == endpoint:
            return at
    return None


def _send(walk: Walk, click: Any, check: Any, on_page: Any) -> list[str]:
    """Send a form by ``click`` and read the page it leads to, as the walk reads any page."""
    with walk.page.expect_navigation(wait_until="load") as sent:
        click()
    url = walk.local(walk.page.url) or urlsplit(walk.page.url).path
    return walk.read(url, check, on_page, response=sent.value)


def _follow(walk: Walk, links: list[str], endpoint: str, check: Any, on_page: Any) -> None:
    """Read the first of ``links`` that opens ``endpoint``."""
    for href in links:
        local = walk.local(href)
        if local and walk.endpoint(urlsplit(local).path) == endpoint:
            walk.read(local, check, on_page)
            return
    raise AssertionError(f"no link to {endpoint}")


def _member_pays_in_and_sends(walk: Walk, check: Any, on_page: Any) -> None:
    """The member tops the wallet up by card through the test bank, looks at the payment, then
    sends a small transfer to the administrator: confirms it and reads its receipt."""
    from resalat_core.demo import personas

    if walk.endpoint("/hesam/topup") is None:  # the host alone: no wallet pages
        return
    from resalat_hesam.gateways import SANDBOX_CARD

    page = walk.page
    walk.read("/hesam/topup", check, on_page)
    page.fill("#f-amount", "50000")
    _send(walk, page.get_by_test_id("continue").click, check, on_page)  # the amount shown back
    _send(walk, page.get_by_test_id("pay").click, check, on_page)  # the test bank's page
    page.fill("#f-card", SANDBOX_CARD)
    _send(walk, page.get_by_test_id("sandbox-pay").click, check, on_page)  # back from the bank
    _follow(walk, walk.read("/hesam/payments", check, on_page), "hesam.payment", check, on_page)

    admin = next(p.mobile for _, p in personas() if p.key == "admin")
    walk.read("/hesam/transfer", check, on_page)
    page.fill("#f-recipient", admin)
    page.fill("#f-amount", "1000")
    _send(walk, page.get_by_test_id("continue").click, check, on_page)  # to confirm
    _send(walk, page.get_by_test_id("confirm").click, check, on_page)  # the receipt

    # The invitation to review an order she received: one notification among several, which
    # the walk (one address per kind of page) does not all open.
    if walk.endpoint("/notifications/") and walk.endpoint("/supervision/orders/1/review"):
        # Page after page of her inbox (every plugin tells her something), until it is found.
        for number in range(1, 6):
            for href in walk.read(f"/notifications/?page={number}", check, on_page):
                local = walk.local(href)
                if local and walk.endpoint(urlsplit(local).path) == "notifications.open_notification":
                    walk.read(local, check, on_page)
                    if "supervision.order_review" in walk.visited:
                        break
            if "supervision.order_review" in walk.visited:
                break
        # From the order to a product she bought, whose page offers her to review it.
        order = walk.read(walk.visited["supervision.order_review"], check, on_page)
        product = next(
            local
            for href in order
            if (local := walk.local(href)) and walk.endpoint(urlsplit(local).path) == "supervision.product"
        )
        _follow(walk, walk.read(product, check, on_page), "supervision.review_product", check, on_page)


def _officer_looks_up_a_member(walk: Walk, check: Any, on_page: Any) -> None:
    """The credit officer looks up the member of the demo by mobile and reads the report."""
    from resalat_core.demo import personas

    if walk.endpoint("/merat/staff") is None:
        return
    member = next(p.mobile for _, p in personas() if p.key == "member")
    walk.read("/merat/staff", check, on_page)
    walk.page.fill("#f-member", member)
    _send(walk, walk.page.get_by_test_id("look-up").click, check, on_page)


# Pages only a sent form leads to: each persona concerned sends it once in each language (the
# walk itself sends no form), then the pages it led to are read by the same rules.
SCRIPTS = {"member": _member_pays_in_and_sends, "credit_officer": _officer_looks_up_a_member}


def _centre_core_leader(app: Flask) -> str | None:
    """The mobile of the leader of a core a cooperation centre shared an order with: one of the
    demo's extra people (with the personas' password), the only one who sees that share's page."""
    with app.app_context():
        db = app.extensions["resalat"].db
        with db.new_session() as s:
            if "centers_shares" not in inspect(s.get_bind()).get_table_names():
                return None
            found: str | None = s.scalar(
                text(
                    "SELECT m.mobile FROM centers_shares sh JOIN cores c ON c.id = sh.core_id "
                    "JOIN members m ON m.id = c.leader_id ORDER BY sh.id LIMIT 1"
                )
            )
            return found


def test_every_page_reads_in_one_language_fits_a_phone_and_passes_axe(
    demo_app, live_server, _playwright_browser, backend
):
    """Every persona of the demo world (and a visitor signed out) walks every page it can reach,
    in Persian then in English, at 390 px; together they read every page of the app."""
    from resalat_core.demo import personas
    from resalat_core.testing import axe_violations, layout_problems, sign_in_as_persona

    if backend != "postgresql":
        # What a page says does not depend on the database; one walk (on production's) keeps CI short.
        pytest.skip("the walk runs once, on PostgreSQL")

    with demo_app.app_context():
        people: list[tuple[str, str | None]] = [(p.key, p.mobile) for _, p in personas()]
    people.insert(0, ("visitor", None))
    centre_leader = _centre_core_leader(demo_app)
    if centre_leader is not None:
        people.append(("centre_core_leader", centre_leader))
    data = persian_data(demo_app)
    blob = "\n".join(data)
    pages = html_pages(demo_app) - set(UNREACHED)
    started = time.monotonic()
    deadline = started + SECONDS
    report: list[str] = []
    reached: dict[str, str] = {}  # endpoint -> the first persona that read it
    not_html: set[str] = set()
    checked_axe: set[str] = set()
    read_in_english: set[str] = set()

    for key, mobile in people:
        # A browser context per persona: its own cookies, and a cache for the style sheets.
        context = _playwright_browser.new_context(locale="fa-IR", viewport={"width": PHONE, "height": 800})
        page = context.new_page()

        def on_page(endpoint: str, url: str, lang: str = "fa", key: str = key, page: Any = page) -> None:
            report.extend(f"[{key} {lang}] {url}: {p}" for p in layout_problems(page, PHONE))
            if lang == "fa" and endpoint not in checked_axe:
                # axe once per kind of page, in Persian: its rules read the markup, not the words.
                checked_axe.add(endpoint)
                for v in axe_violations(page):
                    report.append(
                        f"[{key} axe] {url}: {v['impact']} {v['id']} ({v['help']}) at {v['targets']}"
                    )

        try:
            start = ["/"]
            if mobile is None:
                start += ["/auth/login", "/auth/register", "/auth/forgot", "/auth/reset"]
            else:
                sign_in_as_persona(page, live_server, mobile)
            persian = Walk(page, live_server, demo_app)
            finished = persian.crawl(
                start,
                _latin_offences,
                on_page,
                deadline,
                lambda visited: {e.split(".")[0] for e in pages - set(reached) - set(visited)},
            )
            assert finished, f"the walk ran out of its {SECONDS} s as {key}"
            script = SCRIPTS.get(key)
            if script is not None:
                with demo_app.app_context():
                    script(persian, _latin_offences, on_page)
            page.goto(f"{live_server}/lang/en")
            english = Walk(page, live_server, demo_app)
            if script is not None:
                # The same forms sent again in English: what they lead to is read in English here.
                with demo_app.app_context():
                    script(
                        english,
                        lambda text: _persian_offences(text, data, blob),
                        lambda endpoint, url: on_page(endpoint, url, "en"),
                    )
                read_in_english.update(english.visited)
            # The same pages in English, each kind once for all personas: what differs between
            # them is data, and the Persian walk reads every persona's.
            for endpoint, url in persian.visited.items():
                if endpoint in read_in_english:
                    continue
                read_in_english.add(endpoint)
                english.read(url, lambda text: _persian_offences(text, data, blob))
                for p in layout_problems(page, PHONE):
                    report.append(f"[{key} en] {url}: {p}")
        finally:
            context.close()
        for endpoint in persian.visited:
            reached.setdefault(endpoint, key)
        not_html |= persian.not_html
        for lang, walk in (("fa", persian), ("en", english)):
            report.extend(f"[{key} {lang}] {b}" for b in walk.broken)
            for url, bad in walk.offences.items():
                report.append(f"[{key} {lang}] {url}\n      " + "\n      ".join(bad))

    elapsed = time.monotonic() - started
    unreached = sorted(pages - set(reached) - not_html)
    print(f"walked {len(reached)} kinds of page as {len(people)} personas in {elapsed:.0f} s")
    if unreached:
        report.append("no persona reached these pages: " + ", ".join(unreached))
    assert not report, f"{len(report)} problems on the pages:\n" + "\n".join(report)
