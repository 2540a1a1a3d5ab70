"""Qard al-Hasan deposits' rules: the deposit account, its average, loan points and the term table. No Flask.

Pages, the API, the CLI, the hooks and the loans plugin call these, so each rule lives once:

- A member's **deposit** is a ledger account of kind ``deposit`` (``member:<id>:qard_deposit``),
  filled from and emptied back to their main account by keyed transfers; it never goes negative.
- Its **average** is time-weighted over the last ``window_months`` (3..6; a month is 30 days, so
  the window is a whole number of seconds): the balance at the window's start and after every
  entry inside it, each multiplied by the microseconds it lasted, summed and floor-divided by the
  window's length. Integers only, two queries whatever the history.
- **Points** (امتیاز) = average + received − given − (used − released), never below 0.
- Points may be **given** to a first-degree relative (spouse, father, mother, child), named by
  mobile AND national code, signed with the giver's password; idempotent by the giver's key.
- The **term table** maps the loan-to-points ratio to the longest term.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from resalat_core.sdk import (
    MAX_AMOUNT,
    Account,
    BadInput,
    Conflict,
    CreditSignal,
    Entry,
    Member,
    Money,
    SignalKind,
    Text,
    Transfer,
    Words,
    _,
    _l,
    confirm_password,
    main_account,
    normalize_mobile,
    normalize_national_code,
    notify,
    open_account,
    transfer,
    utcnow,
)
from resalat_core.sdk import (
    statement_query as ledger_statement,
)
from resalat_deposits import plugin, setting
from resalat_deposits.messages import POINTS_GIVEN, POINTS_RECEIVED
from resalat_deposits.models import (
    CHILD,
    FATHER,
    GIVEN,
    MOTHER,
    RECEIVED,
    REFERENCE_MAX,
    RELATIONS,
    RELEASED,
    SPOUSE,
    USED,
    PointsMovement,
)

DEPOSIT_KIND = "deposit"
DEPOSIT_PURPOSE = "qard_deposit"
WITHDRAW_PURPOSE = "qard_withdrawal"
MONTH_DAYS = 30
WINDOW_MIN, WINDOW_MAX = 3, 6
KEY_MAX = 120
BAD_SIGNATURE = "bad_signature"

# How the giver says the relative is related to them, in a sentence ("as their spouse").
RELATION_NAMES: dict[str, Text] = {
    SPOUSE: _l("spouse"),
    FATHER: _l("father"),
    MOTHER: _l("mother"),
    CHILD: _l("child"),
}

# What Merat hears: the deposit's average over the window, in rials, with its default weight.
DEPOSIT_AVERAGE = SignalKind(
    "deposit_average",
    _l("Average Qard al-Hasan deposit over the last %(months)s months: %(value)s"),
    points=10,
    per=100_000_000,
    cap=150,
    money=True,
)


@dataclass(frozen=True)
class Points:
    """A member's loan points (امتیاز), in rials of average balance, with where they come from."""

    average: int
    received: int
    given: int
    used: int
    available: int
    window_months: int


@dataclass(frozen=True)
class TermRow:
    """One row of the term table: loans up to ``max_ratio_percent`` of the points run ``months``."""

    max_ratio_percent: Fraction
    months: int

    @property
    def label(self) -> str:
        value = self.max_ratio_percent
        return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"


# --- settings ----------------------------------------------------------------------------------


def window_months() -> int:
    """The averaging window in months, checked: 3 to 6 (ValueError names a bad configuration)."""
    raw = setting("window_months")
    if isinstance(raw, bool) or not isinstance(raw, int) or not WINDOW_MIN <= raw <= WINDOW_MAX:
        raise ValueError(
            f"[plugins.deposits] window_months must be a whole number from {WINDOW_MIN} to {WINDOW_MAX}, "
            f"not {raw!r}"
        )
    return raw


