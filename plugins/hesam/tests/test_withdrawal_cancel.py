"""A member takes back a withdrawal before the bank's batch: the money is free again; after the
export it is refused, and a cancel racing the export ends in exactly one of the two."""

from __future__ import annotations

import threading

import pytest
from resalat_hesam import withdrawals
from resalat_hesam.models import Withdrawal
from sqlalchemy import select

from resalat_core.sdk import BadInput, Conflict, Member, Transfer, get_db
from resalat_core.testing import work

from .test_withdrawals import ask, ledger_ok, save, state_of


def only_withdrawal(app, member_id: int) -> int:
    with work(app) as s:
        return s.scalars(select(Withdrawal.id).where(Withdrawal.member_id == member_id)).one()


def test_maryam_cancels_her_waiting_withdrawal_after_a_confirmation_page(app, client_as, fund, balance_of):
    maryam = client_as(name="مریم احمدی")
    fund(maryam.member_id, 300_000)
    save(maryam)
    ask(maryam, "۱۰۰٬۰۰۰")
    assert balance_of(maryam.member_id) == 2_000_000
    wid = only_withdrawal(app, maryam.member_id)

    listed = maryam.get("/hesam/withdrawals").get_data(as_text=True)
    assert f"/hesam/withdrawals/{wid}/cancel" in listed
    page = maryam.get(f"/hesam/withdrawals/{wid}/cancel")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "۱۰۰٬۰۰۰ تومان" in html and "۳۰۰٬۰۰۰ تومان" in html  # what comes back, and free afterwards
    # Without the confirmation page's answer nothing moves: it is shown.
    unconfirmed = maryam.form(f"/hesam/withdrawals/{wid}/cancel", {}, token_from="/hesam/withdrawals")
    assert unconfirmed.status_code == 302 and unconfirmed.headers["Location"].endswith(f"/{wid}/cancel")
    assert state_of(app, maryam.member_id) == ["requested"]

    done = maryam.form(
        f"/hesam/withdrawals/{wid}/cancel", {"confirmed": "1"}, token_from=f"/hesam/withdrawals/{wid}/cancel"
    )
    assert done.status_code == 302
    assert state_of(app, maryam.member_id) == ["cancelled"]
    assert balance_of(maryam.member_id) == 3_000_000
    with work(app) as s:
        assert s.get(Transfer, s.get(Withdrawal, wid).transfer_id).state == "voided"
    # Sent again (a double tap): said as done, nothing moves twice.
    again = maryam.form(
        f"/hesam/withdrawals/{wid}/cancel",
        {"confirmed": "1"},
        token_from=f"/hesam/withdrawals/{wid}/cancel",
        follow_redirects=True,
    )
    assert again.status_code == 200
    assert balance_of(maryam.member_id) == 3_000_000
    after = maryam.get("/hesam/withdrawals").get_data(as_text=True)
    assert f"/hesam/withdrawals/{wid}/cancel" not in after
    # Nothing for the bank: the next export finds no withdrawal.
    with work(app) as s, pytest.raises(BadInput):
        withdrawals.export_batch(s)
    assert ledger_ok(app)


def test_once_exported_the_withdrawal_cannot_be_cancelled(app, client_as, fund, balance_of, ledger_snapshot):
    maryam = client_as(name="مریم احمدی")
    fund(maryam.member_id, 100_000)
    save(maryam)
    ask(maryam, "40000")
    wid = only_withdrawal(app, maryam.member_id)
    with work(app) as s:
        withdrawals.export_batch(s)
    before = ledger_snapshot()
    page = maryam.get(f"/hesam/withdrawals/{wid}/cancel").get_data(as_text=True)
    assert 'data-testid="not-cancellable"' in page and 'data-testid="confirm"' not in page
    refused = maryam.form(
        f"/hesam/withdrawals/{wid}/cancel", {"confirmed": "1"}, token_from="/hesam/withdrawals"
    )
    assert refused.status_code == 409
    assert "دسته" in refused.get_data(as_text=True)  # the bank's batch, said in Persian
    assert ledger_snapshot() == before
    assert state_of(app, maryam.member_id) == ["exported"]
    assert balance_of(maryam.member_id) == 600_000


def test_another_members_withdrawal_is_not_found(app, client_as, fund):
    maryam = client_as(name="مریم احمدی")
    fund(maryam.member_id, 100_000)
    save(maryam)
    ask(maryam, "40000")
    wid = only_withdrawal(app, maryam.member_id)
    ali = client_as(name="علی رضایی")
    assert ali.get(f"/hesam/withdrawals/{wid}/cancel").status_code == 404
    assert (
        ali.form(
            f"/hesam/withdrawals/{wid}/cancel", {"confirmed": "1"}, token_from="/hesam/withdrawals"
        ).status_code
        == 404
    )
    assert maryam.get("/hesam/withdrawals/999999/cancel").status_code == 404
    assert state_of(app, maryam.member_id) == ["requested"]


