"""`resalat loans run-due`: reminders once, delinquency buckets by --today, guarantees called, never a fee."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from resalat_icap import services as icap
from resalat_leaders import services as leaders
from resalat_loans import services
from sqlalchemy import event

from resalat_core.sdk import Member, hookimpl, utcnow
from resalat_core.testing import PASSWORD

TOMAN = 10
AMOUNT = 120_000_000 * TOMAN


@pytest.fixture
def loan_id(world, make_member, person_mobile):
    """Jafar's livestock loan with a guarantor member and a social guarantee, paid out."""
    intro = world.introduce()
    guarantor = make_member(name="ضامن جعفر")
    loan = world.request(
        product="livestock",
        amount=AMOUNT,
        instalments=12,
        introduction=intro,
        note=world.note(),
        guarantors=[person_mobile(guarantor)],
    )
    world.decide(loan)
    world.guarantor = guarantor
    return loan


def parts(world, loan_id):
    return [(p, f) for _s, _d, p, f, _paid in world.loan(loan_id)["schedule"]]


def run(app, day, *extra):
    result = app.test_cli_runner().invoke(
        args=["loans", "run-due", "--today", day.isoformat(), "--json", *extra]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.output[result.output.index("{") :])


def test_buckets_follow_the_days_overdue_and_a_second_run_changes_nothing(app, world, loan_id, notifications):
    first_due = world.loan(loan_id)["schedule"][0][1]
    # Three days before: a reminder (once), no bucket.
    assert run(app, first_due - timedelta(days=3))["reminded"] == 1
    assert run(app, first_due - timedelta(days=2))["reminded"] == 0
    assert notifications(world.member).count("loan.due") == 1
    owed = parts(world, loan_id)
    expected = {1: "1-30", 30: "1-30", 31: "31-60", 61: "61-90", 91: "90+"}
    for days, bucket in expected.items():
        day = first_due + timedelta(days=days)
        run(app, day)
        assert world.loan(loan_id)["bucket"] == bucket, days
        again = world.snapshot()
        assert run(app, day) == {"reminded": 0, "moved": 0, "guarantees_called": 0, "protested": 0}
        assert world.snapshot() == again
    # The amounts owed never changed: no late fee, ever.
    assert parts(world, loan_id) == owed
    assert sum(p + f for p, f in owed) == AMOUNT + services.fee_for(AMOUNT, 200)


