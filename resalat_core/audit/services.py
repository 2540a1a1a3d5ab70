"""Writing the audit trail (``audit()``, inside the act's own transaction) and reading it back.

An entry is written through the caller's session and flushed with the act: when the act rolls
back, its entry goes too, and nothing else ever changes or removes one. Every action code is
declared with a translatable title (the host's here, a plugin's through
``resalat_audit_actions``), so the log is always shown in the reader's language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context, request
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from resalat_core.audit.models import AuditEntry
from resalat_core.errors import BadInput
from resalat_core.formats import TEHRAN, parse_jalali_date
from resalat_core.i18n import _, _l
from resalat_core.members.models import Member
from resalat_core.plugins.base import AuditAction
from resalat_core.regions.models import Region
from resalat_core.text import normalize_text

HOST_AUDIT_ACTIONS = [
    AuditAction("core.sign_in", _l("Signed in")),
    AuditAction("core.sign_in_failed", _l("Failed sign-in")),
    AuditAction("core.role_granted", _l("Role granted")),
    AuditAction("core.role_revoked", _l("Role revoked")),
    AuditAction("core.module_on", _l("Module switched on")),
    AuditAction("core.module_off", _l("Module switched off")),
]

# A subject is a reference, "loan:12"; the host's own kinds also name a member ("member:5") and a
# module by its name ("module:loans").
_SUBJECT = re.compile(r"^[a-z_][a-z0-9_]*:(\d{1,18}|[a-z_][a-z0-9_]{0,40})$")
# Before and after are small: a status, an amount, a role; never a whole record.
MAX_STATE_CHARS = 2000
_ADDRESS_CHARS = 45


class UnknownAuditAction(LookupError):
    """``audit()`` was given an action code that no loaded plugin (nor the host) declared."""


class _FromRequest:
    """The default of ``actor`` and ``address``: take it from the current request, if any."""


FROM_REQUEST: Any = _FromRequest()


def declared_actions() -> dict[str, AuditAction]:
    """Every declared action code of this app, with its title."""
    actions: dict[str, AuditAction] = current_app.extensions["resalat"].audit_actions
    return actions


def _request_actor() -> int | None:
    from resalat_core.web.edge import current_member

    if not has_request_context():
        return None
    member = current_member()
    return member.id if member is not None else None


def _request_address() -> str | None:
    if not has_request_context():
        return None
    return (request.remote_addr or "")[:_ADDRESS_CHARS] or None


def _state(value: dict[str, Any] | None, name: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise TypeError(f"audit {name} must be a dict, not {type(value).__name__}")
    # Refused here rather than at the commit, where the act's own error would be lost.
    if len(json.dumps(value, ensure_ascii=False, default=_refuse)) > MAX_STATE_CHARS:
        raise ValueError(f"audit {name} is longer than {MAX_STATE_CHARS} characters")
    return value


def _refuse(value: Any) -> Any:
    raise TypeError(f"audit states hold JSON values only, not {type(value).__name__}")


def audit(
    session: Session,
    action: str,
    *,
    subject: str | None = None,
    region: Region | int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    actor: Member | int | None = FROM_REQUEST,
    address: str | None = FROM_REQUEST,
    flush: bool = True,
) -> AuditEntry:
    """Write one entry of the audit trail in ``session``'s transaction (flushed, not committed).

    ``action`` must be declared (``resalat_audit_actions``): an undeclared one raises
    ``UnknownAuditAction``, a bug to fix, not input to report. ``subject`` is a reference
    (``"loan:12"``); ``region`` the region the act belongs to (a regional admin reads the entries
    of their area); ``before``/``after`` small JSON dicts. ``actor`` defaults to the signed-in
    member of the request (None outside one: the system or the CLI), ``address`` to the request's
    client address. ``flush=False`` (since 1.7) leaves the row to the session's next flush, still
    in the same transaction: a job that audits a thousand acts writes them in batched INSERTs.
    """
    if action not in declared_actions():
        raise UnknownAuditAction(f"audit action {action!r} is not declared by any loaded plugin")
    if subject is not None and not _SUBJECT.fullmatch(subject):
        raise ValueError(f"audit subject {subject!r} is not a reference like 'loan:12'")
    actor_id = actor.id if isinstance(actor, Member) else actor
    if actor is FROM_REQUEST:
        actor_id = _request_actor()
    entry = AuditEntry(
        actor_id=actor_id,
        action=action,
        region_id=region.id if isinstance(region, Region) else region,
        subject=subject,
        before=_state(before, "before"),
        after=_state(after, "after"),
        address=_request_address() if address is FROM_REQUEST else (address or None),
    )
    session.add(entry)
    if flush:
        session.flush()
    return entry


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilter:
    """What the log page (and the CLI) narrow the entries to; every field is optional."""

    action: str = ""
    actor: Member | None = None
    since: date | None = None
    until: date | None = None
    subject: str = ""

    def args(self) -> dict[str, str]:
        """The filter as query arguments (for the export link and the pager)."""
        found = {"event": self.action, "subject": self.subject}
        if self.actor is not None:
            found["actor"] = self.actor.mobile
        return {k: v for k, v in found.items() if v}


def read_filter(session: Session, args: Any) -> tuple[AuditFilter, dict[str, str]]:
    """The filter the query arguments ask for, or BadInput naming each wrong field."""
    errors: dict[str, str] = {}
    # "event", not "action": a form field named so would hide the form's own ``action`` from scripts.
    action = normalize_text(args.get("event", "")).strip()
    if action and action not in declared_actions():
        errors["event"] = _("Choose an action from the list.")
    actor = None
    who = normalize_text(args.get("actor", "")).strip()
    if who:
        from resalat_core.members.services import find_member

        actor = find_member(session, who)
        if actor is None:
            errors["actor"] = _("No member has that mobile or national code.")
    days: dict[str, date | None] = {}
    for name in ("since", "until"):
        raw = normalize_text(args.get(name, "")).strip()
        days[name] = None
        if raw:
            try:
                days[name] = parse_jalali_date(raw, field=name)
            except BadInput as exc:
                errors[name] = str((exc.fields or {}).get(name, exc.message))
    if days["since"] and days["until"] and days["since"] > days["until"]:
        errors["until"] = _("The end date is before the start date.")
    subject = normalize_text(args.get("subject", "")).strip()
    if subject and not _SUBJECT.fullmatch(subject):
        errors["subject"] = _("This is not a record the audit trail knows.")
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    chosen = AuditFilter(action, actor, days["since"], days["until"], subject)
    return chosen, {k: str(args.get(k, "")) for k in ("event", "actor", "since", "until", "subject")}


def _utc_start(day: date) -> datetime:
    """Midnight of ``day`` in Iran, as the naive UTC the entries are stored in."""
    local = datetime.combine(day, time.min, tzinfo=ZoneInfo(TEHRAN))
    return local.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def entries_query(area: list[int] | None, chosen: AuditFilter) -> Select[Any]:
    """The entries within ``area`` (None: nationwide) that ``chosen`` lets through, newest first.

    A regional reader never sees entries without a region (the nationwide ones).
    """
    query = select(AuditEntry)
    if area is not None:
        query = query.where(AuditEntry.region_id.in_(area))
    if chosen.action:
        query = query.where(AuditEntry.action == chosen.action)
    if chosen.actor is not None:
        query = query.where(AuditEntry.actor_id == chosen.actor.id)
    if chosen.since:
        query = query.where(AuditEntry.at >= _utc_start(chosen.since))
    if chosen.until:
        query = query.where(AuditEntry.at < _utc_start(chosen.until + timedelta(days=1)))
    if chosen.subject:
        query = query.where(AuditEntry.subject == chosen.subject)
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


@dataclass(frozen=True)
class Shown:
    """An entry ready for a reader: the action's title, the actor, the region, the subject named."""

    entry: AuditEntry
    title: str
    actor: Member | None
    region: Region | None
    subject: str
    subject_url: str | None


