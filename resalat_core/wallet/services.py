"""The ledger's rules: opening accounts, moving money, two-phase and linked transfers, verifying.

Invariants (checked by ``verify`` and by the tests that try to break them):
1. every posted transfer writes exactly two entries, ``-amount`` and ``+amount``: the sum of all
   entries, and so of all balances, is zero;
2. an account's ``posted`` equals the sum of its entries, and its pending fields equal the sums of
   its open pending transfers;
3. a non-negative account never has ``posted - pending_debits < 0``, under any concurrency: the
   debit is checked by the database (a conditional UPDATE on SQLite; on PostgreSQL a check with
   the accounts locked, in the ``wallet_transfers`` function), and accounts are locked in id
   order so that two transfers in opposite directions cannot dead-lock;
4. a key moves money once: the same key with the same content returns the first transfer, with
   different content it is a conflict.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NoReturn

from flask import current_app, has_app_context
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.instrumentation import manager_of_class
from sqlalchemy.orm.util import identity_key

from resalat_core.db import utcnow
from resalat_core.errors import BadInput, Conflict, NotAllowed, NotFound
from resalat_core.i18n import _
from resalat_core.members.models import Member
from resalat_core.vocabulary import vocabulary
from resalat_core.wallet.models import (
    EARMARKED,
    MEMBER_MAIN,
    PENDING,
    POSTED,
    SYSTEM,
    VOIDED,
    Account,
    Entry,
    Transfer,
)
from resalat_core.words import decode_params, encode_params, join_words, render

MAX_AMOUNT = 10**15  # rials; far above any real transfer, far below BIGINT's limit
PURPOSE_MAX = 64


@dataclass(frozen=True)
class Spend:
    """What an earmarked account is asked to pay for; ``details`` come from the spending plugin."""

    amount: int
    purpose: str
    reference: str | None
    credit_account: Account
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SpendDecision:
    """A spend policy's answer: allowed or not, and the rule that decided (shown to the member)."""

    allowed: bool
    rule: str


@dataclass(frozen=True)
class TransferSpec:
    """One transfer to make; used alone or in a linked group."""

    key: str
    debit: Account | int
    credit: Account | int
    amount: int
    purpose: str
    reference: str | None = None
    memo: str | None = None
    pending: bool = False
    timeout: timedelta | None = None
    spend_details: dict[str, Any] | None = None
    # Variables of the purpose's wording, for the statement line (Money, Digits, ... allowed).
    params: dict[str, Any] | None = None


# --- accounts ----------------------------------------------------------------------------------


def open_account(
    session: Session,
    *,
    kind: str,
    code: str,
    owner: Member | None = None,
    non_negative: bool = True,
    purpose: str | None = None,
    params: dict[str, Any] | None = None,
    spend_rules: dict[str, Any] | None = None,
    expires_at: datetime | None = None,
) -> Account:
    """Open an account, or return the one already open under ``code`` (safe to call twice).

    ``kind`` is the host's (``member_main``, ``earmarked``, ``system``) or one a plugin declared
    (``AccountKind``); the reader sees the kind's title, or for earmarked money the wording of its
    declared ``purpose`` filled with ``params``.
    """
    if kind not in vocabulary().account_kinds:
        raise BadInput(_("Unknown account kind %(kind)s.", kind=kind))
    existing = session.scalar(select(Account).where(Account.code == code))
    if existing is not None:
        return existing
    account = Account(
        kind=kind,
        code=code,
        owner=owner,
        non_negative=non_negative,
        purpose=purpose,
        params=encode_params(params) if params else None,
        spend_rules=spend_rules,
        expires_at=expires_at,
        posted=0,
        pending_debits=0,
        pending_credits=0,
    )
    try:
        with session.begin_nested():
            session.add(account)
    except IntegrityError:
        # Opened by a concurrent request between our read and insert.
        return session.scalars(select(Account).where(Account.code == code)).one()
    return account


def main_account(session: Session, member: Member) -> Account:
    """The member's main account (opened on first use)."""
    return open_account(session, kind=MEMBER_MAIN, code=f"member:{member.id}:main", owner=member)


