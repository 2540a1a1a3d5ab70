"""Issuing a promissory note: the fields read and checked, a serial of the year, and the stamp
duty paid from the issuer's main account in the same transaction, once per key."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import jdatetime
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Digits,
    Member,
    Number,
    _,
    main_account,
    normalize_text,
    system_account,
    transfer,
)
from resalat_icap import setting
from resalat_icap.models import (
    ISSUED,
    KEY_MAX,
    PLACE_MAX,
    PURPOSE_MAX,
    Guarantor,
    Note,
    NoteStatusChange,
    SerialCounter,
)
from resalat_icap.services.reading import (
    amount_in_words,
    check_amount,
    read_due_date,
    read_guarantors,
    read_payee,
    stamp_duty,
    text_field,
    today,
)

SERIAL_DIGITS = 12  # after the four digits of the year: sixteen in all, like a real e-safteh
SERIAL_ATTEMPTS = 5
DUTY_PURPOSE = "stamp_duty"


def jalali_year(day: date) -> int:
    """The Jalali year ``day`` falls in (a serial starts with it)."""
    return jdatetime.date.fromgregorian(date=day).year


def _next_serial(session: Session, year: int) -> str:
    """The next serial of ``year``: the counter's row is bumped by one UPDATE, which PostgreSQL
    serialises with a row lock until commit, so two issuers at once never get the same number."""
    for _attempt in range(SERIAL_ATTEMPTS):
        last = session.execute(
            update(SerialCounter)
            .where(SerialCounter.year == year)
            .values(last=SerialCounter.last + 1)
            .returning(SerialCounter.last)
            .execution_options(synchronize_session=False)
        ).scalar()
        if last is not None:
            return f"{year}{last:0{SERIAL_DIGITS}d}"
        try:
            with session.begin_nested():
                session.add(SerialCounter(year=year, last=0))
        except IntegrityError:
            pass  # the year's first note is being issued by someone else too: bump theirs
    raise Conflict(_("A serial could not be issued just now; please try again."))


@dataclass(frozen=True)
class Fields:
    """A note's fields as read and checked, ready to be written."""

    amount: int
    due_date: date | None
    payee_kind: str
    payee_name: str
    payee_code: str
    purpose: str
    place_of_payment: str
    signers: list[tuple[Member, str]]

    def fingerprint(self) -> tuple[Any, ...]:
        """What makes two notes under one key the same note."""
        return (self.amount, self.due_date, self.payee_code, self.purpose)


def _existing(session: Session, issuer: Member, key: str) -> Note | None:
    return session.scalar(select(Note).where(Note.issuer_id == issuer.id, Note.key == key))


def _same_or_conflict(note: Note, fields: Fields) -> Note:
    if (note.amount, note.due_date, note.payee_code, note.purpose) != fields.fingerprint():
        raise Conflict(
            _("This form was already used to issue a different note; open the form again."),
            code="key_reused",
        )
    return note


def read_fields(
    session: Session,
    issuer: Member,
    *,
    amount: int | None,
    due_date: Any,
    payee_name: Any,
    payee_code: Any,
    purpose: Any,
    place_of_payment: Any,
    guarantors: Iterable[Mapping[str, Any]] | None,
    key: str,
    on_demand: bool | None,
    on: date | None,
    duty_confirmed: bool,
) -> tuple[Fields, str]:
    """The note's fields and its key, checked: every bad field reported at once (BadInput)."""
    errors: dict[str, str] = {}
    key = normalize_text(str(key or ""))
    if not key or len(key) > KEY_MAX:
        errors["key"] = _("This form has expired; open it again.")
    if not duty_confirmed:
        errors["confirm_duty"] = _("Confirm that the stamp duty is paid from your wallet.")
    value = check_amount(amount, errors)
    if on_demand:
        due = None
    elif on_demand is False and not normalize_text(str(due_date or "")):
        due = None
        errors["due_date"] = _("Enter the due date, or choose «on demand».")
    else:
        due = read_due_date(due_date, errors, on)
    if not normalize_text(str(payee_name or "")) and not normalize_text(str(payee_code or "")):
        payee_name, payee_code = setting("default_payee_name"), setting("default_payee_code")
    kind, name, code = read_payee(payee_name, payee_code, errors)
    what = text_field(purpose, "purpose", PURPOSE_MAX, errors)
    place = text_field(place_of_payment, "place_of_payment", PLACE_MAX, errors, required=False)
    signers = read_guarantors(session, issuer, guarantors, errors)
    if errors or value is None:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    fields = Fields(value, due, kind, name, code, what, place or setting("default_place_of_payment"), signers)
    return fields, key


