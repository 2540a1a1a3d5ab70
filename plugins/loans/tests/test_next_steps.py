"""Each person's first card on the home page: the introduction waiting for its request, the request
waiting for the officer, the officer's queue, then the next instalment (overdue on top)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from resalat_loans import hooks, services

from resalat_core.sdk import Member

from .conftest import TOMAN


def loans_steps(app: Flask, member_id: int, lang: str = "en") -> list[tuple[Any, ...]]:
    """The loans plugin's own answer (not other plugins'), rendered in ``lang``."""
    with app.test_request_context("/"):
        from flask import session

        session["lang"] = lang
        member = app.extensions["resalat"].db.session.get(Member, member_id)
        steps = hooks.resalat_next_steps(member)
        return [(str(s.title), str(s.text), s.link, s.priority) for s in steps]


def ask(world: Any, intro: int) -> int:
    amount = 120_000_000 * TOMAN
    note = world.note(rials=amount + services.fee_for(amount, 200))
    return world.request(product="livestock", amount=amount, instalments=12, introduction=intro, note=note)


def test_an_accepted_introduction_asks_the_member_to_finish_the_request(app, world):
    intro = world.introduce(200_000_000)

    [(title, text, link, priority)] = loans_steps(app, world.member)

    assert title == "Ask for the loan you were introduced for"
    assert text == "A supporter introduced you for 200,000,000 tomans: finish your request."
    assert link == f"/loans/new?introduction={intro}"
    [(_t, text_fa, _l, _p)] = loans_steps(app, world.member, "fa")
    assert "۲۰۰٬۰۰۰٬۰۰۰ تومان" in text_fa


def test_a_request_waits_for_the_officer_who_sees_it_in_the_queue(app, world, make_member):
    loan_id = ask(world, world.introduce(200_000_000))
    elsewhere = make_member("credit_officer", region="tehran/tehran")

    [(title, text, link, _p)] = loans_steps(app, world.member)
    assert title == "Your loan request is with the credit officer"
    assert text == "120,000,000 tomans asked for; you will be told of the decision."
    assert link == f"/loans/{loan_id}"

    [(title, text, link, priority)] = loans_steps(app, world.officer)
    assert title == "Loan requests waiting for your decision"
    assert (text, link) == ("Requests in your area: 1", "/loans/officer")
    assert priority >= 80
    assert loans_steps(app, elsewhere) == []  # another province's officer has nothing to decide


def test_after_the_decision_the_next_instalment_and_then_its_delay_come_first(app, world):
    loan_id = ask(world, world.introduce(200_000_000))
    assert world.decide(loan_id) == "disbursed"
    first = world.loan(loan_id)["schedule"][0]

    [(title, text, link, on_time)] = loans_steps(app, world.member)
    assert title == "Your next instalment"
    assert text == f"{(first[2] + first[3]) // TOMAN:,} tomans, due on {first[1].isoformat()}"
    assert link == f"/loans/{loan_id}/pay"
    assert loans_steps(app, world.officer) == []  # the queue is empty again

    world.shift(loan_id, 40)
    [(title, _text, _link, late)] = loans_steps(app, world.member)
    assert title == "Your instalment is overdue"
    assert late > on_time

    world.top_up(world.member, 20_000_000)
    world.pay(loan_id, count=1)
    [(_title, text, _link, _p)] = loans_steps(app, world.member)
    second = world.loan(loan_id)["schedule"][1]
    assert f"due on {second[1].isoformat()}" in text


def test_a_member_with_no_loan_business_gets_no_card_for_a_few_queries(app, make_member, count_queries):
    member_id = make_member()

    with app.test_request_context("/"):
        member = app.extensions["resalat"].db.session.get(Member, member_id)
        with count_queries() as q:
            assert hooks.resalat_next_steps(member) == []
    assert q.count <= 4


def test_the_card_comes_before_the_tiles_on_the_members_home_page(world, client_as):
    world.introduce(200_000_000)
    member = client_as()
    member.sign_in(world.member)

    html = member.get("/").get_data(as_text=True)

    assert html.index("برای وامی که معرفی شده‌اید درخواست بدهید") < html.index('data-testid="tiles"')
