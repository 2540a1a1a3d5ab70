"""iCAP's rules: issuing promissory notes and paying their stamp duty, guarantors, endorsements, pledges.

Pages, the API, the CLI, the hooks and the loans plugin call these, so each rule lives once:

- A note is **issued** by a member with the fields a paper promissory note has. Its stamp duty
  (0.05% of the face value, rounded up to a rial) moves from the issuer's main account to the
  system account ``stamp_duty`` in the same transaction; the same key issues one note, once.
- Every **guarantor** is a member (found by mobile and national code) who signs the note in their
  own session by re-entering their password. A note with an unsigned guarantor cannot be pledged.
- While issued, the issuer may **endorse** it to a new payee; endorsements are kept in order.
- A note is **pledged** to one reference (``loan:12``), then **released** (the loan repaid or
  cancelled) or **protested** (the loan defaulted). Each step is kept in the note's history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import jdatetime
from num2fawords import words
from sqlalchemy import Select, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Digits,
    Member,
    NotFound,
    Number,
    Text,
    Words,
    _,
    _l,
    can,
    confirm_password,
    get_region,
    main_account,
    normalize_mobile,
    normalize_national_code,
    normalize_text,
    parse_jalali_date,
    system_account,
    to_latin_digits,
    today_in_iran,
    transfer,
    utcnow,
)
from resalat_icap import setting
from resalat_icap.models import (
    COMPANY,
    ISSUED,
    KEY_MAX,
    NAME_MAX,
    PERSON,
    PLACE_MAX,
    PLEDGED,
    PROTESTED,
    PURPOSE_MAX,
    REASON_MAX,
    REFERENCE_MAX,
    RELEASED,
    STATUSES,
    Endorsement,
    Guarantor,
    Note,
    NoteStatusChange,
    SerialCounter,
)

__all__ = [
    "Note",
    "get_note",
    "issue_note",
    "note_url",
    "pledge_note",
    "protest_note",
    "release_note",
    "usable_notes",
]

SERIAL_DIGITS = 12  # after the four digits of the year: sixteen in all, like a real e-safteh
SERIAL_ATTEMPTS = 5
BAD_SIGNATURE = "bad_signature"
DUTY_PURPOSE = "stamp_duty"
# Parties an "on demand" due date may be written as, in either language.
ON_DEMAND_WORDS = ("عندالمطالبه", "عند المطالبه", "on demand", "on_demand")


# Iranian calendar days (due dates, validity, advice days) end at Tehran's midnight.
today = today_in_iran


STATUS_LABELS: dict[str, Text] = {
    ISSUED: _l("issued"),
    PLEDGED: _l("pledged to a loan"),
    RELEASED: _l("released"),
    PROTESTED: _l("protested"),
}


def amount_in_words(amount: int) -> str:
    """The amount in Persian words with «ریال» after it, as written on the note."""
    return f"{words(int(amount))} ریال"


def stamp_duty(amount: int) -> int:
    """حق تمبر: the duty rate (parts per ten thousand) of the face value, rounded up to a rial."""
    rate = int(setting("duty_per_10000"))
    return -(-int(amount) * rate // 10_000)


def is_valid_legal_id(value: str) -> bool:
    """Is ``value`` a valid 11-digit national ID of a legal person (شناسه‌ی ملی)?

    The last digit checks the first ten: with d = (tenth digit + 2), the sum of (digit + d) times
    29, 27, 23, 19, 17, 29, 27, 23, 19, 17, modulo 11 (10 counts as 0), must equal it.
    """
    if len(value) != 11 or not value.isdigit() or value == "0" * 11:
        return False
    digits = [int(c) for c in value]
    shift = digits[9] + 2
    weights = (29, 27, 23, 19, 17, 29, 27, 23, 19, 17)
    total = sum((d + shift) * w for d, w in zip(digits[:10], weights, strict=True))
    check = total % 11
    return (0 if check == 10 else check) == digits[10]


# --- reading what was typed ------------------------------------------------------------------------


def _text(value: Any, field: str, limit: int, errors: dict[str, str], *, required: bool = True) -> str:
    text = normalize_text(str(value)) if value is not None else ""
    if required and not text:
        errors[field] = _("Required.")
    elif len(text) > limit:
        errors[field] = _("At most %(max)d characters.", max=limit)
    return text


def check_amount(value: Any, errors: dict[str, str], field: str = "amount") -> int | None:
    """A face value in whole rials, within the plugin's limits; else None, the message in ``errors``.

    Pages and the API read what people type (``read_money``); this takes integers only.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        errors[field] = _("Enter the amount in digits.")
        return None
    if value < 0:
        errors[field] = _("The amount cannot be negative.")
        return None
    low, high = int(setting("min_amount_rials")), int(setting("max_amount_rials"))
    if value < low or value > high:
        errors[field] = _(
            "A note's face value is between %(low)s and %(high)s rials.", low=Number(low), high=Number(high)
        )
        return None
    return value


