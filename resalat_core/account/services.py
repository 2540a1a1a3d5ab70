"""A member's own data: the copy of everything the app holds about them, and closing the account.

The host gives its own sections (profile, roles, accounts and balances, recent transfers) and
asks every loaded plugin for theirs (``resalat_member_data``), switched on in the member's region
or not: what a module kept while it was on is still the member's. Closing asks every plugin what
stops it (``resalat_closing_blockers``), then anonymises the member row, ends every session and
lets each plugin remove or anonymise its part (``resalat_member_closed``), all in one transaction.
Money records (the ledger, loans, promissory notes) stay: the law keeps them, and they keep the
anonymised row as their owner.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from resalat_core.auth.models import ApiToken, LoginAttempt, PasswordReset
from resalat_core.auth.services import _identifier_key
from resalat_core.db import utcnow
from resalat_core.errors import BadInput, Conflict
from resalat_core.i18n import _, _l
from resalat_core.members.models import Member, RoleGrant
from resalat_core.plugins.activation import answers_by_plugin, every_plugin_hook
from resalat_core.plugins.base import DataRow, DataSection
from resalat_core.sms.models import SmsMessage
from resalat_core.text import normalize_text, to_persian_digits
from resalat_core.vocabulary import vocabulary
from resalat_core.wallet.models import Entry, Transfer
from resalat_core.wallet.services import account_name, accounts_of, describe_transfer

HOST = "core"
RECENT_TRANSFERS = 50
# What a closed member's name reads as: a Persian name, like every member's, and never a person's.
CLOSED_NAME = "عضو پیشین"
# The unusable password hash: not an argon2 hash, so no password ever verifies against it.
CLOSED_PASSWORD = "!closed"  # noqa: S105 (a marker, not a secret)
# The phrase typed to confirm, in the reader's language (the English one is accepted too).
CONFIRM_PHRASE = _l("close my account")


def _plugin_answers(hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
    """Each loaded plugin's answer to ``hook_name``, in load order, with the plugin's name."""
    return answers_by_plugin(every_plugin_hook(hook_name), **kwargs)


# --- the copy of one's data ---------------------------------------------------------------------


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def host_sections(session: Session, member: Member) -> list[DataSection]:
    """What the host holds about ``member``: profile, roles, accounts and recent transfers."""
    vocab = vocabulary()
    profile = DataSection(
        "profile",
        _l("Profile"),
        [
            DataRow(_l("Name"), member.name),
            DataRow(_l("Mobile"), member.mobile),
            DataRow(_l("National code"), member.national_code),
            DataRow(_l("Region"), member.region),
            DataRow(_l("Language"), member.language),
            DataRow(_l("Member since"), member.created_at),
            DataRow(_l("Last sign-in"), member.last_login_at or "—"),
        ],
        {
            "id": member.id,
            "name": member.name,
            "mobile": member.mobile,
            "national_code": member.national_code,
            "region": member.region.code,
            "language": member.language,
            "created_at": _iso(member.created_at),
            "last_login_at": _iso(member.last_login_at),
        },
    )
    grants = sorted(member.roles, key=lambda g: g.id)
    roles = DataSection(
        "roles",
        _l("Roles"),
        [DataRow(vocab.role_title(g.role, g.kind), g.region or _l("Nationwide")) for g in grants],
        {
            "roles": [
                {"role": g.role, "kind": g.kind, "region": g.region.code if g.region else None}
                for g in grants
            ]
        },
    )
    accounts = accounts_of(session, member)
    balances = DataSection(
        "accounts",
        _l("Accounts and balances"),
        [DataRow(account_name(a), a.posted, money=True) for a in accounts],
        {
            "accounts": [
                {
                    "id": a.id,
                    "kind": a.kind,
                    "purpose": a.purpose,
                    "balance_rials": a.posted,
                    "pending_debits_rials": a.pending_debits,
                    "pending_credits_rials": a.pending_credits,
                    "closed_at": _iso(a.closed_at),
                }
                for a in accounts
            ]
        },
    )
    entries = (
        list(
            session.execute(
                select(Entry, Transfer)
                .join(Transfer, Transfer.id == Entry.transfer_id)
                .where(Entry.account_id.in_([a.id for a in accounts]))
                .order_by(Entry.id.desc())
                .limit(RECENT_TRANSFERS)
            )
        )
        if accounts
        else []
    )
    transfers = DataSection(
        "transfers",
        _l("Recent transfers"),
        [DataRow(describe_transfer(t)[0], e.amount, money=True) for e, t in entries],
        {
            "transfers": [
                {
                    "id": t.id,
                    "account_id": e.account_id,
                    "amount_rials": e.amount,
                    "purpose": t.purpose,
                    "reference": t.reference,
                    "memo": t.memo,
                    "state": t.state,
                    "created_at": _iso(e.created_at),
                }
                for e, t in entries
            ]
        },
    )
    return [profile, roles, balances, transfers]


def member_data(session: Session, member: Member) -> list[tuple[str, DataSection]]:
    """Every section of ``member``'s data with its source: the host's first, then each plugin's."""
    sections = [(HOST, s) for s in host_sections(session, member)]
    for name, answer in _plugin_answers("resalat_member_data", session=session, member=member):
        sections.extend((name, s) for s in answer)
    return sections


