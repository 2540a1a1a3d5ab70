"""A member tops up by bank card through the gateway: redirect, verify on return, credited once."""

from __future__ import annotations

import re
import threading
from urllib.parse import parse_qs, urlparse

import pytest
from resalat_hesam import gateways, payments
from resalat_hesam.models import CardPayment, SandboxPayment
from resalat_notifications import services as inbox
from sqlalchemy import select

from resalat_core.sdk import Member, verify_ledger
from resalat_core.testing import work

_KEY = re.compile(r'name="key" value="([^"]+)"')


def ledger_ok(app) -> bool:
    with work(app) as s:
        report = verify_ledger(s)
        assert report.ok, report.problems
        return report.ok


def ask(client, amount: str):
    """Fill the top-up form and confirm it: the answer is the redirect to the gateway."""
    shown = client.form("/hesam/topup", {"amount": amount})
    assert shown.status_code == 200, shown.get_data(as_text=True)
    html = shown.get_data(as_text=True)
    key = _KEY.search(html).group(1)
    rials = re.search(r'name="amount_rials" value="(\d+)"', html).group(1)
    return client.form("/hesam/topup/pay", {"key": key, "amount_rials": rials}, token_from="/hesam/topup")


def at_gateway(client, amount: str) -> str:
    """Ask for a top-up and follow it to the sandbox gateway; the gateway page's path."""
    sent = ask(client, amount)
    assert sent.status_code == 302
    path = urlparse(sent.headers["Location"]).path
    assert path.startswith("/hesam/sandbox/pay/")
    return path


def decide(client, gateway_path: str, outcome: str, card: str = gateways.SANDBOX_CARD):
    return client.form(gateway_path, {"outcome": outcome, "card": card})


def told(app, member_id: int) -> int:
    with work(app) as s:
        found = inbox.inbox(s, s.get(Member, member_id), unread_only=False, page=1, per_page=50)
        return sum(n.kind == "topup.card_verified" for n in found.items)


def test_a_member_pays_by_card_and_the_money_arrives_once(app, client_as, balance_of):
    maryam = client_as(name="مریم احمدی")
    path = at_gateway(maryam, "۱۲۰٬۰۰۰")
    assert balance_of(maryam.member_id) == 0  # nothing before the bank says so

    back = decide(maryam, path, "pay")
    assert back.status_code == 302
    callback = back.headers["Location"]
    assert urlparse(callback).path == "/hesam/topup/return"
    assert parse_qs(urlparse(callback).query)["status"] == ["OK"]

    result = maryam.get(callback)
    html = result.get_data(as_text=True)
    assert result.status_code == 200
    assert 'data-state="verified"' in html
    assert "۱۲۰٬۰۰۰ تومان" in html
    assert balance_of(maryam.member_id) == 1_200_000

    # The bank calls back again, and the member refreshes: nothing moves twice.
    assert maryam.get(callback).status_code == 200
    assert maryam.get(callback).status_code == 200
    assert balance_of(maryam.member_id) == 1_200_000
    assert told(app, maryam.member_id) == 1
    with work(app) as s:
        payment = s.scalars(select(CardPayment)).one()
        assert payment.state == "verified" and payment.reference and payment.transfer_id
        assert payment.transfer.purpose if hasattr(payment, "transfer") else True
    assert ledger_ok(app)
    # Her statement reads the top-up in Persian with its tracking number.
    page = maryam.get("/hesam/").get_data(as_text=True)
    assert "۱۲۰٬۰۰۰ تومان" in page


def test_a_cancelled_or_failed_payment_adds_nothing(app, client_as, balance_of):
    member = client_as()
    cancelled = decide(member, at_gateway(member, "50000"), "cancel", card="")
    html = member.get(cancelled.headers["Location"]).get_data(as_text=True)
    assert 'data-state="cancelled"' in html

    failed = decide(member, at_gateway(member, "50000"), "fail")
    html = member.get(failed.headers["Location"]).get_data(as_text=True)
    assert 'data-state="failed"' in html

    assert balance_of(member.member_id) == 0
    with work(app) as s:
        assert sorted(s.scalars(select(CardPayment.state))) == ["cancelled", "failed"]
    assert ledger_ok(app)


def test_the_sandbox_accepts_only_its_test_card(client_as, balance_of):
    member = client_as()
    path = at_gateway(member, "50000")
    bad = decide(member, path, "pay", card="1234567812345678")
    assert bad.status_code == 400
    assert "شماره‌ی کارت درست نیست" in bad.get_data(as_text=True) or "کارت" in bad.get_data(as_text=True)
    other = decide(member, path, "pay", card="6037991111111118")
    assert other.status_code == 400
    assert balance_of(member.member_id) == 0


def test_a_forged_callback_before_paying_changes_nothing(app, client_as, balance_of, ledger_snapshot):
    member = client_as()
    path = at_gateway(member, "50000")
    token = path.rsplit("/", 1)[1]
    before = ledger_snapshot()

    # "OK" typed by hand before anything was paid: the gateway's verify says unpaid.
    forged = member.get(f"/hesam/topup/return?token={token}&status=OK&amount=500000")
    assert forged.status_code == 400
    assert 'data-testid="payment-error"' in forged.get_data(as_text=True)
    # An unknown token, and a token with another amount.
    assert member.get("/hesam/topup/return?token=nope&status=OK").status_code == 404
    decide(member, path, "pay")
    changed = member.get(f"/hesam/topup/return?token={token}&status=OK&amount=900000000")
    assert changed.status_code == 400

    assert ledger_snapshot() == before
    with work(app) as s:
        assert s.scalars(select(CardPayment.state)).one() == "redirected"
    # The true return still works afterwards.
    assert member.get(f"/hesam/topup/return?token={token}&status=OK&amount=500000").status_code == 200
    assert balance_of(member.member_id) == 500_000
    assert ledger_ok(app)


