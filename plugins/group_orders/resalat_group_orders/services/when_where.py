"""The deadline and the place where goods change hands, read the same way for every kind of order."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from resalat_core.sdk import NotFound, Number, _, get_region, normalize_text, today_in_iran
from resalat_group_orders import setting
from resalat_group_orders.models import PLACE_MAX


def check_when_and_where(
    session: Session,
    errors: dict[str, Any],
    *,
    deadline: Any,
    place: Any,
    place_field: str,
    place_hint: str,
    region: Any,
) -> tuple[str, Any]:
    """The deadline, the place where the goods change hands and its region, as every kind of
    order this plugin takes reads them: what is wrong goes into ``errors`` by field."""
    today = today_in_iran()
    if not isinstance(deadline, date):
        errors["deadline"] = _("Enter a date.")
    elif deadline < today:
        errors["deadline"] = _("This date has already passed.")
    elif deadline > today + timedelta(days=int(setting("max_days"))):
        errors["deadline"] = _("At most %(n)s days from today.", n=Number(int(setting("max_days"))))
    text = normalize_text(place) if isinstance(place, str) else ""
    if len(text) < 5:
        errors[place_field] = place_hint
    elif len(text) > PLACE_MAX:
        errors[place_field] = _("At most %(n)s characters.", n=Number(PLACE_MAX))
    found = None
    try:
        found = get_region(session, region) if region else None
    except NotFound:
        found = None
    if found is None:
        errors["region"] = _("Choose a place.")
    return text, found
