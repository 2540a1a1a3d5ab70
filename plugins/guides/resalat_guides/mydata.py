"""The guides plugin's part of a member's own data, and what closing the account removes.

A guide keeps a record of each person they bring towards a core (a candidate), with their advice;
once the person is a member the record names them. It is in the member's copy; closing puts the
closed account's placeholders in place of the name, national code and mobile on it and blanks the
advice written about them, keeping the record's steps (the guide's work is still counted).
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload, lazyload

from resalat_core.sdk import DataRow, DataSection, Day, Member, _l, hookimpl, search_key
from resalat_guides.models import Advice, Candidate


def _records(session: Session, member: Member) -> list[Candidate]:
    return list(
        session.scalars(
            select(Candidate)
            .where(Candidate.member_id == member.id)
            .order_by(Candidate.id)
            .options(lazyload("*"), joinedload(Candidate.field).lazyload("*"))
        )
    )


@hookimpl
def resalat_member_data(session: Session, member: Member) -> list[DataSection]:
    records = _records(session, member)
    if not records:
        return []
    advice = list(
        session.scalars(
            select(Advice)
            .where(Advice.candidate_id.in_([c.id for c in records]))
            .order_by(Advice.id)
            # Not the guide who wrote it (with their roles, one more query).
            .options(lazyload("*"))
        )
    )
    rows = [DataRow(_l("A guide's record of you"), c.name) for c in records]
    rows += [DataRow(_l("Advice of %(day)s", day=Day(a.advised_on)), a.text) for a in advice]
    data = {
        "records": [
            {
                "id": c.id,
                "name": c.name,
                "national_code": c.national_code,
                "mobile": c.mobile,
                "field": c.field.code,
                "experience_years": c.experience_years,
                "status": c.status,
                "created_at": c.created_at.isoformat(),
            }
            for c in records
        ],
        "advice": [
            {
                "candidate_id": a.candidate_id,
                "advised_on": a.advised_on.isoformat(),
                "text": a.text,
                "next_step": a.next_step,
            }
            for a in advice
        ],
    }
    return [DataSection("guides", _l("Guides' records"), rows, data)]


@hookimpl
def resalat_member_closed(session: Session, member: Member) -> None:
    # The member row is already anonymised: its placeholders stand in for the person.
    records = _records(session, member)
    for record in records:
        record.name = member.name
        record.name_key = search_key(member.name)
        record.national_code = member.national_code
        record.mobile = member.mobile
    if records:
        session.execute(
            update(Advice)
            .where(Advice.candidate_id.in_([r.id for r in records]))
            .values(text="", next_step="")
        )
    session.flush()
