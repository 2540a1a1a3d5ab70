"""How the iCAP plugin plugs into the host: wiring, a home tile, figures and the demo."""

from __future__ import annotations

from typing import Any

from flask import url_for
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import AuditAction, Figure, Member, Permission, Tile, _l, db_session, hookimpl
from resalat_icap import demo, plugin, services
from resalat_icap.api import bp as api_bp
from resalat_icap.cli import icap as icap_cli
from resalat_icap.mydata import resalat_closing_blockers as resalat_closing_blockers
from resalat_icap.mydata import resalat_member_data as resalat_member_data
from resalat_icap.views import bp as pages_bp


def _session_of(member: Member) -> Session:
    # The caller's own session, so what is read belongs to the caller's transaction.
    return object_session(member) or db_session()


@hookimpl
def resalat_blueprints() -> list[Any]:
    return [pages_bp, api_bp]


@hookimpl
def resalat_cli() -> Any:
    return icap_cli


@hookimpl
def resalat_permissions() -> list[Permission]:
    # Administrators, and the loans plugin's credit officers (their Role says so), see every
    # note issued in the regions they oversee.
    return [
        Permission(
            "icap.view_all",
            _l("See any member's electronic promissory notes"),
            ("admin",),
        )
    ]


@hookimpl
def resalat_audit_actions() -> list[AuditAction]:
    return [
        AuditAction("icap.note_protested", _l("Promissory note protested")),
        AuditAction("icap.note_released", _l("Promissory note released")),
    ]


@hookimpl
def resalat_tiles(member: Member) -> list[Tile]:
    # The badge: notes waiting for this member's signature as guarantor (one count on an index).
    waiting = services.awaiting_signature(_session_of(member), member)
    return [
        Tile(
            title=_l("My promissory notes"),
            url=url_for("icap.mine"),
            icon=plugin.icon,
            description=_l("Issue a note paying its stamp duty from the wallet; guarantors; loan pledges"),
            badge=waiting or None,
            order=55,
        )
    ]


@hookimpl
def resalat_stats(session: Session, area: list[int] | None) -> list[Figure]:
    figures = services.totals(session, area)
    return [
        Figure(_l("Promissory notes issued"), figures["issued"], _l("notes")),
        Figure(_l("Face value outstanding (issued or pledged)"), figures["outstanding"], money=True),
        Figure(_l("Stamp duty collected"), figures["duty"], money=True),
    ]


@hookimpl
def resalat_demo(session: Session, world: Any) -> None:
    demo.build(session, world)


@hookimpl
def resalat_demo_rows(session: Session, world: Any, rows: int) -> None:
    demo.add_rows(session, world, rows)
