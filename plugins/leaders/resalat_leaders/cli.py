"""`resalat leaders`: the social guarantees about a member, and a social leader's community."""

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
    format_money,
    get_member,
    json_option,
    paginate,
)
from resalat_leaders import services
from resalat_leaders.models import SocialGuarantee

leaders = AppGroup("leaders", help="Social leaders: guarantees about a member, a leader's community.")


def _guarantee(g: SocialGuarantee, state: str) -> dict[str, Any]:
    return {
        "id": g.id,
        "member_id": g.member_id,
        "leader": {"id": g.leader_id, "name": g.leader.name, "mobile": g.leader.mobile},
        "cap_rials": g.cap_rials,
        "status": state,
        "valid_until": g.valid_until.isoformat() if g.valid_until else None,
        "signed_at": g.signed_at.isoformat(),
        "revoked_at": g.revoked_at.isoformat() if g.revoked_at else None,
        "revoked_reason": g.revoked_reason,
        "statement": g.statement,
    }


@leaders.command("guarantees")
@click.argument("identifier")
@click.option(
    "--limit", default=50, show_default=True, type=click.IntRange(1, 1000), help="At most this many."
)
@json_option
@cli_errors
def guarantees(identifier: str, limit: int, as_json: bool) -> None:
    """The social guarantees leaders signed for the member IDENTIFIER (mobile or national code)."""
    session = db_session()
    member = get_member(session, identifier)
    page = paginate(session, services.about_query(member), 1, limit)
    states = services.states(page.items)
    signals = services.credit_signals(session, member)
    counting = signals[0].value if signals else 0
    if as_json:
        echo_json(
            {
                "member": {"id": member.id, "name": member.name, "mobile": member.mobile},
                "active_total_rials": counting,
                "total": page.total,
                "items": [_guarantee(g, states[g.id]) for g in page.items],
            }
        )
        return
    click.echo(f"{member.name} ({member.mobile})")
    if not page.items:
        click.echo("no social guarantees")
        return
    for g in page.items:
        until = g.valid_until.isoformat() if g.valid_until else "until revoked"
        click.echo(
            f"{g.id:>6}  {states[g.id]:<8} {format_money(g.cap_rials, lang='en'):>24}  "
            f"{until:<13}  by {g.leader.name} ({g.leader.mobile})"
        )
    click.echo(f"{page.total} in all; active ones together: {format_money(counting, lang='en')}")


@leaders.command("community")
@click.argument("identifier")
@click.option(
    "--limit", default=50, show_default=True, type=click.IntRange(1, 1000), help="At most this many cores."
)
@json_option
@cli_errors
def community(identifier: str, limit: int, as_json: bool) -> None:
    """The community of the social leader IDENTIFIER: its places, its cores, what the leader vouches for."""
    session = db_session()
    leader = get_member(session, identifier)
    area = services.community_of(session, leader)
    if area == []:
        raise BadInput(_("%(name)s is not a social leader anywhere.", name=leader.name), code="not_a_leader")
    regions = services.community_regions(session, leader)
    ids = {r.id for r in regions}
    tops = [r for r in regions if r.parent_id not in ids]
    cores = paginate(session, services.community_cores(session, leader), 1, limit)
    used = services.active_total(session, leader)
    if as_json:
        echo_json(
            {
                "leader": {"id": leader.id, "name": leader.name, "mobile": leader.mobile},
                "nationwide": area is None,
                "regions": [r.code for r in tops],
                "guarantees": {"active_total_rials": used, "limit_rials": services.leader_cap()},
                "cores": {
                    "total": cores.total,
                    "items": [
                        {
                            "id": c.id,
                            "code": c.code,
                            "name": c.name,
                            "status": c.status,
                            "field": c.field.code,
                            "region": c.region.code,
                            "leader": {"id": c.leader_id, "name": c.leader.name},
                        }
                        for c in cores.items
                    ],
                },
            }
        )
        return
    where = "all of Iran" if area is None else ", ".join(r.code for r in tops)
    click.echo(f"{leader.name} ({leader.mobile}): {where}")
    click.echo(
        f"vouches for {format_money(used, lang='en')} of {format_money(services.leader_cap(), lang='en')}"
    )
    click.echo(f"{cores.total} cores")
    for c in cores.items:
        click.echo(f"  {c.code or '(no core ID)':<24} {c.status:<10} {c.name}  (leader: {c.leader.name})")
