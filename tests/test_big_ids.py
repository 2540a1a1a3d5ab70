"""Tables that grow with activity have 64-bit ids, and the migrations widen them without losing rows."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import BigInteger, text
from sqlalchemy.engine import make_url

from resalat_core import migrate, testing
from resalat_core.app import create_app
from resalat_core.db import Base, BigId

# What grows per member per day, as issue 18 names it and the survey of every model found; a
# table that grows only with the number of members, cores or products keeps 32 bits.
# The host's own: present whatever is installed.
HOST_GROWING = {
    "wallet_transfers",
    "wallet_entries",
    "audit_entries",
    "sms_outbox",
    "form_submissions",
    "idempotency_records",
    "login_attempts",
    "password_resets",
    "api_tokens",
    "stored_files",
}
GROWING = HOST_GROWING | {
    "wallet_transfers",
    "wallet_entries",
    "audit_entries",
    "notifications",
    "sms_outbox",
    "form_submissions",
    "idempotency_records",
    "login_attempts",
    "password_resets",
    "api_tokens",
    "stored_files",
    "bazaar_orders",
    "bazaar_order_items",
    "bazaar_order_events",
    "bazaar_order_payments",
    "bazaar_checkouts",
    "bazaar_cart_items",
    "aghsat_purchases",
    "aghsat_instalments",
    "aghsat_payments",
    "loans_loans",
    "loans_events",
    "loans_instalments",
    "loans_payments",
    "loans_guarantees",
    "rasan_posts",
    "rasan_hashtags",
    "rasan_post_photos",
    "rasan_likes",
    "rasan_comments",
    "rasan_follows",
    "rasan_reports",
    "stm_consignments",
    "stm_shipments",
    "stm_shipment_events",
    "vouchers_vouchers",
    "vouchers_uses",
    "paylater_debts",
    "group_orders_purchases",
    "group_orders_shares",
    "group_orders_share_changes",
    "group_orders_bulk_orders",
    "group_orders_bulk_parts",
    "counseling_bookings",
    "counseling_notes",
    "deposits_points_movements",
    "hesam_card_payments",
    "hesam_sandbox_payments",
    "hesam_withdrawals",
    "merat_scores",
    "merat_score_lines",
    "merat_requests",
    "merat_profile_changes",
    "campaigns_donations",
    "supporters_actions",
    "supporters_introduction_events",
    "supervision_reviews",
    "supervision_reports",
    "supervision_report_actions",
    "bimeh_policies",
    "bimeh_insured",
    "bimeh_premiums",
    "bimeh_claims",
    "bimeh_claim_files",
    "centers_orders",
    "centers_shares",
    "centers_deliveries",
    "icap_notes",
    "icap_guarantors",
    "icap_endorsements",
    "icap_status_changes",
}

BEYOND_32_BITS = 2**31 + 7


@pytest.fixture(scope="module", autouse=True)
def every_plugins_models() -> None:
    """Plugins' models join ``Base.metadata`` when an app loads them."""
    create_app(testing.test_config("sqlite://"))


def is_big(column: Any) -> bool:
    return isinstance(column.type, BigInteger)


def installed() -> set[str]:
    """The growing tables of what is installed (the host alone, in its own run, has only its own)."""
    return GROWING & set(Base.metadata.tables)


def test_every_growing_table_has_a_64_bit_id() -> None:
    assert set(Base.metadata.tables) >= HOST_GROWING, HOST_GROWING - set(Base.metadata.tables)
    narrow = sorted(name for name in installed() if not is_big(Base.metadata.tables[name].c.id))
    assert narrow == []


def test_every_column_that_refers_to_a_64_bit_id_is_64_bits() -> None:
    narrow = [
        f"{fk.parent.table.name}.{fk.parent.name} -> {fk.target_fullname}"
        for table in Base.metadata.tables.values()
        for fk in table.foreign_keys
        if is_big(fk.column) and not is_big(fk.parent)
    ]
    assert narrow == []


def test_sqlite_keeps_its_rowid_ids() -> None:
    # BIGINT PRIMARY KEY is not SQLite's rowid and would not number itself.
    from sqlalchemy.dialects import sqlite

    assert BigId.dialect_impl(sqlite.dialect()).__class__.__name__ == "Integer"


# --- the migrations on PostgreSQL ---------------------------------------------------------------


