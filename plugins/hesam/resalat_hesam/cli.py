"""`resalat hesam`: record a member's top-up and export a statement as CSV."""

from __future__ import annotations

import sys
import uuid

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
from resalat_hesam import services

hesam = AppGroup("hesam", help="M-Hesam: top up members' accounts, export statements.")


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
