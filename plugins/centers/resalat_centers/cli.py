"""`resalat centers`: list the cooperation centres and follow an order's delivery."""

from __future__ import annotations

from typing import Any

import click
from flask.cli import AppGroup

from resalat_centers import services
from resalat_centers.schemas import jalali
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

centers = AppGroup("centers", help="Cooperation centres: list them, follow an order's delivery.")


@centers.command("list")
@click.option(
    "--region", "region_code", default="", help="Only this region (a province takes in its places)."
)
@click.option("-q", "--query", default="", help="Part of the centre's name.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1))
@click.option("--per-page", default=50, show_default=True, type=click.IntRange(1, 500))
@json_option
@cli_errors
def list_centres(region_code: str, query: str, page: int, per_page: int, as_json: bool) -> None:
    """The cooperation centres, by name, with their leader, members and cores."""
    session = db_session()
    region_ids = None
    if region_code.strip():
        try:
            region_ids = ids_under(session, [get_region(session, region_code)])
        except NotFound as exc:
            raise BadInput(exc.message, fields={"region": exc.message}) from None
    result = paginate(session, services.centres_query(region_ids=region_ids, q=query), page, per_page)
    counts = services.centre_counts(session, result.items)
    rows = [
        {
            "id": c.id,
            "name": c.name,
            "region": c.region.code,
            "leader": {"id": c.leader.id, "name": c.leader.name, "mobile": c.leader.mobile},
            "members": counts[c.id].members,
            "cores": counts[c.id].cores,
            "open_orders": counts[c.id].open_orders,
        }
        for c in result.items
    ]
    if as_json:
        echo_json({"items": rows, "meta": result.meta()})
        return
    if not rows:
        click.echo("no centres")
        return
    for r in rows:
        click.echo(
            f"{r['id']:>5}  {r['name']}  ({r['region']})  leader {r['leader']['name']}  "
            f"{r['members']} members, {r['cores']} cores, {r['open_orders']} open orders"
        )
    click.echo(f"page {result.page} of {result.pages}, {result.total} centres in all")


def _order(order: Any) -> dict[str, Any]:
    return {
        "id": order.id,
        "centre": {"id": order.centre.id, "name": order.centre.name},
        "customer": order.customer,
        "item": order.item,
        "unit": order.unit,
        "quantity": order.quantity,
        "due_date": order.due_date.isoformat(),
        "due_date_jalali": jalali(order.due_date),
        "unit_price_rials": order.unit_price,
        "status": order.status,
        "allocated": order.allocated,
        "remaining": order.remaining,
        "delivered": order.delivered,
        "percent_delivered": order.percent_delivered,
    }


@centers.command("order-status")
@click.argument("order_id")
@json_option
@cli_errors
def order_status(order_id: str, as_json: bool) -> None:
    """How far the order ORDER_ID has come: delivered of total, and each core's part."""
    session = db_session()
    order = services.order_by_id(session, order_id)
    progress = [
        {
            "core": {"id": p.core.id, "code": p.core.code, "name": p.core.name},
            "offered": p.offered,
            "accepted": p.accepted,
            "declined": p.declined,
            "delivered": p.delivered,
        }
        for p in services.order_progress(session, order)
    ]
    if as_json:
        echo_json({**_order(order), "progress": progress})
        return
    click.echo(f"order {order.id} of {order.centre.name}: {order.quantity} {order.unit} {order.item}")
    click.echo(f"customer {order.customer}, due {jalali(order.due_date)} ({order.due_date.isoformat()})")
    click.echo(
        f"status {order.status}: {order.delivered} of {order.quantity} delivered "
        f"({order.percent_delivered}%), {order.allocated} shared, {order.remaining} still to share"
    )
    for p in progress:
        code = p["core"]["code"] or "-"
        click.echo(
            f"  {code:<24} {p['core']['name']}: delivered {p['delivered']} of {p['accepted']} accepted"
            f", {p['offered']} waiting, {p['declined']} declined"
        )
