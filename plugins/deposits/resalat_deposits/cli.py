"""`resalat deposits`: a member's deposit and points, and the longest term for a loan."""

from __future__ import annotations

from dataclasses import asdict

import click
from flask.cli import AppGroup

from resalat_core.sdk import (
    cli_errors,
    db_session,
    echo_json,
    format_money,
    get_member,
    json_option,
    read_money,
)
from resalat_deposits import services

deposits = AppGroup("deposits", help="Qard al-Hasan deposits: a member's balance, average, points and terms.")


@deposits.command("show")
@click.argument("mobile")
@json_option
@cli_errors
def show(mobile: str, as_json: bool) -> None:
    """The deposit balance, its average over the window and the points of the member MOBILE."""
    session = db_session()
    member = get_member(session, mobile)
    balance = services.balance_of(session, member)
    points = services.points_of(session, member)
    if as_json:
        echo_json(
            {
                "member": {"id": member.id, "name": member.name, "mobile": member.mobile},
                "balance_rials": balance,
                "points": asdict(points),
            }
        )
        return
    click.echo(f"{member.name} ({member.mobile})")
    click.echo(f"deposit balance:   {format_money(balance, lang='en')}")
    click.echo(f"average ({points.window_months} months): {format_money(points.average, lang='en')}")
    parts = {
        k: format_money(getattr(points, k), lang="en") for k in ("received", "given", "used", "available")
    }
    click.echo(
        f"points: received {parts['received']}, given {parts['given']}, used {parts['used']}; "
        f"available {parts['available']}"
    )


@deposits.command("term")
@click.argument("mobile")
@click.argument("amount")
@json_option
@cli_errors
def term(mobile: str, amount: str, as_json: bool) -> None:
    """The longest term for a loan of AMOUNT rials to the member MOBILE."""
    session = db_session()
    member = get_member(session, mobile)
    rials = read_money(amount, unit="rial", field="amount")
    assert rials is not None
    months = services.max_term_for(session, member, rials)
    available = services.points_of(session, member).available
    if as_json:
        echo_json(
            {"member_id": member.id, "amount": rials, "available": available, "max_term_months": months}
        )
        return
    if months is None:
        click.echo(
            f"no term: a loan of {format_money(rials, lang='en')} is over the points available "
            f"({format_money(available, lang='en')})"
        )
    else:
        click.echo(f"a loan of {format_money(rials, lang='en')}: at most {months} months")
