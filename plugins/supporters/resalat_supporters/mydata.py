"""The supporters plugin's part of a member's own data, and what closing the account removes.

Support given and received, introductions for a loan and sponsorships are records others rely on
(a loan names its introduction; a centre's credit counts its sponsors), so they stay. Closing
blanks the texts the member wrote as a supporter (what the support was, a sponsorship's note).
"""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, lazyload

from resalat_core.sdk import DataRow, DataSection, Member, _l, hookimpl
from resalat_supporters.models import Introduction, Sponsorship, SupportAction

# The export reads only each row's own columns: not the people, cores and centres it names (each
# member with their roles, one more query each).
_OWN = lazyload("*")


@hookimpl
def resalat_member_data(session: Session, member: Member) -> list[DataSection]:
    given = list(
        session.scalars(
            select(SupportAction)
            .where(SupportAction.supporter_id == member.id)
            .order_by(SupportAction.id)
            .options(_OWN)
        )
    )
    received = list(
        session.scalars(
            select(SupportAction)
            .where(SupportAction.beneficiary_member_id == member.id)
            .order_by(SupportAction.id)
            .options(_OWN)
        )
    )
    intros = list(
        session.scalars(
            select(Introduction)
            .where(or_(Introduction.member_id == member.id, Introduction.supporter_id == member.id))
            .order_by(Introduction.id)
            .options(_OWN)
        )
    )
    sponsorships = list(
        session.scalars(
            select(Sponsorship)
            .where(Sponsorship.supporter_id == member.id)
            .order_by(Sponsorship.id)
            .options(_OWN)
        )
    )
    if not (given or received or intros or sponsorships):
        return []
    rows = [DataRow(_l("Support you gave"), a.description) for a in given]
    rows += [DataRow(_l("Support you received"), a.description) for a in received]
    rows += [DataRow(_l("Introduction for a loan"), i.amount, money=True) for i in intros]
    rows += [DataRow(_l("Sponsorship of a centre"), s.note or "—") for s in sponsorships]

    def action(a: SupportAction) -> dict[str, object]:
        return {
            "id": a.id,
            "kind": a.kind,
            "happened_on": a.happened_on.isoformat(),
            "description": a.description,
            "minutes": a.minutes,
            "amount_rials": a.amount,
        }

    data = {
        "support_given": [action(a) for a in given],
        "support_received": [action(a) for a in received],
        "introductions": [
            {
                "id": i.id,
                "as": "supporter" if i.supporter_id == member.id else "member",
                "amount_rials": i.amount,
                "purpose": i.purpose,
                "status": i.status,
            }
            for i in intros
        ],
        "sponsorships": [
            {"centre_id": s.centre_id, "starts_on": s.starts_on.isoformat(), "ends_on": s.ends_on.isoformat()}
            for s in sponsorships
        ],
    }
    return [DataSection("supporters", _l("Supporters"), rows, data)]


@hookimpl
def resalat_member_closed(session: Session, member: Member) -> None:
    session.execute(
        update(SupportAction).where(SupportAction.supporter_id == member.id).values(description="")
    )
    session.execute(update(Sponsorship).where(Sponsorship.supporter_id == member.id).values(note=""))
