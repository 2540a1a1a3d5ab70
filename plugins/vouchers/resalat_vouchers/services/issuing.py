"""Issuing vouchers: a batch paid in one transfer from the issuer's account into the float,
one voucher per recipient; filling the administrators' budget; giving a voucher on."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from resalat_bazaar.services import PROGRAMMES, Booth, category_tree
from sqlalchemy import select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    MAX_AMOUNT,
    Account,
    BadInput,
    Day,
    Member,
    Money,
    NotFound,
    _,
    find_member,
    get_region,
    main_account,
    normalize_text,
    notify,
    system_account,
    today_in_iran,
    transfer,
)

from .. import BUDGET, FLOAT, FUNDED, ISSUED, messages, plugin
from ..models import (
    BY_ADMIN,
    CODE_LENGTH,
    KEY_MAX,
    TITLE_MAX,
    USE_GIFT,
    Voucher,
    VoucherBatch,
    VoucherUse,
)
from .people import check_issuer, may_receive

# Digits only: read aloud and typed in Persian or Latin digits alike, shown in the reader's digits.
CODE_ALPHABET = "0123456789"


def float_account(session: Session) -> Account:
    return system_account(session, FLOAT)


def budget_account(session: Session) -> Account:
    return system_account(session, BUDGET)


def fund_budget(session: Session, amount: int, *, key: str, actor: Member | None = None) -> int:
    """Bring ``amount`` rials into the administrators' vouchers budget from outside, once per key."""
    if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= MAX_AMOUNT:
        message = _("Enter an amount above zero.")
        raise BadInput(message, fields={"amount": message})
    if not key or len(key) > KEY_MAX:
        raise BadInput(_("Give a key, so that a retry funds once."), fields={"key": _("Required.")})
    budget = budget_account(session)
    transfer(
        session,
        f"vouchers:fund:{key}",
        system_account(session, "cash_in"),
        budget,
        amount,
        FUNDED,
        actor=actor,
    )
    return budget.posted


def new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))
        if session.scalar(select(Voucher.id).where(Voucher.code == code)) is None:
            return code


@dataclass(frozen=True)
class CheckedBatch:
    """A batch as checked, before anything is written: what the issuer confirms."""

    kind: str
    title: str
    amount: int
    expires_on: date
    recipients: list[Member]
    rules: dict[str, list[Any]]
    source: Account

    @property
    def total(self) -> int:
        return self.amount * len(self.recipients)


def check_batch(
    session: Session,
    issuer: Member,
    *,
    kind: str,
    title: str,
    amount: int | None,
    expires_on: date | None,
    mobiles: Sequence[str],
    categories: Iterable[str] = (),
    booths: Iterable[int] = (),
    regions: Iterable[str] = (),
    programmes: Iterable[str] = (),
) -> CheckedBatch:
    """Check a batch (see ``issue_batch``); every mistake reported together, naming its field."""
    check_issuer(issuer, kind)
    errors: dict[str, Any] = {}
    clean_title = normalize_text(title or "")
    if not clean_title:
        errors["title"] = _("Write what the vouchers are for.")
    elif len(clean_title) > TITLE_MAX:
        errors["title"] = _("At most %(n)s characters.", n=TITLE_MAX)
    if amount is None or isinstance(amount, bool) or not 0 < amount <= MAX_AMOUNT:
        errors["amount"] = _("Enter the amount of each voucher.")
    today = today_in_iran()
    longest = int(plugin.setting("valid_days_max"))
    if expires_on is None or expires_on < today:
        errors["expires_on"] = _("Choose a last day from today on.")
    elif expires_on > today + timedelta(days=longest):
        errors["expires_on"] = _("A voucher may stay valid for at most %(n)s days.", n=longest)
    recipients = _recipients(session, issuer, kind, mobiles, errors)
    rules = _rules(session, categories, booths, regions, programmes, errors)
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    assert amount is not None and expires_on is not None
    source = budget_account(session) if kind == BY_ADMIN else main_account(session, issuer)
    checked = CheckedBatch(kind, clean_title, amount, expires_on, recipients, rules, source)
    if checked.total > source.available:
        message = (
            _("The vouchers' budget holds less than %(total)s; fund it first.", total=Money(checked.total))
            if kind == BY_ADMIN
            else _(
                "Your main account holds less than %(total)s for these vouchers.", total=Money(checked.total)
            )
        )
        raise BadInput(message, fields={"amount": message}, code="insufficient_funds")
    return checked


