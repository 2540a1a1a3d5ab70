"""The deposits plugin in the wider app: the tile, Merat's signal, dashboard figures, the demo, migrations."""

from __future__ import annotations

from types import SimpleNamespace

from resalat_deposits import hooks, services
from resalat_deposits.models import PointsMovement
from sqlalchemy import select

from resalat_core.sdk import Member, find_member

from .conftest import days

M = 10_000_000


def signals(app, db, member_id: int) -> list:
    with db() as s:
        member = s.get(Member, member_id)
        hook = app.extensions["resalat"].plugins.pm.hook.resalat_credit_signals
        return [x for answer in hook(member=member) for x in (answer or []) if x.source == "deposits"]


def test_merat_hears_the_deposit_average_in_rials_only_when_above_zero(app, db, funded, history, t0):
    member = funded(5 * M)
    assert signals(app, db, member) == []
    history(member, [(t0 - days(400), 40 * M)])
    (signal,) = signals(app, db, member)
    assert (signal.kind, signal.value) == ("deposit_average", 40 * M)


def test_the_home_tile_shows_the_balance(client_as, db, history, t0):
    client = client_as()
    history(client.member_id, [(t0 - days(10), 2 * M)])
    html = client.get("/").get_data(as_text=True)
    assert "/deposits/" in html and "۲٬۰۰۰٬۰۰۰ تومان" in html


def test_dashboard_figures_count_deposits_and_depositors(app, funded, history, t0):
    history(funded(), [(t0, 3 * M)])
    history(funded(), [(t0, 4 * M)])
    funded(9 * M)  # money in the main account is not a deposit
    with app.app_context():
        figures = {f.label_en: f.value for f in hooks.resalat_stats()}
    assert figures["Qard al-Hasan deposits"] == 7 * M // 10
    assert figures["Qard al-Hasan depositors"] == 2


def test_the_demo_gives_the_core_leader_points_for_a_24_month_livestock_loan(app, db, make_member):
    leader = make_member(
        "core_leader", region="zanjan/gorg-tappeh", name="جعفر قراجه‌لو", password=hooks.DEMO_PASSWORD
    )
    with app.test_request_context(), db() as s:
        world = SimpleNamespace(members={"core_leader": s.get(Member, leader)}, extras={})
        hooks.resalat_demo(session=s, world=world)
    with db() as s:
        jafar = s.get(Member, leader)
        p = services.points_of(s, jafar)
        # 350M tomans since 210 days ago, 100M more since 100 days ago, over a 180-day window.
        # (Exact to the second the demo ran; this test reads it a moment later, worth some rials.)
        assert abs(p.average - (350 * M * 180 + 100 * M * 100) // 180) < 100_000
        assert p.received == 50 * M
        # A 300M-toman livestock loan is 66% of his points: 24 months; his whole points: 12.
        assert services.max_term_for(s, jafar, 300 * M) == 24
        assert services.max_term_for(s, jafar, p.available) == 12
        (gift,) = s.scalars(select(PointsMovement).where(PointsMovement.kind == "received"))
        assert (gift.member_id, gift.relation) == (leader, "spouse")
        assert services.balance_of(s, jafar) == 450 * M


def test_resalat_demo_loads_the_deposits_part_with_every_other_plugin(app, db):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with db() as s:
        jafar = find_member(s, "09120000003")
        maryam = find_member(s, "09120000002")
        assert services.points_of(s, jafar).available > 450 * M
        assert services.points_of(s, maryam).average > 0


def test_the_migration_builds_exactly_the_tables_of_the_models(app):
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
