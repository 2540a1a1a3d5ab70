"""`resalat festivals`: list upcoming festivals and print a festival's sales summary."""

from __future__ import annotations

from typing import Any

import click
from flask.cli import AppGroup

from resalat_core.sdk import (
    BadInput,
    NotFound,
    cli_errors,
    db_session,
    echo_json,
    get_region,
    ids_under,
    json_option,
    paginate,
)
from resalat_festivals import services
from resalat_festivals.schemas import jalali

festivals = AppGroup(
    "festivals", help="Festivals and fairs: list the upcoming ones, a festival's sales summary."
)


def _festival(f: Any) -> dict[str, Any]:
    return {
        "id": f.id,
        "title": f.title,
        "region": f.region.code,
        "status": f.status,
        "starts_on": jalali(f.starts_on),
        "ends_on": jalali(f.ends_on),
        "apply_by": jalali(f.apply_by),
        "booths": f.booths,
        "accepted": f.accepted,
        "organiser": {"id": f.organiser.id, "name": f.organiser.name},
    }


@festivals.command("list")
@click.option(
    "--region", "region_code", default="", help="Only this region (a province takes in its places)."
)
@click.option("--page", default=1, show_default=True, type=click.IntRange(1))
@click.option("--per-page", default=50, show_default=True, type=click.IntRange(1, 500))
@json_option
@cli_errors
def list_festivals(region_code: str, page: int, per_page: int, as_json: bool) -> None:
    """Festivals not over yet, soonest first."""
    session = db_session()
    region_ids = None
    if region_code.strip():
        try:
            region_ids = ids_under(session, [get_region(session, region_code.strip())])
        except NotFound as exc:
            raise BadInput(exc.message, fields={"region": exc.message}) from None
    result = paginate(session, services.upcoming_query(region_ids=region_ids), page, per_page)
    rows = [_festival(f) for f in result.items]
    if as_json:
        echo_json({"items": rows, "meta": result.meta()})
        return
    if not rows:
        click.echo("No upcoming festival.")
    for r in rows:
        click.echo(
            f"{r['id']}\t{r['starts_on']}..{r['ends_on']}\t{r['status']}\t"
            f"{r['accepted']}/{r['booths']} booths\t{r['region']}\t{r['title']}"
        )


@festivals.command("report")
@click.argument("festival_id")
@json_option
@cli_errors
def report(festival_id: str, as_json: bool) -> None:
    """A festival's sales: M-Bazar orders during it and what each core sold at the fair (rials)."""
    session = db_session()
    found = services.report(session, services.get_festival(session, festival_id))
    cores: list[dict[str, Any]] = [
        {
            "core": {
                "id": c.application.core.id,
                "code": c.application.core.code,
                "name": c.application.core.name,
            },
            "orders": c.orders,
            "online_rials": c.online,
            "fair_rials": c.fair,
            "fair_items": c.items,
            "total_rials": c.total,
        }
        for c in found.cores
    ]
    festival = _festival(found.festival)
    data: dict[str, Any] = {
        "festival": festival,
        "applied": found.applied,
        "accepted": found.accepted,
        "declined": found.declined,
        "orders": found.orders,
        "online_rials": found.online,
        "fair_rials": found.fair,
        "fair_items": found.items,
        "total_rials": found.total,
        "cores": cores,
    }
    if as_json:
        echo_json(data)
        return
    click.echo(f"{found.festival.title} ({festival['starts_on']}..{festival['ends_on']})")
    click.echo(
        f"total {found.total} rials: M-Bazar {found.orders} orders {found.online} rials, "
        f"at the fair {found.fair} rials ({found.items} items)"
    )
    for c in cores:
        fair = (
            "not reported" if c["fair_rials"] is None else f"{c['fair_rials']} rials, {c['fair_items']} items"
        )
        click.echo(
            f"  {c['core']['name']}: M-Bazar {c['orders']} orders {c['online_rials']} rials; fair {fair}"
        )