def term_table() -> list[TermRow]:
    """The term table, checked: ratios rising and positive, months positive and falling."""
    raw = setting("term_table")
    rows: list[TermRow] = []
    try:
        for ratio, months in raw:
            if isinstance(ratio, bool) or isinstance(months, bool) or not isinstance(months, int):
                raise TypeError
            rows.append(TermRow(Fraction(str(ratio)), months))
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"[plugins.deposits] term_table must be a list of [max_ratio_percent, months], not {raw!r}"
        ) from exc
    if not rows:
        raise ValueError("[plugins.deposits] term_table needs at least one row")
    for before, after in zip(rows, rows[1:], strict=False):
        if not (before.max_ratio_percent < after.max_ratio_percent and before.months >= after.months):
            raise ValueError("[plugins.deposits] term_table ratios must rise and months must not rise")
    if rows[0].max_ratio_percent <= 0 or rows[-1].months <= 0:
        raise ValueError("[plugins.deposits] term_table ratios and months must be more than zero")
    return rows


def check_settings() -> None:
    """Refuse to start with a bad window or term table (called when the plugin loads)."""
    window_months()
    term_table()


def window_of(now: datetime | None = None) -> tuple[datetime, datetime]:
    """The averaging window ending at ``now``: [start, now)."""
    end = now or utcnow()
    return end - timedelta(days=MONTH_DAYS * window_months()), end


# --- checking what callers pass ----------------------------------------------------------------


def check_rials(value: Any, field: str, errors: dict[str, Any]) -> int | None:
    """Whole rials, more than zero and at most the ledger's cap; else None, the message in ``errors``.

    Services take integers only: pages and the API read what people type with ``read_money``.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        errors[field] = _("Enter the amount in digits.")
        return None
    if value <= 0:
        errors[field] = _("The amount must be more than zero.")
        return None
    if value > MAX_AMOUNT:
        errors[field] = _("The amount is too large.")
        return None
    return value


def _rials(value: Any, field: str = "amount") -> int:
    errors: dict[str, Any] = {}
    rials = check_rials(value, field, errors)
    if rials is None:
        raise BadInput(errors[field], fields=errors)
    return rials


def _key(key: Any) -> str:
    text = key.strip() if isinstance(key, str) else ""
    if not text or len(text) > KEY_MAX:
        message = _("This request has no valid key; reload the page and try again.")
        raise BadInput(message, fields={"key": message}, code="bad_key")
    return text


# --- the deposit account -----------------------------------------------------------------------


def deposit_code(member: Member | int) -> str:
    member_id = member if isinstance(member, int) else member.id
    return f"member:{member_id}:qard_deposit"


def deposit_account(session: Session, member: Member) -> Account | None:
    """The member's deposit account, or None before their first deposit."""
    return session.scalar(select(Account).where(Account.code == deposit_code(member)))


def open_deposit(session: Session, member: Member) -> Account:
    """The member's deposit account, opened on first use."""
    return open_account(session, kind=DEPOSIT_KIND, code=deposit_code(member), owner=member)


def balance_of(session: Session, member: Member) -> int:
    account = deposit_account(session, member)
    return account.posted if account is not None else 0


def main_balance(session: Session, member: Member) -> int:
    """What the member's main account can spend now (0 before it exists); reading opens nothing."""
    account = session.scalar(select(Account).where(Account.code == f"member:{member.id}:main"))
    return account.available if account is not None else 0


def deposit(session: Session, member: Member, amount: int, *, key: str) -> Transfer:
    """Move ``amount`` rials from the member's main account into their deposit, once per ``key``.

    Not more than the main account holds.
    """
    rials = _rials(amount)
    key = _key(key)
    main = main_account(session, member)
    account = open_deposit(session, member)
    ledger_key = f"deposits:in:{member.id}:{key}"
    replay = session.scalar(select(Transfer).where(Transfer.key == ledger_key))
    if replay is None and main.available < rials:
        message = _l(
            "Your main account holds only %(have)s; you cannot deposit %(want)s.",
            have=Money(main.available),
            want=Money(rials),
        )
        raise BadInput(message, fields={"amount": message}, code="insufficient_funds")
    return transfer(
        session,
        ledger_key,
        main,
        account,
        rials,
        DEPOSIT_PURPOSE,
        reference=deposit_code(member),
        actor=member,
    )