def open_earmarked(
    session: Session,
    member: Member,
    *,
    code: str,
    purpose: str,
    purposes: Iterable[str],
    params: dict[str, Any] | None = None,
    rules: dict[str, Any] | None = None,
    expires_at: datetime | None = None,
) -> Account:
    """An earmarked account: it can pay only for ``purposes``, and only where a spend policy agrees.

    ``purpose`` is a declared ``Purpose`` code that names the account for its owner (with
    ``params``), such as a loan's "Loan no. %(loan)s for %(product)s".
    """
    spend_rules = dict(rules or {})
    spend_rules["purposes"] = sorted(set(purposes))
    if not spend_rules["purposes"]:
        raise BadInput(_("Earmarked money needs at least one purpose it may pay for."))
    return open_account(
        session,
        kind=EARMARKED,
        code=code,
        owner=member,
        purpose=purpose,
        params=params,
        spend_rules=spend_rules,
        expires_at=expires_at,
    )


def system_account(session: Session, code: str) -> Account:
    """A system account by code (``cash_in``, or one a loaded plugin declared), opened on first use."""
    declared = vocabulary().accounts.get(code)
    if declared is None:
        raise NotFound(_("No system account is named %(code)s.", code=code), code="unknown_account")
    return open_account(
        session, kind=SYSTEM, code=f"system:{code}", non_negative=not declared.may_go_negative
    )


def account_name(account: Account) -> str:
    """What the reader calls ``account``, in their language.

    A system account reads as its declaration names it; earmarked money by the wording of the
    purpose it was granted for; any other account by its kind's title.
    """
    vocab = vocabulary()
    if account.kind == SYSTEM:
        declared = vocab.accounts.get(account.code.removeprefix("system:"))
        if declared is not None:
            return str(declared.name)
    if account.kind == EARMARKED and account.purpose in vocab.purposes:
        purpose = vocab.purposes[account.purpose]
        wording = purpose.detail if purpose.detail is not None and account.params else purpose.label
        try:
            return render(wording, decode_params(account.params))
        except (KeyError, TypeError, ValueError):
            return str(purpose.label)
    return str(vocab.account_kind_title(account.kind))


def describe_transfer(transfer: Transfer) -> tuple[str, str]:
    """A statement line's (label, detail) in the reader's language, from the transfer's purpose.

    The detail is the purpose's wording filled with the transfer's ``params`` ('' when the
    purpose has none); a member's own note (``memo``) is shown beside it by the page.
    """
    vocab = vocabulary()
    return vocab.purpose_label(transfer.purpose), vocab.purpose_detail(transfer.purpose, transfer.params)


def get_account(session: Session, ref: Account | int | str) -> Account:
    if isinstance(ref, Account):
        return ref
    account = (
        session.get(Account, ref)
        if isinstance(ref, int)
        else session.scalar(select(Account).where(Account.code == ref))
    )
    if account is None:
        raise NotFound(_("No such account."), code="unknown_account")
    return account


def accounts_of(session: Session, member: Member) -> list[Account]:
    return list(session.scalars(select(Account).where(Account.owner_id == member.id).order_by(Account.id)))


# --- moving money ------------------------------------------------------------------------------


def _check_amount(amount: Any) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise BadInput(_("An amount is a whole number of rials."), fields={"amount": _("Whole rials.")})
    if amount <= 0:
        message = _("The amount must be more than zero.")
        raise BadInput(message, fields={"amount": message})
    if amount > MAX_AMOUNT:
        message = _("The amount is too large.")
        raise BadInput(message, fields={"amount": message})
    return amount