def test_run_due_works_in_committed_batches_and_gives_the_same_answer(app, world, loan_id, db):
    # A second loan of the same day, with a note and no guarantor.
    other = world.request(product="solar", amount=AMOUNT // 4, instalments=12, note=world.note())
    world.decide(other)
    first_due = world.loan(loan_id)["schedule"][0][1]
    day = first_due + timedelta(days=95)  # four instalments of each due, both loans 90+ days late
    commits = []
    with db() as s:
        result = services.run_due(s, day, batch_size=1, commit=lambda: commits.append(s.commit()))
    assert result.as_dict() == {"reminded": 8, "moved": 2, "guarantees_called": 1, "protested": 2}
    # Two one-loan batches, each with its reminders, bucket, guarantees and note together.
    assert len(commits) == 2
    assert world.loan(loan_id)["bucket"] == world.loan(other)["bucket"] == "90+"
    assert run(app, day) == {"reminded": 0, "moved": 0, "guarantees_called": 0, "protested": 0}


def test_a_chunk_run_again_does_nothing_twice_and_a_quiet_day_loads_no_loan(
    app, world, loan_id, notifications, db
):
    other = world.request(product="solar", amount=AMOUNT // 4, instalments=12, note=world.note())
    world.decide(other)
    day = world.loan(loan_id)["schedule"][0][1] + timedelta(days=95)
    now = utcnow()
    with db() as s:
        chunks = services.plan_run_due(s, now, day=day.isoformat())
    assert chunks == [{"first": loan_id, "last": other, "day": day.isoformat()}]
    with db() as s:
        done = services.run_due_chunk(s, chunks[0], now)
    assert done == {"reminded": 8, "moved": 2, "guarantees_called": 1, "protested": 2}
    told = (notifications(world.member), notifications(world.guarantor))
    assert told[0].count("loan.due") == 8 and told[1] == ["loan.guarantee_called"]
    before = world.snapshot()
    # The same chunk again (a worker lost after doing it, a retry): nothing is done twice, and
    # nothing is read of loans with nothing to do (the statements do not grow with the loans).
    statements: list[str] = []
    with db() as s:
        engine = s.get_bind()

        def count(conn, cursor, statement, *args):
            if statement.split()[0].upper() in {"SELECT", "INSERT", "UPDATE", "DELETE"}:
                statements.append(statement)

        event.listen(engine, "before_cursor_execute", count)
        try:
            again = services.run_due_chunk(s, chunks[0], now)
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert again == {"reminded": 0, "moved": 0, "guarantees_called": 0, "protested": 0}
    assert world.snapshot() == before
    assert (notifications(world.member), notifications(world.guarantor)) == told
    # The chunk's loan ids, then the query of those with work: none.
    assert len(statements) == 2, statements


def test_guarantors_are_called_then_the_note_is_protested(app, world, loan_id, notifications, db):
    first_due = world.loan(loan_id)["schedule"][0][1]
    run(app, first_due + timedelta(days=10))
    assert "loan.guarantee_called" not in notifications(world.guarantor)
    result = run(app, first_due + timedelta(days=35))
    assert result["guarantees_called"] == 1
    assert notifications(world.guarantor).count("loan.guarantee_called") == 1
    run(app, first_due + timedelta(days=36))
    assert notifications(world.guarantor).count("loan.guarantee_called") == 1  # once
    assert run(app, first_due + timedelta(days=95))["protested"] == 1
    with db() as s:
        assert s.get(icap.Note, world.loan(loan_id)["note_id"]).status == "protested"
    # Jafar pays everything after all: the protested note is settled and goes back to him.
    world.top_up(world.member, 200_000_000)
    world.pay(loan_id, everything=True)
    assert world.loan(loan_id)["status"] == "repaid"
    with db() as s:
        assert s.get(icap.Note, world.loan(loan_id)["note_id"]).status == "released"


def test_a_social_guarantee_stands_in_for_a_guarantor_and_its_leader_is_called(
    app, world, db, make_member, notifications
):
    leader = make_member("social_leader", name="فاطمه قادری")
    with db() as s:
        jafar = s.get(Member, world.member)
        leaders.sign_guarantee(
            s,
            s.get(Member, leader),
            member=jafar.mobile,
            cap_rials=1_000_000_000,  # 100,000,000 tomans
            statement="جعفر را می‌شناسم و ضمانت می‌کنم.",
            password=PASSWORD,
        )
    world.points(world.member, 200_000_000)
    loan = world.request(product="general", amount=50_000_000 * TOMAN, instalments=12, note=world.note())
    world.decide(loan)
    first_due = world.loan(loan)["schedule"][0][1]
    run(app, first_due + timedelta(days=40))
    assert "loan.guarantee_called" in notifications(leader)


def test_overdue_instalments_count_against_the_member_in_merat(world, loan_id, db):
    world.shift(loan_id, 70)  # two instalments overdue
    with db() as s:
        signals = {sig.kind: sig.value for sig in services.credit_signals(s, s.get(Member, world.member))}
    assert signals == {"instalments_overdue": 2}


def test_a_bad_day_is_a_clear_message(app):
    result = app.test_cli_runner().invoke(args=["loans", "run-due", "--today", "1404/01/01"])
    assert result.exit_code == 1
    assert "YYYY-MM-DD" in result.output


class Probe:
    """Hears the loans plugin's events as another plugin would."""

    def __init__(self) -> None:
        self.heard: list[tuple[str, int, str, int | None]] = []
        self.due: list[tuple[int, int]] = []

    def _hear(self, event, loan):
        self.heard.append((event, loan.id, loan.status, loan.introduction_id))

    @hookimpl
    def resalat_loan_requested(self, loan):
        self._hear("requested", loan)

    @hookimpl
    def resalat_loan_decided(self, loan):
        self._hear("decided", loan)

    @hookimpl
    def resalat_loan_cancelled(self, loan):
        self._hear("cancelled", loan)

    @hookimpl
    def resalat_loan_disbursed(self, loan):
        self._hear("disbursed", loan)

    @hookimpl
    def resalat_instalment_due(self, item):
        self.due.append((item.loan_id, item.seq))


@pytest.fixture
def probe(app):
    heard = Probe()
    pm = app.extensions["resalat"].plugins.pm
    pm.register(heard, name="loans_test_probe")
    yield heard
    pm.unregister(heard)


def test_other_plugins_hear_of_a_request_its_decision_and_each_instalment_falling_due_once(app, world, probe):
    intro = world.introduce()
    loan = world.request(
        product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=world.note()
    )
    world.decide(loan)
    assert probe.heard == [
        ("requested", loan, "requested", intro),
        ("decided", loan, "disbursed", intro),
        ("disbursed", loan, "disbursed", intro),
    ]
    first_due = world.loan(loan)["schedule"][0][1]
    run(app, first_due)
    run(app, first_due + timedelta(days=1))
    assert probe.due == [(loan, 1)]


def test_other_plugins_hear_of_a_rejection_and_of_a_cancelled_request(world, probe, db):
    rejected = world.request(product="solar", amount=AMOUNT // 4, instalments=12, note=world.note())
    world.decide(rejected, approve=False, reason="بدهی معوق دیگر")
    cancelled = world.request(product="solar", amount=AMOUNT // 4, instalments=12, note=world.note())
    with db() as s:
        services.cancel(s, s.get(Member, world.member), cancelled)
    assert probe.heard == [
        ("requested", rejected, "requested", None),
        ("decided", rejected, "rejected", None),
        ("requested", cancelled, "requested", None),
        ("cancelled", cancelled, "cancelled", None),
    ]


class Refuses:
    """A follower whose answer to a decision fails: the decision must not stand."""

    @hookimpl
    def resalat_loan_decided(self, loan):
        raise RuntimeError("the follower could not record it")


def test_a_follower_failing_on_the_decision_undoes_it(app, world):
    intro = world.introduce()
    loan = world.request(
        product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=world.note()
    )
    before = world.snapshot()
    pm = app.extensions["resalat"].plugins.pm
    pm.register(Refuses(), name="loans_test_refuses")
    try:
        with pytest.raises(RuntimeError):
            world.decide(loan)
    finally:
        pm.unregister(name="loans_test_refuses")
    assert world.snapshot() == before
    assert world.loan(loan)["status"] == "requested"
