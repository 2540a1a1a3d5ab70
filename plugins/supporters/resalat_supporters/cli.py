"""`resalat supporters`: list loan introductions, move one along, and list a supporter's actions."""

from __future__ import annotations

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
)
from resalat_supporters import services
from resalat_supporters.models import Introduction, SupportAction

supporters = AppGroup("supporters", help="Supporters: loan introductions and support actions.")


def _introduction(i: Introduction) -> dict[str, Any]:
    return {
        "id": i.id,
        "status": i.status,
        "status_note": i.status_note,
        "supporter": {"id": i.supporter_id, "name": i.supporter.name, "mobile": i.supporter.mobile},
        "member": {"id": i.member_id, "name": i.member.name, "mobile": i.member.mobile},
        "core": {"id": i.core_id, "code": i.core.code, "name": i.core.name},
        "estimate_rials": i.estimate,
        "amount_rials": i.amount,
        "ceiling_rials": i.ceiling,
        "purpose": i.purpose,
        "created_at": i.created_at.isoformat(),
        "status_changed_at": i.status_changed_at.isoformat(),
    }


def _action(a: SupportAction) -> dict[str, Any]:
    return {
        "id": a.id,
        "kind": a.kind,
        "supporter": {"id": a.supporter_id, "name": a.supporter.name, "mobile": a.supporter.mobile},
        "beneficiary_member": (
            {"id": a.beneficiary_member.id, "name": a.beneficiary_member.name}
            if a.beneficiary_member
            else None
        ),
        "beneficiary_core": (
            {"id": a.beneficiary_core.id, "code": a.beneficiary_core.code, "name": a.beneficiary_core.name}
            if a.beneficiary_core
            else None
        ),
        "happened_on": a.happened_on.isoformat(),
        "description": a.description,
        "hours": a.hours,
        "amount_rials": a.amount,
    }


@supporters.command("introductions")
@click.option("--status", default=None, help=f"Only this status: {', '.join(services.STATUSES)}.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10_000))
@json_option
@cli_errors
def introductions(status: str | None, limit: int, as_json: bool) -> None:
    """Every loan introduction, newest first (or only those of one --status)."""
    page = services.all_introductions(db_session(), status=status, page=1, per_page=limit)
    if as_json:
        echo_json({"total": page.total, "items": [_introduction(i) for i in page.items]})
        return
    if not page.items:
        click.echo("no introductions")
        return
    for i in page.items:
        click.echo(
            f"{i.id:>6}  {i.created_at:%Y-%m-%d}  {i.status:<10}  {i.amount:>16,} rials  "
            f"{i.member.mobile}  {i.core.code}  by {i.supporter.mobile}"
        )
    count, total = services.introduction_totals(db_session())
    click.echo(f"{page.total} listed; {count} accepted by their members, asking {total:,} rials in all")


@supporters.command("mark")
@click.argument("introduction_id", type=int)
@click.argument("status")
@click.option("--note", default="", help="Why (the bank's reason for a rejection...).")
@json_option
@cli_errors
def mark(introduction_id: int, status: str, note: str, as_json: bool) -> None:
    """Move introduction INTRODUCTION_ID to STATUS (scored, requested, approved, rejected, disbursed).

    What the loans plugin does; for an operator recording the bank's answer by hand.
    """
    session = db_session()
    introduction = services.mark_introduction(
        session, services.get_introduction(session, introduction_id), status, note=note
    )
    session.commit()
    if as_json:
        echo_json(_introduction(introduction))
    else:
        click.echo(f"introduction {introduction.id} is now {introduction.status}")


@supporters.command("actions")
@click.argument("identifier")
@click.option("--received", is_flag=True, help="What the member received instead of what they gave.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10_000))
@json_option
@cli_errors
def actions(identifier: str, received: bool, limit: int, as_json: bool) -> None:
    """The support the supporter IDENTIFIER (mobile or national code) recorded, newest first."""
    session = db_session()
    member = get_member(session, identifier)
    if not received and not services.kinds_of(member):
        raise BadInput(_("This member is not a supporter."))
    page = (
        services.actions_received(session, member, 1, limit)
        if received
        else services.actions_by(session, member, 1, limit)
    )
    if as_json:
        echo_json({"member_id": member.id, "total": page.total, "items": [_action(a) for a in page.items]})
        return
    if not page.items:
        click.echo("no support recorded")
        return
    for a in page.items:
        to = f"core {a.beneficiary_core.code}" if a.beneficiary_core else a.beneficiary_member.mobile
        extra = "".join((f"  {a.hours:g} h" if a.hours else "", f"  {a.amount:,} rials" if a.amount else ""))
        click.echo(f"{a.id:>6}  {a.happened_on}  {a.kind:<16}  to {to}{extra}  {a.description[:60]}")
    click.echo(f"{page.total} in all")
