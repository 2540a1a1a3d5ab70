"""The whole road: from a credit supporter's introduction to the last instalment, on both databases."""

from __future__ import annotations

from resalat_icap import services as icap
from resalat_loans import services
from resalat_merat import services as merat
from resalat_supporters import services as supporters

from resalat_core.sdk import Member

TOMAN = 10


def test_from_introduction_to_the_last_instalment(world, shop, buy, notifications, db):
    # A credit supporter introduces Jafar for a light-livestock loan; Jafar accepts.
    intro = world.introduce(200_000_000)
    # Jafar issues an iCAP note covering the loan and its fee, and asks for the loan.
    amount = 120_000_000 * TOMAN
    fee = services.fee_for(amount, 200)
    assert fee == amount * 2 // 100  # 2%, fixed once
    note = world.note(rials=amount + fee)
    loan_id = world.request(product="livestock", amount=amount, instalments=12, introduction=intro, note=note)
    with db() as s:
        loan = s.get(services.Loan, loan_id)
        assert loan.status == "requested"
        assert loan.score_value is not None  # scored in Merat for this request
        assert s.get(icap.Note, note).status == "pledged"
        assert s.get(supporters.Introduction, intro).status == "requested"
        assert merat.current_score(s, s.get(Member, world.member)).id == loan.score_id
        loan_score, loan_rating = loan.score_value, loan.score_rating
    world.verify()

    # The Zanjan credit officer approves: the money lands in an earmarked account, not cash.
    main_before = world.balance(world.member)
    assert world.decide(loan_id, approve=True, reason="طرح دام سبک تأیید شد") == "disbursed"
    state = world.loan(loan_id)
    assert world.balance(account_id=state["account_id"]) == amount
    assert world.balance(world.member) == main_before
    with db() as s:
        # The supporter's introduction followed the loan through its events, step by step.
        introduction = s.get(supporters.Introduction, intro)
        assert [e.status for e in introduction.events] == [
            "awaiting",
            "introduced",
            "scored",
            "requested",
            "approved",
            "disbursed",
        ]
        assert introduction.events[2].params == {"score": loan_score, "rating": loan_rating}
        assert {e.params["loan"] for e in introduction.events[3:]} == {loan_id}
    assert "loan.disbursed" in notifications(world.member)
    schedule = state["schedule"]
    assert len(schedule) == 12
    assert sum(p for _s, _d, p, _f, _p in schedule) == amount
    assert sum(f for _s, _d, _p, f, _p in schedule) == fee
    world.verify()

    # Jafar buys ewes in M-Bazar with the loan's money.
    goods = shop()
    buy(world.member, [(goods["ewe"], 4)], state["account_id"])
    assert world.balance(account_id=state["account_id"]) == amount - 4 * 15_000_000 * TOMAN
    world.verify()

    # He pays: the first two on time; then the calendar runs on and the third is overdue (the
    # test moves the unpaid due dates back instead of waiting): buckets move, no extra charge.
    world.top_up(world.member, 200_000_000)
    total_owed = amount + fee
    paid_before = world.balance(world.member)
    for _ in range(2):
        world.pay(loan_id)
    today = services.today()
    world.shift(loan_id, (world.loan(loan_id)["schedule"][2][1] - today).days + 5)
    world.run_due(today)
    assert world.loan(loan_id)["bucket"] == "1-30"
    world.shift(loan_id, 35)
    world.run_due(today)
    assert world.loan(loan_id)["bucket"] == "31-60"
    assert "loan.overdue" in notifications(world.member)
    # Both overdue instalments (the third, 40 days late, and the fourth) at once: late, not dearer.
    world.pay(loan_id, count=2)
    world.run_due(today)
    assert world.loan(loan_id)["bucket"] == "current"
    # The rest early, in one go: no discount and no charge.
    world.pay(loan_id, everything=True)
    assert paid_before - world.balance(world.member) == total_owed
    world.verify()

    state = world.loan(loan_id)
    assert state["status"] == "repaid"
    with db() as s:
        assert s.get(icap.Note, note).status == "released"
        assert s.get(supporters.Introduction, intro).status == "disbursed"
        # Merat's next score hears of the repayment.
        score = merat.score_member(s, s.get(Member, world.member), requested_by=None, reason="on_demand")
        kinds = {line.kind: line.value for line in score.lines}
    assert kinds["loans_repaid"] == 1
    assert kinds["instalments_on_time"] == 10
    assert kinds["instalments_late"] == 2
    assert "instalments_overdue" not in kinds
    assert "loan.repaid" in notifications(world.member)
    world.verify()