@pytest.fixture
def pg_app() -> Iterator[Flask]:
    """An app on a new, empty PostgreSQL database of its own."""
    server_url = os.environ.get(testing.PG_ENV)
    if not server_url:
        pytest.skip(f"{testing.PG_ENV} is not set")
    libpq = make_url(server_url).set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"resalat_bigid_{secrets.token_hex(6)}"
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    app = create_app(testing.test_config(make_url(server_url).set(database=name).render_as_string(False)))
    try:
        yield app
    finally:
        app.extensions["resalat"].db.dispose()
        with psycopg.connect(libpq, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def widening_revisions(app: Flask) -> list[Any]:
    """Every migration that widens ids (it names them in ``COLUMNS``), host and plugins."""
    script = ScriptDirectory.from_config(migrate.alembic_config(app))
    return [rev for rev in script.walk_revisions() if hasattr(rev.module, "COLUMNS")]


def test_upgrading_widens_the_ids_and_keeps_the_rows(pg_app: Flask) -> None:
    revisions = widening_revisions(pg_app)
    assert any(rev.revision == "c0de0000a00a" for rev in revisions)
    # The database as it was before: every branch just below its widening migration.
    for rev in revisions:
        migrate.upgrade(pg_app, rev.down_revision)
    widened = {
        (table, column)
        for rev in revisions
        for table, names in rev.module.COLUMNS.items()
        for column in names
    }
    # The audit trail was 64 bits from its first migration.
    assert {(table, "id") for table in installed() - {"audit_entries"}} <= widened

    engine = pg_app.extensions["resalat"].db.engine
    with engine.begin() as conn:
        assert types_of(conn, widened) == {"integer"}
        accounts = conn.execute(
            text(
                "INSERT INTO wallet_accounts (code, kind, non_negative, posted, pending_debits, "
                "pending_credits, created_at) VALUES ('t:a', 'system', false, 0, 0, 0, now()), "
                "('t:b', 'system', false, 0, 0, 0, now()) RETURNING id"
            )
        ).scalars()
        debit, credit = list(accounts)
        before = insert_transfer(conn, debit, credit, "before")

    migrate.upgrade(pg_app)

    with engine.begin() as conn:
        assert types_of(conn, widened | {("audit_entries", "id")}) == {"bigint"}
        assert sequence_types(conn, widened) == {"bigint"}
        # The row written before is still there, with its entry.
        assert one(conn, "SELECT key FROM wallet_transfers WHERE id = :id", id=before) == "before"
        assert one(conn, "SELECT count(*) FROM wallet_entries WHERE transfer_id = :id", id=before) == 1
        # A sequence past 2**31 keeps numbering, and the entries refer to such ids.
        for table in ("wallet_transfers", "wallet_entries"):
            one(conn, "SELECT setval(pg_get_serial_sequence(:t, 'id'), :n)", t=table, n=BEYOND_32_BITS)
        after = insert_transfer(conn, debit, credit, "after")
        assert after > BEYOND_32_BITS
        assert one(conn, "SELECT id FROM wallet_entries WHERE transfer_id = :id", id=after) > BEYOND_32_BITS

    assert migrate.schema_drift(pg_app) == []


def insert_transfer(conn: Any, debit: int, credit: int, key: str) -> int:
    transfer_id = conn.execute(
        text(
            "INSERT INTO wallet_transfers (key, fingerprint, debit_account_id, credit_account_id, amount, "
            "purpose, state, created_at) VALUES (:key, 'f', :debit, :credit, 10, 'test', 'posted', now()) "
            "RETURNING id"
        ),
        {"key": key, "debit": debit, "credit": credit},
    ).scalar_one()
    conn.execute(
        text(
            "INSERT INTO wallet_entries (transfer_id, account_id, amount, balance_after, created_at) "
            "VALUES (:transfer, :account, 10, 10, now())"
        ),
        {"transfer": transfer_id, "account": credit},
    )
    return int(transfer_id)


def one(conn: Any, sql: str, **params: Any) -> Any:
    return conn.execute(text(sql), params).scalar()


def types_of(conn: Any, columns: set[tuple[str, str]]) -> set[str]:
    rows = conn.execute(text("SELECT table_name, column_name, data_type FROM information_schema.columns"))
    found = {(table, column): data_type for table, column, data_type in rows}
    assert columns <= set(found), columns - set(found)
    return {found[key] for key in columns}


def sequence_types(conn: Any, columns: set[tuple[str, str]]) -> set[str]:
    types = set()
    for table, column in columns:
        sequence = one(conn, "SELECT pg_get_serial_sequence(:t, :c)", t=table, c=column)
        if sequence:
            sql = "SELECT format_type(seqtypid, NULL) FROM pg_sequence WHERE seqrelid = CAST(:s AS regclass)"
            types.add(one(conn, sql, s=sequence))
    return types


# --- ids in URLs ------------------------------------------------------------------------------------

BEYOND_64_BITS = 2**64 + 1


def get_routes_with_one_id(app: Flask) -> list[tuple[str, str]]:
    """(rule, argument) of every GET route whose only argument is an ``<int:...>``."""
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or len(rule.arguments) != 1:
            continue
        (name,) = rule.arguments
        if type(rule._converters[name]).__name__ == "RowIdConverter":
            found.append((rule.rule, name))
    return sorted(found)


def test_an_id_beyond_64_bits_or_beyond_a_tables_32_is_not_found_never_a_500(
    app: Flask, client_as: Any, api_as: Any
) -> None:
    routes = get_routes_with_one_id(app)
    if not routes:
        pytest.skip("no page or operation takes an id here (the host alone)")
    page, api = client_as("admin"), api_as("admin")
    answers = {}
    for rule, name in routes:
        who = api if rule.startswith("/api/") else page
        for value in (BEYOND_64_BITS, BEYOND_32_BITS):
            # PROPAGATE_EXCEPTIONS is on in tests: a 500 would raise here.
            status = who.get(rule.replace(f"<int:{name}>", str(value))).status_code
            answers[(rule, value)] = status
    assert max(answers.values()) < 500
    assert {answers[(rule, BEYOND_64_BITS)] for rule, _name in routes} == {404}
    # Tables of both widths, from the API and the pages.
    assert answers[("/api/v1/rasan/posts/<int:post_id>", BEYOND_32_BITS)] == 404
    assert answers[("/api/v1/hesam/accounts/<int:account_id>/statement", BEYOND_32_BITS)] == 404