def _fingerprint(spec: TransferSpec, debit_id: int, credit_id: int) -> str:
    body = json.dumps(
        [debit_id, credit_id, spec.amount, spec.purpose, spec.reference, spec.pending],
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _policy_hook() -> Any:
    if not has_app_context() or "resalat" not in current_app.extensions:
        return None
    return current_app.extensions["resalat"].plugins.pm.hook.resalat_spend_allowed


def check_spend(account: Account, spend: Spend, now: datetime | None = None) -> None:
    """Refuse, naming the rule, unless earmarked ``account`` may pay for ``spend``.

    The account's own rules (open, not expired, an allowed purpose) come first; then the plugins'
    spend policies. With no policy answering, the money stays closed.
    """
    now = now or utcnow()
    rules = account.spend_rules or {}
    if account.expires_at is not None and account.expires_at < now:
        raise NotAllowed(_("This earmarked money expired and can no longer be spent."), code="spend_refused")
    if spend.purpose not in rules.get("purposes", []):
        raise NotAllowed(
            _(
                "This earmarked money may only pay for: %(purposes)s.",
                purposes=join_words(vocabulary().purpose_label(p) for p in rules.get("purposes", [])),
            ),
            code="spend_refused",
        )
    hook = _policy_hook()
    decision = hook(account=account, spend=spend) if hook is not None else None
    if decision is None:
        raise NotAllowed(
            _("No spending rule allows this earmarked money to pay for this."), code="spend_refused"
        )
    if not decision.allowed:
        raise NotAllowed(decision.rule, code="spend_refused")


def _existing(session: Session, key: str) -> Transfer | None:
    return session.scalar(select(Transfer).where(Transfer.key == key))


def _apply(
    session: Session, debit: Account, credit: Account, amount: int, *, pending: bool
) -> tuple[int, int]:
    """Move the balances in id order; returns the posted balances after (debit, credit).

    The debit is a conditional UPDATE, so a non-negative account cannot be overdrawn even when
    many transfers race: the database decides, not a value read earlier.
    """
    results: dict[int, int] = {}
    for account in sorted((debit, credit), key=lambda a: a.id):
        if account.id == debit.id:
            values = (
                {"pending_debits": Account.pending_debits + amount}
                if pending
                else {"posted": Account.posted - amount}
            )
            stmt = (
                update(Account)
                .where(
                    Account.id == debit.id,
                    or_(
                        Account.non_negative.is_(False),
                        Account.posted - Account.pending_debits >= amount,
                    ),
                )
                .values(**values)
                .returning(Account.posted)
                .execution_options(synchronize_session=False)
            )
            row = session.execute(stmt).first()
            if row is None:
                message = _("Not enough money in the account for this amount.")
                raise BadInput(message, fields={"amount": message}, code="insufficient_funds")
        else:
            values = (
                {"pending_credits": Account.pending_credits + amount}
                if pending
                else {"posted": Account.posted + amount}
            )
            stmt = (
                update(Account)
                .where(Account.id == credit.id)
                .values(**values)
                .returning(Account.posted)
                .execution_options(synchronize_session=False)
            )
            row = session.execute(stmt).first()
            assert row is not None  # the account exists: it was read above
        results[account.id] = row[0]
    return results[debit.id], results[credit.id]


def _write_entries(session: Session, transfer: Transfer, debit_after: int, credit_after: int) -> None:
    session.add_all(
        [
            Entry(
                transfer_id=transfer.id,
                account_id=transfer.debit_account_id,
                amount=-transfer.amount,
                balance_after=debit_after,
            ),
            Entry(
                transfer_id=transfer.id,
                account_id=transfer.credit_account_id,
                amount=transfer.amount,
                balance_after=credit_after,
            ),
        ]
    )


def _refresh(session: Session, *accounts: Account) -> None:
    for account in accounts:
        session.expire(account, ["posted", "pending_debits", "pending_credits"])


def _accounts(
    session: Session, debit: Account | int | str, credit: Account | int | str
) -> tuple[Account, Account]:
    """Both accounts of a transfer, in one query when they are given by id."""
    if isinstance(debit, int) and isinstance(credit, int) and not isinstance(debit, bool):
        found = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_((debit, credit))))}
        if debit not in found or credit not in found:
            raise NotFound(_("No such account."), code="unknown_account")
        return found[debit], found[credit]
    return get_account(session, debit), get_account(session, credit)


def _check_spec(spec: TransferSpec) -> int:
    """What can be checked without the database; returns the amount."""
    if not spec.key or len(spec.key) > 200:
        raise BadInput(_("A transfer needs a key of 1 to 200 characters."), code="bad_key")
    if not spec.purpose or len(spec.purpose) > PURPOSE_MAX:
        raise BadInput(_("A transfer needs a purpose code."), code="bad_purpose")
    if spec.purpose not in vocabulary().purposes:
        # Every line of every statement reads in its reader's language: only declared purposes.
        raise BadInput(_("No plugin declares the purpose %(code)s.", code=spec.purpose), code="bad_purpose")
    amount = _check_amount(spec.amount)
    if not isinstance(spec.debit, Account) and spec.debit == spec.credit:
        _same_account()
    return amount


