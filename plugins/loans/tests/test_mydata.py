"""A member's own data in the loans plugin: the loans are in the member's copy, and a request still
waiting or a loan still running stops the member closing the account until it is repaid."""

from __future__ import annotations

import pytest
from resalat_loans import mydata

from resalat_core.sdk import Member, to_persian_digits
from resalat_core.testing import ResalatClient

TOMAN = 10
AMOUNT = 120_000_000 * TOMAN


@pytest.fixture
def requested(world):
    """Jafar's livestock loan request, waiting for the officer: its id."""
    intro = world.introduce()
    return world.request(
        product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=world.note()
    )


def _blockers(app, db, member_id):
    with app.test_request_context(), db() as s:
        return mydata.resalat_closing_blockers(s, s.get(Member, member_id))


def test_a_waiting_request_then_a_running_loan_stop_the_closing_until_repaid(app, db, world, requested):
    number = to_persian_digits(str(requested))
    assert _blockers(app, db, world.member) == [
        f"درخواست وام شماره‌ی {number} شما در انتظار تصمیم است: نخست آن را پس بگیرید."
    ]
    world.decide(requested)
    assert _blockers(app, db, world.member) == [
        f"وام شماره‌ی {number} هنوز جاری است: نخست آن را بازپرداخت کنید."
    ]
    world.top_up(world.member, 200_000_000)
    world.pay(requested, everything=True)
    assert _blockers(app, db, world.member) == []


def test_the_closing_page_says_in_persian_that_the_loan_runs(app, world, requested):
    world.decide(requested)
    app.test_client_class = ResalatClient
    client: ResalatClient = app.test_client()  # type: ignore[assignment]
    html = client.sign_in(world.member).get("/account/close").get_data(as_text=True)
    assert f"وام شماره‌ی {to_persian_digits(str(requested))} هنوز جاری است" in html
    assert 'data-testid="close-form"' not in html


def test_the_loan_is_in_the_members_copy_and_not_in_anothers(app, db, world, requested, make_member):
    stranger = make_member(name="غریبه")
    with app.test_request_context(), db() as s:
        [section] = mydata.resalat_member_data(s, s.get(Member, world.member))
        assert [loan["id"] for loan in section.data["loans"]] == [requested]
        assert section.data["loans"][0]["amount_rials"] == AMOUNT
        assert section.data["loans"][0]["status"] == "requested"
        assert mydata.resalat_member_data(s, s.get(Member, stranger)) == []
