"""M-Hesam's rules: accounts and statements, member-to-member transfers, top-ups, CSV. No Flask here."""

# Pages, the API, the CLI and the demo all call these, so each rule lives once:
# - a member sees only their own accounts (anyone else's id is "not found", so ids cannot be probed);
# - money moves only through the ledger's ``transfer`` with a key, so a repeated request moves it once;
# - every check runs before the ledger is touched, and the ledger itself refuses an overdraft, so
#   bad input moves nothing;
# - amounts are integer rials: pages, the API and the CLI read what people type (``read_money``).

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    EARMARKED,
    MAX_AMOUNT,
    MAX_BIG_ID,
    MEMBER_MAIN,
    Account,
    BadInput,
    Entry,
    Member,
    Money,
    NotFound,
    Page,
    Transfer,
    _,
    accounts_of,
    audit,
    describe_transfer,
    find_member,
    format_date,
    main_account,
    normalize_text,
    notify,
    paginate,
    parse_jalali_date,
    pgettext,
    region_hook,
    statement_query,
    system_account,
    to_latin_digits,
    transfer,
    utcnow,
    vocabulary,
)
from resalat_hesam.hookspecs import CreditLine
from resalat_hesam.messages import TOP_UP_RECORDED, TRANSFER_RECEIVED, TRANSFER_RECEIVED_WITH_NOTE

PURPOSE_TRANSFER = "member_transfer"
PURPOSE_TOPUP = "top_up"
NOTE_MAX = 140
KEY_MAX = 120
IDEMPOTENCY_KEY_MAX = 200
CSV_BATCH = 500
# The ledger's account kinds and the transfer state this plugin reads (as the host stores them).
MAIN = MEMBER_MAIN
PENDING = "pending"
# How many of the open reservations the accounts page shows: the latest; the API pages through all.
PENDING_SHOWN = 20
# Account ids are 32-bit in the database; a bigger one in a URL cannot exist (and upsets PostgreSQL).
_ID_MAX = 2**31 - 1
_PURPOSE_RE = re.compile(r"^[a-z][a-z0-9_.\-]{0,63}$")
_TEHRAN = ZoneInfo("Asia/Tehran")
# Cells a spreadsheet would run as a formula: prefixed so an exported note cannot run one.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def purpose_label(purpose: str | None) -> str:
    """What a member reads for a purpose code, as the plugin that declares it words it."""
    return vocabulary().purpose_label(purpose) if purpose else ""


def mask_name(name: str | None) -> str:
    """A name reduced to each word's first letter: 'مریم احمدی' -> 'م*** ا***'.

    Enough for a sender to recognise the person they meant, not enough to learn who owns a
    mobile number by typing it in.
    """
    words = normalize_text(name or "").split()
    return " ".join(f"{word[0]}***" for word in words) or "***"


# --- accounts ----------------------------------------------------------------------------------


@dataclass
class AccountsOverview:
    """What the accounts page shows: the main account, earmarked funds, open reservations."""

    main: Account
    earmarked: list[Account]
    others: list[Account]
    pending: list[Transfer]  # the latest PENDING_SHOWN
    pending_total: int = 0
    # The main account was opened by this read (the member's first visit): commit it.
    opened: bool = False

    @property
    def accounts(self) -> list[Account]:
        return [self.main, *self.earmarked, *self.others]


def overview(session: Session, member: Member, *, with_pending: bool = True) -> AccountsOverview:
    """The member's accounts, their latest open reservations and how many there are, in two
    queries whatever their size (one without the reservations, ``with_pending=False``).

    The main account is opened on first use (the member's first visit).
    """
    accounts = accounts_of(session, member)
    main = next((a for a in accounts if a.kind == MAIN), None)
    opened = main is None
    if main is None:
        main = main_account(session, member)
    earmarked = [a for a in accounts if a.kind == EARMARKED]
    others = [a for a in accounts if a.kind not in (MAIN, EARMARKED)]
    found = AccountsOverview(main=main, earmarked=earmarked, others=others, pending=[], opened=opened)
    if with_pending:
        # The latest ones and how many there are in one statement (the count is a window over
        # every match, taken before the limit).
        rows = session.execute(
            pending_query(found.accounts).add_columns(func.count().over()).limit(PENDING_SHOWN)
        ).all()
        found.pending = [transfer for transfer, _total in rows]
        found.pending_total = int(rows[0][1]) if rows else 0
    return found