def read_due_date(value: Any, errors: dict[str, str], on: date | None = None) -> date | None:
    """The due date: a date or Jalali text, today or later; empty or «عندالمطالبه» is on demand."""
    if value is None or isinstance(value, date):
        day = value
    else:
        text = normalize_text(str(value))
        if not text or text.casefold() in ON_DEMAND_WORDS:
            return None
        try:
            day = parse_jalali_date(text, "due_date")
        except BadInput as exc:
            errors["due_date"] = str(exc.fields.get("due_date") or exc)
            return None
    if day is not None and day < (on or today()):
        errors["due_date"] = _("The due date cannot be in the past.")
    return day


def read_payee(
    name: Any, code: Any, errors: dict[str, str], *, prefix: str = "payee"
) -> tuple[str, str, str]:
    """(kind, name, code): a person by national code (10 digits) or a company by national ID (11)."""
    clean_name = _text(name, f"{prefix}_name", NAME_MAX, errors)
    raw = to_latin_digits(normalize_text(str(code or ""))).replace(" ", "").replace("-", "")
    field = f"{prefix}_code"
    if not raw:
        errors[field] = _("Enter the payee's national code (a person) or national ID (a company).")
        return PERSON, clean_name, ""
    if len(raw) == 11:
        if not is_valid_legal_id(raw):
            errors[field] = _("This is not a valid national ID of a company.")
        return COMPANY, clean_name, raw
    try:
        return PERSON, clean_name, normalize_national_code(raw, field)
    except BadInput:
        errors[field] = _(
            "Enter a valid national code (10 digits, a person) or national ID (11 digits, a company)."
        )
        return PERSON, clean_name, raw


def read_guarantors(
    session: Session, issuer: Member, rows: Iterable[Mapping[str, Any]] | None, errors: dict[str, str]
) -> list[tuple[Member, str]]:
    """Each guarantor as (member, name written): a member found by mobile AND national code.

    Empty rows (all three fields blank) are skipped, so a form may offer spare lines.
    """
    found: list[tuple[Member, str]] = []
    rows = [r for r in (rows or []) if any(normalize_text(str(v or "")) for v in dict(r).values())]
    limit = int(setting("max_guarantors"))
    if len(rows) > limit:
        errors["guarantors"] = _("At most %(max)d guarantors.", max=limit)
        return found
    for i, row in enumerate(rows):
        name = _text(row.get("name"), f"guarantors.{i}.name", NAME_MAX, errors)
        try:
            code = normalize_national_code(
                str(row.get("national_code") or ""), f"guarantors.{i}.national_code"
            )
        except BadInput as exc:
            errors.update({k: str(v) for k, v in exc.fields.items()})
            continue
        try:
            mobile = normalize_mobile(str(row.get("mobile") or ""), f"guarantors.{i}.mobile")
        except BadInput as exc:
            errors.update({k: str(v) for k, v in exc.fields.items()})
            continue
        member = session.scalar(select(Member).where(Member.mobile == mobile, Member.national_code == code))
        if member is None:
            errors[f"guarantors.{i}.mobile"] = _(
                "No member has this mobile and national code together: a guarantor must be a member "
                "of Resalat, to sign the note in their own account."
            )
        elif member.id == issuer.id:
            errors[f"guarantors.{i}.national_code"] = _("The issuer cannot guarantee their own note.")
        elif any(m.id == member.id for m, _name in found):
            errors[f"guarantors.{i}.national_code"] = _("This guarantor is named twice.")
        else:
            found.append((member, name or member.name))
    return found


