"""The hooks Merat offers: the credit signals every plugin may give about a member.

A plugin that gives signals without requiring Merat marks its answers
``@hookimpl(optionalhook=True)``: with Merat absent nobody asks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from resalat_core.sdk import hookspec

if TYPE_CHECKING:
    from resalat_core.sdk import CreditSignal, Member, SignalKind


@hookspec
def resalat_credit_signals(member: Member) -> list[CreditSignal]:
    """What the plugin knows about ``member``'s creditworthiness, as ``CreditSignal`` values.

    When: each time Merat scores a member (on a report, a loan request, ``resalat merat
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
