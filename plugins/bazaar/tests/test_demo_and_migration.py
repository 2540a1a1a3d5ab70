"""The demo world's market, and the migration that builds M-Bazar's tables and search index."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from resalat_bazaar import demo, services
from resalat_bazaar.models import Booth, Order, Product
from sqlalchemy import inspect, select

from resalat_core.sdk import Base, Member, get_db, is_sqlite, verify_ledger

from .conftest import work

REQUIRED = ("cores", "bazaar")


def test_the_demo_opens_the_cores_booths_with_goods_and_orders(app, monkeypatch):
    # As installed alone: only M-Bazar's part and that of what it requires (cores) are loaded,
    # and there is no loans plugin, whose demo would pay Jafar's feed with his loan.
    runner = app.test_cli_runner()
    monkeypatch.setattr(demo, "module_active", lambda name, subject: name != "loans")
    manager = app.extensions["resalat"].plugins
    every = manager.impls

    def ours(hook: str) -> list:
        return [(name, impl) for name, impl in every(hook) if hook != "resalat_demo" or name in REQUIRED]

    monkeypatch.setattr(manager, "impls", ours)
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output

    with work(app) as s:
        names = set(s.scalars(select(Booth.name)))
        assert {"زعفران سمیعی قائنات", "کاربافی آسی‌پور اردکان", "دام سبک قراجه‌لو"} <= names
        # A booth opened for an active core is linked to it (the cores' demo approves Samiei's).
        assert s.scalar(select(Booth).where(Booth.name == "زعفران سمیعی قائنات")).core is not None
        leader = s.scalar(select(Member).where(Member.mobile == "09120000003"))
        assert s.scalar(select(Booth.id).where(Booth.owner_id == leader.id)) is not None
        statuses = set(s.scalars(select(Order.status)))
        assert {"placed", "accepted", "shipped", "delivered", "completed", "refunded"} <= statuses
        assert s.scalar(select(Product.id).where(Product.title.like("%سرگل%"))) is not None
        assert verify_ledger(s).ok
        found = services.search(s, services.read_search_filters(s, {"q": "زعفران"}), 1, 10)
        assert found.total >= 2


def test_the_migrated_tables_match_the_models_and_the_index_exists(app):
    with app.app_context():
        engine = get_db().engine
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "compare_type": True,
                    "render_as_batch": is_sqlite(engine),
                    "include_name": lambda name, type_, _p: not (type_ == "table" and "_fts" in (name or "")),
                },
            )
            drift = [d for d in compare_metadata(context, Base.metadata) if "bazaar" in repr(d)]
            tables = set(inspect(conn).get_table_names())
    assert drift == []
    assert "bazaar_products_fts" in tables