def find_main_account(session: Session, member: Member) -> Account | None:
    """The member's main account if it was ever opened; reading it never opens one."""
    return session.scalar(select(Account).where(Account.owner_id == member.id, Account.kind == MAIN))


def owned_account(session: Session, member: Member, account_id: int) -> Account:
    """One of ``member``'s accounts; anyone else's (or none) is NotFound, never "forbidden"."""
    account = session.get(Account, account_id) if 0 < account_id <= _ID_MAX else None
    if account is None or account.owner_id != member.id:
        raise NotFound(_("No such account."), code="unknown_account")
    return account


def pending_query(accounts: Iterable[Account]) -> Select[Transfer]:
    """Open two-phase transfers that touch any of ``accounts``, newest first."""
    ids = [a.id for a in accounts]
    return (
        select(Transfer)
        .where(
            Transfer.state == PENDING,
            or_(Transfer.debit_account_id.in_(ids), Transfer.credit_account_id.in_(ids)),
        )
        .order_by(Transfer.id.desc())
    )


def spend_purposes(account: Account) -> list[str]:
    """What earmarked money may pay for: the purpose codes of its spend rules."""
    return list((account.spend_rules or {}).get("purposes", []))


def spend_labels(account: Account) -> list[tuple[str, str]]:
    """(code, label) of each purpose earmarked money may pay for, worded by their plugins."""
    return [(code, purpose_label(code)) for code in spend_purposes(account)]


def is_expired(account: Account, now: datetime | None = None) -> bool:
    return account.expires_at is not None and account.expires_at < (now or utcnow())


def counterparty(entry: Entry) -> Account:
    """The other side of an entry's transfer."""
    t = entry.transfer
    return t.credit_account if entry.amount < 0 else t.debit_account


def account_label(account: Account, viewer: Member) -> str:
    """How ``viewer`` sees an account, in their language: their own and a system account by its
    name, another member's by that member's masked name."""
    if account.owner_id is not None and account.owner_id != viewer.id:
        return mask_name(account.owner.name if account.owner else "")
    return account.name


@dataclass(frozen=True)
class Line:
    """A statement line as a member reads it: what it was for, its detail, and their own note."""

    label: str
    detail: str
    note: str


def line_of(t: Transfer) -> Line:
    """The transfer's purpose and detail in the reader's language, and the memo a member wrote."""
    label, detail = describe_transfer(t)
    return Line(label, detail, t.memo or "")


def main_balance(session: Session, member: Member) -> int:
    """What the member may spend from the main account now (0 before it is opened); one query."""
    available = session.scalar(
        select(Account.posted - Account.pending_debits).where(
            Account.owner_id == member.id, Account.kind == MAIN
        )
    )
    return int(available or 0)


# --- statements --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementFilter:
    """A statement's filters: Jalali dates as typed (for the form) and what they mean."""

    since: date | None = None
    until: date | None = None
    direction: str | None = None
    purpose: str | None = None
    since_text: str = ""
    until_text: str = ""

    def args(self) -> dict[str, str]:
        """The filters as query arguments, to keep them across pages and in the CSV link."""
        pairs = {
            "since": self.since_text,
            "until": self.until_text,
            "direction": self.direction or "",
            "purpose": self.purpose or "",
        }
        return {k: v for k, v in pairs.items() if v}

    @property
    def active(self) -> bool:
        return bool(self.args())


DIRECTIONS = ("in", "out")


