"""Repaying: collected on the due day when the main account allows, else overdue (notified, the limit
frozen, Merat told); paid early by the member; cancelled when M-Bazar refunds the order."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from resalat_bazaar import services as bazaar
from resalat_bazaar.services import Due, Order
from resalat_paylater import hooks, services
from resalat_paylater.models import CANCELLED, OPEN, PAID, Debt
from sqlalchemy import select

from resalat_core.sdk import BadInput, Conflict, Member, verify_ledger
from resalat_core.testing import work

TOMAN = 10


def debt_of(app, order_id):
    with work(app) as s:
        debt = s.scalar(select(Debt).where(Debt.order_id == order_id))
        s.expunge(debt)
        return debt


def run_due(app, day):
    with app.test_request_context(), work(app) as s:
        return services.run_due(s, day, batch_size=1, commit=s.commit).as_dict()


def signals(app, member_id, day):
    with work(app) as s:
        return {x.kind: x.value for x in services.credit_signals(s, s.get(Member, member_id), day)}


def test_on_the_due_day_the_purchase_is_collected_from_the_main_account(
    app, buyer, make_shop, checkout, top_up, balances, standing, inbox
):
    shop = make_shop([1_000_000])
    (order_id,) = checkout(buyer, [(shop.product_ids[0], 1)])
    due = debt_of(app, order_id).due_on
    top_up(buyer, rials=1_500_000 * TOMAN)
    fund_before = balances()["fund"]

    assert run_due(app, due - timedelta(days=2))["reminded"] == 1  # within the reminder days
    assert run_due(app, due - timedelta(days=1))["reminded"] == 0  # once
    done = run_due(app, due)

    assert (done["collected"], done["collected_rials"]) == (1, 1_000_000 * TOMAN)
    debt = debt_of(app, order_id)
    assert (debt.status, debt.paid_by, debt.paid_on) == (PAID, "collected", due)
    assert balances(buyer)[str(buyer)] == 500_000 * TOMAN
    assert balances()["fund"] == fund_before + 1_000_000 * TOMAN
    assert standing(buyer, due).used == 0
    assert inbox.kinds(buyer) == ["bought", "due_soon", "collected"]
    assert run_due(app, due)["collected"] == 0  # a second run moves nothing more
    assert signals(app, buyer, due) == {"paylater_on_time": 1}
    with work(app) as s:
        assert verify_ledger(s).ok


def test_without_the_money_it_goes_overdue_freezes_the_limit_and_merat_hears_it(
    app, buyer, make_shop, checkout, top_up, standing, inbox, monkeypatch
):
    shop = make_shop([1_000_000])
    (order_id,) = checkout(buyer, [(shop.product_ids[0], 1)])
    due = debt_of(app, order_id).due_on

    assert run_due(app, due)["overdue"] == 0  # due today: not late before the day ends
    late = run_due(app, due + timedelta(days=1))
    assert (late["overdue"], late["moved"]) == (1, 1)
    assert debt_of(app, order_id).bucket == "d1_30"
    now = standing(buyer, due + timedelta(days=1))
    assert (now.frozen, now.free, now.reason, now.overdue) == (True, 0, "frozen", 1_000_000 * TOMAN)
    assert signals(app, buyer, due + timedelta(days=1)) == {"paylater_overdue": 1}
    assert run_due(app, due + timedelta(days=2))["moved"] == 0  # same bucket: told once
    assert run_due(app, due + timedelta(days=31))["moved"] == 1
    assert inbox.kinds(buyer).count("overdue") == 2

    # Frozen: a new purchase is refused whatever is free, in the buyer's words.
    monkeypatch.setattr(services, "today", lambda: due + timedelta(days=31))
    with app.test_request_context(), work(app) as s:
        with pytest.raises(BadInput) as refused:
            services.take(s, s.get(Member, buyer), "paylater.due", [_due(s, order_id)], "k")
        s.rollback()
    assert refused.value.code == "frozen"
    monkeypatch.undo()

    top_up(buyer, rials=1_000_000 * TOMAN)
    assert run_due(app, due + timedelta(days=40))["collected"] == 1
    assert not standing(buyer, due + timedelta(days=40)).frozen
    assert signals(app, buyer, due + timedelta(days=40)) == {"paylater_late": 1}


def _due(session, order_id):
    return Due(session.get(Order, order_id), 100)


def test_the_member_pays_early_after_confirming_and_only_once(
    app, buyer, make_shop, checkout, top_up, balances, standing
):
    from resalat_core.testing import ResalatClient

    shop = make_shop([1_000_000])
    (order_id,) = checkout(buyer, [(shop.product_ids[0], 1)])
    debt = debt_of(app, order_id)
    app.test_client_class = ResalatClient
    client = app.test_client().sign_in(buyer)

    short = client.form(f"/paylater/debts/{debt.id}/pay", {"key": "k1"})
    assert short.status_code == 302 and debt_of(app, order_id).status == OPEN  # nothing to pay with
    top_up(buyer, rials=1_200_000 * TOMAN)

    confirm = client.get(f"/paylater/debts/{debt.id}/pay").get_data(as_text=True)
    assert "۱٬۰۰۰٬۰۰۰ تومان" in confirm and "۱٬۲۰۰٬۰۰۰ تومان" in confirm
    assert debt_of(app, order_id).status == OPEN  # the confirmation step moves nothing

    paid = client.form(f"/paylater/debts/{debt.id}/pay", {"key": "k2"}, token_from="/paylater/")
    assert paid.status_code == 302
    assert (debt_of(app, order_id).status, debt_of(app, order_id).paid_by) == (PAID, "member")
    assert balances(buyer)[str(buyer)] == 200_000 * TOMAN
    assert standing(buyer).used == 0

    with work(app) as s:
        with pytest.raises(Conflict):
            services.pay(s, s.get(Member, buyer), debt.id)
        assert verify_ledger(s).ok
    assert balances(buyer)[str(buyer)] == 200_000 * TOMAN


def test_another_members_purchase_cannot_be_seen_or_paid(app, buyer, make_shop, checkout, client_as, api_as):
    shop = make_shop([1_000_000])
    (order_id,) = checkout(buyer, [(shop.product_ids[0], 1)])
    debt = debt_of(app, order_id)
    assert client_as().get(f"/paylater/debts/{debt.id}/pay").status_code == 404
    stranger = api_as()
    assert stranger.get(f"/api/v1/paylater/debts/{debt.id}").status_code == 404
    response = stranger.post(f"/api/v1/paylater/debts/{debt.id}/pay", headers={"Idempotency-Key": "x"})
    assert response.status_code == 404
    assert debt_of(app, order_id).status == OPEN


@pytest.mark.parametrize("repaid_first", [False, True])
def test_a_refunded_order_cancels_its_debt_and_gives_back_what_was_repaid(
    app, buyer, make_shop, checkout, top_up, balances, standing, repaid_first
):
    shop = make_shop([1_000_000])
    (order_id,) = checkout(buyer, [(shop.product_ids[0], 1)])
    top_up(buyer, rials=1_000_000 * TOMAN)
    if repaid_first:
        debt_id = debt_of(app, order_id).id
        with work(app) as s:
            services.pay(s, s.get(Member, buyer), debt_id)
    before = balances(buyer)

    with app.test_request_context(), work(app) as s:
        bazaar.transition(s, s.get(Order, order_id), "cancel", s.get(Member, buyer), reason="دیگر لازم ندارم")

    debt = debt_of(app, order_id)
    after = balances(buyer)
    assert debt.status == CANCELLED
    assert standing(buyer).used == 0
    assert after["escrow"] == before["escrow"] - 1_000_000 * TOMAN
    if repaid_first:
        assert debt.returned == 1_000_000 * TOMAN
        assert after[str(buyer)] == before[str(buyer)] + 1_000_000 * TOMAN
        assert after["fund"] == before["fund"]  # back from escrow, out to the buyer
    else:
        assert after[str(buyer)] == before[str(buyer)]
        assert after["fund"] == before["fund"] + 1_000_000 * TOMAN
    with work(app) as s:
        assert verify_ledger(s).ok


def test_run_due_from_the_cli_reports_as_json(app, buyer, make_shop, checkout):
    shop = make_shop([1_000_000])
    (order_id,) = checkout(buyer, [(shop.product_ids[0], 1)])
    late = (debt_of(app, order_id).due_on + timedelta(days=3)).isoformat()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["paylater", "run-due", "--today", late, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "reminded": 0,
        "collected": 0,
        "collected_rials": 0,
        "overdue": 1,
        "moved": 1,
    }
    regions = json.loads(runner.invoke(args=["paylater", "regions", "--json"]).stdout)
    assert [(r["region"], r["open_rials"]) for r in regions] == [("zanjan/gorg-tappeh", 1_000_000 * TOMAN)]
    bad = runner.invoke(args=["paylater", "run-due", "--today", "tomorrow"])
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.output


def test_the_fund_is_filled_once_per_key_and_refuses_nonsense(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["paylater", "fund", "1000000", "--key", "k", "--json"])
    again = runner.invoke(args=["paylater", "fund", "1000000", "--key", "k", "--json"])
    assert json.loads(first.stdout) == json.loads(again.stdout) == {"paylater_fund": 1_000_000}
    assert runner.invoke(args=["paylater", "fund", "-5", "--key", "z"]).exit_code != 0


def test_merat_declares_the_signal_kinds():
    kinds = {k.kind: (k.points, k.cap) for k in hooks.resalat_credit_signal_kinds()}
    assert kinds == {
        "paylater_on_time": (4, 80),
        "paylater_late": (-10, -100),
        "paylater_overdue": (-50, -300),
    }
