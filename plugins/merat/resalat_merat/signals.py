"""The credit signals: Merat's own kinds, the kinds and signals every other plugin declares and
gives, and how a stored signal reads in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from flask import g, has_app_context
from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import (
    CreditSignal,
    Member,
    Money,
    Number,
    SignalKind,
    _l,
    current_language,
    db_session,
    decode_params,
    every_plugin_hook,
    hook_answers,
    hook_answers_many,
    render,
)
from resalat_merat import TOMAN, plugin

# What Merat itself knows about a member; every other plugin declares its own kinds through
# ``resalat_credit_signal_kinds``.
MEMBERSHIP_DAYS = SignalKind(
    "membership_days",
    _l("Member of M-Resalat for %(value)s days"),
    points=5,
    per=30,
    cap=60,
)
# A million tomans of declared monthly surplus (income − expenses) is worth 10 points.
MONTHLY_SURPLUS = SignalKind(
    "monthly_surplus",
    _l("Declared monthly income %(income)s and expenses %(expenses)s"),
    points=10,
    per=1_000_000 * TOMAN,
    cap=100,
    money=True,
)
OWN_KINDS = (MEMBERSHIP_DAYS, MONTHLY_SURPLUS)

# How a line reads when its kind is not declared (any more): never the raw code.
UNDECLARED = _l("A signal of a kind no part of M-Resalat declares (%(value)s)")
NO_LONGER_DECLARED = _l("A signal from a part of M-Resalat that is no longer here (%(value)s)")
# Lines stored before signals had kinds keep the sentences written then, in both languages.
STORED_KEYS = ("description_fa", "description_en")


@dataclass(frozen=True)
class Declared:
    """A signal kind and the plugin that declared it (only that plugin's signals of it count)."""

    source: str
    kind: SignalKind


def _answers(hook: str, subject: Any, **arguments: Any) -> list[tuple[str, Any]]:
    """Each other plugin's answer to ``hook``, with its name, in load order (only the plugins
    active for ``subject``'s region are asked). Merat's own kinds and signals are its own: it never
    asks itself."""
    return [
        (name, answer) for name, answer in hook_answers(hook, subject, **arguments) if name != plugin.name
    ]


def declared_kinds(subject: Any = None) -> dict[str, Declared]:
    """Every declared kind by its code: Merat's own first, then each plugin's, in load order.

    ``subject`` (a member) asks only the plugins active in their region; None asks every plugin
    switched on anywhere, read once per request or command. A kind two plugins declare stays
    the first one's.
    """
    cached = subject is None and has_app_context() and "merat_declared_kinds" in g
    if cached:
        found: dict[str, Declared] = g.merat_declared_kinds
        return found
    found = {kind.kind: Declared(plugin.name, kind) for kind in OWN_KINDS}
    for source, answer in _answers("resalat_credit_signal_kinds", subject):
        for kind in answer or ():
            found.setdefault(kind.kind, Declared(source, kind))
    if subject is None and has_app_context():
        g.merat_declared_kinds = found
    return found


def plugin_signals(member: Member) -> list[CreditSignal]:
    """The signals of every plugin active in the member's region, each with its ``source`` filled."""
    session = object_session(member) or db_session()
    return plugin_signals_many(session, [member])[member.id]


def plugin_signals_many(session: Session, members: Sequence[Member]) -> dict[int, list[CreditSignal]]:
    """Every member's signals by id: each plugin asked once for the whole list through
    ``resalat_credit_signals_many``; a plugin that answers only the per-member hook (written
    before SDK 1.7) is still asked, member by member."""
    found: dict[int, list[CreditSignal]] = {m.id: [] for m in members}
    batched = {plugin.name}
    for source, given, answer in hook_answers_many("resalat_credit_signals_many", members, session=session):
        batched.add(source)
        for member in given:
            found[member.id].extend(replace(signal, source=source) for signal in answer.get(member.id, ()))
    per_member = {name for name, _impl in _implementers("resalat_credit_signals")} - batched
    if per_member:
        for member in members:
            for source, answer in hook_answers(
                "resalat_credit_signals", member, only=per_member, member=member
            ):
                found[member.id].extend(replace(signal, source=source) for signal in answer or ())
    return found


def _implementers(hook: str) -> list[tuple[str, Any]]:
    """The plugins answering ``hook``, switched on anywhere or not (the caller asks by region)."""
    return [(impl.plugin_name, impl) for impl in every_plugin_hook(hook).get_hookimpls()]


def own_signals(member: Member, profile: Any, days: int) -> list[CreditSignal]:
    """What Merat itself knows: how long the member has been with us, and their declared month."""
    signals = [CreditSignal(MEMBERSHIP_DAYS.kind, days, source=plugin.name)]
    if profile is not None:
        signals.append(
            CreditSignal(
                MONTHLY_SURPLUS.kind,
                profile.surplus,
                params={
                    "income": Money(profile.monthly_income),
                    "expenses": Money(profile.monthly_expenses),
                },
                source=plugin.name,
            )
        )
    return signals


def typed_value(value: int, declared: Declared | None) -> Any:
    """A signal's value as its sentence shows it: money in tomans, a count with separators."""
    return Money(value) if declared is not None and declared.kind.money else Number(value)


def describe(source: str, kind: str, value: int, params: Mapping[str, Any] | None, *, weighted: bool) -> str:
    """A stored signal in the reader's language, from its kind's declared description."""
    stored = params or {}
    if any(stored.get(key) for key in STORED_KEYS):
        first = "description_en" if current_language() == "en" else "description_fa"
        return str(stored.get(first) or stored.get("description_fa") or stored.get("description_en"))
    declared = declared_kinds().get(kind)
    if declared is None or declared.source != source:
        return render(NO_LONGER_DECLARED if weighted else UNDECLARED, {"value": Number(value)})
    variables = {**decode_params(stored), "value": typed_value(value, declared)}
    try:
        return render(declared.kind.description, variables)
    except (KeyError, TypeError, ValueError):
        # A line stored before its kind's wording gained a variable.
        return render(NO_LONGER_DECLARED, {"value": typed_value(value, declared)})
