"""iCAP's part of a member's own data, and the notes that stop the member closing the account.

A promissory note is a money record the law keeps as it was written (the issuer's name, national
code and mobile on it included): closing never changes it. A note pledged to a loan and not yet
released, or protested and not yet settled, stops the closing, for its issuer and for each
guarantor who signed it. A note issued and never pledged secures nothing, so it does not.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from resalat_core.sdk import DataRow, DataSection, Digits, Member, _, _l, hookimpl
from resalat_icap.models import PLEDGED, PROTESTED, Guarantor, Note

OPEN = (PLEDGED, PROTESTED)


# The export and the blockers read only each note's own columns, not its guarantors and
# endorsements (one more query each a 500 notes).
_OWN = lazyload("*")


def _issued(session: Session, member: Member) -> list[Note]:
    return list(
        session.scalars(select(Note).where(Note.issuer_id == member.id).order_by(Note.id).options(_OWN))
    )


def _signed(session: Session, member: Member) -> list[Note]:
    return list(
        session.scalars(
            select(Note)
            .join(Guarantor, Guarantor.note_id == Note.id)
            .where(Guarantor.member_id == member.id, Guarantor.signed_at.is_not(None))
            .order_by(Note.id)
            .options(_OWN)
        )
    )


@hookimpl
def resalat_member_data(session: Session, member: Member) -> list[DataSection]:
    issued = _issued(session, member)
    signed = _signed(session, member)
    if not issued and not signed:
        return []
    rows = [
        DataRow(_l("Promissory note %(serial)s", serial=Digits(n.serial)), n.amount, money=True)
        for n in issued
    ]
    rows += [
        DataRow(
            _l("You guarantee the promissory note %(serial)s", serial=Digits(n.serial)), n.amount, money=True
        )
        for n in signed
    ]
    data = {
        "issued": [
            {
                "serial": n.serial,
                "amount_rials": n.amount,
                "due_date": n.due_date.isoformat() if n.due_date else None,
                "payee_name": n.payee_name,
                "purpose": n.purpose,
                "place_of_payment": n.place_of_payment,
                "status": n.status,
                "pledged_reference": n.pledged_reference,
                "issued_at": n.issued_at.isoformat(),
            }
            for n in issued
        ],
        "guaranteed": [{"serial": n.serial, "amount_rials": n.amount, "status": n.status} for n in signed],
    }
    return [DataSection("notes", _l("Electronic promissory notes"), rows, data)]


@hookimpl
def resalat_closing_blockers(session: Session, member: Member) -> list[str]:
    reasons = [
        _(
            "The promissory note %(serial)s is not released yet: it must be released or settled first.",
            serial=Digits(n.serial),
        )
        for n in _issued(session, member)
        if n.status in OPEN
    ]
    reasons += [
        _("You guarantee the promissory note %(serial)s, which is not released yet.", serial=Digits(n.serial))
        for n in _signed(session, member)
        if n.status in OPEN
    ]
    return reasons
