"""Eight cores joining the last places at once never exceed the maximum; the same key raced twice
pays once. Meaningful on PostgreSQL, where the transactions really run at once and the purchase's
row lock decides; on SQLite the write lock queues them and the rule still holds."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from resalat_group_orders import ESCROW, services
from resalat_group_orders.models import Purchase, Share

from resalat_core.sdk import Conflict, Member, get_db, verify_ledger
from resalat_core.testing import work


def race(app: Any, runs: list[Callable[[Any], Any]]) -> list[Any]:
    """Each run at the same moment, in a thread, app context and session of its own; committed
    when it returns, rolled back when it raises (the exception is its outcome)."""
    barrier = threading.Barrier(len(runs))
    outcomes: list[Any] = [None] * len(runs)

    def go(i: int) -> None:
        with app.app_context(), app.test_request_context():
            session = get_db().session()
            try:
                barrier.wait(timeout=30)
                outcomes[i] = runs[i](session)
                session.commit()
            except BaseException as exc:  # noqa: BLE001 (the outcome, checked by the test)
                session.rollback()
                outcomes[i] = exc

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(runs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def _joiner(purchase_id: int, core: Any, quantity: int, key: str) -> Callable[[Any], Any]:
    def run(session: Any) -> Any:
        return services.join(
            session, session.get(Member, core.leader_id), purchase_id, core.id, quantity, key=key
        ).id

    return run


def test_eight_cores_racing_for_the_last_places_never_exceed_the_maximum(
    app, make_core, open_one, join, balance
):
    purchase_id = open_one(low=1, high=12)
    join(make_core(), purchase_id, 7)  # 5 places left
    cores = [make_core() for _ in range(8)]

    outcomes = race(app, [_joiner(purchase_id, core, 2, f"race-{i}") for i, core in enumerate(cores)])

    won = [o for o in outcomes if isinstance(o, int)]
    lost = [o for o in outcomes if isinstance(o, Conflict)]
    assert (len(won), len(lost)) == (2, 6), outcomes
    assert all(o.code == "full" and o.status == 409 for o in lost)
    with work(app) as s:
        purchase = s.get(Purchase, purchase_id)
        held = sum(sh.quantity for sh in s.query(Share).filter(Share.purchase_id == purchase_id))
        assert purchase.joined_quantity == held == 11 <= purchase.max_quantity
        assert verify_ledger(s).ok
    assert balance(system=ESCROW) == 11 * 3_000_000
    assert sorted(balance(core.leader_id) for core in cores) == [494_000_000] * 2 + [500_000_000] * 6


def test_the_same_key_sent_twice_at_once_pays_once(app, make_core, open_one, balance):
    purchase_id = open_one(low=1, high=12)
    core = make_core()
    outcomes = race(app, [_joiner(purchase_id, core, 3, "twice"), _joiner(purchase_id, core, 3, "twice")])
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert outcomes[0] == outcomes[1]
    assert balance(core.leader_id) == 500_000_000 - 9_000_000


def test_confirming_one_bulk_part_at_once_pays_its_core_once(
    app, make_member, top_up, organiser, make_core, balance
):
    """Four presses of "I received it" on one part at the same moment: one pays, three are 409s."""
    from datetime import timedelta

    from resalat_core.sdk import today_in_iran

    from .conftest import REGION

    customer = make_member(region=REGION)
    top_up(customer, rials=100_000_000)
    core = make_core(tomans=0)
    bulk = services.bulk
    with work(app) as s:
        draft = bulk.BulkDraft(
            "روپوش مدرسه", "دست", 10, 2_000_000, today_in_iran() + timedelta(days=5), "مدرسه‌ی روستا", REGION
        )
        order = bulk.place_bulk(s, s.get(Member, customer), draft, key="race")
        (part,) = bulk.split(s, s.get(Member, organiser), order.id, [bulk.PartAsk(core.id, 10)])
        bulk.answer(s, s.get(Member, core.leader_id), part.id, True)
        bulk.deliver(s, s.get(Member, core.leader_id), part.id)
        part_id = part.id

    def confirm(session: Any) -> Any:
        return bulk.confirm(session, session.get(Member, customer), part_id).id

    outcomes = race(app, [confirm] * 4)
    won = [o for o in outcomes if isinstance(o, int)]
    lost = [o for o in outcomes if isinstance(o, Conflict)]
    assert (len(won), len(lost)) == (1, 3), outcomes
    assert balance(core.leader_id) == 20_000_000
    assert balance(system=ESCROW) == 0
    with work(app) as s:
        assert verify_ledger(s).ok
