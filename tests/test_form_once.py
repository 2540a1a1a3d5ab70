"""A form sent twice does its work once: the csrf() macro's one-time token, on both databases."""

from __future__ import annotations

import json
import re
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from resalat_core.db import utcnow
from resalat_core.members.models import Member
from resalat_core.plugins.activation import set_module
from resalat_core.rest.models import FormSubmission
from resalat_core.testing import ResalatClient
from resalat_core.wallet.models import Transfer
from resalat_core.wallet.services import main_account, system_account
from resalat_core.web.once import forget_expired

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ONCE_RE = re.compile(r'name="once" value="([^"]+)"')


@pytest.fixture
def pay_app(app: Flask, make_app: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An app with the test module ``pay`` (one money-moving form) loaded and switched on."""
    monkeypatch.syspath_prepend(str(FIXTURES))
    from resalat_fixture_pay import plugin

    built = make_app(extra_plugins={"pay": plugin})
    record = built.extensions["resalat"].plugins.records["pay"]
    assert record.status == "loaded", record.error
    db = built.extensions["resalat"].db
    with built.app_context():
        set_module(db.session(), "pay", enabled=True)
        db.session.commit()
        db.session.remove()
    return built


@pytest.fixture
def payer(pay_app: Flask, make_member: Any, top_up: Any) -> Any:
    """``payer()``: a signed-in client of the pay app, a new member with 1,000,000 rials;
    ``payer(member_id)``: another client (another phone's session) of the same member."""

    def client(member_id: int | None = None) -> ResalatClient:
        if member_id is None:
            member_id = make_member()
            top_up(member_id, rials=1_000_000)
        pay_app.test_client_class = ResalatClient
        made: ResalatClient = pay_app.test_client()  # type: ignore[assignment]
        made.member_id = member_id  # type: ignore[attr-defined]
        return made.sign_in(member_id)

    return client


def rendered_form(client: ResalatClient) -> dict[str, str]:
    html = client.get("/pay/send").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html)
    once = ONCE_RE.search(html)
    assert csrf and once, "the csrf() macro draws both tokens"
    return {"csrf_token": csrf.group(1), "once": once.group(1)}


def balances(app: Flask, member_id: int) -> tuple[int, int]:
    """The member's main account and the box, as the ledger has them now."""
    with app.app_context():
        s = app.extensions["resalat"].db.session()
        found = (main_account(s, s.get(Member, member_id)).posted, system_account(s, "pay_box").posted)
        s.rollback()
        return found


def payments(app: Flask) -> int:
    with app.extensions["resalat"].db.new_session() as s:
        return s.scalar(select(func.count()).select_from(Transfer).where(Transfer.purpose == "pay_sent"))


def test_every_rendered_form_gets_a_token_of_its_own(payer):
    client = payer()
    first, second = rendered_form(client), rendered_form(client)
    assert first["once"] != second["once"]
    assert len(first["once"]) >= 16


def test_a_form_sent_twice_moves_the_money_once_and_answers_the_same_redirect(pay_app, payer):
    client = payer()
    form = {**rendered_form(client), "amount": "250000"}

    first = client.post("/pay/send", data=form)
    # The connection dropped: the phone sends the very same form again.
    again = client.post("/pay/send", data=form)

    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert payments(pay_app) == 1
    assert balances(pay_app, client.member_id) == (750_000, 250_000)
    # The message the lost answer carried is shown after the resend too.
    with client.session_transaction() as flask_session:
        assert [m for _c, m in flask_session.get("_flashes", [])].count("Sent.") == 2


def test_a_changed_form_or_a_new_one_is_new_work(pay_app, payer):
    client = payer()
    form = {**rendered_form(client), "amount": "100000"}
    client.post("/pay/send", data=form)
    # The member went back, changed the amount and sent it: that is another payment.
    client.post("/pay/send", data={**form, "amount": "200000"})
    # A form drawn afresh has a token of its own.
    client.post("/pay/send", data={**rendered_form(client), "amount": "100000"})

    assert payments(pay_app) == 3
    assert balances(pay_app, client.member_id) == (600_000, 400_000)


def test_a_refused_form_lets_its_token_go(pay_app, payer):
    client = payer()
    form = {**rendered_form(client), "amount": "5000000"}  # more than the member has

    refused = client.post("/pay/send", data=form)
    assert 400 <= refused.status_code < 500
    with pay_app.extensions["resalat"].db.new_session() as s:
        assert s.scalar(select(func.count()).select_from(FormSubmission)) == 0

    # Once it can succeed, the same form goes through.
    smaller = {**form, "amount": "1000"}
    assert client.post("/pay/send", data=smaller).status_code == 302
    assert payments(pay_app) == 1


def test_a_form_without_the_token_still_works(pay_app, payer):
    client = payer()
    form = rendered_form(client)
    del form["once"]
    # An old page, or a client that does not know the token: served as always, each time.
    assert client.post("/pay/send", data={**form, "amount": "1000"}).status_code == 302
    assert client.post("/pay/send", data={**form, "amount": "1000"}).status_code == 302
    assert payments(pay_app) == 2


def test_another_member_cannot_replay_a_token(pay_app, payer):
    alice, bob = payer(), payer()
    form = {**rendered_form(alice), "amount": "1000"}
    alice.post("/pay/send", data=form)
    # Bob sends Alice's token with his own CSRF token: his form is his own work, not her answer.
    bob_form = {**form, "csrf_token": rendered_form(bob)["csrf_token"]}
    answer = bob.post("/pay/send", data=bob_form)
    assert answer.status_code == 302
    assert payments(pay_app) == 2
    assert balances(pay_app, bob.member_id)[0] == 999_000


def _claim_as_the_first_sending(pay_app, client, form):
    """A FormSubmission row as the first sending of ``form`` writes it (not yet committed)."""
    from resalat_core.web import once

    with pay_app.test_request_context("/pay/send", method="POST", data=form):
        fingerprint = once._request_hash()
    return FormSubmission(scope=f"m:{client.member_id}", token=form["once"], request_hash=fingerprint)


def test_a_resend_while_the_first_is_still_running_is_told_to_wait(pay_app, payer, backend):
    """The first sending holds its claim in its open transaction; the resend waits a moment for
    it, then (PostgreSQL) is told in Persian to wait, or (SQLite, whose writers queue) is served
    once the first has gone. Either way the payment is made once."""
    import threading

    client = payer()
    form = {**rendered_form(client), "amount": "1000"}
    db = pay_app.extensions["resalat"].db
    first = db.session_factory()
    first.add(_claim_as_the_first_sending(pay_app, client, form))
    first.flush()  # the claim is written and locked, not committed: the first is at work
    if backend == "sqlite":
        # SQLite queues writers: the first dies a second later, its claim gone with it.
        threading.Timer(1.0, first.rollback).start()
        answer = client.post("/pay/send", data=form)
        first.close()
        assert answer.status_code == 302
        assert payments(pay_app) == 1
        return
    try:
        answer = client.post("/pay/send", data=form, headers={"Accept-Language": "fa"})
    finally:
        first.rollback()  # the first sending died after all
        first.close()

    assert answer.status_code == 409
    assert "Retry-After" in answer.headers
    assert "در حال رسیدگی" in answer.get_data(as_text=True)
    assert payments(pay_app) == 0
    again = client.post("/pay/send", data=form)
    assert again.status_code == 302 and payments(pay_app) == 1


def test_a_claim_left_by_a_sending_that_died_is_taken_over_by_the_resend(pay_app, payer):
    """Claims used to be committed before the work: one whose request died stays without an
    outcome. The resend does the work once instead of being told to wait for ever."""
    client = payer()
    form = {**rendered_form(client), "amount": "1000"}
    with pay_app.extensions["resalat"].db.new_session() as s:
        s.add(_claim_as_the_first_sending(pay_app, client, form))

    answer = client.post("/pay/send", data=form)
    replay = client.post("/pay/send", data=form)

    assert answer.status_code == 302 and replay.status_code == 302
    assert replay.headers["Location"] == answer.headers["Location"]
    assert payments(pay_app) == 1


def test_tokens_expire_after_a_day_and_are_cleared(pay_app, payer):
    client = payer()
    form = {**rendered_form(client), "amount": "1000"}
    client.post("/pay/send", data=form)
    with pay_app.extensions["resalat"].db.new_session() as s:
        s.execute(update(FormSubmission).values(created_at=utcnow() - timedelta(hours=25)))
    with pay_app.extensions["resalat"].db.new_session() as s:
        assert forget_expired(s) == 1
        assert s.scalar(select(func.count()).select_from(FormSubmission)) == 0


def test_a_members_expired_tokens_go_when_the_member_sends_the_next_form(pay_app, payer):
    client = payer()
    client.post("/pay/send", data={**rendered_form(client), "amount": "1000"})
    with pay_app.extensions["resalat"].db.new_session() as s:
        s.execute(update(FormSubmission).values(created_at=utcnow() - timedelta(hours=25)))
    client.post("/pay/send", data={**rendered_form(client), "amount": "1000"})
    with pay_app.extensions["resalat"].db.new_session() as s:
        ages = s.scalars(select(FormSubmission.created_at)).all()
    assert len(ages) == 1 and ages[0] > utcnow() - timedelta(hours=1)


def test_two_racing_sends_of_one_form_move_the_money_once(pay_app, payer):
    """Two threads send the same form at once (a double tap, or a resend while the first runs)."""
    first_client = payer()
    # The same browser sending twice: the same member and the same session (its CSRF secret).
    second_client = payer(first_client.member_id)
    form = {**rendered_form(first_client), "amount": "300000", "pause": "0.6"}
    with second_client.session_transaction() as flask_session, first_client.session_transaction() as theirs:
        flask_session["csrf_token"] = theirs["csrf_token"]

    answers: list[Any] = []
    start = threading.Barrier(2)

    def send(client: ResalatClient) -> None:
        start.wait()
        answers.append(client.post("/pay/send", data=form))

    threads = [threading.Thread(target=send, args=(c,)) for c in (first_client, second_client)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    statuses = sorted(a.status_code for a in answers)
    assert statuses in ([302, 302], [302, 409]), statuses
    assert payments(pay_app) == 1
    assert balances(pay_app, first_client.member_id) == (700_000, 300_000)
    redirects = {a.headers["Location"] for a in answers if a.status_code == 302}
    assert len(redirects) == 1


def test_the_daily_command_forgets_everyones_old_forms(pay_app, payer):
    client = payer()
    client.post("/pay/send", data={**rendered_form(client), "amount": "1000"})
    client.post("/pay/send", data={**rendered_form(client), "amount": "1000"})
    with pay_app.extensions["resalat"].db.new_session() as s:
        oldest = s.scalar(select(func.min(FormSubmission.id)))
        s.execute(
            update(FormSubmission)
            .where(FormSubmission.id == oldest)
            .values(created_at=utcnow() - timedelta(hours=25))
        )
    result = pay_app.test_cli_runner().invoke(args=["db", "forget-forms", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"forgotten": 1}
    with pay_app.extensions["resalat"].db.new_session() as s:
        assert s.scalar(select(func.count()).select_from(FormSubmission)) == 1
