"""`resalat cores`: list and show cores, approve, suspend or reactivate one, and manage fields of work."""

from __future__ import annotations

from typing import Any

import click
from flask.cli import AppGroup

from resalat_core.sdk import (
    cli_errors,
    db_session,
    echo_json,
    get_member,
    json_option,
    paginate,
    to_latin_digits,
)
from resalat_cores import services
from resalat_cores.models import STATUSES, Core, Field

cores = AppGroup("cores", help="Entrepreneurship cores: the registry of cores and their core IDs.")


def _core_dict(core: Core) -> dict[str, Any]:
    return {
        "id": core.id,
        "code": core.code,
        "name": core.name,
        "status": core.status,
        "field": core.field.code,
        "region": core.region.code,
        "leader": {"id": core.leader_id, "name": core.leader.name, "mobile": core.leader.mobile},
        "existed_before": core.existed_before,
        "members_count": core.members_count,
        "created_at": core.created_at.isoformat(),
        "approved_at": core.approved_at.isoformat() if core.approved_at else None,
    }


def _field_dict(field: Field) -> dict[str, Any]:
    return {"code": field.code, "name_fa": field.name_fa, "name_en": field.name_en}


def _find_core(session: Any, ref: str) -> Core:
    """A core by its number (the id) or its core ID."""
    clean = to_latin_digits(ref).strip()
    if clean.isdecimal():
        return services.get_core(session, int(clean))
    return services.get_core_by_code(session, clean)


def _line(core: Core) -> str:
    return (
        f"{core.id:>6}  {core.code or '-':<24}  {core.status:<9}  {core.field.code:<14}  "
        f"{core.region.code:<32}  {core.name}"
    )


@cores.command("list")
@click.option(
    "--region", default=None, help="A province or place code: that place, or the province and its places."
)
@click.option("--field", default=None, help="A field code, e.g. saffron.")
@click.option("--status", type=click.Choice(STATUSES), default=None, help="Only cores of this status.")
@click.option("--q", "query", default=None, help="Part of the name, or a core ID.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1))
@click.option("--per-page", default=50, show_default=True, type=click.IntRange(1, 1000))
@json_option
@cli_errors
def list_cores(
    region: str | None,
    field: str | None,
    status: str | None,
    query: str | None,
    page: int,
    per_page: int,
    as_json: bool,
) -> None:
    """Cores, newest first, a page at a time."""
    session = db_session()
    filters = services.search_filters(session, field=field, region=region, status=status, q=query)
    stmt = services.cores_query(
        region_ids=filters["region_ids"], field=filters["field"], status=filters["status"], q=filters["q"]
    )
    result = paginate(session, stmt, page, per_page)
    session.commit()  # the brochure's fields, if this was the first use
    if as_json:
        echo_json({"items": [_core_dict(c) for c in result.items], "meta": result.meta()})
        return
    if not result.items:
        click.echo("no cores")
        return
    for core in result.items:
        click.echo(_line(core))
    click.echo(f"page {result.page} of {result.pages}, {result.total} cores in all")


@cores.command("show")
@click.argument("core_ref", metavar="CORE")
@json_option
@cli_errors
def show(core_ref: str, as_json: bool) -> None:
    """One core, by its number or its core ID."""
    core = _find_core(db_session(), core_ref)
    if as_json:
        echo_json(_core_dict(core))
    else:
        click.echo(_line(core))


@cores.command("approve")
@click.argument("core_ref", metavar="CORE_ID")
@click.option("--by", "by", required=True, help="Mobile or national code of the approving guide or admin.")
@json_option
@cli_errors
def approve(core_ref: str, by: str, as_json: bool) -> None:
    """Approve the candidate core CORE_ID (its number) and issue its core ID.

    The approver must be a guide or admin of the core's place, exactly as on the pages.
    """
    session = db_session()
    actor = get_member(session, by)
    core = services.approve_core(session, _find_core(session, core_ref), actor=actor)
    session.commit()
    if as_json:
        echo_json(_core_dict(core))
    else:
        click.echo(f"approved core {core.id} ({core.name}): core ID {core.code}")


def _change_status(core_ref: str, by: str, reason: str, status: str | None, as_json: bool) -> None:
    session = db_session()
    actor = get_member(session, by)
    core = _find_core(session, core_ref)
    target = status or services.reactivation_status(core)
    services.set_status(session, core, target, actor=actor, reason=reason)
    session.commit()
    if as_json:
        echo_json(_core_dict(core))
    else:
        click.echo(f"core {core.id} ({core.name}) is now {core.status}")


@cores.command("suspend")
@click.argument("core_ref", metavar="CORE")
@click.option("--by", "by", required=True, help="Mobile or national code of the guide or admin.")
@click.option("--reason", required=True, help="Why; the core's leader is told.")
@json_option
@cli_errors
def suspend(core_ref: str, by: str, reason: str, as_json: bool) -> None:
    """Suspend a core (by its number or core ID), with a reason."""
    _change_status(core_ref, by, reason, services.SUSPENDED, as_json)


@cores.command("reactivate")
@click.argument("core_ref", metavar="CORE")
@click.option("--by", "by", required=True, help="Mobile or national code of the guide or admin.")
@click.option("--reason", required=True, help="Why; the core's leader is told.")
@json_option
@cli_errors
def reactivate(core_ref: str, by: str, reason: str, as_json: bool) -> None:
    """Bring a suspended core back: active with its core ID, or a candidate if never approved."""
    _change_status(core_ref, by, reason, None, as_json)


@cores.command("fields")
@json_option
@cli_errors
def list_fields(as_json: bool) -> None:
    """The fields of work cores are registered in."""
    session = db_session()
    found = services.fields(session)
    session.commit()
    if as_json:
        echo_json([_field_dict(f) for f in found])
        return
    for f in found:
        click.echo(f"{f.code:<20}  {f.name_en}  /  {f.name_fa}")


@cores.command("add-field")
@click.argument("code")
@click.option("--fa", "name_fa", required=True, help="The field's name in Persian.")
@click.option("--en", "name_en", required=True, help="The field's name in English.")
@json_option
@cli_errors
def add_field(code: str, name_fa: str, name_en: str, as_json: bool) -> None:
    """Add a field of work CODE (lower-case English letters, digits and _)."""
    session = db_session()
    field = services.add_field(session, code, name_fa, name_en)
    session.commit()
    if as_json:
        echo_json(_field_dict(field))
    else:
        click.echo(f"added field {field.code}: {field.name_en} / {field.name_fa}")
