"""The cores plugin's part of a member's own data, what stops closing the account, and what closing
removes.

A core the member leads, still a candidate or active, stops the closing: its family, its booth and
its loans need a leader, so the guide suspends it (or it is given another leader) first. Closing
blanks the member's line in every core's list of people (their name, national code and mobile
become the closed account's placeholders); the cores themselves and their history stay.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, lazyload

from resalat_core.sdk import DataRow, DataSection, Member, _, _l, current_language, hookimpl
from resalat_cores.models import ACTIVE, CANDIDATE, Core, CoreMember


def _led(session: Session, member: Member) -> list[Core]:
    # Of each core only its field is read besides its own columns: not its leader (with their
    # roles, one more query) nor its members and history.
    return list(
        session.scalars(
            select(Core)
            .where(Core.leader_id == member.id)
            .order_by(Core.id)
            .options(lazyload("*"), joinedload(Core.field).lazyload("*"))
        )
    )


def _lines(session: Session, member: Member) -> list[CoreMember]:
    return list(
        session.scalars(
            select(CoreMember)
            .where(CoreMember.member_id == member.id)
            .order_by(CoreMember.id)
            .options(lazyload("*"))
        )
    )


@hookimpl
def resalat_member_data(session: Session, member: Member) -> list[DataSection]:
    led, lines = _led(session, member), _lines(session, member)
    if not led and not lines:
        return []
    lang = current_language()
    rows = [DataRow(_l("Core you lead"), c.name) for c in led]
    rows += [DataRow(_l("Field"), c.field.name_fa if lang == "fa" else c.field.name_en) for c in led]
    # The names of the cores one works in, in one query of two columns.
    cores: dict[int, str] = {
        key: value
        for key, value in session.execute(
            select(Core.id, Core.name).where(
                Core.id.in_(select(CoreMember.core_id).where(CoreMember.member_id == member.id))
            )
        )
    }
    rows += [DataRow(_l("You work in the core"), cores[line.core_id]) for line in lines]
    data = {
        "led": [
            {"id": c.id, "code": c.code, "name": c.name, "field": c.field.code, "status": c.status}
            for c in led
        ],
        "memberships": [
            {
                "core_id": line.core_id,
                "core": cores[line.core_id],
                "relation": line.relation,
                "name": line.name,
                "national_code": line.national_code,
                "mobile": line.mobile,
            }
            for line in lines
        ],
    }
    return [DataSection("cores", _l("Social entrepreneurship cores"), rows, data)]


@hookimpl
def resalat_closing_blockers(session: Session, member: Member) -> list[str]:
    return [
        _(
            "You lead the core «%(core)s»: ask your guide to suspend it or to give it another leader first.",
            core=core.name,
        )
        for core in _led(session, member)
        if core.status in (ACTIVE, CANDIDATE)
    ]


@hookimpl
def resalat_member_closed(session: Session, member: Member) -> None:
    # The member row is already anonymised: its placeholders stand in for the person on each line.
    for line in _lines(session, member):
        line.name = member.name
        line.national_code = member.national_code
        line.mobile = None
    session.flush()