def _same_account() -> None:
    message = _("The two accounts of a transfer must differ.")
    raise BadInput(message, fields={"credit": message}, code="same_account")


def _refuse_closed(account: Account) -> NoReturn:
    raise BadInput(_("The account %(name)s is closed.", name=account_name(account)), code="closed")


def _may_pay(debit: Account, credit: Account, spec: TransferSpec, amount: int) -> None:
    """Refuse a closed account by name, and earmarked money its spend policy does not allow."""
    for account in (debit, credit):
        if account.closed_at is not None:
            _refuse_closed(account)
    if debit.kind == EARMARKED:
        check_spend(
            debit,
            Spend(amount, spec.purpose, spec.reference, credit, dict(spec.spend_details or {})),
        )


def _one(session: Session, spec: TransferSpec, link_id: str | None, actor: Member | None) -> Transfer:
    amount = _check_spec(spec)
    debit, credit = _accounts(session, spec.debit, spec.credit)
    if debit.id == credit.id:
        _same_account()
    fingerprint = _fingerprint(spec, debit.id, credit.id)
    existing = _existing(session, spec.key)
    if existing is not None:
        return _same_or_conflict(existing, fingerprint)
    _may_pay(debit, credit, spec, amount)
    transfer = Transfer(
        key=spec.key,
        fingerprint=fingerprint,
        debit_account_id=debit.id,
        credit_account_id=credit.id,
        amount=amount,
        purpose=spec.purpose,
        reference=spec.reference,
        params=encode_params(spec.params) if spec.params else None,
        memo=spec.memo,
        state=PENDING if spec.pending else POSTED,
        link_id=link_id,
        timeout_at=utcnow() + spec.timeout if spec.pending and spec.timeout else None,
        created_by_id=actor.id if actor else None,
    )
    session.add(transfer)
    # A concurrent caller with the same key makes this flush fail; transfer_linked retries.
    session.flush()
    debit_after, credit_after = _apply(session, debit, credit, amount, pending=spec.pending)
    if not spec.pending:
        _write_entries(session, transfer, debit_after, credit_after)
    session.flush()
    _refresh(session, debit, credit)
    return transfer


def _same_or_conflict(existing: Transfer, fingerprint: str) -> Transfer:
    if existing.fingerprint != fingerprint:
        raise Conflict(_("This transfer key was already used for a different transfer."), code="key_reused")
    return existing


def transfer(
    session: Session,
    key: str,
    debit: Account | int,
    credit: Account | int,
    amount: int,
    purpose: str,
    reference: str | None = None,
    *,
    memo: str | None = None,
    pending: bool = False,
    timeout: timedelta | None = None,
    spend_details: dict[str, Any] | None = None,
    params: dict[str, Any] | None = None,
    actor: Member | None = None,
) -> Transfer:
    """Move ``amount`` rials from ``debit`` to ``credit``, once per ``key``.

    Runs inside the caller's transaction (so a plugin can write its order and move the money
    atomically): on any error nothing of it remains (on PostgreSQL one function call that refuses
    before it writes, on SQLite a savepoint). ``purpose`` is a declared
    ``Purpose`` code; ``params`` fill its wording on the statement line; ``memo`` is only ever
    what a member wrote.
    """
    spec = TransferSpec(
        key, debit, credit, amount, purpose, reference, memo, pending, timeout, spend_details, params
    )
    return transfer_linked(session, [spec], actor=actor)[0]


def transfer_linked(
    session: Session, specs: list[TransferSpec], *, actor: Member | None = None
) -> list[Transfer]:
    """Make several transfers that succeed or fail together (one call on PostgreSQL, one savepoint
    on SQLite)."""
    if not specs:
        raise BadInput(_("No transfers given."))
    link_id = uuid.uuid4().hex if len(specs) > 1 else None
    if _on_postgresql(session):
        return _linked_pg(session, specs, link_id, actor)
    try:
        with session.begin_nested():
            return [_one(session, spec, link_id, actor) for spec in specs]
    except IntegrityError:
        # A key was taken by a concurrent caller after we looked: the savepoint undid our part;
        # now the key is visible, so the second pass answers as if we had come second.
        with session.begin_nested():
            return [_one(session, spec, link_id, actor) for spec in specs]


