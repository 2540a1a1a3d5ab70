"""Eight payments of the same instalment at the same moment, with eight keys: it is paid once.

Meaningful on PostgreSQL, where the transactions really run at once and only the conditional
UPDATE on the instalment decides; on SQLite the write lock serialises them and the test still holds.
"""

from __future__ import annotations

import threading
from typing import Any

from resalat_loans import services

from resalat_core.sdk import Conflict, Member, ResalatError, get_db

THREADS = 8
TOMAN = 10


def test_eight_payments_of_one_instalment_pay_it_once(app, world):
    intro = world.introduce()
    loan_id = world.request(
        product="livestock", amount=120_000_000 * TOMAN, instalments=12, introduction=intro, note=world.note()
    )
    world.decide(loan_id)
    world.top_up(world.member, 100_000_000)
    main_before = world.balance(world.member)
    barrier = threading.Barrier(THREADS)
    outcomes: list[Any] = [None] * THREADS

    def run(i: int) -> None:
        with app.app_context():
            session = get_db().session()
            try:
                barrier.wait(timeout=30)
                payment = services.pay(
                    session, session.get(Member, world.member), loan_id, key=f"race-{i}", first=1
                )
                session.commit()
                outcomes[i] = payment.id
            except ResalatError as exc:
                session.rollback()
                outcomes[i] = exc
            except BaseException as exc:  # noqa: BLE001 (reported by the assertion below)
                session.rollback()
                outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    # Every thread meant the first instalment: one pays it, the others are told it is paid.
    paid_ids = [o for o in outcomes if isinstance(o, int)]
    errors = [o for o in outcomes if not isinstance(o, int)]
    assert len(paid_ids) == 1, outcomes
    assert len(errors) == THREADS - 1 and all(isinstance(e, Conflict) for e in errors), errors
    schedule = world.loan(loan_id)["schedule"]
    paid = [row for row in schedule if row[4] is not None]
    assert [row[0] for row in paid] == [1]
    assert main_before - world.balance(world.member) == paid[0][2] + paid[0][3]
    world.verify()
