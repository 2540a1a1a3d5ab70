"""The administrators see the card payments needing attention, and the gateway's clearing account
reconciles with the card payments; every way of breaking it is named."""

from __future__ import annotations

import json
from datetime import timedelta

from resalat_hesam import reconcile
from resalat_hesam.models import CardPayment, SandboxPayment
from sqlalchemy import select

from resalat_core.sdk import Member, main_account, system_account, transfer, utcnow
from resalat_core.testing import counting_queries, work

from .test_card_payments import at_gateway, decide, ledger_ok


def paid(member, amount: str) -> None:
    """A card top-up paid at the sandbox and back at the callback: credited."""
    path = at_gateway(member, amount)
    assert decide(member, path, "pay").status_code == 302
    token = path.rsplit("/", 1)[1]
    assert member.get(f"/hesam/topup/return?token={token}").status_code == 200


def mismatched(app, member, amount: str) -> int:
    """Paid at the gateway, which then reports another amount: refused, kept for a look."""
    path = at_gateway(member, amount)
    decide(member, path, "pay")
    token = path.rsplit("/", 1)[1]
    with work(app) as s:
        s.scalars(select(SandboxPayment).where(SandboxPayment.token == token)).one().amount = 9_990_000
    assert member.get(f"/hesam/topup/return?token={token}").status_code == 400
    with work(app) as s:
        return s.scalars(select(CardPayment.id).where(CardPayment.token == token)).one()


def report(app) -> reconcile.Reconciliation:
    with work(app) as s:
        return reconcile.reconcile(s)


def test_a_mismatch_is_kept_for_a_look_and_reconciles_as_money_awaiting_attention(app, client_as, balance_of):
    maryam = client_as(name="مریم احمدی")
    paid(maryam, "120000")
    paid(maryam, "30000")
    wrong = mismatched(app, maryam, "50000")
    assert balance_of(maryam.member_id) == 1_500_000  # the mismatch is not credited
    with work(app) as s:
        row = s.get(CardPayment, wrong)
        assert (row.state, row.failure, row.gateway_amount) == ("redirected", "amount_mismatch", 9_990_000)
    # The member reads it as under review, not as waiting.
    assert "بررسی" in maryam.get("/hesam/payments").get_data(as_text=True)

    found = report(app)
    assert found.ok, found.problems
    assert (found.credited, found.clearing_balance) == (1_500_000, -1_500_000)
    assert found.gateway_verified == 1_500_000 + 9_990_000
    assert found.uncredited == found.awaiting_attention == 9_990_000
    assert ledger_ok(app)

    admin = client_as("admin", role_region=None)
    page = admin.get("/hesam/admin/card-payments")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert html.count('data-testid="attention-item"') == 1
    assert f'data-payment-id="{wrong}"' in html and 'data-kind="amount_mismatch"' in html
    assert "مریم احمدی" in html and "۹۹۹٬۰۰۰ تومان" in html
    shown = admin.get("/hesam/admin/card-payments/reconcile").get_data(as_text=True)
    assert 'data-testid="reconciled"' in shown and "۱۵۰٬۰۰۰ تومان" in shown


def test_stuck_and_verified_but_not_credited_payments_are_listed_page_by_page(app, client_as, make_member):
    admin = client_as("admin", role_region=None)
    member = client_as()
    for amount in ("10000", "20000", "30000"):
        at_gateway(member, amount)  # asked, never back from the gateway
    with work(app) as s:
        rows = list(s.scalars(select(CardPayment).order_by(CardPayment.id)))
        for row in rows:
            row.created_at = utcnow() - timedelta(hours=2)
    at_gateway(member, "40000")  # asked a moment ago: not stuck yet
    with work(app) as s:
        listed = list(s.scalars(reconcile.attention_query()))
        assert [p.id for p in listed] == [r.id for r in reversed(rows)]
        assert {reconcile.attention_kind(p) for p in listed} == {"stuck"}
    first = admin.get("/hesam/admin/card-payments?per_page=2").get_data(as_text=True)
    second = admin.get("/hesam/admin/card-payments?per_page=2&page=2").get_data(as_text=True)
    assert first.count('data-testid="attention-item"') == 2
    assert second.count('data-testid="attention-item"') == 1
    # The same number of queries for one page of 2 as of 3: members come with their payments.
    with counting_queries(app) as few:
        admin.get("/hesam/admin/card-payments?per_page=1")
    with counting_queries(app) as more:
        admin.get("/hesam/admin/card-payments?per_page=3")
    assert more.count == few.count


def test_only_payment_admins_see_the_list_and_only_nationwide_ones_reconcile(app, client_as):
    member = client_as()
    assert "/hesam/admin/card-payments" not in member.get("/").get_data(as_text=True)
    assert member.get("/hesam/admin/card-payments").status_code == 403
    assert member.get("/hesam/admin/card-payments/reconcile").status_code == 403
    provincial = client_as("admin", region="zanjan/zanjan")  # an admin of the province only
    assert "/hesam/admin/card-payments" in provincial.get("/").get_data(as_text=True)  # a tile on home
    assert provincial.get("/hesam/admin/card-payments").status_code == 200
    assert provincial.get("/hesam/admin/card-payments/reconcile").status_code == 403


def test_a_stray_movement_on_the_clearing_account_is_found(app, client_as):
    paid(client_as(), "20000")
    with work(app) as s:
        member = s.get(Member, client_as().member_id)
        transfer(
            s,
            "test:stray",
            system_account(s, "card_gateway"),
            main_account(s, member),
            70_000,
            "admin_adjustment",
        )
    found = report(app)
    assert not found.ok
    assert found.problem_counts["stray_transfer"] == 1
    assert [p.amount for p in found.problems if p.code == "stray_transfer"] == [70_000]
    assert "balance_differs" in found.problem_counts  # the balance is no longer minus the credits


def test_a_payment_marked_verified_without_its_credit_is_found(app, client_as):
    member = client_as()
    path = at_gateway(member, "25000")
    decide(member, path, "pay")
    with work(app) as s:
        row = s.scalars(select(CardPayment)).one()
        row.state, row.gateway_amount, row.reference = "verified", row.amount, "123"
    found = report(app)
    assert found.problem_counts.get("verified_not_credited") == 1
    with work(app) as s:
        assert [reconcile.attention_kind(p) for p in s.scalars(reconcile.attention_query())] == [
            "verified_not_credited"
        ]
    admin = client_as("admin", role_region=None)
    got = admin.get("/hesam/admin/card-payments/reconcile")
    shown = got.get_data(as_text=True)
    assert got.status_code == 200, shown[shown.find("<main") :]
    assert 'data-testid="not-reconciled"' in shown and 'data-code="verified_not_credited"' in shown


def test_a_credit_that_differs_from_the_payment_is_found(app, client_as):
    paid(client_as(), "60000")
    with work(app) as s:
        s.scalars(select(CardPayment)).one().amount = 700_000  # the row says another amount
    found = report(app)
    assert found.problem_counts.get("credit_differs") == 1
    assert not found.ok


def test_the_cli_reconciles_as_json_and_fails_when_it_does_not(app, client_as):
    paid(client_as(), "15000")
    runner = app.test_cli_runner()
    done = runner.invoke(args=["hesam", "reconcile", "--json"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.output)
    assert data["ok"] is True and data["credited"] == 150_000 and data["clearing_balance"] == -150_000
    with work(app) as s:
        s.scalars(select(CardPayment)).one().gateway_amount = None
    broken = runner.invoke(args=["hesam", "reconcile"])
    assert broken.exit_code == 1
    assert "credit_differs" in broken.output and "NOT reconciled" in broken.output