def withdraw(session: Session, member: Member, amount: int, *, key: str) -> Transfer:
    """Move ``amount`` rials from the member's deposit back to their main account, once per ``key``."""
    rials = _rials(amount)
    key = _key(key)
    account = deposit_account(session, member)
    ledger_key = f"deposits:out:{member.id}:{key}"
    replay = session.scalar(select(Transfer).where(Transfer.key == ledger_key))
    have = account.available if account is not None else 0
    if account is None or (replay is None and have < rials):
        message = _l(
            "Your deposit holds only %(have)s; you cannot withdraw %(want)s.",
            have=Money(have),
            want=Money(rials),
        )
        raise BadInput(message, fields={"amount": message}, code="insufficient_funds")
    main = main_account(session, member)
    return transfer(
        session,
        ledger_key,
        account,
        main,
        rials,
        WITHDRAW_PURPOSE,
        reference=deposit_code(member),
        actor=member,
    )


def statement_query(account: Account) -> Select[Any]:
    """The deposit's entries, newest first (each with its transfer, in the same query)."""
    stmt: Select[Any] = ledger_statement(account)
    return stmt


# --- the average -------------------------------------------------------------------------------


def _micros(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def deposit_average(session: Session, member: Member, *, now: datetime | None = None) -> int:
    """The deposit's time-weighted average balance over the window ending at ``now``, in rials.

    Exact: the sum of balance × microseconds, floor-divided by the window's microseconds. Before
    the first deposit the balance counts as zero. Two queries, however long the history.
    """
    start, end = window_of(now)
    of_account = select(Account.id).where(Account.code == deposit_code(member)).scalar_subquery()
    opening = session.scalar(
        select(Entry.balance_after)
        .where(Entry.account_id == of_account, Entry.created_at < start)
        .order_by(Entry.created_at.desc(), Entry.id.desc())
        .limit(1)
    )
    rows = session.execute(
        select(Entry.created_at, Entry.balance_after)
        .where(Entry.account_id == of_account, Entry.created_at >= start, Entry.created_at < end)
        .order_by(Entry.created_at, Entry.id)
    ).all()
    balance, since, total = opening or 0, start, 0
    for at, after in rows:
        total += balance * _micros(at - since)
        balance, since = after, at
    total += balance * _micros(end - since)
    return total // _micros(end - start)


# --- points ------------------------------------------------------------------------------------


def _movement_sums(session: Session, member: Member) -> dict[str, int]:
    rows = session.execute(
        select(PointsMovement.kind, func.coalesce(func.sum(PointsMovement.amount), 0))
        .where(PointsMovement.member_id == member.id)
        .group_by(PointsMovement.kind)
    ).all()
    return {kind: int(total) for kind, total in rows}


def points_of(session: Session, member: Member, *, now: datetime | None = None) -> Points:
    """The member's points: average + received − given − used (net of released), never below 0."""
    average = deposit_average(session, member, now=now)
    sums = _movement_sums(session, member)
    received, given = sums.get(RECEIVED, 0), sums.get(GIVEN, 0)
    used = sums.get(USED, 0) - sums.get(RELEASED, 0)
    return Points(
        average=average,
        received=received,
        given=given,
        used=used,
        available=max(0, average + received - given - used),
        window_months=window_months(),
    )


def _lock(session: Session, member: Member) -> None:
    # One member's spending of points is serialised so two at once cannot both take the last
    # points (PostgreSQL row lock; SQLite already takes the write lock when a transaction writes).
    session.execute(select(Member.id).where(Member.id == member.id).with_for_update())


def _reference(reference: Any) -> str:
    text = reference.strip() if isinstance(reference, str) else ""
    if not text or len(text) > REFERENCE_MAX:
        message = _("A reference of 1 to %(max)s characters is needed.", max=REFERENCE_MAX)
        raise BadInput(message, fields={"reference": message}, code="bad_reference")
    return text


def _insert(session: Session, *rows: PointsMovement) -> bool:
    """Write ``rows`` in a savepoint; False when a concurrent call wrote the same (kind, reference)."""
    try:
        with session.begin_nested():
            session.add_all(rows)
    except IntegrityError:
        return False
    return True


def _find(session: Session, kind: str, reference: str) -> PointsMovement | None:
    return session.scalar(
        select(PointsMovement)
        .where(PointsMovement.kind == kind, PointsMovement.reference == reference)
        .options(joinedload(PointsMovement.counterpart))
    )


def _same_use(found: PointsMovement, member: Member, amount: int) -> None:
    if found.member_id != member.id or found.amount != amount:
        raise Conflict(
            _("This reference already used other points; use a new reference."), code="reference_reused"
        )


def use_points(session: Session, member: Member, amount: int, *, reference: str) -> None:
    """Consume ``amount`` points for a loan; the same reference twice uses them once.

    BadInput (code ``not_enough_points``) when the member has fewer available; Conflict when the
    reference already used a different amount or another member's points.
    """
    amount = _rials(amount)
    reference = _reference(reference)
    found = _find(session, USED, reference)
    if found is not None:
        _same_use(found, member, amount)
        return
    _lock(session, member)
    available = points_of(session, member).available
    if amount > available:
        message = _l(
            "Not enough points: %(available)s available, %(wanted)s needed.",
            available=Money(available),
            wanted=Money(amount),
        )
        raise BadInput(message, fields={"amount": message}, code="not_enough_points")
    row = PointsMovement(member_id=member.id, kind=USED, amount=amount, reference=reference)
    if not _insert(session, row):
        found = _find(session, USED, reference)
        assert found is not None
        _same_use(found, member, amount)


def release_points(session: Session, *, reference: str) -> None:
    """Give back the points ``reference`` used (a loan cancelled before disbursal); no-op if none."""
    reference = _reference(reference)
    used = _find(session, USED, reference)
    if used is None or _find(session, RELEASED, reference) is not None:
        return
    _insert(
        session,
        PointsMovement(member_id=used.member_id, kind=RELEASED, amount=used.amount, reference=reference),
    )


# --- the term table ----------------------------------------------------------------------------


def term_for_points(available: int, amount: int) -> int | None:
    """The longest term for a loan of ``amount`` against ``available`` points, or None (over the table)."""
    if available <= 0:
        return None
    for row in term_table():
        # amount / available <= ratio / 100, in integers and fractions: 20.01% is not 20%.
        if amount * 100 <= row.max_ratio_percent * available:
            return row.months
    return None


def max_term_for(session: Session, member: Member, amount: int, *, now: datetime | None = None) -> int | None:
    """The longest term in months the loan-to-points ratio allows; None over 100% or with no points."""
    rials = _rials(amount)
    return term_for_points(points_of(session, member, now=now).available, rials)


# --- giving points to a relative ---------------------------------------------------------------


def relation_name(relation: str | None) -> str:
    """How the relation reads in the reader's language ('' for none)."""
    name = RELATION_NAMES.get(relation or "")
    return "" if name is None else str(name)


def _recipient(session: Session, mobile: Any, national_code: Any, errors: dict[str, Any]) -> Member | None:
    try:
        mobile_n = normalize_mobile(mobile if isinstance(mobile, str) else "")
    except BadInput:
        mobile_n = None
    try:
        code_n = normalize_national_code(national_code if isinstance(national_code, str) else "")
    except BadInput:
        code_n = None
    if not mobile_n:
        errors["mobile"] = _("Enter the relative's mobile number, like 09121234567.")
    if not code_n:
        errors["national_code"] = _("Enter the relative's ten-digit national code.")
    if not mobile_n or not code_n:
        return None
    found = session.scalar(select(Member).where(Member.mobile == mobile_n, Member.national_code == code_n))
    if found is None:
        errors["national_code"] = _("No member has both this mobile number and this national code.")
    return found


def give_points(
    session: Session,
    giver: Member,
    *,
    mobile: Any,
    national_code: Any,
    relation: Any,
    amount: int | None,
    password: Any,
    key: Any,
) -> PointsMovement:
    """``giver`` gives ``amount`` rials of points to a first-degree relative, signing with their
    password; once per ``key``.

    The relative is named by mobile AND national code (both must be the same member). Every bad
    field is reported at once (``amount`` None: the caller could not read one); more than
    available is refused; a wrong password is recorded for throttling and refused with code
    ``bad_signature`` and ``keep_changes``, so the caller commits the failure it counted.
    Returns the giver's "given" row; a replay of ``key`` returns the first one.
    """
    errors: dict[str, Any] = {}
    recipient = _recipient(session, mobile, national_code, errors)
    if recipient is not None and recipient.id == giver.id:
        errors["national_code"] = _("You cannot give points to yourself.")
    if relation not in RELATIONS:
        errors["relation"] = _("Choose how the relative is related to you: spouse, father, mother or child.")
    rials = check_rials(amount, "amount", errors)
    if not isinstance(password, str) or not password:
        errors["password"] = _("Enter your password: it is your signature.")
    try:
        key = _key(key)
    except BadInput as exc:
        errors.update(exc.fields)
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    assert recipient is not None and rials is not None
    reference = f"gift:{giver.id}:{key}"
    found = _find(session, GIVEN, reference)
    if found is not None:
        return _same_gift(found, recipient, rials, relation)
    _lock(session, giver)
    available = points_of(session, giver).available
    if rials > available:
        message = _l(
            "You have %(available)s points available; you cannot give %(wanted)s.",
            available=Money(available),
            wanted=Money(rials),
        )
        raise BadInput(message, fields={"amount": message}, code="not_enough_points")
    # The signature comes last, once everything else is right, so a refusal records nothing else.
    if not confirm_password(session, giver, password):
        message = _("The password is wrong: sign with your own password.")
        # The failure confirm_password recorded must be committed to count towards throttling.
        raise BadInput(message, fields={"password": message}, code=BAD_SIGNATURE, keep_changes=True)
    given = PointsMovement(
        member_id=giver.id,
        kind=GIVEN,
        amount=rials,
        counterpart=recipient,
        relation=relation,
        reference=reference,
    )
    received = PointsMovement(
        member_id=recipient.id,
        kind=RECEIVED,
        amount=rials,
        counterpart_id=giver.id,
        relation=relation,
        reference=reference,
    )
    if not _insert(session, given, received):
        found = _find(session, GIVEN, reference)
        assert found is not None
        return _same_gift(found, recipient, rials, relation)
    _tell(giver, recipient, rials, relation)
    return given


def _same_gift(found: PointsMovement, recipient: Member, rials: int, relation: str) -> PointsMovement:
    if found.counterpart_id != recipient.id or found.amount != rials or found.relation != relation:
        raise Conflict(
            _("This form was already sent with other details; reload the page and try again."),
            code="key_reused",
        )
    return found


def _tell(giver: Member, recipient: Member, rials: int, relation: str) -> None:
    url = f"/{plugin.name}/points"
    name = Words(RELATION_NAMES[relation])
    notify(recipient, POINTS_RECEIVED(url=url, giver=giver.name, amount=Money(rials), relation=name))
    notify(giver, POINTS_GIVEN(url=url, recipient=recipient.name, amount=Money(rials), relation=name))


def history_query(member: Member) -> Select[Any]:
    """The member's points movements, newest first, with the other member loaded in the same query."""
    return (
        select(PointsMovement)
        .where(PointsMovement.member_id == member.id)
        .options(joinedload(PointsMovement.counterpart))
        .order_by(PointsMovement.id.desc())
    )


# --- figures and signals -----------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    total: int
    depositors: int
    points_given: int
    points_used: int


def totals(session: Session, area: list[int] | None = None) -> Totals:
    """Deposits held and depositors (members with a balance), within ``area`` (region ids; None: all)."""
    stmt = select(func.coalesce(func.sum(Account.posted), 0), func.count(Account.id)).where(
        Account.kind == DEPOSIT_KIND, Account.posted > 0
    )
    moves = select(PointsMovement.kind, func.coalesce(func.sum(PointsMovement.amount), 0)).group_by(
        PointsMovement.kind
    )
    if area is not None:
        stmt = stmt.join(Member, Member.id == Account.owner_id).where(Member.region_id.in_(area))
        moves = moves.join(Member, Member.id == PointsMovement.member_id).where(Member.region_id.in_(area))
    total, depositors = session.execute(stmt).one()
    sums = {kind: int(value) for kind, value in session.execute(moves).all()}
    return Totals(
        total=int(total),
        depositors=int(depositors),
        points_given=sums.get(GIVEN, 0),
        points_used=sums.get(USED, 0) - sums.get(RELEASED, 0),
    )


def credit_signals(session: Session, member: Member, *, now: datetime | None = None) -> list[CreditSignal]:
    """``deposit_average`` (rials) while the member has kept a deposit in the window."""
    return credit_signals_many(session, [member.id], now=now).get(member.id, [])


def credit_signals_many(
    session: Session, member_ids: Sequence[int], *, now: datetime | None = None
) -> dict[int, list[CreditSignal]]:
    """``credit_signals`` of many members by id: their averages in three queries whatever their number."""
    found = {}
    for member_id, average in deposit_averages(session, member_ids, now=now).items():
        if average > 0:
            found[member_id] = [
                CreditSignal(
                    DEPOSIT_AVERAGE.kind,
                    average,
                    params={"months": window_months()},
                    reference=deposit_code(member_id),
                )
            ]
    return found


def deposit_averages(
    session: Session, member_ids: Sequence[int], *, now: datetime | None = None
) -> dict[int, int]:
    """``deposit_average`` of many members by id (those with no deposit account left out), exact
    as it is: the opening balance of each account, then its entries within the window."""
    start, end = window_of(now)
    codes = {deposit_code(member_id): member_id for member_id in member_ids}
    accounts = {
        account_id: code
        for account_id, code in session.execute(
            select(Account.id, Account.code).where(Account.code.in_(list(codes)))
        )
    }
    if not accounts:
        return {}
    # Each account's last entry before the window: its balance then.
    last = (
        select(
            Entry.account_id,
            Entry.balance_after,
            func.row_number()
            .over(partition_by=Entry.account_id, order_by=(Entry.created_at.desc(), Entry.id.desc()))
            .label("n"),
        )
        .where(Entry.account_id.in_(list(accounts)), Entry.created_at < start)
        .subquery()
    )
    opening = {
        account_id: balance
        for account_id, balance in session.execute(
            select(last.c.account_id, last.c.balance_after).where(last.c.n == 1)
        )
    }
    entries: dict[int, list[tuple[datetime, int]]] = {}
    for account_id, at, after in session.execute(
        select(Entry.account_id, Entry.created_at, Entry.balance_after)
        .where(Entry.account_id.in_(list(accounts)), Entry.created_at >= start, Entry.created_at < end)
        .order_by(Entry.account_id, Entry.created_at, Entry.id)
    ):
        entries.setdefault(account_id, []).append((at, after))
    averages = {}
    for account_id, code in accounts.items():
        balance, since, total = opening.get(account_id) or 0, start, 0
        for at, after in entries.get(account_id, ()):
            total += balance * _micros(at - since)
            balance, since = after, at
        total += balance * _micros(end - since)
        averages[codes[code]] = total // _micros(end - start)
    return averages