def member_data_json(session: Session, member: Member) -> dict[str, Any]:
    """The download: every section's plain data, titled in the reader's language."""
    return {
        "member_id": member.id,
        "generated_at": _iso(utcnow()),
        "sections": [
            {"source": source, "key": s.key, "title": str(s.title), "data": s.data}
            for source, s in member_data(session, member)
        ],
    }


# --- closing the account ------------------------------------------------------------------------


def host_blockers(session: Session, member: Member) -> list[str]:
    """What the host itself sees stopping the closing: money still in the member's accounts."""
    reasons = []
    for account in accounts_of(session, member):
        if account.closed_at is not None and not account.posted:
            continue
        if account.posted or account.pending_debits or account.pending_credits:
            reasons.append(
                _(
                    "%(account)s still holds money: spend it, send it or withdraw it to your bank "
                    "account first.",
                    account=account_name(account),
                )
            )
    return reasons


def closing_blockers(session: Session, member: Member) -> list[str]:
    """Every reason, the host's and each plugin's, why ``member`` may not close the account now."""
    reasons = host_blockers(session, member)
    for _name, answer in _plugin_answers("resalat_closing_blockers", session=session, member=member):
        reasons.extend(str(r) for r in answer)
    return reasons


def _phrase_matches(typed: str) -> bool:
    said = " ".join(normalize_text(typed or "").split()).casefold()
    return said in {str(CONFIRM_PHRASE).casefold(), "close my account"}


def _placeholder(member: Member, width: int) -> str:
    """A unique stand-in for a closed member's mobile or national code: letters, so no sign-in,
    registration or look-up ever reads it as a real one, and the id, so no two collide."""
    return ("x" + format(member.id, "x").rjust(width - 1, "0"))[:width]


def close_account(session: Session, member: Member, password: str, confirmation: str) -> bool:
    """Close ``member``'s account: True when closed now, False when it was closed already.

    Refuses with every problem at once (BadInput, 400) on a wrong password (counted towards the
    sign-in throttle, so the record is kept) or a missing confirmation, and with Conflict (409)
    while anything stops the closing. Then anonymises the row, ends every session and token, and
    lets each plugin remove or anonymise its part, in the caller's transaction (never committed
    here). The ledger, loans and notes keep the row as their owner.
    """
    from flask import current_app

    from resalat_core.auth.services import confirm_password

    if member.closed_at is not None:
        return False
    errors: dict[str, str] = {}
    if not _phrase_matches(confirmation):
        errors["confirm"] = _("Type the phrase shown above exactly.")
    config = current_app.config["RESALAT"]
    right = confirm_password(
        session,
        member,
        password,
        max_failures=int(config["login_max_failures"]),
        window=int(config["login_window_seconds"]),
    )
    if not right:
        errors["password"] = _("The password is wrong.")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors, keep_changes=not right)
    reasons = closing_blockers(session, member)
    if reasons:
        raise Conflict(_("Your account cannot be closed yet."), fields={"blockers": reasons}, code="blocked")
    old_keys = [_identifier_key(member.mobile), _identifier_key(member.national_code)]
    old_mobile = member.mobile
    member.name = f"{CLOSED_NAME} {to_persian_digits(str(member.id))}"
    member.mobile = _placeholder(member, 11)
    member.national_code = _placeholder(member, 10)
    member.password_hash = CLOSED_PASSWORD
    member.is_active = False
    member.closed_at = utcnow()
    # Every session, remember-me cookie and API token stops working.
    member.session_version += 1
    session.execute(delete(ApiToken).where(ApiToken.member_id == member.id))
    session.execute(delete(PasswordReset).where(PasswordReset.member_id == member.id))
    session.execute(delete(LoginAttempt).where(LoginAttempt.key.in_(old_keys)))
    # The text messages sent to the mobile hold it and, often, a code: they go with it.
    session.execute(delete(SmsMessage).where(SmsMessage.mobile == old_mobile))
    session.execute(delete(RoleGrant).where(RoleGrant.member_id == member.id))
    session.flush()
    session.expire(member, ["roles"])
    every_plugin_hook("resalat_member_closed")(session=session, member=member)
    session.flush()
    return True
