"""How the deposits plugin plugs into the host: wiring, credit signals for Merat, figures and the demo."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session, object_session

from resalat_core.sdk import CreditSignal, Member, db_session, hookimpl
from resalat_deposits import services


def _session_of(member: Member) -> Session:
    # The caller's own session, so what is read belongs to the caller's transaction.
    return object_session(member) or db_session()


@hookimpl
def resalat_blueprints() -> list[Any]:
    # The settings are checked when the plugin loads, so a bad window or term table stops the start.
    services.check_settings()
    return []


@hookimpl
def resalat_credit_signals(member: Member) -> list[CreditSignal]:
    """The deposit's average over the window, in rials, when above zero (two queries)."""
    return services.credit_signals(_session_of(member), member)
