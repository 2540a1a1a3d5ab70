"""Withdrawals of free money to the member's own Sheba account, settled through a bank batch.

The rules, in one place for the pages, the API and the CLI:
- money leaves only the member's main account: earmarked money (a loan's) is another account
  that this module never debits, so it can never be withdrawn;
- asking holds the amount as a pending ledger transfer to ``bank_payouts``: reserved, no longer
  spendable, not yet gone; once per member and key;
- an administrator exports the waiting withdrawals as one CSV batch for the bank, then records
  the bank's answer for each: settled (the pending transfer posts) or refused (it voids and the
  money is free again; the member is told why);
- until the export the member may cancel: the reservation voids and the money is free again;
  once exported the bank has it, and only the bank's answer frees it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from resalat_core.sdk import (
    EARMARKED,
    MAX_BIG_ID,
    Account,
    BadInput,
    Conflict,
    Digits,
    Member,
    Money,
    NotFound,
    Page,
    _,
    audit,
    main_account,
    normalize_person_name,
    normalize_sheba,
    normalize_text,
    notify,
    paginate,
    post_pending,
    search_key,
    system_account,
    transfer,
    utcnow,
    void_pending,
)
from resalat_hesam.messages import WITHDRAWAL_REFUSED, WITHDRAWAL_SETTLED
from resalat_hesam.models import (
    EXPORTED,
    KEY_MAX,
    REASON_MAX,
    REFUSED,
    REQUESTED,
    SETTLED,
    WITHDRAWAL_CANCELLED,
    ShebaAccount,
    Withdrawal,
)

PURPOSE_WITHDRAWAL = "withdrawal"
# Stands for the bank: what left for members' bank accounts.
PAYOUTS = "bank_payouts"
MIN_RIALS = 10_000
REFERENCE_MAX = 100
CSV_BOM = "\ufeff"


# --- the member's Sheba ---------------------------------------------------------------------------


def _name_key(name: str) -> str:
    """A name folded for comparing: Arabic and Persian letter forms, spaces and half-spaces alike."""
    return "".join(ch for ch in search_key(name) if ch not in " -'.\u2019")


def names_match(typed: str, registered: str) -> bool:
    """Is ``typed`` the registered name, up to letter forms, spaces and half-spaces?"""
    return bool(_name_key(typed)) and _name_key(typed) == _name_key(registered)


def sheba_of(session: Session, member: Member) -> ShebaAccount | None:
    return session.scalar(select(ShebaAccount).where(ShebaAccount.member_id == member.id))


def save_sheba(session: Session, member: Member, sheba: str, holder_name: str) -> ShebaAccount:
    """Keep the member's own Sheba: valid (ISO 13616, mod 97) and held in the member's name.

    Every mistake is reported at once. The name is the account holder's as the member types it
    (as the bank knows it), and must be the member's own registered name.
    """
    errors: dict[str, str] = {}
    number = name = ""
    try:
        number = normalize_sheba(sheba if isinstance(sheba, str) else "", field="sheba")
    except BadInput as exc:
        errors.update({k: str(v) for k, v in exc.fields.items()})
    try:
        name = normalize_person_name(holder_name if isinstance(holder_name, str) else "", field="holder_name")
    except BadInput as exc:
        errors.update({k: str(v) for k, v in exc.fields.items()})
    if name and not names_match(name, member.name):
        errors["holder_name"] = _(
            "The account holder must be you: type your name as registered (%(name)s).", name=member.name
        )
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    found = sheba_of(session, member)
    if found is None:
        found = ShebaAccount(member_id=member.id, sheba=number, holder_name=name)
        session.add(found)
    else:
        found.sheba, found.holder_name = number, name
    session.flush()
    return found


def sheba_ending(sheba: str) -> Digits:
    """The last four digits, enough for the member to recognise their account on a statement."""
    return Digits(sheba[-4:])


# --- asking for a withdrawal ----------------------------------------------------------------------


@dataclass(frozen=True)
class WithdrawalDraft:
    """A checked withdrawal waiting for the member's confirmation: what will happen."""

    amount: int
    sheba: str
    holder_name: str
    available_after: int


@dataclass(frozen=True)
class Asked:
    """A withdrawal asked (or found already asked with the same key: ``replayed``)."""

    withdrawal: Withdrawal
    replayed: bool