def read_filter(args: Mapping[str, Any]) -> StatementFilter:
    """Filters from query arguments ``since``, ``until`` (Jalali), ``direction``, ``purpose``.

    Every bad field is reported at once, as BadInput naming the fields.
    """
    errors: dict[str, Any] = {}
    since_text = normalize_text(str(args.get("since") or ""))
    until_text = normalize_text(str(args.get("until") or ""))
    since = until = None
    for name, text in (("since", since_text), ("until", until_text)):
        if not text:
            continue
        try:
            parsed = parse_jalali_date(text, field=name)
        except BadInput as exc:
            errors.update(exc.fields)
            continue
        if name == "since":
            since = parsed
        else:
            until = parsed
    if since and until and since > until:
        errors["until"] = _("The end date is before the start date.")
    direction = str(args.get("direction") or "").strip() or None
    if direction is not None and direction not in DIRECTIONS:
        errors["direction"] = _("Choose money in or money out.")
    purpose = str(args.get("purpose") or "").strip() or None
    if purpose is not None and not _PURPOSE_RE.match(purpose):
        errors["purpose"] = _("No such purpose.")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    return StatementFilter(since, until, direction, purpose, since_text, until_text)


def _tehran_midnight(day: date) -> datetime:
    """The start of a Tehran calendar day as naive UTC, the way the ledger stores times."""
    return datetime.combine(day, time.min, tzinfo=_TEHRAN).astimezone(UTC).replace(tzinfo=None)


def statement_stmt(account: Account, f: StatementFilter) -> Any:
    """The account's entries matching ``f``, newest first; dates are whole Tehran days."""
    return statement_query(
        account,
        since=_tehran_midnight(f.since) if f.since else None,
        until=_tehran_midnight(f.until + timedelta(days=1)) if f.until else None,
        purpose=f.purpose,
        direction=f.direction,
    )


def statement(
    session: Session, account: Account, f: StatementFilter, page: int, per_page: int
) -> Page[Entry]:
    """One page of the statement: two queries (count and rows) plus the members' roles, any size."""
    return paginate(session, statement_stmt(account, f), page, per_page)


def statement_count(session: Session, account: Account, f: StatementFilter) -> int:
    stmt = statement_stmt(account, f).order_by(None).subquery()
    return int(session.scalar(select(func.count()).select_from(stmt)) or 0)


def iter_statement(
    session: Session, account: Account, f: StatementFilter, batch: int = CSV_BATCH
) -> Iterator[Entry]:
    """Every matching entry, newest first, read in batches by id so a long export holds no cursor."""
    stmt = statement_stmt(account, f)
    last_id: int | None = None
    while True:
        query = stmt if last_id is None else stmt.where(Entry.id < last_id)
        rows = session.scalars(query.limit(batch)).unique().all()
        yield from rows
        if len(rows) < batch:
            return
        last_id = rows[-1].id


def purposes_of(session: Session, account: Account) -> list[str]:
    """The purposes that occur in the account's statement, for the filter's choices (one query)."""
    return sorted(
        session.scalars(
            select(Transfer.purpose)
            .distinct()
            .join(Entry, Entry.transfer_id == Transfer.id)
            .where(Entry.account_id == account.id)
        )
    )


# --- CSV ---------------------------------------------------------------------------------------

CSV_BOM = "\ufeff"


