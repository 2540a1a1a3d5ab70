"""`resalat icap`: list promissory notes and show one by its serial."""

from __future__ import annotations

from typing import Any

import click
from flask.cli import AppGroup

from resalat_core.sdk import cli_errors, db_session, echo_json, get_member, json_option, paginate
from resalat_icap import services
from resalat_icap.models import STATUSES, Note

icap = AppGroup("icap", help="iCAP electronic promissory notes: list them, show one by serial.")


def _note(note: Note, *, detail: bool = False) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": note.id,
        "serial": note.serial,
        "issued_at": note.issued_at.isoformat(),
        "issuer": {"id": note.issuer_id, "name": note.issuer_name, "mobile": note.issuer_mobile},
        "amount_rials": note.amount,
        "amount_words": note.amount_words,
        "due_date": note.due_date.isoformat() if note.due_date else None,
        "payee": {"kind": note.payee_kind, "name": note.payee_name, "code": note.payee_code},
        "status": note.status,
        "pledged_reference": note.pledged_reference,
        "stamp_duty_rials": note.stamp_duty,
        "guarantors_signed": sum(1 for g in note.guarantors if g.signed_at),
        "guarantors": len(note.guarantors),
    }
    if detail:
        body.update(
            purpose=note.purpose,
            place_of_payment=note.place_of_payment,
            guarantors=[
                {
                    "name": g.name,
                    "national_code": g.national_code,
                    "mobile": g.mobile,
                    "signed_at": g.signed_at.isoformat() if g.signed_at else None,
                }
                for g in note.guarantors
            ],
            endorsements=[
                {
                    "payee_name": e.payee_name,
                    "payee_code": e.payee_code,
                    "endorsed_on": e.endorsed_on.isoformat(),
                }
                for e in note.endorsements
            ],
        )
    return body


@icap.command("list")
@click.option(
    "--member", "identifier", default=None, help="Only this issuer's notes (mobile or national code)."
)
@click.option("--status", type=click.Choice(STATUSES), default=None, help="Only notes of this status.")
@click.option(
    "--limit", default=100, show_default=True, type=click.IntRange(1, 10_000), help="At most this many."
)
@json_option
@cli_errors
def list_notes(identifier: str | None, status: str | None, limit: int, as_json: bool) -> None:
    """Promissory notes, newest first."""
    session = db_session()
    member = get_member(session, identifier) if identifier else None
    page = paginate(session, services.notes_query(member, status), 1, limit)
    if as_json:
        echo_json({"total": page.total, "items": [_note(n) for n in page.items]})
        return
    if not page.items:
        click.echo("no promissory notes")
        return
    for n in page.items:
        due = n.due_date.isoformat() if n.due_date else "on demand"
        click.echo(
            f"{n.serial}  {n.status:<9} {n.amount:>16,} rials  due {due:<10}  "
            f"{n.issuer_name} ({n.issuer_mobile})"
        )
    click.echo(f"{page.total} in all")


@icap.command("show")
@click.argument("serial")
@json_option
@cli_errors
def show(serial: str, as_json: bool) -> None:
    """The promissory note SERIAL, with its guarantors, endorsements and history."""
    session = db_session()
    note = services.get_by_serial(session, serial)
    body = _note(note, detail=True)
    body["history"] = [
        {
            "from": h.from_status,
            "to": h.to_status,
            "reference": h.reference,
            "reason": h.reason,
            "at": h.at.isoformat(),
        }
        for h in services.history_of(session, note)
    ]
    if as_json:
        echo_json(body)
        return
    click.echo(f"Promissory note {note.serial} ({note.status})")
    click.echo(
        f"  issuer:   {note.issuer_name}, national code {note.issuer_national_code}, "
        f"mobile {note.issuer_mobile}"
    )
    click.echo(f"  amount:   {note.amount:,} rials ({note.amount_words})")
    click.echo(f"  due:      {note.due_date.isoformat() if note.due_date else 'on demand'}")
    click.echo(f"  payee:    {note.payee_name} ({note.payee_code})")
    click.echo(f"  for:      {note.purpose}; payable at {note.place_of_payment}")
    click.echo(f"  duty:     {note.stamp_duty:,} rials")
    for g in note.guarantors:
        click.echo(f"  guarantor {g.name} ({g.national_code}): {'signed' if g.signed_at else 'not signed'}")
    for e in note.endorsements:
        click.echo(f"  endorsed to {e.payee_name} ({e.payee_code}) on {e.endorsed_on.isoformat()}")
    for h in body["history"]:
        ref = f" {h['reference']}" if h["reference"] else ""
        click.echo(f"  {h['at'][:19]}  {h['from'] or '-'} -> {h['to']}{ref} {h['reason']}".rstrip())
