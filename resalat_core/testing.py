"""pytest fixtures for the host and every plugin (loaded as the ``resalat`` pytest plugin).

Every fixture that touches the database runs twice: on SQLite and, when
``RESALAT_TEST_DATABASE_URL`` is set, on PostgreSQL. Tables are emptied after each test (the
regions stay), and every loaded module starts switched on everywhere.
"""

from __future__ import annotations

import os
import re
import socket
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, current_app, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import event, insert, text

# The demo world found again, and grown: for plugins' tests of their ``resalat_demo_rows``.
from resalat_core.demo import add_demo_rows, demo_world  # noqa: F401

PG_ENV = "RESALAT_TEST_DATABASE_URL"
# Where databases are created and dropped when the app's URL goes through a pooler (PgBouncer in
# transaction mode): the same server reached directly. Unset: the app's URL serves for both.
ADMIN_ENV = "RESALAT_TEST_ADMIN_DATABASE_URL"
REQUIRE_PG_ENV = "RESALAT_REQUIRE_POSTGRES"
PASSWORD = "test-pass-1404"  # noqa: S105 (test members only)
_CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
_ran_on_postgres: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives a real Chromium through Playwright")
    config.addinivalue_line("markers", "sqlite_only: runs on SQLite only")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed and "[postgresql" in report.nodeid:
        _ran_on_postgres.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the controller hears every report and decides
    if os.environ.get(REQUIRE_PG_ENV) and not _ran_on_postgres and exitstatus == 0:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter:
            reporter.write_line(f"FAILED: {REQUIRE_PG_ENV} is set but no test ran on PostgreSQL", red=True)
        session.exitstatus = 1


# --- apps and databases ------------------------------------------------------------------------


BACKENDS_ENV = "RESALAT_TEST_BACKENDS"


def _backends() -> list[Any]:
    """SQLite and PostgreSQL, or those named in ``RESALAT_TEST_BACKENDS`` (``postgresql``): the
    full run asks the plugins' tests for PostgreSQL only, because each plugin's tests already run
    on SQLite with only it and what it requires installed (``scripts/test-alone``)."""
    pg = pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"{PG_ENV} is not set"),
    )
    chosen = [b.strip() for b in os.environ.get(BACKENDS_ENV, "").split(",") if b.strip()]
    if chosen:
        unknown = set(chosen) - {"sqlite", "postgresql"}
        if unknown:
            raise pytest.UsageError(f"{BACKENDS_ENV}: unknown backends {sorted(unknown)}")
        return [b if b == "sqlite" else pg for b in chosen]
    return ["sqlite", pg]


@pytest.fixture(scope="session")
def _sqlite_path() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="resalat-test-") as tmp:
        yield Path(tmp) / "test.db"


@pytest.fixture(scope="session", params=_backends())
def backend(request: pytest.FixtureRequest) -> str:
    """'sqlite' or 'postgresql': every database test runs on both."""
    return request.param


