"""The database: one declarative Base with a naming convention, an engine and a session per request."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from flask.globals import _cv_app
from sqlalchemy import BigInteger, DateTime, Integer, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker
from sqlalchemy.pool import NullPool

# Alembic autogenerate compares constraints by name, so every constraint gets a predictable one.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The id of a table that grows with activity (transfers, orders, posts...), and of every column
# that refers to one: 64 bits on PostgreSQL, where a 32-bit serial stops at 2,147,483,647 rows.
# SQLite's INTEGER is already 64 bits, and only ``INTEGER PRIMARY KEY`` is the rowid that numbers
# itself, so SQLite keeps Integer.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    """Every model of the host and of every plugin derives from this."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: DateTime(timezone=False)}


def utcnow() -> datetime:
    """Naive UTC: the one way timestamps are stored, on SQLite and PostgreSQL alike."""
    return datetime.now(UTC).replace(tzinfo=None)


def is_sqlite(url_or_engine: Any) -> bool:
    url = getattr(url_or_engine, "url", url_or_engine)
    return str(url).startswith("sqlite")


POOLERS = ("", "pgbouncer")
DEFAULT_PING_IDLE_SECONDS = 10.0
_CHECKED_IN = "resalat_checked_in"  # the connection record's info key: when it was last returned


def ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Ping a pooled connection on checkout only when it sat idle longer than ``idle_seconds``
    (0: on every checkout, as ``pool_pre_ping`` does).

    A ping is a round trip; on every checkout it is one per request, and behind PgBouncer it only
    reaches the bouncer anyway. A connection used a few seconds ago is alive; one that sat longer
    may have been cut (a server restart, a firewall's idle timeout), and is replaced before it is
    handed out. A connection dropped within the window fails its first query instead, and the
    pool invalidates every connection it opened before that (SQLAlchemy's disconnect handling),
    so the next checkout connects afresh.
    """
    if idle_seconds < 0:
        raise ValueError(f"database_ping_idle_seconds must be 0 or more, not {idle_seconds!r}")

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(_CHECKED_IN)
        if returned is None:
            return  # just connected: nothing to ping
        if idle_seconds and time.monotonic() - returned <= idle_seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            # The pool answers this by dropping the connection and checking out a fresh one.
            raise DisconnectionError(f"the pooled connection is gone: {exc}") from exc
        if not alive:
            raise DisconnectionError("the pooled connection did not answer its ping")


def make_engine(
    url: str, *, pooler: str = "", ping_idle_seconds: float = DEFAULT_PING_IDLE_SECONDS, **kwargs: Any
) -> Engine:
    """An engine tuned for the backend: SQLite gets FKs, WAL, a busy timeout and BEGIN IMMEDIATE.

    ``pooler="pgbouncer"``: PostgreSQL is reached through PgBouncer in transaction mode, where
    each transaction may get another server connection. psycopg then prepares no statements (a
    statement prepared on one server connection is unknown to the next), and the app keeps no
    other session state: ``SET LOCAL`` only, no advisory locks across transactions, no LISTEN, no
    temporary tables (a test checks the code for them).

    ``ping_idle_seconds``: a pooled PostgreSQL connection is pinged on checkout only when it sat
    idle longer than this (0: always); see ``ping_when_idle``.
    """
    if pooler not in POOLERS:
        raise ValueError(f"database_pooler must be one of {POOLERS!r}, not {pooler!r}")
    if is_sqlite(url):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            poolclass=kwargs.pop("poolclass", NullPool),
            **kwargs,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy's "begin" event below issue BEGIN itself.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # Two deferred transactions that both upgrade to writers dead-lock ("database is
            # locked"); taking the write lock up front makes the second one wait instead.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if pooler == "pgbouncer":
        connect_args = dict(kwargs.pop("connect_args", {}))
        connect_args["prepare_threshold"] = None
        kwargs["connect_args"] = connect_args
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        ping_when_idle(engine, float(ping_idle_seconds))
    return engine


def _scope() -> int:
    """One session per app context (as Flask-SQLAlchemy does), so a nested context gets its own
    and its teardown cannot close the outer one's; outside any context, one per thread."""
    ctx = _cv_app.get(None)
    return id(ctx) if ctx is not None else threading.get_ident()


class Database:
    """An engine and a thread-scoped session factory bound to one Flask app."""

    def __init__(
        self, url: str, *, pooler: str = "", ping_idle_seconds: float = DEFAULT_PING_IDLE_SECONDS
    ) -> None:
        self.url = url
        self.engine = make_engine(url, pooler=pooler, ping_idle_seconds=ping_idle_seconds)
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.session = scoped_session(self.session_factory, scopefunc=_scope)

    def remove(self) -> None:
        self.session.remove()

    @contextmanager
    def new_session(self) -> Iterator[Session]:
        """A session of its own, committed on success: for background work and tests."""
        session = self.session_factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.session.remove()
        self.engine.dispose()


def get_db() -> Database:
    return current_app.extensions["resalat"].db


def db_session() -> Session:
    """The current request's (or CLI command's) session."""
    return get_db().session()