def free_balance(session: Session, member: Member) -> int:
    """What the member may withdraw: the main account's available money (earmarked money is
    another account and never counts)."""
    account = main_account(session, member)
    return account.posted - account.pending_debits


def earmarked_total(session: Session, member: Member) -> int:
    """The member's earmarked money, to explain why it cannot be withdrawn; one query."""
    total = session.scalar(
        select(func.coalesce(func.sum(Account.posted - Account.pending_debits), 0)).where(
            Account.owner_id == member.id, Account.kind == EARMARKED
        )
    )
    return int(total or 0)


def prepare_withdrawal(session: Session, member: Member, amount: int | None) -> WithdrawalDraft:
    """Check a withdrawal before the member confirms it; every mistake at once."""
    errors: dict[str, str] = {}
    codes: list[str] = []
    account = sheba_of(session, member)
    if account is None:
        errors["sheba"] = _("Save your Sheba number first.")
        codes.append("no_sheba")
    available = free_balance(session, member)
    if amount is None or isinstance(amount, bool) or not isinstance(amount, int):
        errors["amount"] = _("Enter the amount in digits.")
        codes.append("bad_input")
    elif amount < MIN_RIALS:
        errors["amount"] = _("A withdrawal is at least %(amount)s.", amount=Money(MIN_RIALS))
        codes.append("too_small")
    elif amount > available:
        message = _("You have %(amount)s of free money in your main account.", amount=Money(available))
        if earmarked_total(session, member) > 0:
            message = _(
                "You have %(amount)s of free money in your main account. Loan money is earmarked "
                "for its purpose and cannot be withdrawn.",
                amount=Money(available),
            )
        errors["amount"] = message
        codes.append("insufficient_funds")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors, code=codes[0])
    assert account is not None and isinstance(amount, int)
    return WithdrawalDraft(amount, account.sheba, account.holder_name, available - amount)


def withdrawal_key(key: str | None) -> str:
    key = (key or "").strip()
    if not key or not key.isprintable() or len(key) > 200:
        raise BadInput(_("This form has no valid withdrawal key; please start again."), code="bad_key")
    return key if len(key) <= KEY_MAX else "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def request_withdrawal(session: Session, member: Member, amount: int | None, *, key: str) -> Asked:
    """Hold ``amount`` rials of the member's free money for a withdrawal, once per ``key``.

    The money stays in the main account as a reservation (pending transfer to the bank's side)
    until the bank answers. Nothing is committed: the caller commits.
    """
    stored_key = withdrawal_key(key)
    main = main_account(session, member)
    # Hold the member's account first, so a second submit of the same form waits, then finds it.
    session.execute(select(main.__class__.id).where(main.__class__.id == main.id).with_for_update())
    found = session.scalar(
        select(Withdrawal).where(Withdrawal.member_id == member.id, Withdrawal.key == stored_key)
    )
    if found is not None:
        if found.amount != amount:
            raise Conflict(_("This withdrawal key was already used for another amount."), code="key_reused")
        return Asked(found, True)
    draft = prepare_withdrawal(session, member, amount)
    held = transfer(
        session,
        f"hesam:withdrawal:{member.id}:{stored_key}",
        main,
        system_account(session, PAYOUTS),
        draft.amount,
        PURPOSE_WITHDRAWAL,
        pending=True,
        params={"sheba": sheba_ending(draft.sheba)},
        actor=member,
    )
    made = Withdrawal(
        member_id=member.id,
        amount=draft.amount,
        key=stored_key,
        sheba=draft.sheba,
        holder_name=draft.holder_name,
        transfer_id=held.id,
        state=REQUESTED,
    )
    session.add(made)
    session.flush()
    return Asked(made, False)


def own_withdrawal(session: Session, member: Member, withdrawal_id: int) -> Withdrawal:
    """One of the member's withdrawals (another member's is not found, like a missing one)."""
    found = session.get(Withdrawal, withdrawal_id) if 0 < withdrawal_id <= MAX_BIG_ID else None
    if found is None or found.member_id != member.id:
        raise NotFound(_("No such withdrawal."), code="unknown_withdrawal")
    return found