@pytest.fixture(scope="session")
def database_url(backend: str, _sqlite_path: Path) -> str:
    if backend == "postgresql":
        return _worker_database(os.environ[PG_ENV])
    return f"sqlite:///{_sqlite_path}"


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own (``test_gw0`` ...),
    created beside the configured one, so that parallel workers never share tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = create_engine(make_url(os.environ.get(ADMIN_ENV) or url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def test_config(database_url: str, **overrides: Any) -> dict[str, Any]:
    config = {
        "database_url": database_url,
        "testing": True,
        "secret_key": "test-secret",
        "login_max_failures": 5,
        # Tests that send a hundred payments in a loop are not about the rate limits: theirs are
        # far away; tests/test_ratelimit.py sets its own.
        "ratelimit_money_member": "5000/minute",
        "ratelimit_money_address": "5000/minute",
        "ratelimit_forms_member": "5000/minute",
        "ratelimit_register": "5000/hour",
    }
    config.update(overrides)
    return config


def _reset_schema(app: Flask) -> None:
    """Start each test session from an empty database, then migrate it like production does."""
    from resalat_core.cli.demo import reset_database
    from resalat_core.migrate import upgrade
    from resalat_core.regions.services import load_regions

    with app.app_context():
        reset_database()
        upgrade(app)
        db = app.extensions["resalat"].db
        with db.new_session() as s:
            load_regions(s)


def session_app(database_url: str, extra_plugins: dict[str, Any] | None = None) -> Iterator[Flask]:
    """The app a test session shares, on a freshly migrated database.

    A plugin's ``conftest.py`` that needs test-only plugins beside the installed ones overrides
    the ``_session_app`` fixture with ``yield from session_app(database_url, {"name": plugin})``.
    """
    from resalat_core.app import create_app

    app = create_app(test_config(database_url), extra_plugins=extra_plugins)
    _reset_schema(app)
    yield app
    app.extensions["resalat"].db.dispose()


@pytest.fixture(scope="session")
def _session_app(database_url: str) -> Iterator[Flask]:
    yield from session_app(database_url)


KEEP_TABLES = {"regions", "alembic_version"}
# Tables whose PostgreSQL trigger refuses UPDATE and DELETE: emptied with TRUNCATE.
APPEND_ONLY = {"audit_entries"}
# The identity sequences drawn from since they were last restarted (the regions' stay).
_USED_SEQUENCES = text(
    "SELECT ps.sequencename FROM pg_sequences ps"
    " JOIN pg_class s ON s.relname = ps.sequencename AND s.relkind = 'S'"
    " JOIN pg_namespace n ON n.oid = s.relnamespace AND n.nspname = ps.schemaname"
    " JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i')"
    " JOIN pg_class t ON t.oid = d.refobjid"
    " WHERE ps.schemaname = current_schema() AND ps.last_value IS NOT NULL"
    " AND t.relname NOT IN ('regions', 'alembic_version')"
)


def empty_tables(app: Flask) -> None:
    """Delete every row but the regions, quickly, then switch every loaded module on again.

    On PostgreSQL only the tables holding rows are emptied, with DELETE (TRUNCATE for the
    append-only audit trail, whose trigger refuses DELETE), children first: a
    TRUNCATE makes new files for every table it names (and CASCADE names every table that refers
    to the members), which took a third of a second a test. The sequences drawn from restart.
    """
    from resalat_core.db import Base, is_sqlite
    from resalat_core.plugins.models import ModuleActivation

    db = app.extensions["resalat"].db
    db.session.remove()
    # What the worker keeps between requests (with the member cache on: the snapshot of the module
    # switches, the regions) goes too.
    from resalat_core.web.membercache import forget_kept

    forget_kept(app)
    limiter = app.extensions.get("resalat_ratelimit")
    if limiter is not None:  # the counts of the test before (its members' ids come again)
        limiter.storage.reset()
    tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name not in KEEP_TABLES]
    with db.engine.begin() as conn:
        if is_sqlite(db.engine):
            for table in tables:
                conn.execute(table.delete())
        elif tables:
            probe = " UNION ALL ".join(
                f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")"  # noqa: S608 (the app's own table names)
                for t in tables
            )
            holding = set(conn.execute(text(probe)).scalars())
            for table in tables:
                if table.name in APPEND_ONLY:
                    # Its trigger refuses DELETE (resalat_core/audit); TRUNCATE is no row's
                    # change, and nothing refers to this table.
                    if table.name in holding:
                        conn.execute(text(f'TRUNCATE "{table.name}"'))
                elif table.name in holding:
                    conn.execute(table.delete())
            for sequence in conn.execute(_USED_SEQUENCES).scalars().all():
                conn.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))
        conn.execute(
            insert(ModuleActivation),
            [
                {"module": r.name, "region_id": None, "enabled": True}
                for r in app.extensions["resalat"].plugins.loaded
            ],
        )


@pytest.fixture
def app(_session_app: Flask) -> Iterator[Flask]:
    """The app on a clean database (on SQLite and on PostgreSQL), every module on everywhere."""
    empty_tables(_session_app)
    yield _session_app
    _session_app.extensions["resalat"].db.session.remove()


