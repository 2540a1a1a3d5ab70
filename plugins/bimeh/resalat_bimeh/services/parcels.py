"""Parcel cover following M-ST's shipments: an insured parcel that failed or came back is a claim to file."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from resalat_core.sdk import Digits, Words, _l, get_member, notify

from .. import messages
from ..models import ACTIVE, Policy
from .policies import policy_url

# What became of a parcel, as the buyer reads it ("... was not delivered").
LOST = {
    "failed": _l("could not be delivered"),
    "returned": _l("was sent back to the seller"),
}


def shipment_changed(session: Session, order_id: int, status: str) -> Policy | None:
    """Tell the holder of an active parcel policy on ``order_id`` that the parcel failed or came
    back, with the way to claim; the policy found (None: not insured, or nothing to tell)."""
    if status not in LOST:
        return None
    policy = session.scalar(
        select(Policy).where(Policy.order_id == order_id, Policy.product == "parcel", Policy.status == ACTIVE)
    )
    if policy is None:
        return None
    holder: Any = get_member(session, policy.member_id)
    notify(
        holder,
        messages.PARCEL_LOST(
            order=Digits(str(order_id)),
            what=Words(LOST[status]),
            policy=Digits(str(policy.id)),
            url=policy_url(policy.id),
        ),
    )
    return policy
