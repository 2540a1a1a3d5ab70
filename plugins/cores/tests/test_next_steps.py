"""A core's leader finds their cores first on the home page, the most urgent one on top."""

from __future__ import annotations

from typing import Any

from flask import Flask
from resalat_cores import hooks, services
from resalat_cores.models import Core

from resalat_core.sdk import Member
from resalat_core.testing import work


def cores_steps(app: Flask, member_id: int, lang: str = "en") -> list[tuple[Any, ...]]:
    """The cores plugin's own answer (not other plugins'), rendered in ``lang``."""
    with app.test_request_context("/"):
        from flask import session

        session["lang"] = lang
        member = app.extensions["resalat"].db.session.get(Member, member_id)
        return [(str(s.title), str(s.text), s.link, s.priority) for s in hooks.resalat_next_steps(member)]


def test_a_leader_sees_a_suspended_core_first_then_the_one_waiting_then_the_active_one(
    app, make_member, new_core
):
    admin = make_member("admin", region="zanjan/zanjan")
    leader = make_member()
    active = new_core(leader, name="هسته‌ی دام سبک", approve_by=admin)
    waiting = new_core(leader, name="هسته‌ی قالی‌بافی")
    suspended = new_core(leader, name="هسته‌ی لبنیات", approve_by=admin)
    with work(app) as s:
        services.set_status(
            s, s.get(Core, suspended), "suspended", actor=s.get(Member, admin), reason="بازدید نشد"
        )

    steps = cores_steps(app, leader)

    assert [link for _t, _x, link, _p in steps] == [
        f"/cores/{suspended}",
        f"/cores/{waiting}",
        f"/cores/{active}/members",
    ]
    assert steps[0][:2] == (
        "Your core is suspended",
        "هسته‌ی لبنیات: read why on its page and talk to the guide of your area.",
    )
    assert steps[1][0] == "Your core is waiting for approval"
    assert steps[2][0] == "Your core: هسته‌ی دام سبک"
    assert steps[0][3] > steps[1][3] > steps[2][3]


def test_a_member_who_leads_no_core_gets_no_card_for_one_query(app, make_member, new_core, count_queries):
    new_core(make_member())  # someone else's core
    member_id = make_member()

    with app.test_request_context("/"):
        member = app.extensions["resalat"].db.session.get(Member, member_id)
        with count_queries() as q:
            assert hooks.resalat_next_steps(member) == []
    assert q.count == 1


def test_at_most_three_cards_however_many_cores(app, make_member, new_core):
    leader = make_member()
    for _ in range(5):
        new_core(leader)

    assert len(cores_steps(app, leader)) == 3


def test_the_leaders_home_page_opens_with_the_core_waiting(client_as, new_core):
    leader = client_as()
    core = new_core(leader.member_id, name="هسته‌ی قالی‌بافی")

    html = leader.get("/").get_data(as_text=True)

    assert "هسته‌ی شما در انتظار تأیید است" in html
    assert html.index(f'href="/cores/{core}"') < html.index('data-testid="tiles"')
