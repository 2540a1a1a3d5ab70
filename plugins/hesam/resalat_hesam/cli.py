"""`resalat hesam`: top-ups, statements as CSV, the bank batches of withdrawals, the gateway reconciled."""

from __future__ import annotations

import sys
import uuid
from typing import Any

import click
from flask.cli import AppGroup

from resalat_core.sdk import (
    BadInput,
    _,
    cli_errors,
    db_session,
    echo_json,
    get_member,
    json_option,
    read_money,
)
from resalat_hesam import reconcile, services, withdrawals

hesam = AppGroup("hesam", help="M-Hesam: top up members' accounts, export statements, pay out withdrawals.")


@hesam.command("topup")
@click.argument("identifier")
@click.argument("amount")
@click.option("--unit", type=click.Choice(["toman", "rial"]), default="toman", show_default=True)
@click.option("--key", default=None, help="Idempotency key: the same key tops up once (default: a new one).")
@click.option("--note", default="", help="A note shown in the member's statement.")
@json_option
@cli_errors
def topup(identifier: str, amount: str, unit: str, key: str | None, note: str, as_json: bool) -> None:
    """Credit AMOUNT to the main account of the member IDENTIFIER (mobile or national code).

    The money comes from the system account cash_in, as cash an administrator received.
    """
    session = db_session()
    member = get_member(session, identifier)
    rials = read_money(amount, unit=unit, field="amount")
    assert rials is not None
    key = key if key is not None else f"cli:{uuid.uuid4().hex}"
    sent = services.top_up(session, member, rials, key=key, note=note)
    session.commit()
    balance = services.main_balance(session, member)
    if as_json:
        echo_json(
            {
                "transfer_id": sent.transfer.id,
                "key": key,
                "member_id": member.id,
                "amount_rials": sent.transfer.amount,
                "balance_rials": balance,
                "replayed": sent.replayed,
            }
        )
        return
    if sent.replayed:
        click.echo(f"already recorded with key {key}: transfer {sent.transfer.id}, nothing added")
    else:
        click.echo(
            f"transfer {sent.transfer.id}: {sent.transfer.amount:,} rials "
            f"({services.tomans(sent.transfer.amount)} tomans) to {member.mobile}"
        )
    click.echo(f"balance: {balance:,} rials ({services.tomans(balance)} tomans)")


@hesam.command("statement")
@click.argument("identifier")
@click.option(
    "--csv",
    "csv_path",
    required=True,
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    help="Write the CSV here ('-' for standard output).",
)
@click.option(
    "--account", "account_id", type=int, default=None, help="One of the member's account ids (default: main)."
)
@click.option("--since", default="", help="First day, Jalali (1404/01/01).")
@click.option("--until", default="", help="Last day, Jalali, included.")
@click.option("--direction", type=click.Choice(["in", "out"]), default=None)
@click.option("--purpose", default="", help="A purpose code, such as member_transfer.")
@json_option
@cli_errors
def statement(
    identifier: str,
    csv_path: str,
    account_id: int | None,
    since: str,
    until: str,
    direction: str | None,
    purpose: str,
    as_json: bool,
) -> None:
    """Export the statement of the member IDENTIFIER as CSV (UTF-8 with a BOM, for Excel).

    Newest first; amounts in rials and tomans, dates Jalali in Tehran time. Every argument is
    checked before the file is opened, so bad input leaves no file behind.
    """
    if as_json and csv_path == "-":
        raise BadInput(_("Write the CSV to a file when asking for JSON: both cannot go to standard output."))
    session = db_session()
    member = get_member(session, identifier)
    if account_id is None:
        account = services.find_main_account(session, member)
        if account is None:
            raise BadInput(_("This member has no account yet."), code="unknown_account")
    else:
        account = services.owned_account(session, member, account_id)
    filters = services.read_filter(
        {"since": since, "until": until, "direction": direction or "", "purpose": purpose}
    )
    total = services.statement_count(session, account, filters)
    rows = services.iter_statement(session, account, filters)
    # The bar goes to stderr, so '--csv -' and --json keep standard output clean.
    with (
        # Bytes, so the CSV's own CRLF line ends reach the file untouched on any platform.
        click.open_file(csv_path, "wb") as out,
        click.progressbar(rows, length=total, label="exporting", file=sys.stderr) as bar,
    ):
        for chunk in services.statement_csv(bar, member):
            out.write(chunk.encode("utf-8"))
    if as_json:
        echo_json({"account_id": account.id, "entries": total, "file": csv_path})
    elif csv_path != "-":
        click.echo(f"{total} entries of account {account.id} written to {csv_path}")