# --- issuing -------------------------------------------------------------------------------------


def jalali_year(day: date) -> int:
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


def _fingerprint(values: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(values[k] for k in ("amount", "due_date", "payee_code", "purpose"))


def _existing(session: Session, issuer: Member, key: str) -> Note | None:
    return session.scalar(select(Note).where(Note.issuer_id == issuer.id, Note.key == key))


def _same_or_conflict(note: Note, values: Mapping[str, Any]) -> Note:
    mine = (note.amount, note.due_date, note.payee_code, note.purpose)
    if mine != _fingerprint(values):
        raise Conflict(
            _("This form was already used to issue a different note; open the form again."),
            code="key_reused",
        )
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
    ``due_date`` a date, Jalali text, or None/empty
    for on demand (``on_demand=True`` says so outright and ignores ``due_date``; ``on_demand=False``
    requires a date). With no payee given, the note is made out to the Qard al-Hasan bank of the
    settings. Every bad field is reported at once (BadInput with ``fields``) and nothing is stored;
    too little money in the main account is refused (code ``insufficient_funds``) with nothing
    stored either. The same ``key`` again returns the first note and pays nothing more.
    ``duty_confirmed=False`` (the page's box left unticked) is one more field error, reported with
    the others, so the member fixes everything in one go.
    """
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
    what = _text(purpose, "purpose", PURPOSE_MAX, errors)
    place = _text(place_of_payment, "place_of_payment", PLACE_MAX, errors, required=False)
    signers = read_guarantors(session, issuer, guarantors, errors)
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    assert value is not None
    values = {"amount": value, "due_date": due, "payee_code": code, "purpose": what}
    found = _existing(session, issuer, key)
    if found is not None:
        return _same_or_conflict(found, values)
    duty = stamp_duty(value)
    try:
        # All or nothing: a refusal of the duty (too little money) takes the serial and note back.
        with session.begin_nested():
            note = Note(
                serial=_next_serial(session, jalali_year(on or today())),
                issuer_id=issuer.id,
                region_id=issuer.region_id,
                issuer_name=issuer.name,
                issuer_national_code=issuer.national_code,
                issuer_mobile=issuer.mobile,
                amount=value,
                amount_words=amount_in_words(value),
                due_date=due,
                payee_kind=kind,
                payee_name=name,
                payee_code=code,
                purpose=what,
                place_of_payment=place or setting("default_place_of_payment"),
                status=ISSUED,
                stamp_duty=duty,
                key=key,
                guarantors=[
                    Guarantor(
                        position=i, member_id=m.id, name=n, national_code=m.national_code, mobile=m.mobile
                    )
                    for i, (m, n) in enumerate(signers)
                ],
                endorsements=[],
            )
            session.add(note)
            session.flush()
            if duty:
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
            session.add(
                NoteStatusChange(note_id=note.id, from_status=None, to_status=ISSUED, actor_id=issuer.id)
            )
            session.flush()
    except IntegrityError:
        # The same key sent twice at once: the other request issued it; answer with that note.
        found = _existing(session, issuer, key)
        if found is None:
            raise
        return _same_or_conflict(found, values)
    except BadInput as exc:
        if exc.code == "insufficient_funds":
            message = _(
                "Not enough money in your main account for the stamp duty of %(duty)s rials; top up "
                "your wallet first.",
                duty=Number(duty),
            )
            raise BadInput(message, fields={"amount": message}, code="insufficient_funds") from None
        raise
    return note


# --- reading notes -------------------------------------------------------------------------------


def get_note(session: Session, note_id: Any) -> Note:
    """The note with this id, or NotFound."""
    note = session.get(Note, note_id) if isinstance(note_id, int) and 0 < note_id < 2**31 else None
    if note is None:
        raise NotFound(_("No such promissory note."), code="unknown_note")
    return note


def get_by_serial(session: Session, serial: str) -> Note:
    clean = to_latin_digits(normalize_text(serial or "")).replace("-", "").replace(" ", "")
    note = session.scalar(select(Note).where(Note.serial == clean)) if clean else None
    if note is None:
        raise NotFound(
            _("No promissory note has the serial %(serial)s.", serial=Digits(clean or serial)),
            code="unknown_note",
        )
    return note


def note_url(note: Note) -> str:
    """The printable page of the note."""
    try:
        from flask import url_for

        return url_for("icap.print_note", note_id=note.id)
    except RuntimeError:  # outside a request: the path the pages blueprint serves it at
        return f"/icap/notes/{note.id}/print"


def may_see(session: Session, viewer: Member, note: Note) -> bool:
    """The issuer, a guarantor of the note, or an officer holding ``icap.view_all`` where it was issued."""
    if viewer.id == note.issuer_id or any(g.member_id == viewer.id for g in note.guarantors):
        return True
    return can("icap.view_all", get_region(session, note.region_id), viewer)


def visible_note(session: Session, viewer: Member, note_id: Any) -> Note:
    """The note if ``viewer`` may see it; NotFound otherwise (not saying whether it exists)."""
    note = get_note(session, note_id)
    if not may_see(session, viewer, note):
        raise NotFound(_("No such promissory note."), code="unknown_note")
    return note


def history_of(session: Session, note: Note) -> list[NoteStatusChange]:
    from sqlalchemy.orm import joinedload

    stmt = (
        select(NoteStatusChange)
        .where(NoteStatusChange.note_id == note.id)
        .options(joinedload(NoteStatusChange.actor))
    )
    return list(session.scalars(stmt.order_by(NoteStatusChange.id)))


def _check_status(status: str | None) -> None:
    if status and status not in STATUSES:
        message = _("Unknown status.")
        raise BadInput(message, fields={"status": message})


def notes_query(member: Member | None = None, status: str | None = None) -> Select[Any]:
    """Notes newest first: of one issuer, of one status, or all."""
    _check_status(status)
    stmt = select(Note)
    if member is not None:
        stmt = stmt.where(Note.issuer_id == member.id)
    if status:
        stmt = stmt.where(Note.status == status)
    return stmt.order_by(Note.id.desc())


def to_guarantee_query(member: Member) -> Select[Any]:
    """Notes ``member`` is named guarantor of, waiting for their signature first, newest first."""
    signed = select(Guarantor.signed_at).where(Guarantor.note_id == Note.id, Guarantor.member_id == member.id)
    named = exists().where(Guarantor.note_id == Note.id, Guarantor.member_id == member.id)
    return select(Note).where(named).order_by(signed.scalar_subquery().is_not(None), Note.id.desc())


def awaiting_signature(session: Session, member: Member) -> int:
    """How many notes wait for ``member``'s signature as guarantor."""
    stmt = (
        select(func.count())
        .select_from(Guarantor)
        .join(Note, Note.id == Guarantor.note_id)
        .where(Guarantor.member_id == member.id, Guarantor.signed_at.is_(None), Note.status == ISSUED)
    )
    return int(session.scalar(stmt) or 0)


def usable_notes(session: Session, member: Member, amount: int) -> list[Note]:
    """The member's issued notes, not pledged, covering ``amount`` and signed by every guarantor."""
    unsigned = exists().where(Guarantor.note_id == Note.id, Guarantor.signed_at.is_(None))
    stmt = (
        select(Note)
        .where(Note.issuer_id == member.id, Note.status == ISSUED, Note.amount >= int(amount), ~unsigned)
        .order_by(Note.amount, Note.id)
    )
    return list(session.scalars(stmt))


# --- guarantors sign -----------------------------------------------------------------------------


def sign_as_guarantor(session: Session, note_id: Any, member: Member, password: str | None) -> Note:
    """``member`` signs the note as its guarantor by re-entering their own password.

    Signing twice is harmless. A wrong password is refused with code ``bad_signature`` after
    being recorded for throttling (the caller commits then, as sign-in does).
    """
    note = get_note(session, note_id)
    row = next((g for g in note.guarantors if g.member_id == member.id), None)
    if row is None:
        raise NotFound(_("No such promissory note."), code="unknown_note")
    if row.signed_at is not None:
        return note
    if note.status != ISSUED:
        raise Conflict(_("This note is no longer waiting for signatures."), code="not_issued")
    if not password:
        message = _("Enter your password: it is your signature.")
        raise BadInput(message, fields={"password": message})
    if not confirm_password(session, member, password):
        message = _("The password is wrong: sign with your own password.")
        # The failure confirm_password recorded must be committed to count towards throttling.
        raise BadInput(message, fields={"password": message}, code=BAD_SIGNATURE, keep_changes=True)
    row.signed_at = utcnow()
    note.updated_at = utcnow()
    session.flush()
    return note


# --- endorsements --------------------------------------------------------------------------------


def endorse_note(
    session: Session,
    note_id: Any,
    member: Member,
    *,
    payee_name: Any,
    payee_code: Any,
    endorsed_on: Any = None,
) -> Note:
    """The holder (the issuer, in the app) endorses the note to a new payee, kept in order.

    Only while issued: a pledged, released or protested note cannot be endorsed (Conflict).
    """
    note = get_note(session, note_id)
    if note.issuer_id != member.id:
        raise NotFound(_("No such promissory note."), code="unknown_note")
    errors: dict[str, str] = {}
    kind, name, code = read_payee(payee_name, payee_code, errors)
    on = today()
    if endorsed_on is None or (isinstance(endorsed_on, str) and not endorsed_on.strip()):
        day = on
    elif isinstance(endorsed_on, date):
        day = endorsed_on
    else:
        try:
            day = parse_jalali_date(str(endorsed_on), "endorsed_on")
        except BadInput as exc:
            errors["endorsed_on"] = str(exc.fields.get("endorsed_on") or exc)
            day = on
    if day > on:
        errors["endorsed_on"] = _("An endorsement cannot be dated in the future.")
    elif day < note.issued_at.date():
        errors["endorsed_on"] = _("An endorsement cannot be dated before the note was issued.")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    if note.status != ISSUED:
        raise Conflict(
            _(
                "Only a note that is issued and not pledged can be endorsed; this one is %(status)s.",
                status=Words(STATUS_LABELS[note.status]),
            ),
            code="not_endorsable",
        )
    if code == note.holder_code:
        message = _("The note is already payable to this payee.")
        raise BadInput(message, fields={"payee_code": message})
    note.endorsements.append(
        Endorsement(
            position=len(note.endorsements),
            payee_kind=kind,
            payee_name=name,
            payee_code=code,
            endorsed_on=day,
            by_id=member.id,
        )
    )
    note.updated_at = utcnow()
    session.flush()
    return note


# --- pledge, release, protest --------------------------------------------------------------------


def _move(
    session: Session,
    note: Note,
    to: str,
    *,
    reference: str | None,
    reason: str = "",
    actor: Member | None = None,
    **values: Any,
) -> None:
    """Move the note on with one conditional UPDATE: of two at once, the second finds it moved."""
    result = session.execute(
        update(Note)
        .where(Note.id == note.id, Note.status == note.status)
        .values(status=to, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise Conflict(_("Someone else changed this note a moment ago; reload and look again."))
    session.add(
        NoteStatusChange(
            note_id=note.id,
            from_status=note.status,
            to_status=to,
            reference=reference,
            reason=reason,
            actor_id=actor.id if actor else None,
        )
    )
    session.flush()
    session.refresh(note)


def _reference(reference: Any) -> str:
    ref = normalize_text(str(reference or ""))
    if not ref or len(ref) > REFERENCE_MAX:
        message = _("A pledge needs a reference of 1 to %(max)d characters.", max=REFERENCE_MAX)
        raise BadInput(message, fields={"reference": message})
    return ref


def pledge_note(session: Session, note_id: Any, member: Member, *, reference: str, amount: int) -> Note:
    """``member`` pledges their own note to ``reference`` (a loan request) for ``amount`` rials.

    The same reference again returns the note unchanged. Refused with a clear message, changing
    nothing, when the note is not theirs, pledged elsewhere, released or protested, smaller than
    ``amount`` or still awaiting a guarantor's signature.
    """
    ref = _reference(reference)
    note = get_note(session, note_id)
    if note.issuer_id != member.id:
        message = _("This promissory note is not yours: pledge one of your own notes.")
        raise BadInput(message, fields={"note": message}, code="not_yours")
    if note.status == PLEDGED and note.pledged_reference == ref:
        return note
    if note.status == PLEDGED:
        raise Conflict(
            _(
                "Note %(serial)s is already pledged elsewhere; it can be pledged again only once it "
                "is released.",
                serial=Digits(note.serial),
            ),
            code="already_pledged",
        )
    if note.status != ISSUED:
        raise Conflict(
            _(
                "Note %(serial)s is %(status)s and cannot be pledged.",
                serial=Digits(note.serial),
                status=Words(STATUS_LABELS[note.status]),
            ),
            code="not_issued",
        )
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        message = _("The amount to secure must be a positive number of rials.")
        raise BadInput(message, fields={"amount": message})
    if note.amount < amount:
        message = _(
            "Note %(serial)s is for %(face)s rials, less than the %(amount)s rials it must secure.",
            serial=Digits(note.serial),
            face=Number(note.amount),
            amount=Number(amount),
        )
        raise BadInput(message, fields={"note": message}, code="too_small")
    if not note.all_signed:
        message = _("Note %(serial)s is waiting for its guarantors' signatures.", serial=Digits(note.serial))
        raise BadInput(message, fields={"note": message}, code="unsigned")
    _move(session, note, PLEDGED, reference=ref, actor=member, pledged_reference=ref, pledged_amount=amount)
    return note


def _pledged_to(session: Session, reference: str) -> Note | None:
    stmt = select(Note).where(Note.pledged_reference == reference).order_by(Note.id.desc()).limit(1)
    return session.scalar(stmt)


def release_note(session: Session, *, reference: str, actor: Member | None = None) -> Note | None:
    """The loan ``reference`` was repaid or cancelled: its note is released. None if it has none.

    Releasing twice is harmless; a protested note stays protested (Conflict).
    """
    note = _pledged_to(session, _reference(reference))
    if note is None or note.status == RELEASED:
        return note
    if note.status != PLEDGED:
        raise Conflict(_("Note %(serial)s was protested and cannot be released.", serial=Digits(note.serial)))
    _move(session, note, RELEASED, reference=note.pledged_reference, actor=actor)
    return note


def protest_note(session: Session, *, reference: str, reason: str, actor: Member) -> Note | None:
    """The loan ``reference`` defaulted: its note is protested (واخواست), with the reason and who.

    None if the reference pledged no note; protesting twice is harmless; a released note is done.
    """
    note = _pledged_to(session, _reference(reference))
    errors: dict[str, str] = {}
    why = _text(reason, "reason", REASON_MAX, errors)
    if errors:
        raise BadInput(_("Say why the note is protested."), fields=errors)
    if note is None or note.status == PROTESTED:
        return note
    if note.status != PLEDGED:
        raise Conflict(_("Note %(serial)s was released and cannot be protested.", serial=Digits(note.serial)))
    _move(session, note, PROTESTED, reference=note.pledged_reference, reason=why, actor=actor)
    return note


def settle_note(session: Session, *, reference: str, actor: Member | None = None) -> Note | None:
    """The debt behind a protested note was paid after all: the note goes back to its issuer
    (released), and its protest stays in the history. None if the reference pledged no note;
    settling twice is harmless; a note that was never protested is released by ``release_note``.
    """
    note = _pledged_to(session, _reference(reference))
    if note is None or note.status == RELEASED:
        return note
    if note.status != PROTESTED:
        raise Conflict(
            _("Note %(serial)s was not protested: release it instead.", serial=Digits(note.serial)),
            code="not_protested",
        )
    # No reason is stored: a release after a protest reads as a settlement wherever it is shown.
    _move(session, note, RELEASED, reference=note.pledged_reference, actor=actor)
    return note


# --- labels and figures --------------------------------------------------------------------------


def status_label(status: str) -> str:
    """A note's status in the reader's language."""
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else status


def totals(session: Session, area: list[int] | None = None) -> dict[str, int]:
    """Notes issued, face value outstanding (issued or pledged) and stamp duty collected, in rials,
    of the notes issued in ``area`` (region ids; None: nationwide). Two queries."""
    where = [] if area is None else [Note.region_id.in_(area)]
    count, duty = session.execute(
        select(func.count(Note.id), func.coalesce(func.sum(Note.stamp_duty), 0)).where(*where)
    ).one()
    outstanding = session.scalar(
        select(func.coalesce(func.sum(Note.amount), 0)).where(Note.status.in_((ISSUED, PLEDGED)), *where)
    )
    return {"issued": int(count), "outstanding": int(outstanding or 0), "duty": int(duty or 0)}
