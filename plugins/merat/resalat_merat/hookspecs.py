"""The hooks Merat offers: the credit signals every plugin may give about a member.

A plugin that gives signals without requiring Merat marks its answers
``@hookimpl(optionalhook=True)``: with Merat absent nobody asks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resalat_core.sdk import hookspec

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from resalat_core.sdk import CreditSignal, Member, SignalKind


@hookspec
def resalat_credit_signals(member: Member) -> list[CreditSignal]:
    """What the plugin knows about ``member``'s creditworthiness, as ``CreditSignal`` values.

    Merat asks it only of a plugin that does not answer ``resalat_credit_signals_many`` (a
    plugin written before SDK 1.7): member by member, which a refresh of millions cannot
    afford. When: each time Merat scores a member (on a report, a loan request, ``resalat merat
    refresh``); only plugins active in the member's region are asked. Arguments: ``member``.
    Transaction: the scoring's, read only; keep it to a query or two. Every kind returned must
    be declared by the plugin in ``resalat_credit_signal_kinds``. An exception fails the scoring.

    Example::

        @hookimpl(optionalhook=True)
        def resalat_credit_signals(member):
            visits = services.visits_of(object_session(member), member)
            return [CreditSignal("health_visits", visits)] if visits else []
    """


@hookspec
def resalat_credit_signals_many(session: Session, members: list[Member]) -> dict[int, list[CreditSignal]]:
    """What the plugin knows about each of ``members``, by member id: the batched signals (since 1.7).

    When: each time Merat scores members: once per chunk of ``resalat merat refresh`` (its
    periodic job, in-process or on the Celery workers, a few hundred members at a time), and
    with one member for a report or a loan request. Only the members of regions where the
    plugin is active are given. Arguments: ``session``; ``members``. Transaction: the scoring's,
    read only; answer with a fixed handful of queries for the whole list (``IN`` or a
    ``GROUP BY`` over the member ids), never one per member. A member with nothing may be left
    out of the answer. Every kind returned must be declared in ``resalat_credit_signal_kinds``.
    A plugin that answers this hook is not asked ``resalat_credit_signals`` by Merat. An
    exception fails the scoring (the chunk is rolled back and retried).

    Example::

        @hookimpl(optionalhook=True)
        def resalat_credit_signals_many(session, members):
            visits = services.visits_by_member(session, [m.id for m in members])
            return {mid: [CreditSignal("health_visits", n)] for mid, n in visits.items()}
    """


@hookspec
def resalat_credit_signal_kinds() -> list[SignalKind]:
    """The credit signals the plugin gives, each with its description and default weight.

    When: once per scoring and on Merat's pages that explain the weights. Arguments: none.
    Transaction: none. A deployment overrides a weight in ``[plugins.merat.weights.<kind>]``.
    An exception fails the scoring.

    Example::

        @hookimpl(optionalhook=True)
        def resalat_credit_signal_kinds():
            return [SignalKind("health_visits", _l("Health visits: %(value)s"), 5, 1, 50)]
    """