def tomans(rials: int) -> str:
    """Rials as a plain toman number a spreadsheet (or the amount field) reads: '-1250', '1250.5'."""
    whole, tenth = divmod(abs(rials), 10)
    sign = "-" if rials < 0 else ""
    return f"{sign}{whole}.{tenth}" if tenth else f"{sign}{whole}"


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def statement_csv(entries: Iterable[Entry], viewer: Member, chunk: int = 100) -> Iterator[str]:
    """The statement as CSV text, in chunks: a UTF-8 BOM first, so Excel opens Persian correctly.

    Numbers and dates use Latin digits so a spreadsheet can add them up; the date is Jalali, in
    Tehran time (``1404/01/01 14:30``), beside the ISO time in UTC. Amounts are signed (money out is
    negative), in rials and in tomans. Headers and lines are in the reader's language.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            _("Date (Jalali, Tehran time)"),
            _("Time (UTC, ISO 8601)"),
            _("Direction"),
            _("Amount (rials)"),
            _("Amount (tomans)"),
            _("Balance after (rials)"),
            _("Balance after (tomans)"),
            pgettext("transfer", "Purpose"),
            _("Details"),
            _("Counterparty"),
            _("Note"),
            _("Transfer number"),
        ]
    )
    yield CSV_BOM + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for n, entry in enumerate(entries, 1):
        t = entry.transfer
        line = line_of(t)
        writer.writerow(
            [
                to_latin_digits(format_date(entry.created_at, lang="fa", with_time=True)),
                entry.created_at.replace(microsecond=0).isoformat() + "Z",
                _("in") if entry.amount > 0 else _("out"),
                entry.amount,
                tomans(entry.amount),
                entry.balance_after,
                tomans(entry.balance_after),
                _cell(line.label),
                _cell(line.detail),
                _cell(account_label(counterparty(entry), viewer)),
                _cell(line.note),
                t.id,
            ]
        )
        if n % chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


# --- transfers between members -----------------------------------------------------------------


@dataclass(frozen=True)
class TransferDraft:
    """A checked transfer waiting for the sender's confirmation."""

    sender_id: int
    recipient_id: int
    recipient_masked: str
    amount: int
    note: str


@dataclass(frozen=True)
class Sent:
    """A transfer made (or found already made with the same key: ``replayed``)."""

    transfer: Transfer
    replayed: bool


def _find_recipient(session: Session, sender: Member, identifier: str) -> Member:
    text = normalize_text(identifier or "")
    if not text:
        message = _("Enter the recipient's mobile or national code.")
        raise BadInput(message, fields={"recipient": message}, code="unknown_recipient")
    found = active_member(session, text)
    if found is None:
        message = _("No member has that mobile or national code.")
        raise BadInput(message, fields={"recipient": message}, code="unknown_recipient")
    if found.id == sender.id:
        message = _("This is your own account; choose another member.")
        raise BadInput(message, fields={"recipient": message}, code="own_account")
    return found


def active_member(session: Session, identifier: str) -> Member | None:
    """An active member by mobile or national code; a deactivated one counts as unknown."""
    member = find_member(session, identifier)
    return member if member is not None and member.is_active else None


def check_amount(amount: Any, field: str = "amount") -> int:
    """Whole rials, more than zero and at most the ledger's cap; else BadInput naming ``field``."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        message = _("Enter the amount in digits.")
        raise BadInput(message, fields={field: message})
    if amount <= 0:
        message = _("The amount must be more than zero.")
        raise BadInput(message, fields={field: message})
    if amount > MAX_AMOUNT:
        message = _("The amount is too large.")
        raise BadInput(message, fields={field: message})
    return amount


def read_note(note: str | None, field: str = "note") -> str:
    """A transfer's note, cleaned for storing; BadInput if too long."""
    text = normalize_text(note or "")
    if len(text) > NOTE_MAX:
        message = _("A note has at most %(max)d characters.", max=NOTE_MAX)
        raise BadInput(message, fields={field: message})
    return text


def prepare_transfer(
    session: Session,
    sender: Member,
    *,
    recipient: str,
    amount: int | None,
    note: str = "",
) -> TransferDraft:
    """Check a transfer before asking for confirmation; every bad field is reported at once.

    ``amount`` is in whole rials (None: the caller could not read one, reported with the rest).
    The balance is checked here so the member hears it before confirming; the ledger checks it
    again when money moves.
    """
    errors: dict[str, Any] = {}
    codes: list[str] = []
    found: Member | None = None
    rials: int | None = None
    try:
        found = _find_recipient(session, sender, recipient)
    except BadInput as exc:
        errors.update(exc.fields)
        codes.append(exc.code)
    try:
        rials = check_amount(amount)
    except BadInput as exc:
        errors.update(exc.fields)
        codes.append(exc.code)
    try:
        text = read_note(note)
    except BadInput as exc:
        errors.update(exc.fields)
        codes.append(exc.code)
    if rials is not None and rials > main_balance(session, sender):
        message = _("There is not enough money in your main account for this amount.")
        errors["amount"] = message
        codes.append("insufficient_funds")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors, code=codes[0])
    assert found is not None and rials is not None
    return TransferDraft(sender.id, found.id, mask_name(found.name), rials, text)