def _pending(session: Session, ref: Transfer | int | str) -> Transfer:
    if isinstance(ref, Transfer):
        return ref
    found = session.get(Transfer, ref) if isinstance(ref, int) else _existing(session, ref)
    if found is None:
        raise NotFound(_("No such transfer."), code="unknown_transfer")
    return found


def _resolve(session: Session, ref: Transfer | int | str, outcome: str) -> Transfer:
    pending = _pending(session, ref)
    if pending.state == outcome and pending.resolved_at is not None:
        return pending  # resolving twice the same way is a no-op
    # Claim the resolution with a conditional update so two resolvers cannot both win.
    claimed = session.execute(
        update(Transfer)
        .where(Transfer.id == pending.id, Transfer.state == PENDING)
        .values(state=outcome, resolved_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    session.expire(pending)
    if not claimed:
        if pending.state == outcome:
            return pending
        raise Conflict(_("This transfer is already %(state)s.", state=pending.state), code="already_resolved")
    amount = pending.amount
    debit, credit = pending.debit_account, pending.credit_account
    after: dict[int, int] = {}
    for account in sorted((debit, credit), key=lambda a: a.id):
        if account.id == debit.id:
            values: dict[str, Any] = {"pending_debits": Account.pending_debits - amount}
            if outcome == POSTED:
                values["posted"] = Account.posted - amount
        else:
            values = {"pending_credits": Account.pending_credits - amount}
            if outcome == POSTED:
                values["posted"] = Account.posted + amount
        row = session.execute(
            update(Account)
            .where(Account.id == account.id)
            .values(**values)
            .returning(Account.posted)
            .execution_options(synchronize_session=False)
        ).first()
        assert row is not None  # the account exists: the transfer refers to it
        after[account.id] = row[0]
    if outcome == POSTED:
        _write_entries(session, pending, after[debit.id], after[credit.id])
    session.flush()
    _refresh(session, debit, credit)
    return pending


def post_pending(session: Session, ref: Transfer | int | str) -> Transfer:
    """Complete a pending transfer: the reserved amount moves for good."""
    if _on_postgresql(session):
        return _resolve_pg(session, ref, POSTED)
    with session.begin_nested():
        return _resolve(session, ref, POSTED)


def void_pending(session: Session, ref: Transfer | int | str) -> Transfer:
    """Cancel a pending transfer: the reservation is released, nothing moves."""
    if _on_postgresql(session):
        return _resolve_pg(session, ref, VOIDED)
    with session.begin_nested():
        return _resolve(session, ref, VOIDED)


def expire_pending(
    session: Session, now: datetime | None = None, progress: Callable[[int], None] | None = None
) -> int:
    """Void every pending transfer past its timeout; returns how many."""
    now = now or utcnow()
    ids = list(
        session.scalars(
            select(Transfer.id).where(
                Transfer.state == PENDING, Transfer.timeout_at.is_not(None), Transfer.timeout_at < now
            )
        )
    )
    done = 0
    for transfer_id in ids:
        try:
            void_pending(session, transfer_id)
            done += 1
        except Conflict:
            pass  # resolved meanwhile by its owner: nothing to expire
        if progress:
            progress(1)
    return done


# --- the PostgreSQL path: one round trip ---------------------------------------------------------
#
# On PostgreSQL a transfer (or a linked group) is one call of the ``wallet_transfers`` function
# (migration c0de0000a009): the keyed insert, both balance updates with the accounts locked in id
# order, both entries; a group writes each account's balance once, at its end (c0de0000a00b), so
# its cost per transfer does not grow with its length. It answers every refusal before it
# writes, and a linked group's refusal undoes the group inside the function, so no savepoint is
# needed: on any error nothing of the transfer remains. An earmarked debit needs the plugins'
# spend policy, which lives in Python: the function refuses it ('earmarked'), and the full path
# below reads the accounts, asks the policy and calls the function again, told the spend was
# checked.

# Sent through the driver as they are (no SQL compiling per call): this is the hot path. A lone
# transfer calls the step with scalars; a group passes arrays, one element per transfer.
_STEP = (
    "SELECT 1 AS idx, outcome, transfer_id FROM wallet_transfer_step("
    "%(key)s::varchar, %(fingerprint)s::varchar, %(debit)s::bigint, %(credit)s::bigint,"
    " %(amount)s::bigint, %(purpose)s::varchar, %(reference)s::varchar, %(params)s::text,"
    " %(memo)s::varchar, %(pending)s::boolean, %(timeout)s::timestamp, %(link_id)s::varchar,"
    " %(actor)s::bigint, %(now)s::timestamp, %(checked)s::boolean)"
)
_GROUP = (
    "SELECT idx, outcome, transfer_id FROM wallet_transfers("
    "%(key)s::varchar[], %(fingerprint)s::varchar[], %(debit)s::bigint[], %(credit)s::bigint[],"
    " %(amount)s::bigint[], %(purpose)s::varchar[], %(reference)s::varchar[], %(params)s::text[],"
    " %(memo)s::varchar[], %(pending)s::boolean[], %(timeout)s::timestamp[], %(link_id)s::varchar,"
    " %(actor)s::bigint, %(now)s::timestamp, %(checked)s::boolean)"
)
_RESOLVE = (
    "SELECT outcome, transfer_id, state, debit_id, credit_id FROM wallet_resolve("
    "%(id)s::bigint, %(key)s::varchar, %(outcome)s::varchar, %(now)s::timestamp)"
)
_BALANCES = ["posted", "pending_debits", "pending_credits"]


def _on_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _account_id(session: Session, ref: Account | int | str) -> int:
    if isinstance(ref, Account):
        if ref.id is None:
            session.flush()  # opened in this session and not yet written
        return ref.id
    if isinstance(ref, int) and not isinstance(ref, bool):
        return ref
    return get_account(session, ref).id


def _expire_balances(session: Session, account_ids: Iterable[int]) -> None:
    """The function moved these balances behind the ORM's back: reload them when next read."""
    for account_id in set(account_ids):
        account = session.identity_map.get(identity_key(Account, account_id))
        if account is not None:
            session.expire(account, _BALANCES)


def _call_transfers(
    session: Session,
    specs: list[TransferSpec],
    ids: list[tuple[int, int]],
    fingerprints: list[str],
    link_id: str | None,
    actor: Member | None,
    now: datetime,
    *,
    spend_checked: bool,
) -> list[Any]:
    columns: dict[str, list[Any]] = {
        "key": [spec.key for spec in specs],
        "fingerprint": fingerprints,
        "debit": [d for d, _c in ids],
        "credit": [c for _d, c in ids],
        "amount": [spec.amount for spec in specs],
        "purpose": [spec.purpose for spec in specs],
        "reference": [spec.reference for spec in specs],
        "params": [json.dumps(encode_params(spec.params)) if spec.params else None for spec in specs],
        "memo": [spec.memo for spec in specs],
        "pending": [spec.pending for spec in specs],
        "timeout": [now + spec.timeout if spec.pending and spec.timeout else None for spec in specs],
    }
    one = len(specs) == 1
    values: dict[str, Any] = {name: column[0] for name, column in columns.items()} if one else columns
    values.update(link_id=link_id, actor=actor.id if actor else None, now=now, checked=spend_checked)
    session.flush()  # what the caller added before goes first, as an ORM query would autoflush
    return list(session.connection().exec_driver_sql(_STEP if one else _GROUP, values))


def _refuse(session: Session, outcome: str, debit_id: int, credit_id: int) -> None:
    """Raise what the function's refusal means, as the ORM path would."""
    if outcome == "key_reused":
        raise Conflict(_("This transfer key was already used for a different transfer."), code="key_reused")
    if outcome == "insufficient_funds":
        message = _("Not enough money in the account for this amount.")
        raise BadInput(message, fields={"amount": message}, code="insufficient_funds")
    if outcome == "closed":
        for account in _accounts(session, debit_id, credit_id):
            session.refresh(account, ["closed_at"])
            if account.closed_at is not None:
                _refuse_closed(account)
    raise NotFound(_("No such account."), code="unknown_account")


def _linked_pg(
    session: Session, specs: list[TransferSpec], link_id: str | None, actor: Member | None
) -> list[Transfer]:
    for spec in specs:
        _check_spec(spec)
    ids = [(_account_id(session, spec.debit), _account_id(session, spec.credit)) for spec in specs]
    if any(d == c for d, c in ids):
        _same_account()
    fingerprints = [_fingerprint(spec, d, c) for spec, (d, c) in zip(specs, ids, strict=True)]
    now = utcnow()
    rows = _call_transfers(session, specs, ids, fingerprints, link_id, actor, now, spend_checked=False)
    if len(rows) == 1 and rows[0].outcome in ("earmarked", "closed", "unknown_account"):
        # The full path: read the accounts, answer replays, refuse closed accounts by name and
        # ask the spend policy of earmarked ones, then move the money told the spend is checked.
        for spec, (d, c), fingerprint in zip(specs, ids, fingerprints, strict=True):
            debit, credit = _accounts(session, d, c)
            existing = _existing(session, spec.key)
            if existing is not None:
                _same_or_conflict(existing, fingerprint)
                continue
            _may_pay(debit, credit, spec, spec.amount)
        rows = _call_transfers(session, specs, ids, fingerprints, link_id, actor, now, spend_checked=True)
    if len(rows) != len(specs) or any(row.outcome not in ("made", "replay") for row in rows):
        refused = rows[0]
        _refuse(session, refused.outcome, *ids[refused.idx - 1])
    _expire_balances(session, [i for pair in ids for i in pair])
    made: list[Transfer] = []
    for row, spec, (d, c), fingerprint in zip(rows, specs, ids, fingerprints, strict=True):
        if row.outcome == "replay":
            found = session.get(Transfer, row.transfer_id)
            assert found is not None  # the function just read it
            made.append(found)
            continue
        # Written by the function: the session holds it as loaded, without reading it back. Its
        # values go in as loaded ones (no change events: nothing is left for a flush to write).
        transfer = manager_of_class(Transfer).new_instance()
        transfer.__dict__.update(
            id=row.transfer_id,
            key=spec.key,
            fingerprint=fingerprint,
            debit_account_id=d,
            credit_account_id=c,
            amount=spec.amount,
            purpose=spec.purpose,
            reference=spec.reference,
            params=encode_params(spec.params) if spec.params else None,
            memo=spec.memo,
            state=PENDING if spec.pending else POSTED,
            link_id=link_id,
            timeout_at=now + spec.timeout if spec.pending and spec.timeout else None,
            resolved_at=None,
            created_by_id=actor.id if actor else None,
            created_at=now,
        )
        make_transient_to_detached(transfer)
        session.add(transfer)
        made.append(transfer)
    return made


def _resolve_pg(session: Session, ref: Transfer | int | str, outcome: str) -> Transfer:
    if isinstance(ref, Transfer) and ref.state == outcome and ref.resolved_at is not None:
        return ref  # resolving twice the same way is a no-op
    now = utcnow()
    session.flush()
    row = (
        session.connection()
        .exec_driver_sql(
            _RESOLVE,
            {
                "id": ref.id if isinstance(ref, Transfer) else ref if isinstance(ref, int) else None,
                "key": ref if isinstance(ref, str) else None,
                "outcome": outcome,
                "now": now,
            },
        )
        .one()
    )
    if row.outcome == "unknown_transfer":
        raise NotFound(_("No such transfer."), code="unknown_transfer")
    if row.outcome == "already_resolved":
        raise Conflict(_("This transfer is already %(state)s.", state=row.state), code="already_resolved")
    _expire_balances(session, (row.debit_id, row.credit_id))
    resolved = ref if isinstance(ref, Transfer) else session.get(Transfer, row.transfer_id)
    assert resolved is not None  # the function just resolved it
    if row.outcome == "made":
        set_committed_value(resolved, "state", outcome)
        set_committed_value(resolved, "resolved_at", now)
    else:
        session.expire(resolved, ["state", "resolved_at"])
    return resolved


# --- reading -----------------------------------------------------------------------------------


def statement_query(
    account: Account,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    purpose: str | None = None,
    direction: str | None = None,
) -> Any:
    """The account's entries, newest first, filtered; page it with the SDK's ``paginate``."""
    stmt = select(Entry).where(Entry.account_id == account.id)
    if since is not None:
        stmt = stmt.where(Entry.created_at >= since)
    if until is not None:
        stmt = stmt.where(Entry.created_at < until)
    if direction == "in":
        stmt = stmt.where(Entry.amount > 0)
    elif direction == "out":
        stmt = stmt.where(Entry.amount < 0)
    if purpose:
        stmt = stmt.join(Transfer, Transfer.id == Entry.transfer_id).where(Transfer.purpose == purpose)
    return stmt.order_by(Entry.id.desc())


def pending_of(session: Session, account: Account) -> list[Transfer]:
    return list(
        session.scalars(
            select(Transfer)
            .where(
                Transfer.state == PENDING,
                or_(Transfer.debit_account_id == account.id, Transfer.credit_account_id == account.id),
            )
            .order_by(Transfer.id.desc())
        )
    )


# --- verifying ---------------------------------------------------------------------------------


@dataclass
class VerifyReport:
    accounts: int = 0
    transfers: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "accounts": self.accounts,
            "transfers": self.transfers,
            "problems": self.problems,
        }


def _open_pending_sums(session: Session, side: Any, ids: list[int]) -> dict[int, int]:
    """Per account, what its open pending transfers hold on one side (debit or credit)."""
    rows = session.execute(
        select(side, func.sum(Transfer.amount)).where(Transfer.state == PENDING, side.in_(ids)).group_by(side)
    ).all()
    return dict(rows)


def verify(
    session: Session, progress: Callable[[int], None] | None = None, batch: int = 1000
) -> VerifyReport:
    """Recompute every balance from entries and transfers and check the invariants.

    Three aggregate queries per batch of accounts, so it stays fast with millions of entries.
    """
    report = VerifyReport()
    total = session.scalar(select(func.coalesce(func.sum(Account.posted), 0)))
    if total != 0:
        report.problems.append(f"the balances sum to {total}, not zero")
    entry_total = session.scalar(select(func.coalesce(func.sum(Entry.amount), 0)))
    if entry_total != 0:
        report.problems.append(f"the entries sum to {entry_total}, not zero")
    unbalanced = session.execute(
        select(Entry.transfer_id, func.sum(Entry.amount), func.count())
        .group_by(Entry.transfer_id)
        .having(or_(func.sum(Entry.amount) != 0, func.count() != 2))
        .limit(20)
    ).all()
    for transfer_id, amount_sum, n in unbalanced:
        report.problems.append(f"transfer {transfer_id} has {n} entries summing to {amount_sum}")
    posted_without = session.scalar(
        select(func.count(Transfer.id)).where(
            Transfer.state == POSTED, ~select(Entry.id).where(Entry.transfer_id == Transfer.id).exists()
        )
    )
    if posted_without:
        report.problems.append(f"{posted_without} posted transfers have no entries")
    report.transfers = session.scalar(select(func.count(Transfer.id))) or 0
    last_id = 0
    while True:
        accounts = list(
            session.scalars(select(Account).where(Account.id > last_id).order_by(Account.id).limit(batch))
        )
        if not accounts:
            break
        ids = [a.id for a in accounts]
        sums = dict(
            session.execute(
                select(Entry.account_id, func.sum(Entry.amount))
                .where(Entry.account_id.in_(ids))
                .group_by(Entry.account_id)
            ).all()
        )
        pend_debit = _open_pending_sums(session, Transfer.debit_account_id, ids)
        pend_credit = _open_pending_sums(session, Transfer.credit_account_id, ids)
        for a in accounts:
            expected = sums.get(a.id, 0) or 0
            if a.posted != expected:
                report.problems.append(f"account {a.code}: balance {a.posted} but entries sum to {expected}")
            if a.pending_debits != (pend_debit.get(a.id, 0) or 0):
                report.problems.append(
                    f"account {a.code}: pending debits {a.pending_debits} but open transfers hold "
                    f"{pend_debit.get(a.id, 0) or 0}"
                )
            if a.pending_credits != (pend_credit.get(a.id, 0) or 0):
                report.problems.append(
                    f"account {a.code}: pending credits {a.pending_credits} but open transfers hold "
                    f"{pend_credit.get(a.id, 0) or 0}"
                )
            if a.non_negative and a.posted - a.pending_debits < 0:
                report.problems.append(f"account {a.code} is below zero: {a.posted - a.pending_debits}")
        report.accounts += len(accounts)
        last_id = accounts[-1].id
        if progress:
            progress(len(accounts))
    return report


__all__ = [
    "MAX_AMOUNT",
    "Spend",
    "SpendDecision",
    "TransferSpec",
    "accounts_of",
    "check_spend",
    "expire_pending",
    "get_account",
    "main_account",
    "open_account",
    "open_earmarked",
    "pending_of",
    "post_pending",
    "statement_query",
    "system_account",
    "transfer",
    "transfer_linked",
    "verify",
    "void_pending",
]