@pytest.fixture
def make_app(database_url: str, _session_app: Flask) -> Iterator[Callable[..., Flask]]:
    """Build another app on the same (migrated) database, e.g. with extra plugins given in code."""
    from resalat_core.app import create_app

    made: list[Flask] = []

    def factory(*, extra_plugins: dict[str, Any] | None = None, **overrides: Any) -> Flask:
        built = create_app(test_config(database_url, **overrides), extra_plugins=extra_plugins)
        made.append(built)
        return built

    empty_tables(_session_app)
    yield factory
    for built in made:
        built.extensions["resalat"].db.dispose()


@pytest.fixture
def session(app: Flask) -> Iterator[Any]:
    """The app's database session inside an app context."""
    with app.app_context():
        yield app.extensions["resalat"].db.session()


@contextmanager
def work(app: Flask) -> Iterator[Any]:
    """The app context's own session, committed at the end, as a request or a CLI command would.

    Tests arrange and read the world through it between client requests: holding the ``session``
    fixture across requests would keep one SQLite write transaction open and lock them out.
    """
    with app.app_context():
        session = app.extensions["resalat"].db.session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@pytest.fixture
def db(app: Flask) -> Callable[[], Any]:
    """``with db() as s:``: ``work(app)`` as a fixture."""
    return lambda: work(app)


# --- members and clients -----------------------------------------------------------------------

_counter = count(1)


@contextmanager
def _app_session(app: Flask) -> Iterator[Any]:
    """The session of the current app context if the test holds one, else a context of its own.

    Reusing the test's session matters on SQLite: a second session in the same thread would wait
    for the first one's write lock.
    """
    if has_app_context() and current_app._get_current_object() is app:  # type: ignore[attr-defined]
        yield app.extensions["resalat"].db.session()
        return
    with app.app_context():
        yield app.extensions["resalat"].db.session()


@dataclass
class Roles:
    """Build members with roles: ``make_member('guide', region='zanjan')``."""

    app: Flask
    created: list[Any] = field(default_factory=list)

    def __call__(
        self,
        role: str | None = None,
        *,
        region: str = "zanjan/gorg-tappeh",
        role_region: str | None = "__same__",
        kind: str | None = None,
        name: str = "عضو آزمایشی",
        password: str = PASSWORD,
    ) -> Any:
        from resalat_core.identity import national_code_with_check_digit
        from resalat_core.members.services import Registration, grant_role, register_member
        from resalat_core.regions.services import get_region

        n = next(_counter) + os.getpid() % 1000 * 10000
        with _app_session(self.app) as s:
            member = register_member(
                s,
                Registration(
                    national_code=national_code_with_check_digit(f"{n:09d}"),
                    mobile=f"0935{n:07d}",
                    name=name,
                    region=region,
                    password=password,
                ),
            )
            if role and role != "member":
                if role_region == "__same__":
                    where = get_region(s, region)
                    where = where.parent or where  # a role is held in the member's province
                elif role_region is None:
                    where = None
                else:
                    where = get_region(s, role_region)
                if kind is None:
                    # A role held as a kind (a supporter) is held as its first kind unless told.
                    from resalat_core.vocabulary import vocabulary

                    declared = vocabulary().role(role)
                    kind = declared.kinds[0].name if declared and declared.kinds else None
                grant_role(s, member, role, region=where, kind=kind)
            s.commit()
            member_id = member.id
        return member_id


@pytest.fixture
def make_member(app: Flask) -> Roles:
    """A factory: ``make_member('guide', region='zanjan/zanjan')`` returns the new member's id."""
    return Roles(app)


@dataclass(frozen=True)
class Person:
    """A member a test made: who they are and how they sign in."""

    id: int
    mobile: str
    national_code: str
    name: str
    region: str
    password: str = PASSWORD


@pytest.fixture
def person(app: Flask, make_member: Roles) -> Callable[..., Person]:
    """``person("guide", region="zanjan/zanjan")``: a new member (with that role) as a ``Person``.

    Takes ``make_member``'s arguments: ``role_region`` (default: the member's province; None:
    nationwide), ``kind``, ``name``, ``password``.
    """
    from resalat_core.members.models import Member

    def make(role: str | None = None, **kwargs: Any) -> Person:
        member_id = make_member(role, **kwargs)
        with _app_session(app) as s:
            m = s.get(Member, member_id)
            return Person(
                m.id,
                m.mobile,
                m.national_code,
                m.name,
                m.region.code,
                kwargs.get("password", PASSWORD),
            )

    return make