def _write(session: Session, issuer: Member, fields: Fields, key: str, on: date | None) -> Note:
    """The note, its guarantors and its first history row, and its stamp duty paid (one savepoint)."""
    duty = stamp_duty(fields.amount)
    # All or nothing: a refusal of the duty (too little money) takes the serial and note back.
    with session.begin_nested():
        note = Note(
            serial=_next_serial(session, jalali_year(on or today())),
            issuer_id=issuer.id,
            region_id=issuer.region_id,
            issuer_name=issuer.name,
            issuer_national_code=issuer.national_code,
            issuer_mobile=issuer.mobile,
            amount=fields.amount,
            amount_words=amount_in_words(fields.amount),
            due_date=fields.due_date,
            payee_kind=fields.payee_kind,
            payee_name=fields.payee_name,
            payee_code=fields.payee_code,
            purpose=fields.purpose,
            place_of_payment=fields.place_of_payment,
            status=ISSUED,
            stamp_duty=duty,
            key=key,
            guarantors=[
                Guarantor(position=i, member_id=m.id, name=n, national_code=m.national_code, mobile=m.mobile)
                for i, (m, n) in enumerate(fields.signers)
            ],
            endorsements=[],
        )
        session.add(note)
        session.flush()
        if duty:
            # The statement line names the note by its serial, typed so it reads in the reader's digits.
            paid = transfer(
                session,
                f"icap:duty:{issuer.id}:{key}",
                main_account(session, issuer),
                system_account(session, "stamp_duty"),
                duty,
                DUTY_PURPOSE,
                f"icap:{note.serial}",
                params={"serial": Digits(note.serial)},
                actor=issuer,
            )
            note.duty_transfer_id = paid.id
        session.add(NoteStatusChange(note_id=note.id, from_status=None, to_status=ISSUED, actor_id=issuer.id))
        session.flush()
    return note


def issue_note(
    session: Session,
    issuer: Member,
    *,
    amount: int | None,
    due_date: Any = None,
    payee_name: Any = None,
    payee_code: Any = None,
    purpose: Any = None,
    place_of_payment: Any = None,
    guarantors: Iterable[Mapping[str, Any]] | None = None,
    key: str,
    on_demand: bool | None = None,
    on: date | None = None,
    duty_confirmed: bool = True,
) -> Note:
    """Issue a promissory note and pay its stamp duty from the issuer's main account, once per ``key``.

    ``amount`` is in whole rials (None: the caller could not read one, an error with the others);
    ``due_date`` a date, Jalali text, or None/empty for on demand (``on_demand=True`` says so
    outright and ignores ``due_date``; ``on_demand=False`` requires a date). With no payee given,
    the note is made out to the Qard al-Hasan bank of the settings. Every bad field is reported at
    once (BadInput with ``fields``) and nothing is stored; too little money in the main account is
    refused (code ``insufficient_funds``) with nothing stored either. The same ``key`` again
    returns the first note and pays nothing more. ``duty_confirmed=False`` (the page's box left
    unticked) is one more field error, reported with the others, so the member fixes everything
    in one go.
    """
    fields, key = read_fields(
        session,
        issuer,
        amount=amount,
        due_date=due_date,
        payee_name=payee_name,
        payee_code=payee_code,
        purpose=purpose,
        place_of_payment=place_of_payment,
        guarantors=guarantors,
        key=key,
        on_demand=on_demand,
        on=on,
        duty_confirmed=duty_confirmed,
    )
    found = _existing(session, issuer, key)
    if found is not None:
        return _same_or_conflict(found, fields)
    try:
        return _write(session, issuer, fields, key, on)
    except IntegrityError:
        # The same key sent twice at once: the other request issued it; answer with that note.
        found = _existing(session, issuer, key)
        if found is None:
            raise
        return _same_or_conflict(found, fields)
    except BadInput as exc:
        if exc.code == "insufficient_funds":
            message = _(
                "Not enough money in your main account for the stamp duty of %(duty)s rials; top up "
                "your wallet first.",
                duty=Number(stamp_duty(fields.amount)),
            )
            raise BadInput(message, fields={"amount": message}, code="insufficient_funds") from None
        raise