def _subject_name(kind: str, ident: str, members: dict[int, Member]) -> tuple[str, str | None]:
    from resalat_core.references import describe

    if kind == "member" and ident.isdecimal():
        found = members.get(int(ident))
        return (found.name if found else _("a member")), None
    if kind == "module":
        plugin = current_app.extensions["resalat"].plugins.plugin(ident)
        return (str(plugin.title) if plugin else _("a module")), None
    named = describe(f"{kind}:{ident}")
    assert named is not None  # a non-empty reference is always named
    return str(named.name), named.url


def shown(session: Session, entries: Iterable[AuditEntry]) -> list[Shown]:
    """``entries`` named for the reader, in one query for every member and region they mention.

    Subjects of a plugin's kind are named once per distinct subject by its ``resalat_reference``.
    """
    entries = list(entries)
    member_ids = {e.actor_id for e in entries if e.actor_id is not None}
    for e in entries:
        kind, _sep, ident = (e.subject or "").partition(":")
        if kind == "member" and ident.isdecimal():
            member_ids.add(int(ident))
    members = (
        {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(member_ids)))}
        if member_ids
        else {}
    )
    region_ids = {e.region_id for e in entries if e.region_id is not None}
    # The members' own regions come with them (joined); the entries' are read with the rest.
    regions = {m.region.id: m.region for m in members.values()}
    missing = region_ids - set(regions)
    if missing:
        regions.update({r.id: r for r in session.scalars(select(Region).where(Region.id.in_(missing)))})
    actions = declared_actions()
    names: dict[str, tuple[str, str | None]] = {}
    rows = []
    for e in entries:
        if e.subject and e.subject not in names:
            kind, _sep, ident = e.subject.partition(":")
            names[e.subject] = _subject_name(kind, ident, members)
        subject, url = names.get(e.subject or "", ("", None))
        declared = actions.get(e.action)
        rows.append(
            Shown(
                entry=e,
                # An entry of a plugin since removed keeps its code; it is named as such.
                title=str(declared.title) if declared else _("An action of a removed module"),
                actor=members.get(e.actor_id) if e.actor_id is not None else None,
                region=regions.get(e.region_id) if e.region_id is not None else None,
                subject=subject,
                subject_url=url,
            )
        )
    return rows


def batches(session: Session, query: Select[Any], size: int = 500) -> Iterator[list[AuditEntry]]:
    """Every entry of ``query``, ``size`` at a time (keyset on the id, newest first), so an
    export of the whole log never holds more than one batch in memory."""
    last: int | None = None
    while True:
        page = query.order_by(None).order_by(AuditEntry.id.desc()).limit(size)
        if last is not None:
            page = page.where(AuditEntry.id < last)
        found = list(session.scalars(page))
        if not found:
            return
        yield found
        # The identity map holds its rows weakly: those written out are let go with ``found``.
        last = found[-1].id
