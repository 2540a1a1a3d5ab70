"""`resalat notifications`: send a notification to a member, a region or everyone; read an inbox."""

from __future__ import annotations

import sys
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
    get_region,
    json_option,
    module_active,
)
from resalat_notifications import plugin, services
from resalat_notifications.messages import ANNOUNCEMENT
from resalat_notifications.models import Notification

notifications = AppGroup("notifications", help="Send notifications and read a member's inbox.")


def _as_dict(n: Notification) -> dict[str, Any]:
    title, body = services.text(n)
    return {
        "id": n.id,
        "member_id": n.member_id,
        "source": n.source,
        "kind": n.kind,
        "title": title,
        "body": body,
        "params": n.params,
        "url": n.url,
        "created_at": n.created_at.isoformat(),
        "read_at": n.read_at.isoformat() if n.read_at else None,
    }


@notifications.command("send")
@click.argument("identifier", required=False)
@click.option("--title-fa", default="", help="Title in Persian (required).")
@click.option("--title-en", default="", help="Title in English (required).")
@click.option("--body-fa", default="", help="Text in Persian.")
@click.option("--body-en", default="", help="Text in English.")
@click.option("--url", default=None, help="A path on this site that opening the notification goes to.")
@click.option("--region", "region_code", default=None, help="Send to every member of this region.")
@click.option("--all", "everyone", is_flag=True, help="Send to every member.")
@json_option
@cli_errors
def send(
    identifier: str | None,
    title_fa: str,
    title_en: str,
    body_fa: str,
    body_en: str,
    url: str | None,
    region_code: str | None,
    everyone: bool,
    as_json: bool,
) -> None:
    """Send an announcement to the member IDENTIFIER (mobile or national code), or to many.

    With --region CODE or --all instead of IDENTIFIER it goes to every active member there whose
    region has notifications switched on.
    """
    if sum((bool(identifier), bool(region_code), everyone)) != 1:
        raise BadInput(_("Name one member (mobile or national code), or give --region CODE or --all."))
    message = ANNOUNCEMENT(url=url, title_fa=title_fa, title_en=title_en, body_fa=body_fa, body_en=body_en)
    # Every check comes before the first row is written: bad input changes nothing.
    services.check_message(message)
    session = db_session()
    if identifier:
        member = get_member(session, identifier)
        if not module_active(plugin.name, member):
            raise BadInput(
                _(
                    "Notifications are switched off in %(region)s, where this member lives.",
                    region=member.region.code,
                )
            )
        notification = services.deliver(session, member, message)
        session.commit()
        if as_json:
            echo_json({"delivered": 1, "member_id": member.id, "id": notification.id})
        else:
            click.echo(f"1 notification sent to {member.name} ({member.mobile}), id {notification.id}")
        return
    region = get_region(session, region_code) if region_code else None
    total = services.audience_size(session, region)
    # The bar goes to stderr so --json output stays clean for scripts.
    with click.progressbar(length=total, label="sending", file=sys.stderr) as bar:
        delivered = services.broadcast(
            session,
            message,
            region=region,
            reaches=lambda place: module_active(plugin.name, place),
            progress=bar.update,
        )
    session.commit()
    where = region.code if region else "all regions"
    if as_json:
        echo_json({"delivered": delivered, "region": region.code if region else None})
    else:
        skipped = total - delivered
        note = f" ({skipped} skipped: notifications are off where they live)" if skipped else ""
        click.echo(f"{delivered} notifications sent to members in {where}{note}")


@notifications.command("list")
@click.argument("identifier")
@click.option("--unread", "unread_only", is_flag=True, help="Unread notifications only.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@json_option
@cli_errors
def list_notifications(identifier: str, unread_only: bool, limit: int, as_json: bool) -> None:
    """The newest notifications of the member IDENTIFIER (mobile or national code)."""
    session = db_session()
    member = get_member(session, identifier)
    page = services.inbox(session, member, unread_only=unread_only, page=1, per_page=limit)
    if as_json:
        echo_json(
            {
                "member_id": member.id,
                "unread": services.unread_count(session, member),
                "total": page.total,
                "items": [_as_dict(n) for n in page.items],
            }
        )
        return
    if not page.items:
        click.echo("no notifications")
        return
    for n in page.items:
        mark = " " if n.is_read else "*"
        title = services.text(n)[0]
        click.echo(f"{mark} {n.id:>6}  {n.created_at:%Y-%m-%d %H:%M}  {n.source}/{n.kind}  {title}")
    click.echo(f"{page.total} in all, {services.unread_count(session, member)} unread (* = unread)")