def cancel_withdrawal(session: Session, member: Member, withdrawal_id: int) -> tuple[Withdrawal, bool]:
    """The member takes back a withdrawal still waiting for the bank's batch: the held money is
    free again. Returns (withdrawal, replayed): cancelling twice is said as done once.

    The row is taken locked, as the export takes it: a cancel and an export racing each other
    are decided by whichever locks first, so a withdrawal is never both in a batch and cancelled.
    Nothing is committed: the caller commits.
    """
    own_withdrawal(session, member, withdrawal_id)
    found = session.scalar(
        select(Withdrawal)
        .where(Withdrawal.id == withdrawal_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert found is not None
    if found.state == WITHDRAWAL_CANCELLED:
        return found, True
    if found.state != REQUESTED:
        if found.state == EXPORTED:
            message = _(
                "This withdrawal is already in the bank's batch and can no longer be cancelled. "
                "If the bank refuses it, the money is free again and you are told."
            )
        else:
            message = _("The bank has already answered this withdrawal: it can no longer be cancelled.")
        raise Conflict(message, code="not_cancellable")
    void_pending(session, found.transfer_id)
    found.state, found.resolved_at = WITHDRAWAL_CANCELLED, utcnow()
    session.flush()
    return found, False


def withdrawals_of(session: Session, member: Member, page: int, per_page: int) -> Page[Withdrawal]:
    stmt = select(Withdrawal).where(Withdrawal.member_id == member.id).order_by(Withdrawal.id.desc())
    return paginate(session, stmt, page, per_page)


# --- the bank batch and the bank's answers --------------------------------------------------------


def _in_area(stmt: Any, area: list[int] | None) -> Any:
    """Only the withdrawals of members in ``area`` (region ids; None: nationwide)."""
    if area is None:
        return stmt
    return stmt.join(Member, Member.id == Withdrawal.member_id).where(Member.region_id.in_(area))


def waiting_summary(session: Session, area: list[int] | None = None) -> tuple[int, int]:
    """How many withdrawals wait for the next batch, and their total in rials; one query."""
    stmt = select(func.count(Withdrawal.id), func.coalesce(func.sum(Withdrawal.amount), 0)).where(
        Withdrawal.state == REQUESTED
    )
    count, total = session.execute(_in_area(stmt, area)).one()
    return int(count), int(total)


def exported_waiting(session: Session, area: list[int] | None, page: int, per_page: int) -> Page[Withdrawal]:
    """Exported withdrawals still waiting for the bank's answer, oldest first, one page."""
    stmt = select(Withdrawal).where(Withdrawal.state == EXPORTED).order_by(Withdrawal.id)
    return paginate(session, _in_area(stmt, area), page, per_page)


def new_batch_name() -> str:
    return utcnow().strftime("%Y%m%d%H%M%S") + "-" + secrets.token_hex(3)


def export_batch(
    session: Session,
    area: list[int] | None = None,
    progress: Callable[[int], None] | None = None,
    chunk: int = 200,
) -> tuple[str, int, int]:
    """Mark every waiting withdrawal (in ``area``) exported in one new batch.

    Returns (batch name, count, total rials); the batch's CSV is ``batch_csv``. Rows are taken
    locked, in chunks, so two administrators exporting at once never put one withdrawal in two
    batches. Nothing is committed: the caller commits.
    """
    name = new_batch_name()
    now = utcnow()
    count = total = 0
    last_id = 0
    while True:
        stmt = (
            select(Withdrawal)
            .where(Withdrawal.state == REQUESTED, Withdrawal.id > last_id)
            .order_by(Withdrawal.id)
            .limit(chunk)
        )
        rows = list(session.scalars(_in_area(stmt, area).with_for_update(of=Withdrawal)))
        if not rows:
            break
        for row in rows:
            row.state, row.batch, row.exported_at = EXPORTED, name, now
            count += 1
            total += row.amount
        last_id = rows[-1].id
        session.flush()
        if progress:
            progress(len(rows))
    if not count:
        raise BadInput(_("No withdrawal is waiting for a batch."), code="nothing_to_export")
    return name, count, total


def batch_rows(session: Session, batch: str) -> list[Withdrawal]:
    # The members come in one more query (their national codes and regions), not one per row.
    rows = list(
        session.scalars(
            select(Withdrawal)
            .where(Withdrawal.batch == batch)
            .order_by(Withdrawal.id)
            .options(selectinload(Withdrawal.member))
        )
    )
    if not rows:
        raise NotFound(_("No such batch."), code="unknown_batch")
    return rows


def batch_csv(rows: list[Withdrawal]) -> Iterator[str]:
    """The bank's batch (a Paya group transfer sheet): UTF-8 with a BOM, CRLF, Latin digits.

    Columns: row, Sheba, holder's name, amount in rials, the payment's id (the bank echoes it
    back as the transfer's description), the member's national code.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["row", "sheba", "holder_name", "amount_rials", "payment_id", "national_code"])
    yield CSV_BOM + buffer.getvalue()
    for n, row in enumerate(rows, 1):
        buffer.seek(0)
        buffer.truncate()
        name = row.holder_name
        if name.startswith(("=", "+", "-", "@")):
            name = "'" + name
        writer.writerow([n, row.sheba, name, row.amount, f"W{row.id}", row.member.national_code])
        yield buffer.getvalue()


def _answerable(session: Session, withdrawal_id: int) -> Withdrawal:
    found = (
        session.scalar(select(Withdrawal).where(Withdrawal.id == withdrawal_id).with_for_update())
        if 0 < withdrawal_id <= MAX_BIG_ID
        else None
    )
    if found is None:
        raise NotFound(_("No such withdrawal."), code="unknown_withdrawal")
    return found


def find_withdrawal(session: Session, withdrawal_id: int) -> Withdrawal:
    found = session.get(Withdrawal, withdrawal_id) if 0 < withdrawal_id <= MAX_BIG_ID else None
    if found is None:
        raise NotFound(_("No such withdrawal."), code="unknown_withdrawal")
    return found


def settle(session: Session, withdrawal_id: int, reference: str) -> tuple[Withdrawal, bool]:
    """The bank paid it: the held money leaves for good. Returns (withdrawal, replayed)."""
    reference = normalize_text(reference or "")
    if not reference or len(reference) > REFERENCE_MAX:
        message = _("Enter the bank's tracking number.")
        raise BadInput(message, fields={"reference": message})
    found = _answerable(session, withdrawal_id)
    if found.state == SETTLED:
        return found, True
    if found.state != EXPORTED:
        raise Conflict(_("Only an exported withdrawal waits for the bank's answer."), code="not_exported")
    post_pending(session, found.transfer_id)
    found.state, found.bank_reference, found.resolved_at = SETTLED, reference, utcnow()
    session.flush()
    _audit(session, "hesam.withdrawal_settled", found, EXPORTED)
    notify(
        found.member,
        WITHDRAWAL_SETTLED(
            url="/hesam/withdrawals", amount=Money(found.amount), sheba=sheba_ending(found.sheba)
        ),
    )
    return found, False


def refuse(session: Session, withdrawal_id: int, reason: str) -> tuple[Withdrawal, bool]:
    """The bank refused it: the reservation is voided and the money is free again; the member is
    told with the reason. Returns (withdrawal, replayed)."""
    reason = normalize_text(reason or "")
    if not reason or len(reason) > REASON_MAX:
        message = _("Write the bank's reason, at most %(max)s characters.", max=REASON_MAX)
        raise BadInput(message, fields={"reason": message})
    found = _answerable(session, withdrawal_id)
    if found.state == REFUSED:
        return found, True
    if found.state != EXPORTED:
        raise Conflict(_("Only an exported withdrawal waits for the bank's answer."), code="not_exported")
    void_pending(session, found.transfer_id)
    found.state, found.reason, found.resolved_at = REFUSED, reason, utcnow()
    session.flush()
    _audit(session, "hesam.withdrawal_refused", found, EXPORTED)
    notify(
        found.member,
        # The reason is the bank's words as the administrator typed them: data, shown as written.
        WITHDRAWAL_REFUSED(url="/hesam/withdrawals", amount=Money(found.amount), reason=reason),
    )
    return found, False


def _audit(session: Session, action: str, found: Withdrawal, before: str) -> None:
    """The bank's answer, as the administrator (or the CLI) recorded it, in the audit trail."""
    audit(
        session,
        action,
        subject=f"hesam_withdrawal:{found.id}",
        region=found.member.region_id,
        before={"state": before},
        after={"state": found.state, "amount": found.amount},
    )
