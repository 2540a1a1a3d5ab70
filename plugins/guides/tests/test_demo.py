"""The demo: the Zanjan guide's pipeline, Jafar Gharajehlou's breed-improvement story, a national link."""

from __future__ import annotations

from types import SimpleNamespace

from resalat_cores import services as cores
from resalat_guides import hooks, services
from resalat_guides.models import Advice, Candidate, CoreLink
from sqlalchemy import func, select

from resalat_core.sdk import Member, get_region


def test_the_demo_gives_the_zanjan_guide_a_pipeline_and_jafars_story(app, db):
    runner = app.test_cli_runner()

    with app.app_context():
        loaded = runner.invoke(args=["demo"])

    assert loaded.exit_code == 0, loaded.output
    with db() as s:
        guide = s.scalar(select(Member).where(Member.mobile == "09120000005"))
        jafar = s.scalar(select(Candidate).where(Candidate.mobile == "09120000003"))
        statuses = dict(s.execute(select(Candidate.status, func.count()).group_by(Candidate.status)).all())
        advice = list(
            s.scalars(select(Advice).where(Advice.candidate_id == jafar.id).order_by(Advice.advised_on))
        )
        core = s.get(cores.Core, jafar.core_id)
        link = s.scalar(select(CoreLink).order_by(CoreLink.id).limit(1))  # ours: later plugins may add links
        board = services.dashboard(s, services.scope_of(s, guide))
        story = (
            jafar.status,
            jafar.guide_id == guide.id,
            core.name,
            core.status,
            core.approved_by_id == guide.id,  # the Zanjan guide persona issued its core ID
            [a.text.split(":")[0] for a in advice][:1],
            "قوچ افشاری" in advice[0].text,
        )
        linked = (link.source.field.code, link.target.field.code, link.target.region.code, link.status)

    assert story == (
        "core_registered",
        True,
        "هسته‌ی دام سبک جعفر قراجه‌لو",  # the cores demo's core, linked rather than made twice
        "active",
        True,
        ["دیدار در گرگ‌تپه"],
        True,
    )
    assert len(advice) == 3
    assert statuses == {"identified": 2, "advised": 1, "core_registered": 2, "dropped": 1}
    assert linked == ("livestock", "hand_weaving", "yazd/ardakan", "pending")
    assert board.candidates_total == 6 and board.follow_ups and board.pending_links.total == 1

    # The rows at size: two more of every list, the new candidates first in the order of work.
    from resalat_core.testing import demo_world

    with db() as s:
        hooks.resalat_demo_rows(session=s, world=demo_world(s), rows=2)
    with db() as s:
        scope = services.scope_of(s, s.scalar(select(Member).where(Member.mobile == "09120000005")))
        board = services.dashboard(s, scope)
        listed = services.list_candidates(s, scope).items
        jafar = s.scalar(select(Candidate).where(Candidate.mobile == "09120000003"))
        grown = (
            board.candidates_total,
            board.pending_links.total,
            services.advice_of(s, jafar).total,
            [c.status for c in listed[:2]],
            [len(services.history_of(s, c)) for c in listed[:2]],
            [services.advice_of(s, c).total for c in listed[:2]],
        )
    assert grown == (8, 3, 5, ["identified"] * 2, [1, 1], [1, 1])


def test_the_guides_demo_stands_alone_when_the_cores_demo_made_nothing(app, db, make_member):
    ids = {
        "guide": make_member("guide", region="zanjan/zanjan"),
        "core_leader": make_member(region="zanjan/gorg-tappeh", name="جعفر قراجه‌لو"),
        "member": make_member(region="zanjan/gorg-tappeh", name="مریم احمدی"),
    }

    with db() as s:
        world = SimpleNamespace(
            members={key: s.get(Member, member_id) for key, member_id in ids.items()},
            extras={},
            region=lambda code: get_region(s, code),
        )
        hooks.resalat_demo(session=s, world=world)

    with db() as s:
        jafar = s.scalar(select(Candidate).where(Candidate.member_id == ids["core_leader"]))
        core = s.get(cores.Core, jafar.core_id)
        made = (jafar.status, core.status, core.leader_id)
        assert made == ("core_registered", "active", ids["core_leader"])
        assert s.scalar(select(func.count(CoreLink.id))) == 0  # no cores to link: no link, no error
        assert s.scalar(select(func.count(Candidate.id))) == 6