def issue_batch(
    session: Session,
    issuer: Member,
    *,
    kind: str,
    title: str,
    amount: int | None,
    expires_on: date | None,
    mobiles: Sequence[str],
    key: str,
    categories: Iterable[str] = (),
    booths: Iterable[int] = (),
    regions: Iterable[str] = (),
    programmes: Iterable[str] = (),
) -> VoucherBatch:
    """Give each member named by ``mobiles`` a voucher of ``amount`` rials, valid through
    ``expires_on``, spendable only where the rules say; once per ``key``.

    The whole batch is paid at once, from the vouchers' budget (an administrator) or the issuer's
    main account (a supporter, an organisation), into the float. Every mistake is reported
    together, naming the field (the mobiles by line), and then nothing is issued.
    """
    if not key or len(key) > KEY_MAX:
        raise BadInput(_("This form has expired; open it again."), fields={"key": _("Required.")})
    found = session.scalar(
        select(VoucherBatch).where(VoucherBatch.issuer_id == issuer.id, VoucherBatch.key == key)
    )
    if found is not None:
        return found
    checked = check_batch(
        session,
        issuer,
        kind=kind,
        title=title,
        amount=amount,
        expires_on=expires_on,
        mobiles=mobiles,
        categories=categories,
        booths=booths,
        regions=regions,
        programmes=programmes,
    )
    batch = VoucherBatch(
        issuer_id=issuer.id,
        issuer_kind=kind,
        key=key,
        title=checked.title,
        amount=checked.amount,
        count=len(checked.recipients),
        total=checked.total,
        expires_on=checked.expires_on,
        source_account_id=checked.source.id,
        **checked.rules,
    )
    session.add(batch)
    session.flush()
    vouchers = [
        Voucher(
            batch_id=batch.id,
            code=new_code(session),
            holder_id=m.id,
            amount=checked.amount,
            balance=checked.amount,
            expires_on=checked.expires_on,
        )
        for m in checked.recipients
    ]
    session.add_all(vouchers)
    session.flush()
    # The ledger refuses, and so rolls the batch back, if the source no longer holds the total.
    transfer(
        session,
        f"vouchers:batch:{batch.id}",
        checked.source,
        float_account(session),
        batch.total,
        ISSUED,
        f"vouchers:batch:{batch.id}",
        params={"batch": batch.id},
        actor=issuer,
    )
    for voucher, member in zip(vouchers, checked.recipients, strict=True):
        notify(
            member,
            messages.RECEIVED(
                amount=Money(checked.amount),
                issuer=issuer.name,
                day=Day(checked.expires_on),
                url=f"/vouchers/{voucher.id}",
            ),
        )
    return batch


def _recipients(
    session: Session, issuer: Member, kind: str, mobiles: Sequence[str], errors: dict[str, Any]
) -> list[Member]:
    lines = [str(m).strip() for m in mobiles if str(m).strip()]
    most = int(plugin.setting("batch_max"))
    if not lines:
        errors["mobiles"] = _("Enter the mobile of at least one member.")
        return []
    if len(lines) > most:
        errors["mobiles"] = _("A batch holds at most %(n)s vouchers.", n=most)
        return []
    found: list[Member] = []
    problems: list[str] = []
    for n, line in enumerate(lines, 1):
        member = find_member(session, line)
        if member is None:
            problems.append(_("Line %(n)s: no member has the mobile %(mobile)s.", n=n, mobile=line))
        elif any(m.id == member.id for m in found):
            problems.append(_("Line %(n)s: %(name)s is already on the list.", n=n, name=member.name))
        elif not may_receive(session, issuer, kind, member):
            problems.append(
                _("Line %(n)s: you may not give %(name)s a voucher this way.", n=n, name=member.name)
            )
        else:
            found.append(member)
    if problems:
        errors["mobiles"] = " ".join(problems[:5])
    return found