def _member_id(member: Any) -> int:
    return member if isinstance(member, int) else int(member.id)


@pytest.fixture
def top_up(app: Flask) -> Callable[..., Any]:
    """``top_up(member, rials=5_000_000)``: money into the member's main account from the outside
    world (``cash_in``), committed, as an administrator's adjustment; returns the transfer id.

    ``member`` is a ``Person``, a ``Member`` or an id; ``key`` makes the top-up idempotent.
    """
    from resalat_core.members.models import Member
    from resalat_core.wallet import services as ledger

    def give(member: Any, *, rials: int, key: str | None = None) -> int:
        member_id = _member_id(member)
        with _app_session(app) as s:
            target = s.get(Member, member_id)
            done = ledger.transfer(
                s,
                key or f"test-top-up:{member_id}:{next(_counter)}",
                ledger.system_account(s, "cash_in"),
                ledger.main_account(s, target),
                rials,
                "admin_adjustment",
            )
            s.commit()
            return done.id

    return give


class ResalatClient(FlaskClient):
    """A test client that can fill forms with their CSRF token and sign in as a member."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        # What the test wrote through its own session becomes visible to the app (and, on
        # SQLite, the test's transaction stops holding the write lock the request needs).
        if has_app_context() and current_app._get_current_object() is self.application:  # type: ignore[attr-defined]
            self.application.extensions["resalat"].db.session.commit()
        return super().open(*args, **kwargs)

    def csrf_token(self, url: str = "/auth/login") -> str:
        html = self.get(url).get_data(as_text=True)
        match = _CSRF_RE.search(html)
        if not match:
            raise AssertionError(f"no CSRF token on {url}")
        return match.group(1)

    def form(self, url: str, data: dict[str, Any], *, token_from: str | None = None, **kw: Any) -> Any:
        """POST ``data`` to ``url`` as the browser would, with the CSRF token of the form's page."""
        data = dict(data)
        data.setdefault("csrf_token", self.csrf_token(token_from or url))
        return self.post(url, data=data, **kw)

    def sign_in(self, member_id: int) -> ResalatClient:
        from resalat_core.members.models import Member

        with _app_session(self.application) as s:
            user_id = s.get(Member, member_id).get_id()
            s.commit()
        with self.session_transaction() as sess:
            sess["_user_id"] = user_id
            sess["_fresh"] = True
        return self


@pytest.fixture
def client(app: Flask) -> ResalatClient:
    """An anonymous client."""
    app.test_client_class = ResalatClient
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def client_as(app: Flask, make_member: Roles) -> Callable[..., ResalatClient]:
    """``client_as('guide', region='zanjan/zanjan')``: a client signed in as a new member with that role."""

    def factory(role: str | None = None, **kwargs: Any) -> ResalatClient:
        member_id = make_member(role, **kwargs)
        app.test_client_class = ResalatClient
        c: ResalatClient = app.test_client()  # type: ignore[assignment]
        c.member_id = member_id  # type: ignore[attr-defined]
        return c.sign_in(member_id)

    return factory


def token_client(app: Flask, member_id: int) -> ResalatClient:
    """A client of ``app`` (any app, one from ``make_app`` too) that sends a bearer token of the member."""
    from resalat_core.auth.services import issue_token
    from resalat_core.members.models import Member

    with _app_session(app) as s:
        plain, _token = issue_token(s, s.get(Member, member_id), "test")
        s.commit()
    app.test_client_class = ResalatClient
    c: ResalatClient = app.test_client()  # type: ignore[assignment]
    c.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {plain}"
    c.member_id = member_id  # type: ignore[attr-defined]
    return c


@pytest.fixture
def api_as(app: Flask, make_member: Roles) -> Callable[..., ResalatClient]:
    """``api_as('admin')``: a client that sends a bearer token of a new member with that role."""

    def factory(role: str | None = None, **kwargs: Any) -> ResalatClient:
        return token_client(app, make_member(role, **kwargs))

    return factory