def transfer_key(sender: Member, key: str) -> str:
    """The ledger key of a member's transfer: scoped to the sender, so no one can collide with it."""
    key = (key or "").strip()
    if not key or len(key) > IDEMPOTENCY_KEY_MAX:
        raise BadInput(_("This form has no valid transfer key; please start again."), code="bad_key")
    if len(key) > KEY_MAX:
        # The API accepts Idempotency-Keys up to 200 characters; the ledger's keys hold 200 in all.
        key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    return f"hesam:transfer:{sender.id}:{key}"


def _lock(session: Session, *accounts: Account) -> None:
    """Hold the transfer's accounts (in id order, as the ledger does) until the transaction ends.

    So a second submit of the same form waits for the first and then finds its key used,
    instead of both deciding they came first. SQLite's BEGIN IMMEDIATE serialises writers already.
    """
    ids = sorted({a.id for a in accounts})
    session.execute(select(Account.id).where(Account.id.in_(ids)).order_by(Account.id).with_for_update())


def _key_used(session: Session, ledger_key: str) -> bool:
    return session.scalar(select(Transfer.id).where(Transfer.key == ledger_key)) is not None


def send_money(session: Session, sender: Member, draft: TransferDraft, key: str) -> Sent:
    """Move the draft's amount from the sender's main account to the recipient's, once per ``key``.

    A key already used for this same transfer returns it (``replayed``) and moves nothing; used
    for another transfer, it is a Conflict. The recipient is notified the first time only.
    Nothing is committed: the caller commits.
    """
    if draft.sender_id != sender.id:
        raise BadInput(_("This confirmation belongs to another member."), code="bad_key")
    ledger_key = transfer_key(sender, key)
    recipient = session.get(Member, draft.recipient_id)
    if recipient is None or not recipient.is_active or recipient.id == sender.id:
        message = _("No member has that mobile or national code.")
        raise BadInput(message, fields={"recipient": message}, code="unknown_recipient")
    debit = main_account(session, sender)
    credit = main_account(session, recipient)
    _lock(session, debit, credit)
    replayed = _key_used(session, ledger_key)
    if not replayed:
        check_amount(draft.amount)
        read_note(draft.note)
    sent = transfer(
        session,
        ledger_key,
        debit,
        credit,
        draft.amount,
        PURPOSE_TRANSFER,
        memo=draft.note or None,
        actor=sender,
    )
    if not replayed:
        _tell_recipient(recipient, sender, sent)
    return Sent(sent, replayed)


def _tell_recipient(recipient: Member, sender: Member, sent: Transfer) -> None:
    # The sender is named masked, as on the confirmation page; their note is their own words.
    url = f"/hesam/transfers/{sent.id}"
    who, amount = mask_name(sender.name), Money(sent.amount)
    if sent.memo:
        notify(recipient, TRANSFER_RECEIVED_WITH_NOTE(url=url, amount=amount, sender=who, note=sent.memo))
    else:
        notify(recipient, TRANSFER_RECEIVED(url=url, amount=amount, sender=who))


def visible_transfer(session: Session, member: Member, transfer_id: int) -> Transfer:
    """A transfer into or out of one of ``member``'s accounts; anything else is NotFound."""
    found = session.get(Transfer, transfer_id) if 0 < transfer_id <= MAX_BIG_ID else None
    if found is None or member.id not in (found.debit_account.owner_id, found.credit_account.owner_id):
        raise NotFound(_("No such transfer."), code="unknown_transfer")
    return found


# --- top-ups: the seam where a bank's payment gateway plugs in -----------------------------------


@dataclass(frozen=True)
class TopUpRequest:
    """Money a member brings in: ``amount`` rials, once per ``key``."""

    member_id: int
    amount: int
    key: str
    note: str = ""
    actor_id: int | None = None


@dataclass(frozen=True)
class GatewayReceipt:
    """A gateway's word that the money arrived: which gateway, and its tracking reference."""

    gateway: str
    reference: str


