"""bench/generate at a tiny scale: the ledger verifies, the counts match, the app opens its pages on it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from resalat_core.testing import PG_ENV

ROOT = Path(__file__).resolve().parent.parent
SCALE = 0.0005  # 500 members, 25 cores, 500 products, 1,000 orders, 100 loans, 2,500 transfers

pytestmark = pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"{PG_ENV} is not set (PostgreSQL only)")


@pytest.fixture
def scale_url() -> object:
    """A database of its own beside the test database: the generator drops and creates it."""
    base = make_url(os.environ[PG_ENV])
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    name = f"{base.database}_{worker}_generate" if worker else f"{base.database}_generate"
    url = base.set(database=name).render_as_string(hide_password=False)
    yield url
    admin = base.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_generate_tiny(scale_url: str) -> None:
    done = subprocess.run(  # noqa: S603 (this repository's own script)
        [
            sys.executable,
            str(ROOT / "bench" / "generate.py"),
            "--database-url",
            scale_url,
            "--replace",
            "--scale",
            str(SCALE),
            "--verify",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["verify"]["ok"], result["verify"]["problems"]
    sizes = result["sizes"]
    assert sizes == {
        "members": 500,
        "cores": 25,
        "products": 500,
        "orders": 1000,
        "loans": 100,
        "transfers": 2500,
    }

    pg = make_url(scale_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(pg) as conn:

        def count(sql: str) -> int:
            return int(conn.execute(sql).fetchone()[0])  # type: ignore[index]

        assert count("SELECT count(*) FROM members") == sizes["members"]
        assert count("SELECT count(*) FROM cores") == sizes["cores"]
        assert count("SELECT count(*) FROM bazaar_products") == sizes["products"]
        assert count("SELECT count(*) FROM bazaar_products_fts") == sizes["products"]
        assert count("SELECT count(*) FROM bazaar_orders") == sizes["orders"]
        assert count("SELECT count(*) FROM loans_loans") == sizes["loans"]
        assert count("SELECT count(*) FROM wallet_transfers") == sizes["transfers"]
        assert count("SELECT count(*) FROM wallet_entries") == 2 * sizes["transfers"]
        # Every state the pages know, a schedule for every loan paid out, orders paid in full.
        assert count("SELECT count(DISTINCT status) FROM bazaar_orders") == 6
        assert count("SELECT count(DISTINCT status) FROM loans_loans") == 5
        assert (
            count(
                "SELECT count(*) FROM loans_loans l WHERE status IN ('disbursed', 'repaid') AND "
                "(SELECT sum(principal) FROM loans_instalments i WHERE i.loan_id = l.id) <> l.amount"
            )
            == 0
        )
        assert (
            count(
                "SELECT count(*) FROM bazaar_orders o WHERE total <> "
                "(SELECT sum(unit_price * quantity) FROM bazaar_order_items i WHERE i.order_id = o.id)"
            )
            == 0
        )
        # Every leader is a member; no account below zero; the indexes are back.
        assert (
            count("SELECT count(*) FROM cores c LEFT JOIN members m ON m.id = c.leader_id WHERE m.id IS NULL")
            == 0
        )
        assert (
            count(
                "SELECT count(*) FROM wallet_entries WHERE balance_after < 0 AND account_id IN "
                "(SELECT id FROM wallet_accounts WHERE non_negative)"
            )
            == 0
        )
        assert count("SELECT count(*) FROM pg_indexes WHERE tablename = 'wallet_transfers'") >= 5

    _pages_open(scale_url, result)


def _pages_open(url: str, result: dict[str, object]) -> None:
    """A generated member signs in with the documented password and opens the pages; the app can
    add rows after the generated ones (its sequences are past them)."""
    from resalat_core.app import create_app
    from resalat_core.sdk import Registration, national_code_with_check_digit, register_member
    from resalat_core.testing import ResalatClient, test_config

    app = create_app(test_config(url))
    app.test_client_class = ResalatClient
    try:
        client = app.test_client()
        answer = client.form(  # type: ignore[attr-defined]
            "/auth/login", {"identifier": result["mobile_of_member_1"], "password": result["password"]}
        )
        assert answer.status_code in (302, 303), answer.get_data(as_text=True)[:500]
        for path in ("/", "/bazaar/?q=زعفران", "/bazaar/products/2", "/hesam/"):
            page = client.get(path)
            assert page.status_code == 200, (path, page.status_code)
        # The generated search index is the app's own: words, prefixes and the filters' columns.
        for query in ("q=زعفران", "q=زعفر", "q=زعفران&region=zanjan"):
            found = client.get(f"/api/v1/bazaar/search?{query}").get_json()
            assert found["items"], query
        with app.app_context():
            db = app.extensions["resalat"].db
            with db.new_session() as s:
                member = register_member(
                    s,
                    Registration(
                        national_code=national_code_with_check_digit("987654321"),
                        mobile="09350000001",
                        name="عضو تازه",
                        region="zanjan/zanjan",
                        password="a-new-pass-1404",  # noqa: S106 (a throwaway database)
                    ),
                )
                assert member.id > 500
                s.rollback()
    finally:
        app.extensions["resalat"].db.dispose()