@pytest.fixture
def sms_outbox(app: Flask) -> Callable[[str], list[str]]:
    """``sms_outbox("09121234567")``: the texts the ``outbox`` SMS provider kept for that mobile,
    newest first (committed ones: what a request sent)."""
    from sqlalchemy import select

    from resalat_core.sms.models import SmsMessage

    def texts(mobile: str) -> list[str]:
        with _app_session(app) as s:
            rows = s.scalars(
                select(SmsMessage.text)
                .where(SmsMessage.mobile == mobile)
                .order_by(SmsMessage.created_at.desc(), SmsMessage.id.desc())
            )
            return list(rows)

    return texts


# --- measuring ---------------------------------------------------------------------------------


def audit_entries(app: Flask, action: str | None = None) -> list[dict[str, Any]]:
    """The audit trail's entries (of ``action``, or all), oldest first, as plain dicts, for a
    plugin's tests to check what its acts wrote (committed work only)."""
    from sqlalchemy import select

    from resalat_core.audit.models import AuditEntry

    with work(app) as s:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action is not None:
            query = query.where(AuditEntry.action == action)
        return [
            {
                "action": e.action,
                "actor_id": e.actor_id,
                "region_id": e.region_id,
                "subject": e.subject,
                "before": e.before,
                "after": e.after,
            }
            for e in s.scalars(query)
        ]


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def counting_queries(app: Flask) -> Iterator[QueryCounter]:
    """Count the SQL statements the app sends inside the block (transaction control excluded)."""
    engine = app.extensions["resalat"].db.engine
    counter = QueryCounter()

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        head = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
        if head not in {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "PRAGMA"}:
            counter.statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before)


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], Any]:
    """``with count_queries() as q: ...; q.count``: SQL statements sent in the block."""
    return lambda: counting_queries(app)


# --- a real server and a real browser ----------------------------------------------------------


def sign_in_as_persona(page: Any, base: str, mobile: str) -> None:
    """Sign a demo persona in through the login form in a real browser (the demo's password)."""
    from resalat_core.demo import DEMO_PASSWORD

    page.goto(f"{base}/auth/login")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", DEMO_PASSWORD)
    # Wait for the answer's page: on a busy machine the click returns before the browser leaves.
    with page.expect_navigation(wait_until="domcontentloaded"):
        page.locator("form button[type=submit]").last.click()
    assert "/auth/login" not in page.url, f"{mobile} could not sign in"


def load_demo_world(app: Flask) -> Flask:
    """Load the whole demo world (the host's and every installed plugin's part) into ``app``."""
    from resalat_core.demo import load_demo

    with app.app_context():
        session = app.extensions["resalat"].db.session
        load_demo(app, session)
        session.commit()
        app.extensions["resalat"].db.session.remove()
    return app


