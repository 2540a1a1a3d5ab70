"""The leaders plugin in the wider app: tiles, dashboard figures, the demo world, and migrations."""

from __future__ import annotations

import re
from types import SimpleNamespace

from resalat_leaders import demo, hooks, services
from resalat_leaders.models import SocialGuarantee, TalentIntroduction, TradeIntroduction
from sqlalchemy import select

from resalat_core.sdk import Member, find_member, get_db, get_region, ids_under


def tile_urls(html: str) -> list[str]:
    return re.findall(r'<a class="tile" href="([^"]+)" data-testid="tile"', html)


def test_a_leader_gets_her_desk_tile_and_every_member_their_guarantees_tile(
    ghaderi, client_as, arbab_member, sign
):
    member = client_as(region="sistan-baluchestan/arbab")

    assert {"/leaders/", "/leaders/mine"} <= set(tile_urls(ghaderi.get("/").get_data(as_text=True)))
    plain = member.get("/").get_data(as_text=True)
    assert "/leaders/mine" in tile_urls(plain) and "/leaders/" not in tile_urls(plain)


def test_the_guarantees_tile_counts_what_vouches_for_the_member(
    db, app, ghaderi, client_as, sign, identity_of
):
    member = client_as(region="sistan-baluchestan/arbab")
    sign(ghaderi.member_id, identity_of(member.member_id).mobile)
    sign(ghaderi.member_id, identity_of(member.member_id).mobile)

    with db() as s, app.test_request_context("/"):
        from flask_login import login_user

        me = s.get(Member, member.member_id)
        login_user(me)
        (tile,) = [t for t in hooks.resalat_tiles(member=me) if t.url == "/leaders/mine"]

    assert tile.badge == 2


def test_the_dashboard_counts_active_guarantees_and_their_sum(db, app, ghaderi, arbab_member, sign, long_ago):
    sign(ghaderi.member_id, arbab_member().mobile, "10,000,000")
    sign(ghaderi.member_id, arbab_member().mobile, "5,000,000")
    sign(ghaderi.member_id, arbab_member().mobile, "7,000,000", valid_until=long_ago, on=long_ago)

    with app.test_request_context():  # labels read in the reader's language (Persian by default)
        s = get_db().session
        count, total = hooks.resalat_stats(session=s, area=None)
        assert (str(count.label), count.value) == ("ضمانت‌های اجتماعی فعال", 2)
        assert (total.value, total.money) == (150_000_000, True)  # rials
        elsewhere = hooks.resalat_stats(session=s, area=ids_under(s, [get_region(s, "zanjan")]))
        assert [f.value for f in elsewhere] == [0, 0]


def test_the_demo_gives_ghaderi_talents_baluchi_needlework_and_guarantees(db, make_member, signals_of):
    # The demo signs with the personas' documented password, as Ms. Ghaderi would.
    leader = make_member(
        "social_leader", region="sistan-baluchestan/arbab", name="فاطمه قادری", password=demo.DEMO_PASSWORD
    )

    with db() as s:
        # What the host's demo hands each plugin: its personas, and extras to share.
        world = SimpleNamespace(members={"social_leader": s.get(Member, leader)}, extras={})
        hooks.resalat_demo(session=s, world=world)

    with db() as s:
        talents = list(s.scalars(select(TalentIntroduction)))
        (trade,) = s.scalars(select(TradeIntroduction))
        guarantees = list(s.scalars(select(SocialGuarantee)))
        assert len(talents) == 3 and all(t.leader_id == leader for t in talents)
        assert (trade.name, trade.households) == ("سوزن‌دوزی بلوچ", 40)
        assert len(guarantees) == 2
        assert services.active_total(s, s.get(Member, leader)) == 800_000_000
        tailor = guarantees[0].member_id
    assert [x.value for x in signals_of(tailor)] == [500_000_000]
    assert world.extras["leaders"]["trade"].name == "سوزن‌دوزی بلوچ"

    # The rows at size: two more makers, each introduced and vouched for, and two more trades.
    with db() as s:
        world.members = {"social_leader": s.get(Member, leader)}
        hooks.resalat_demo_rows(session=s, world=world, rows=2)
    with db() as s:
        ghaderi = s.get(Member, leader)
        area = services.community_of(s, ghaderi)
        talents = list(s.scalars(services.talents_query(area)))
        trades = list(s.scalars(services.trades_query(area)))
        signed = list(s.scalars(services.signed_query(s, ghaderi)))
        makers = [t.member for t in talents[:2]]
        assert (len(talents), len(trades), len(signed)) == (5, 3, 4)
        assert {g.member_id for g in signed[:2]} == {m.id for m in makers}
        assert all(m.region.code == "sistan-baluchestan/arbab" for m in makers)
        assert services.active_total(s, ghaderi) == 800_000_000 + 2 * 200_000_000


def test_resalat_demo_loads_the_leaders_part_with_every_other_plugin(app, db):
    result = app.test_cli_runner().invoke(args=["demo"])

    assert result.exit_code == 0, result.output
    with db() as s:
        ghaderi = find_member(s, "09120000004")
        tailor = find_member(s, "09150000401")
        assert services.active_total(s, ghaderi) == 800_000_000
        assert [x.value for x in services.credit_signals(s, tailor)] == [500_000_000]
        assert s.scalar(select(TradeIntroduction.name)) == "سوزن‌دوزی بلوچ"


def test_the_migration_builds_exactly_the_tables_of_the_models(app):
    result = app.test_cli_runner().invoke(args=["db", "check"])

    assert result.exit_code == 0, result.output