@hesam.group("withdrawals")
def withdrawals_group() -> None:
    """Withdrawals to members' bank accounts: export a batch for the bank, record its answers."""


@withdrawals_group.command("export")
@click.option(
    "--csv",
    "csv_path",
    required=True,
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    help="Write the bank's batch here ('-' for standard output).",
)
@json_option
@cli_errors
def withdrawals_export(csv_path: str, as_json: bool) -> None:
    """Put every waiting withdrawal in a new batch, mark them exported and write the batch's CSV.

    The CSV (UTF-8 with a BOM, Latin digits) has one row per withdrawal: Sheba, holder, amount in
    rials and the payment id (W<id>) the bank echoes back. Nothing is marked if nothing waits.
    """
    if as_json and csv_path == "-":
        raise BadInput(_("Write the CSV to a file when asking for JSON: both cannot go to standard output."))
    session = db_session()
    waiting, _total = withdrawals.waiting_summary(session)
    # The bar goes to stderr, so '--csv -' and --json keep standard output clean.
    with click.progressbar(length=waiting, label="exporting", file=sys.stderr) as bar:
        name, count, total = withdrawals.export_batch(session, progress=bar.update)
    rows = withdrawals.batch_rows(session, name)
    with click.open_file(csv_path, "wb") as out:
        for chunk in withdrawals.batch_csv(rows):
            out.write(chunk.encode("utf-8"))
    # Marked exported only once the file is written: a failed write leaves them waiting.
    session.commit()
    if as_json:
        echo_json({"batch": name, "withdrawals": count, "total_rials": total, "file": csv_path})
    elif csv_path != "-":
        click.echo(f"batch {name}: {count} withdrawals, {total:,} rials, written to {csv_path}")


def _answered(withdrawal: Any, replayed: bool, as_json: bool) -> None:
    if as_json:
        echo_json(
            {
                "id": withdrawal.id,
                "state": withdrawal.state,
                "amount_rials": withdrawal.amount,
                "replayed": replayed,
            }
        )
    else:
        again = " (already recorded)" if replayed else ""
        click.echo(f"withdrawal {withdrawal.id}: {withdrawal.state}{again}")


@withdrawals_group.command("settle")
@click.argument("withdrawal_id", type=int)
@click.option("--reference", required=True, help="The bank's tracking number for this payment.")
@json_option
@cli_errors
def withdrawals_settle(withdrawal_id: int, reference: str, as_json: bool) -> None:
    """The bank paid WITHDRAWAL_ID: the held money leaves for good (safe to repeat)."""
    session = db_session()
    found, replayed = withdrawals.settle(session, withdrawal_id, reference)
    session.commit()
    _answered(found, replayed, as_json)


@withdrawals_group.command("refuse")
@click.argument("withdrawal_id", type=int)
@click.option("--reason", required=True, help="The bank's reason, told to the member.")
@json_option
@cli_errors
def withdrawals_refuse(withdrawal_id: int, reason: str, as_json: bool) -> None:
    """The bank refused WITHDRAWAL_ID: the money is free again and the member is told (safe to repeat)."""
    session = db_session()
    found, replayed = withdrawals.refuse(session, withdrawal_id, reason)
    session.commit()
    _answered(found, replayed, as_json)


@hesam.command("reconcile")
@json_option
@cli_errors
def reconcile_command(as_json: bool) -> None:
    """Reconcile the card gateway's clearing account with the card payments (exit 1 if it does not).

    What the gateway verified minus what was credited must be the payments needing attention
    (amount mismatches), and the clearing account's balance minus what was credited; every other
    difference is named with its payment or ledger transfer. Reads only.
    """
    session = db_session()
    report = reconcile.reconcile(session)
    session.rollback()  # reads only (the clearing account may have been opened just to read it)
    if as_json:
        echo_json(report.as_dict())
    else:
        click.echo(
            f"gateway verified {report.gateway_verified:,} rials, credited {report.credited:,}, "
            f"verified but not credited {report.uncredited:,} "
            f"(payments needing attention: {report.awaiting_attention:,}), "
            f"clearing balance {report.clearing_balance:,}"
        )
        for problem in report.problems:
            where = f"payment {problem.payment_id}" if problem.payment_id else ""
            if problem.transfer_id:
                where = f"{where} transfer {problem.transfer_id}".strip()
            click.echo(f"  {problem.code}: {where} {problem.amount:,} rials".rstrip())
        click.echo("reconciled" if report.ok else "NOT reconciled")
    if not report.ok:
        sys.exit(1)
