"""Signing a social guarantee from what a leader typed, for the page and the API alike.

The cap is typed in tomans; the host's ``read_money`` reads it, at the edge, into the integer
rials the service takes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from resalat_core.sdk import BadInput, Member, read_money
from resalat_leaders import services
from resalat_leaders.models import SocialGuarantee


def sign_as_typed(session: Session, leader: Member, values: Any) -> SocialGuarantee:
    """Sign a guarantee from what was typed (the page's form or the API's body): the cap in tomans.

    A cap that cannot be read is reported with every other bad field at once: the service is
    still asked (with no cap), and the reader's own message on the cap is kept.
    """
    try:
        cap_rials = read_money(values.get("cap"), unit="toman", field="cap")
        unreadable = None
    except BadInput as exc:
        cap_rials, unreadable = None, exc
    try:
        return services.sign_guarantee(
            session,
            leader,
            member=values.get("member"),
            cap_rials=cap_rials,
            statement=values.get("statement"),
            valid_until=values.get("valid_until"),
            password=values.get("password"),
        )
    except BadInput as exc:
        if unreadable is not None:
            exc.fields["cap"] = unreadable.fields["cap"]
        raise