class TopUpGateway(Protocol):
    """Where money from outside is confirmed before it is credited.

    ``settle`` must return a receipt only when the money has really arrived, and raise a
    ``BadInput`` otherwise; the same request must give the same receipt (the reference is part of
    the ledger's idempotency fingerprint).

    A bank's internet payment gateway (IPG, via Shaparak) plugs in here: a page sends the member
    to the bank with an order id; the bank's callback view then calls ``top_up`` with that order
    id as ``key`` and a gateway whose ``settle`` calls the bank's *verify* method with the
    callback's reference and returns the bank's tracking number (شماره پیگیری) as ``reference``.
    Nothing else changes: the ledger credits the member from ``cash_in`` exactly as below.
    """

    name: str

    def settle(self, request: TopUpRequest) -> GatewayReceipt: ...


class ManualGateway:
    """Cash or a bank slip an administrator has already checked: settled at once, by their word."""

    name = "manual"

    def settle(self, request: TopUpRequest) -> GatewayReceipt:
        # Deterministic, so a repeated request has the same fingerprint and moves nothing new.
        return GatewayReceipt(self.name, f"manual:{request.key}")


def read_topup_key(key: str | None) -> str:
    key = (key or "").strip()
    if not key or len(key) > KEY_MAX or not key.isprintable():
        raise BadInput(
            _("A top-up needs a key of 1 to %(max)d characters.", max=KEY_MAX),
            fields={"key": _("Required.")},
            code="bad_key",
        )
    return key


def top_up(
    session: Session,
    member: Member,
    amount: int,
    *,
    key: str,
    note: str = "",
    actor: Member | None = None,
    gateway: TopUpGateway | None = None,
) -> Sent:
    """Credit ``member``'s main account with ``amount`` rials from the system account ``cash_in``,
    once per ``key``.

    The gateway (manual by default) confirms the money arrived before anything moves. Nothing is
    committed: the caller commits.
    """
    rials = check_amount(amount)
    text = read_note(note)
    key = read_topup_key(key)
    if not member.is_active:
        raise BadInput(_("This member's account is deactivated."), code="inactive_member")
    ledger_key = f"hesam:topup:{key}"
    receipt = (gateway or ManualGateway()).settle(
        TopUpRequest(member.id, rials, key, text, actor.id if actor else None)
    )
    debit = system_account(session, "cash_in")
    credit = main_account(session, member)
    _lock(session, debit, credit)
    replayed = _key_used(session, ledger_key)
    made = transfer(
        session,
        ledger_key,
        debit,
        credit,
        rials,
        PURPOSE_TOPUP,
        receipt.reference,
        memo=text or None,
        actor=actor,
    )
    if not replayed:
        who: dict[str, Any] = {"actor": actor} if actor is not None else {}
        audit(
            session,
            "hesam.top_up",
            subject=f"member:{member.id}",
            region=member.region_id,
            after={"amount": rials, "gateway": receipt.gateway},
            **who,
        )
        notify(member, TOP_UP_RECORDED(url="/hesam/", amount=Money(rials)))
    return Sent(made, replayed)


def transfers_between_members(session: Session, area: list[int] | None = None) -> int:
    """How many member-to-member transfers were made, by senders of ``area`` (region ids; None:
    nationwide), for the dashboard. One query."""
    stmt = select(func.count(Transfer.id)).where(Transfer.purpose == PURPOSE_TRANSFER)
    if area is not None:
        stmt = (
            stmt.join(Account, Account.id == Transfer.debit_account_id)
            .join(Member, Member.id == Account.owner_id)
            .where(Member.region_id.in_(area))
        )
    return int(session.scalar(stmt) or 0)


def credit_lines(member: Member) -> list[CreditLine]:
    """The credit limits plugins active in the member's region hold open for them."""
    found: list[CreditLine] = []
    for answer in region_hook("resalat_credit_lines", member)(member=member):
        for line in answer or []:
            if not isinstance(line, CreditLine):
                raise TypeError(f"resalat_credit_lines answered {line!r}, not a CreditLine")
            found.append(line)
    return found