def test_a_gateway_that_reports_another_amount_is_refused(app, client_as, balance_of, ledger_snapshot):
    member = client_as()
    path = at_gateway(member, "50000")
    token = path.rsplit("/", 1)[1]
    decide(member, path, "pay")
    with work(app) as s:
        s.scalars(select(SandboxPayment)).one().amount = 5_000_000
    before = ledger_snapshot()

    refused = member.get(f"/hesam/topup/return?token={token}&status=OK")

    assert refused.status_code == 400
    assert ledger_snapshot() == before
    assert balance_of(member.member_id) == 0
    with work(app) as s:
        assert s.scalars(select(CardPayment.state)).one() == "redirected"


def test_the_same_form_sent_twice_asks_the_gateway_once(app, client_as):
    member = client_as()
    shown = member.form("/hesam/topup", {"amount": "50000"}).get_data(as_text=True)
    data = {"key": _KEY.search(shown).group(1), "amount_rials": "500000"}
    first = member.form("/hesam/topup/pay", data, token_from="/hesam/topup")
    second = member.form("/hesam/topup/pay", data, token_from="/hesam/topup")
    assert first.headers["Location"] == second.headers["Location"]
    with work(app) as s:
        assert len(s.scalars(select(CardPayment)).all()) == 1
    # The same key for another amount is refused.
    again = member.form("/hesam/topup/pay", {**data, "amount_rials": "600000"}, token_from="/hesam/topup")
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("", "مبلغ را وارد کنید"),
        ("abc", None),
        ("0", None),
        ("-5000", None),
        ("۹۹۹", "دست‌کم"),
        ("999999999999", "حداکثر"),
    ],
)
def test_bad_amounts_are_refused_in_persian(client_as, amount, message, ledger_snapshot):
    member = client_as()
    before = ledger_snapshot()
    answer = member.form("/hesam/topup", {"amount": amount})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'class="invalid-feedback"' in html
    if message:
        assert message in html
    assert ledger_snapshot() == before


def test_a_tampered_amount_on_the_confirmation_is_checked_again(client_as, app):
    member = client_as()
    answer = member.form("/hesam/topup/pay", {"key": "k1", "amount_rials": "5"}, token_from="/hesam/topup")
    assert answer.status_code == 400
    answer = member.form("/hesam/topup/pay", {"key": "k1", "amount_rials": "x"}, token_from="/hesam/topup")
    assert answer.status_code == 400
    with work(app) as s:
        assert s.scalars(select(CardPayment)).all() == []


def test_another_members_payment_is_not_found(client_as):
    maryam = client_as()
    path = at_gateway(maryam, "50000")
    back = decide(maryam, path, "pay")
    maryam.get(back.headers["Location"])
    stranger = client_as()
    mine = maryam.get("/hesam/payments").get_data(as_text=True)
    payment_id = re.search(r"/hesam/payments/(\d+)", mine).group(1)
    assert maryam.get(f"/hesam/payments/{payment_id}").status_code == 200
    assert stranger.get(f"/hesam/payments/{payment_id}").status_code == 404


def test_two_callbacks_at_once_credit_once(app, client_as, balance_of):
    """The bank's server-to-server callback and the member's browser arrive together."""
    member = client_as()
    path = at_gateway(member, "250000")
    token = path.rsplit("/", 1)[1]
    decide(member, path, "pay")

    start = threading.Barrier(4)
    results: list[str] = []
    errors: list[BaseException] = []

    def callback() -> None:
        try:
            with app.app_context():
                from resalat_core.sdk import get_db

                s = get_db().session
                start.wait(timeout=10)
                done = payments.complete_payment(s, token, gateway=gateways.SandboxGateway())
                s.commit()
                results.append("replayed" if done.replayed else "credited")
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=callback) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert errors == []
    assert sorted(results) == ["credited", "replayed", "replayed", "replayed"]
    assert balance_of(member.member_id) == 2_500_000
    assert told(app, member.member_id) == 1
    assert ledger_ok(app)


def test_the_api_starts_a_card_payment_once_per_key(app, api_as, client, balance_of):
    api = api_as()
    headers = {"Idempotency-Key": "card-1"}
    first = api.post("/api/v1/hesam/card-payments", json={"amount_rials": 700_000}, headers=headers)
    again = api.post("/api/v1/hesam/card-payments", json={"amount_rials": 700_000}, headers=headers)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    assert again.get_json() == body
    assert body["state"] == "redirected" and body["redirect_url"].startswith("/hesam/sandbox/pay/")
    assert api.post("/api/v1/hesam/card-payments", json={"amount_rials": 700_000}).status_code == 400
    for bad in (0, -1, 999, "700000", 10**12, None):
        answer = api.post(
            "/api/v1/hesam/card-payments", json={"amount_rials": bad}, headers={"Idempotency-Key": f"b{bad}"}
        )
        assert answer.status_code == 400, (bad, answer.get_json())

    # The member pays in a browser (here: the anonymous client, as after a lapsed sign-in).
    back = client.form(body["redirect_url"], {"outcome": "pay", "card": gateways.SANDBOX_CARD})
    assert client.get(back.headers["Location"]).status_code == 200
    listed = api.get("/api/v1/hesam/card-payments").get_json()
    assert [(p["id"], p["state"]) for p in listed["items"]] == [(body["id"], "verified")]
    assert listed["items"][0]["reference"]
    assert balance_of(api.member_id) == 700_000
    assert ledger_ok(app)
