"""`resalat wallet`: verify the ledger, read balances and statements, move money as an admin."""

from __future__ import annotations

import sys
import uuid

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from resalat_core.cli import cli_errors, echo_json, json_option
from resalat_core.db import db_session
from resalat_core.formats import parse_money
from resalat_core.members.services import get_member
from resalat_core.pagination import paginate
from resalat_core.wallet import services as ledger
from resalat_core.wallet.models import Account

wallet = AppGroup("wallet", help="The ledger: verify, balances, statements, admin transfers.")


def _account(ref: str) -> Account:
    """An account by code (``system:escrow``, ``member:12:main``) or a member's mobile/national code."""
    session = db_session()
    if ref.startswith("system:"):
        return ledger.system_account(session, ref.removeprefix("system:"))
    if ":" in ref:
        return ledger.get_account(session, ref)
    return ledger.main_account(session, get_member(session, ref))


def _account_json(a: Account) -> dict:
    return {
        "id": a.id,
        "code": a.code,
        "kind": a.kind,
        "owner_id": a.owner_id,
        "posted": a.posted,
        "pending_debits": a.pending_debits,
        "pending_credits": a.pending_credits,
        "available": a.available,
        "purpose": a.purpose,
        "spend_rules": a.spend_rules,
    }


@wallet.command("verify")
@json_option
def verify(as_json: bool) -> None:
    """Recompute every balance from the entries and check the invariants (exit 1 on any break)."""
    session = db_session()
    total = session.scalar(select(func.count(Account.id))) or 0
    # The bar goes to stderr so that --json output on stdout stays clean for scripts.
    with click.progressbar(length=total, label="verifying", file=sys.stderr) as bar:
        report = ledger.verify(session, progress=bar.update)
    if as_json:
        echo_json(report.as_dict())
    else:
        click.echo(f"{report.accounts} accounts, {report.transfers} transfers checked")
        for problem in report.problems:
            click.echo(f"BROKEN: {problem}", err=True)
        if report.ok:
            click.echo("the ledger is consistent")
    if not report.ok:
        raise SystemExit(1)


@wallet.command("balance")
@click.argument("account")
@json_option
@cli_errors
def balance(account: str, as_json: bool) -> None:
    """Balance of ACCOUNT: an account code or a member's mobile / national code."""
    acc = _account(account)
    db_session().commit()
    if as_json:
        echo_json(_account_json(acc))
        return
    click.echo(f"{acc.code}: posted {acc.posted:,} rials, available {acc.available:,} rials")
    if acc.pending_debits or acc.pending_credits:
        click.echo(f"  reserved out {acc.pending_debits:,}, reserved in {acc.pending_credits:,}")


@wallet.command("transfer")
@click.argument("debit")
@click.argument("credit")
@click.argument("amount")
@click.option("--unit", type=click.Choice(["toman", "rial"]), default="rial", show_default=True)
@click.option("--purpose", default="admin_adjustment", show_default=True)
@click.option("--reference", default=None)
@click.option("--key", default=None, help="Idempotency key (default: a new one).")
@json_option
@cli_errors
def transfer(
    debit: str,
    credit: str,
    amount: str,
    unit: str,
    purpose: str,
    reference: str | None,
    key: str | None,
    as_json: bool,
) -> None:
    """Move AMOUNT from DEBIT to CREDIT (account codes or members' mobiles / national codes)."""
    session = db_session()
    rials = parse_money(amount, unit=unit)
    t = ledger.transfer(
        session,
        key or f"cli:{uuid.uuid4().hex}",
        _account(debit),
        _account(credit),
        rials,
        purpose,
        reference,
    )
    session.commit()
    if as_json:
        echo_json({"id": t.id, "key": t.key, "amount": t.amount, "state": t.state})
    else:
        click.echo(f"transfer {t.id}: {t.amount:,} rials {t.debit_account.code} -> {t.credit_account.code}")


@wallet.command("statement")
@click.argument("account")
@click.option("--page", default=1, type=click.IntRange(min=1))
@click.option("--per-page", default=20, type=click.IntRange(1, 500))
@json_option
@cli_errors
def statement(account: str, page: int, per_page: int, as_json: bool) -> None:
    """The entries of ACCOUNT, newest first."""
    acc = _account(account)
    result = paginate(db_session(), ledger.statement_query(acc), page, per_page)
    rows = [
        {
            "id": e.id,
            "at": e.created_at.isoformat(timespec="seconds"),
            "amount": e.amount,
            "balance_after": e.balance_after,
            "purpose": e.transfer.purpose,
            "reference": e.transfer.reference,
        }
        for e in result.items
    ]
    if as_json:
        echo_json({"account": acc.code, "items": rows, "meta": result.meta()})
        return
    for r in rows:
        amounts = f"{r['amount']:>+16,}  {r['balance_after']:>16,}"
        click.echo(f"{r['at']}  {amounts}  {r['purpose']}  {r['reference'] or ''}")
    click.echo(f"page {result.page}/{result.pages} ({result.total} entries)")


@wallet.command("expire")
@json_option
def expire(as_json: bool) -> None:
    """Void the pending transfers whose time ran out (run it periodically)."""
    session = db_session()
    n = ledger.expire_pending(session)
    session.commit()
    if as_json:
        echo_json({"voided": n})
    else:
        click.echo(f"{n} pending transfer(s) voided")
