"""Who an issuer may give vouchers to: anyone in an administrator's region, the members a
supporter supports, an organisation's own people (its list, kept here)."""

from __future__ import annotations

from resalat_supporters import services as supporters
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from resalat_core.sdk import BadInput, Member, NotAllowed, Page, _, can, find_member, has_role, paginate

from .. import ISSUE, ORGANISATION
from ..models import BY_ADMIN, BY_ORGANISATION, BY_SUPPORTER, ISSUER_KINDS, OrganisationPerson

SUPPORTER = "supporter"  # the supporters plugin's role


def issuer_kinds(member: Member) -> list[str]:
    """The ways ``member`` may issue vouchers, in the order the issue form offers them."""
    kinds = []
    if can(ISSUE, None, member=member):
        kinds.append(BY_ADMIN)
    if has_role(member, SUPPORTER):
        kinds.append(BY_SUPPORTER)
    if has_role(member, ORGANISATION):
        kinds.append(BY_ORGANISATION)
    return kinds


def check_issuer(member: Member, kind: str) -> None:
    if kind not in ISSUER_KINDS or kind not in issuer_kinds(member):
        raise NotAllowed(_("You may not issue vouchers this way."))


def supports(session: Session, supporter: Member, member: Member) -> bool:
    """Does ``supporter`` support ``member``: an introduction still standing, or a support action?"""
    introduced = exists().where(
        supporters.Introduction.supporter_id == supporter.id,
        supporters.Introduction.member_id == member.id,
        supporters.Introduction.status.not_in((supporters.DECLINED, supporters.WITHDRAWN)),
    )
    helped = exists().where(
        supporters.SupportAction.supporter_id == supporter.id,
        supporters.SupportAction.beneficiary_member_id == member.id,
    )
    return bool(session.scalar(select(introduced | helped)))


def is_person_of(session: Session, organisation: Member, member: Member) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(
                    OrganisationPerson.organisation_id == organisation.id,
                    OrganisationPerson.member_id == member.id,
                )
            )
        )
    )


def may_receive(session: Session, issuer: Member, kind: str, member: Member) -> bool:
    """May ``issuer``, issuing as ``kind``, give ``member`` a voucher?"""
    if member.id == issuer.id:
        return False
    if kind == BY_ADMIN:
        return can(ISSUE, member.region, member=issuer)
    if kind == BY_SUPPORTER:
        return supports(session, issuer, member)
    if kind == BY_ORGANISATION:
        return is_person_of(session, issuer, member)
    return False


def add_person(session: Session, organisation: Member, mobile: str) -> OrganisationPerson:
    """Count the member with this mobile among the organisation's people (once)."""
    if not has_role(organisation, ORGANISATION):
        raise NotAllowed(_("Only an organisation keeps a list of its people."))
    member = find_member(session, mobile or "")
    if member is None:
        message = _("No member has this mobile number.")
        raise BadInput(message, fields={"mobile": message}, code="unknown_member")
    if member.id == organisation.id:
        message = _("An organisation is not one of its own people.")
        raise BadInput(message, fields={"mobile": message})
    found = session.scalar(
        select(OrganisationPerson).where(
            OrganisationPerson.organisation_id == organisation.id, OrganisationPerson.member_id == member.id
        )
    )
    if found is not None:
        return found
    person = OrganisationPerson(organisation_id=organisation.id, member_id=member.id)
    session.add(person)
    session.flush()
    return person


def remove_person(session: Session, organisation: Member, person_id: int) -> None:
    person = session.get(OrganisationPerson, person_id)
    if person is None or person.organisation_id != organisation.id:
        raise BadInput(_("This person is not on your list."))
    session.delete(person)
    session.flush()


def people_of(
    session: Session, organisation: Member, page: int = 1, per_page: int = 20
) -> Page[OrganisationPerson]:
    stmt = (
        select(OrganisationPerson)
        .where(OrganisationPerson.organisation_id == organisation.id)
        .order_by(OrganisationPerson.id.desc())
    )
    return paginate(session, stmt, page=page, per_page=per_page)
