"""The vouchers' commands: ``resalat vouchers fund|issue|batch|expire``."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from resalat_core.sdk import (
    cli_errors,
    db_session,
    echo_json,
    fund_command,
    get_member,
    json_option,
    parse_jalali_date,
)

from . import plugin, services
from .models import BY_ADMIN, ISSUER_KINDS

group = AppGroup(plugin.name, help="Vouchers: fund the budget, issue, expire.")


fund_command(
    group,
    services.fund_budget,
    json_key="budget",
    label="vouchers budget",
    help="Bring AMOUNT rials into the vouchers' budget from outside (cash in).",
)


def _issue(
    issuer: str,
    kind: str,
    title: str,
    amount: int,
    until: str,
    mobiles: list[str],
    key: str | None,
    rules: dict[str, list[str]],
) -> dict[str, object]:
    session = db_session()
    member = get_member(session, issuer)
    batch = services.issue_batch(
        session,
        member,
        kind=kind,
        title=title,
        amount=amount,
        expires_on=parse_jalali_date(until, field="until"),
        mobiles=mobiles,
        key=key or f"cli:{uuid.uuid4().hex}",
        categories=rules["categories"],
        booths=[int(b) for b in rules["booths"]],
        regions=rules["regions"],
        programmes=rules["programmes"],
    )
    session.commit()
    return {
        "batch": batch.id,
        "count": batch.count,
        "amount": batch.amount,
        "total": batch.total,
        "expires_on": batch.expires_on.isoformat(),
        "vouchers": list(session.scalars(services.vouchers_of_batch(batch))),
    }


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


_common = [
    click.option("--issuer", required=True, help="The issuer's mobile or national code."),
    click.option("--as", "kind", type=click.Choice(ISSUER_KINDS), default=BY_ADMIN, show_default=True),
    click.option("--title", required=True),
    click.option("--amount", type=int, required=True, help="rials on each voucher"),
    click.option("--until", required=True, help="the last day, Jalali (1405/06/31)"),
    click.option("--key", help="Issues once per key (retry safely)."),
    click.option("--categories", help="M-Bazar category codes, comma-separated"),
    click.option("--booths", help="booth numbers, comma-separated"),
    click.option("--regions", help="region codes, comma-separated"),
    click.option("--programmes", help="loan programme codes, comma-separated"),
]


def _with_common(f: Any) -> Any:
    for option in reversed(_common):
        f = option(f)
    return f


def _echo(result: dict[str, object], as_json: bool) -> None:
    if as_json:
        echo_json(result)
    else:
        counts = f"{result['count']} vouchers of {result['amount']:,} rials"
        click.echo(f"batch {result['batch']}: {counts}, {result['total']:,} in all")


@group.command("issue")
@click.argument("mobile")
@_with_common
@json_option
@cli_errors
def issue(
    mobile: str,
    issuer: str,
    kind: str,
    title: str,
    amount: int,
    until: str,
    key: str | None,
    categories: str | None,
    booths: str | None,
    regions: str | None,
    programmes: str | None,
    as_json: bool,
) -> None:
    """Give the member with MOBILE one voucher."""
    rules = {
        "categories": _split(categories),
        "booths": _split(booths),
        "regions": _split(regions),
        "programmes": _split(programmes),
    }
    _echo(_issue(issuer, kind, title, amount, until, [mobile], key, rules), as_json)


@group.command("batch")
@click.argument("mobiles", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_with_common
@json_option
@cli_errors
def batch(
    mobiles: Path,
    issuer: str,
    kind: str,
    title: str,
    amount: int,
    until: str,
    key: str | None,
    categories: str | None,
    booths: str | None,
    regions: str | None,
    programmes: str | None,
    as_json: bool,
) -> None:
    """Give each member whose mobile is a line of the file MOBILES a voucher, in one batch."""
    lines = [line.strip() for line in mobiles.read_text(encoding="utf-8").splitlines() if line.strip()]
    rules = {
        "categories": _split(categories),
        "booths": _split(booths),
        "regions": _split(regions),
        "programmes": _split(programmes),
    }
    _echo(_issue(issuer, kind, title, amount, until, lines, key, rules), as_json)


@group.command("expire")
@json_option
@cli_errors
def expire(as_json: bool) -> None:
    """Return what is left on vouchers past their last day to whoever paid for them."""
    session = db_session()
    ids = services.expiring_ids(session)
    with click.progressbar(length=len(ids), label="expiring vouchers", file=sys.stderr) as bar:
        result = services.expire_due(session, progress=bar.update)
    session.commit()
    if as_json:
        echo_json({"vouchers": result.vouchers, "rials": result.rials})
    else:
        click.echo(f"{result.vouchers} vouchers expired, {result.rials:,} rials returned")