@pytest.fixture
def demo_app(app: Flask) -> Flask:
    """The app on a clean database with the demo world loaded."""
    return load_demo_world(app)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served on 127.0.0.1 by a real WSGI server in a thread; yields its base URL."""
    from werkzeug.serving import make_server

    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


CHROMIUM = os.environ.get("RESALAT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
]


@pytest.fixture(scope="session")
def _playwright_browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: the test set-up must install Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(_playwright_browser: Any) -> Iterator[Any]:
    """A fresh browser page (phone-sized when ``page.set_viewport_size`` says so)."""
    context = _playwright_browser.new_context(locale="fa-IR")
    pg = context.new_page()
    yield pg
    context.close()


# --- accessibility and phone layout, for every plugin's browser tests ----------------------------

AXE_VERSION = "4.14.1"
AXE_JS = Path(__file__).resolve().parent / "testing_assets" / "axe-core" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
# The rules of WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice")
SERIOUS = ("serious", "critical")


def axe_violations(page: Any, *, impacts: tuple[str, ...] = SERIOUS) -> list[dict[str, Any]]:
    """Run axe-core on the page a Playwright test has open; return the violations of ``impacts``.

    axe is the vendored, pinned build beside this module (checked by its SHA-256), injected into
    the page: nothing is fetched from the internet. Each violation is axe's own record, cut to
    its rule ``id``, ``impact``, ``help`` and the first few offending ``targets``.
    """
    import hashlib

    source = AXE_JS.read_bytes()
    if hashlib.sha256(source).hexdigest() != AXE_SHA256:
        raise AssertionError(f"{AXE_JS} is not the pinned axe-core {AXE_VERSION}")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Evaluated through the browser's debugging protocol: the page's policy, which runs no
        # inline script, would refuse a <script> tag of it.
        page.evaluate(source.decode("utf-8") + "\n;0")
    result = page.evaluate(
        """async (tags) => {
            const found = await window.axe.run(document, {
                runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return found.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
                summary: v.nodes.slice(0, 2).map(n => n.failureSummary || "")}));
        }""",
        list(AXE_TAGS),
    )
    return [v for v in result if v["impact"] in impacts]


def assert_accessible(page: Any, where: str = "") -> None:
    """Fail, naming each rule and element, if axe finds a serious or critical violation."""
    found = axe_violations(page)
    lines = [f"{v['impact']}: {v['id']} ({v['help']}) at {v['targets']} {v['summary']}" for v in found]
    assert not found, f"{where or page.url}:\n" + "\n".join(lines)


def layout_problems(page: Any, width: int) -> list[str]:
    """What breaks a phone layout on the open page: a header on more than one line, a page wider
    than ``width`` (the viewport), a tab bar whose tabs can be neither seen nor scrolled to."""
    found = page.evaluate(
        """(width) => {
            const problems = [];
            const doc = document.documentElement;
            if (doc.scrollWidth > width) {
                // Name the outermost elements that stick out, so a failure says what to fix.
                const out = [...document.body.querySelectorAll("*")].filter(e => {
                    const r = e.getBoundingClientRect();
                    return r.width && (r.right > width + 1 || r.left < -1);
                }).filter(e => {
                    const up = e.parentElement.getBoundingClientRect();
                    return !(up.right > width + 1 || up.left < -1);
                }).slice(0, 3).map(e => {
                    const r = e.getBoundingClientRect();
                    const name = e.tagName.toLowerCase() + (e.className && typeof e.className === "string"
                        ? "." + e.className.trim().split(/\\s+/).join(".") : "");
                    return `${name} [${Math.round(r.left)}, ${Math.round(r.right)}]`
                        + ` "${(e.textContent || "").trim().slice(0, 40)}"`;
                });
                problems.push(`the page is ${doc.scrollWidth}px wide: ${out.join("; ")}`);
            }
            const bar = document.querySelector("nav.navbar-resalat .container");
            if (bar) {
                const items = [...bar.querySelectorAll(".navbar-brand, .nav-item")]
                    .filter(e => e.getClientRects().length);
                const tops = items.map(e => e.getBoundingClientRect());
                const middle = r => (r.top + r.bottom) / 2;
                const first = tops.length ? middle(tops[0]) : 0;
                if (tops.some(r => Math.abs(middle(r) - first) > 6))
                    problems.push("the header wraps onto a second line");
                const height = bar.getBoundingClientRect().height;
                const tallest = Math.max(0, ...tops.map(r => r.height));
                if (height > tallest + 8) problems.push(`the header is ${height}px high`);
            }
            for (const tabs of document.querySelectorAll(".nav-pills, .nav-tabs")) {
                const box = tabs.getBoundingClientRect();
                const scrolls = tabs.scrollWidth > tabs.clientWidth
                    && ["auto", "scroll"].includes(getComputedStyle(tabs).overflowX);
                for (const tab of tabs.querySelectorAll(".nav-link")) {
                    const r = tab.getBoundingClientRect();
                    const seen = r.left >= box.left - 1 && r.right <= box.right + 1
                        && r.left >= -1 && r.right <= width + 1;
                    if (!seen && !scrolls) problems.push(`the tab "${tab.textContent.trim()}" is hidden`);
                }
            }
            return problems;
        }""",
        width,
    )
    return list(found)