def _rules(
    session: Session,
    categories: Iterable[str],
    booths: Iterable[int],
    regions: Iterable[str],
    programmes: Iterable[str],
    errors: dict[str, Any],
) -> dict[str, list[Any]]:
    codes = sorted({str(c).strip() for c in categories if str(c).strip()})
    if codes:
        known = category_tree(session).by_code
        if any(c not in known for c in codes):
            errors["categories"] = _("Choose categories from the list.")
    booth_ids = sorted({int(b) for b in booths})
    if booth_ids:
        existing = set(session.scalars(select(Booth.id).where(Booth.id.in_(booth_ids))))
        if existing != set(booth_ids):
            errors["booths"] = _("No booth has the number %(n)s.", n=min(set(booth_ids) - existing))
    region_ids: list[int] = []
    for code in sorted({str(r).strip() for r in regions if str(r).strip()}):
        try:
            region_ids.append(get_region(session, code).id)
        except NotFound:
            errors["regions"] = _("Choose regions from the list.")
    chosen = sorted({str(p) for p in programmes if str(p).strip()})
    if any(p not in PROGRAMMES for p in chosen):
        errors["programmes"] = _("Choose programmes from the list.")
    return {"categories": codes, "booths": booth_ids, "regions": sorted(region_ids), "programmes": chosen}


def give_voucher(session: Session, holder: Member, voucher_id: int, mobile: str) -> Voucher:
    """Give the voucher, with what is left on it, to the member with this mobile.

    Only an administrator's vouchers pass from hand to hand: a supporter's or an organisation's
    voucher was given to one person, who alone may spend it.
    """
    voucher = own_voucher(session, holder, voucher_id)
    if voucher.batch.issuer_kind != BY_ADMIN:
        raise BadInput(_("This voucher was given to you in person; it cannot be given on."), code="personal")
    if voucher.expired(today_in_iran()) or voucher.balance <= 0:
        raise BadInput(_("Only a voucher with value left on it can be given."), code="spent")
    member = find_member(session, mobile or "")
    if member is None:
        message = _("No member has this mobile number.")
        raise BadInput(message, fields={"mobile": message}, code="unknown_member")
    if member.id == holder.id:
        message = _("This voucher is already yours.")
        raise BadInput(message, fields={"mobile": message})
    uses = session.scalar(select(Voucher.id).where(Voucher.id == voucher.id).with_for_update())
    assert uses is not None
    session.add(
        VoucherUse(
            voucher_id=voucher.id,
            key=f"vouchers:voucher:{voucher.id}:gift:{secrets.token_hex(8)}",
            kind=USE_GIFT,
            amount=0,
            actor_id=holder.id,
            params={"from": holder.name, "to": member.name},
        )
    )
    voucher.holder_id = member.id
    session.flush()
    session.refresh(voucher)
    notify(
        member,
        messages.RECEIVED(
            amount=Money(voucher.balance),
            issuer=holder.name,
            day=Day(voucher.expires_on),
            url=f"/vouchers/{voucher.id}",
        ),
    )
    return voucher


def own_voucher(session: Session, member: Member, voucher_id: int) -> Voucher:
    """The member's own voucher; another's is not found (its existence is not told)."""
    voucher = session.get(Voucher, voucher_id) if isinstance(voucher_id, int) else None
    if voucher is None or voucher.holder_id != member.id:
        raise NotFound(_("You hold no such voucher."))
    return voucher
