"""Month by month: run-due collects each instalment from the buyer's main account; without the money
the instalment waits, the buyer is told, the purchase moves through the buckets and Merat hears it."""

from __future__ import annotations

import json
from datetime import timedelta

from resalat_aghsat import services
from resalat_aghsat.models import Purchase

from resalat_core.sdk import Member
from resalat_core.testing import work

from .conftest import TOMAN


def bought(market, tomans: int = 10_000_000, plan: str = "aghsat.p6") -> tuple[int, Purchase]:
    maryam = market.buyer("C", tomans=tomans)
    market.cart(maryam)
    (order_id,) = market.checkout(maryam, plan)
    return maryam, market.purchase(order_id)


def run(market, day) -> dict[str, int]:
    with work(market.app) as s:
        result = services.run_due(s, day, batch_size=2, commit=s.commit)
        s.commit()
        return result.as_dict()


def test_each_instalment_is_collected_on_its_due_day_once(market, inbox):
    maryam, purchase = bought(market)
    first = purchase.schedule[0]

    assert run(market, first.due_on - timedelta(days=2))["collected"] == 0
    assert inbox.kinds(maryam) == ["instalment_due"]  # reminded within the reminder days
    done = run(market, first.due_on)
    again = run(market, first.due_on)

    assert (done["collected"], done["collected_rials"]) == (1, 1_540_000)
    assert again["collected"] == 0
    assert market.balance(maryam) == 10_000_000 * TOMAN - 3_000_000 - 1_540_000
    assert inbox.kinds(maryam) == ["instalment_due", "instalment_collected"]
    assert market.verify()


def test_every_instalment_paid_finishes_the_purchase(market, inbox):
    maryam, purchase = bought(market)
    result = run(market, purchase.schedule[-1].due_on)

    assert result["collected"] == 6
    after = market.purchase(purchase.order_id)
    assert after.status == "repaid" and all(i.paid_at for i in after.schedule)
    assert market.balance(maryam) == 10_000_000 * TOMAN - 12_270_000
    assert "purchase_repaid" in inbox.kinds(maryam)
    with work(market.app) as s:
        signals = services.credit_signals(s, s.get(Member, maryam))
    assert {(x.kind, x.value) for x in signals} == {("aghsat_on_time", 6), ("aghsat_repaid", 1)}
    assert market.verify()


def test_without_money_the_instalment_waits_and_the_purchase_moves_through_the_buckets(market, inbox):
    # Only the down payment on her account: nothing to collect from.
    maryam, purchase = bought(market, tomans=300_000)
    due = purchase.schedule[0].due_on

    assert run(market, due + timedelta(days=1))["moved"] == 1
    assert market.purchase(purchase.order_id).bucket == "b1_30"
    run(market, due + timedelta(days=45))
    assert market.purchase(purchase.order_id).bucket == "b31_60"
    assert run(market, due + timedelta(days=45))["moved"] == 0  # the same day again: no new news
    assert inbox.kinds(maryam).count("instalment_overdue") == 2
    overdue = [p for m, _s, k, p in inbox.sent if m == maryam and k == "instalment_overdue"][-1]
    assert overdue["amount"] == 2 * 1_540_000  # two instalments are late by then; never a late fee

    with work(market.app) as s:
        signals = {x.kind: x.value for x in services.credit_signals(s, s.get(Member, maryam))}
    assert signals["aghsat_overdue"] == 1

    # She tops up; the next run collects what is late and the purchase is current again.
    market.top_up(maryam, rials=5_000_000)
    result = run(market, due + timedelta(days=46))
    assert result["collected"] == 2
    assert market.purchase(purchase.order_id).bucket == "current"
    assert market.verify()


def test_paying_one_early_costs_the_same_and_run_due_does_not_take_it_again(market):
    maryam, purchase = bought(market)
    with work(market.app) as s:
        services.pay_next(s, s.get(Member, maryam), purchase.id, key="early", first=1)
        services.pay_next(s, s.get(Member, maryam), purchase.id, key="early", first=1)  # a double tap
        s.commit()

    assert market.balance(maryam) == 10_000_000 * TOMAN - 3_000_000 - 1_540_000
    assert run(market, purchase.schedule[0].due_on)["collected"] == 0
    assert market.verify()


def test_the_cli_runs_due_with_a_progress_bar_and_json(market):
    maryam, purchase = bought(market)
    day = purchase.schedule[0].due_on.isoformat()

    result = market.app.test_cli_runner().invoke(args=["aghsat", "run-due", "--today", day, "--json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "collected": 1,
        "collected_rials": 1_540_000,
        "reminded": 0,
        "moved": 0,
        "overdue": 0,
    }
    bad = market.app.test_cli_runner().invoke(args=["aghsat", "run-due", "--today", "yesterday"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output


def test_the_cli_fills_the_fund_once_per_key(market):
    runner = market.app.test_cli_runner()
    before = market.fund_balance()
    for _ in range(2):
        result = runner.invoke(args=["aghsat", "fund", "5000000", "--key", "budget-1405", "--json"])
        assert result.exit_code == 0, result.output
    assert market.fund_balance() == before + 5_000_000
    assert market.verify()


def test_hesam_shows_what_the_buyer_owes_and_what_her_rating_allows(market):
    maryam, purchase = bought(market)
    hook = market.app.extensions["resalat"].plugins.pm.hook
    with work(market.app) as s:
        lines = [
            line
            for answer in hook.resalat_credit_lines(member=s.get(Member, maryam))
            for line in answer
            if line.url == "/aghsat/"
        ]
    assert [(x.limit, x.used, x.free) for x in lines] == [(500_000_000, 9_000_000, 491_000_000)]