def test_the_api_cancels_once_per_key_and_refuses_after_the_export(app, api_as, fund, balance_of):
    api = api_as(name="مریم احمدی")
    fund(api.member_id, 100_000)
    api.put("/api/v1/hesam/sheba", json={"sheba": withdrawals_good(), "holder_name": "مریم احمدی"})
    asked = api.post(
        "/api/v1/hesam/withdrawals", json={"amount_rials": 300_000}, headers={"Idempotency-Key": "w-1"}
    ).get_json()
    url = f"/api/v1/hesam/withdrawals/{asked['id']}/cancel"
    assert api.post(url).status_code == 400  # no Idempotency-Key
    first = api.post(url, headers={"Idempotency-Key": "c-1"})
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["state"] == "cancelled"
    assert api.post(url, headers={"Idempotency-Key": "c-1"}).get_json() == first.get_json()
    assert api.post(url, headers={"Idempotency-Key": "c-2"}).get_json()["state"] == "cancelled"
    assert balance_of(api.member_id) == 1_000_000

    second = api.post(
        "/api/v1/hesam/withdrawals", json={"amount_rials": 200_000}, headers={"Idempotency-Key": "w-2"}
    ).get_json()
    with work(app) as s:
        withdrawals.export_batch(s)
    late = api.post(f"/api/v1/hesam/withdrawals/{second['id']}/cancel", headers={"Idempotency-Key": "c-3"})
    assert late.status_code == 409
    assert late.get_json()["error"]["code"] == "not_cancellable"
    assert balance_of(api.member_id) == 800_000
    other = api_as(name="علی رضایی")
    assert other.post(url, headers={"Idempotency-Key": "c-4"}).status_code == 404
    assert ledger_ok(app)


def withdrawals_good() -> str:
    from .test_withdrawals import GOOD

    return GOOD


@pytest.mark.postgres_only
@pytest.mark.parametrize("round_", range(3))
def test_a_cancel_racing_the_export_ends_in_exactly_one(app, backend, client_as, fund, balance_of, round_):
    """Both at once, many times over: either the money is back and no batch has it, or the batch
    has it and the cancel was refused; never both, never neither."""
    if backend != "postgresql":
        pytest.skip("SQLite takes one writer at a time (BEGIN IMMEDIATE); the race needs PostgreSQL")
    maryam = client_as(name="مریم احمدی")
    fund(maryam.member_id, 100_000)
    save(maryam)
    for amount in ("10000", "20000", "30000"):
        ask(maryam, amount)
    with work(app) as s:
        ids = list(s.scalars(select(Withdrawal.id).where(Withdrawal.member_id == maryam.member_id)))
    start = threading.Barrier(len(ids) + 1)
    cancelled: list[int] = []
    refused: list[int] = []
    errors: list[BaseException] = []

    def cancel(wid: int) -> None:
        try:
            with app.app_context():
                s = get_db().session
                member = s.get(Member, maryam.member_id)
                s.commit()
                start.wait(timeout=10)
                try:
                    withdrawals.cancel_withdrawal(s, member, wid)
                    s.commit()
                    cancelled.append(wid)
                except Conflict:
                    s.rollback()
                    refused.append(wid)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    def export() -> None:
        try:
            with app.app_context():
                s = get_db().session
                start.wait(timeout=10)
                try:
                    withdrawals.export_batch(s, chunk=1)
                    s.commit()
                except BadInput:
                    s.rollback()  # every one was cancelled first
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=cancel, args=(wid,)) for wid in ids] + [
        threading.Thread(target=export)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert errors == []
    assert sorted(cancelled + refused) == sorted(ids)
    with work(app) as s:
        rows = {w.id: w for w in s.scalars(select(Withdrawal))}
        for wid in cancelled:
            assert rows[wid].state == "cancelled" and rows[wid].batch is None
            assert s.get(Transfer, rows[wid].transfer_id).state == "voided"
        for wid in refused:
            assert rows[wid].state == "exported" and rows[wid].batch is not None
            assert s.get(Transfer, rows[wid].transfer_id).state == "pending"
    held = sum(rows[wid].amount for wid in refused)
    assert balance_of(maryam.member_id) == 1_000_000 - held
    assert ledger_ok(app)
