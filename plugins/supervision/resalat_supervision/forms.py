"""What people type into supervision's forms and API bodies, read once here at the request edge.

A price report's prices are typed in tomans (any digits, separators); the services take integer
rials. A price that cannot be read is passed on as None with its field's error kept aside, so the
service's own errors and these are shown together.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from resalat_core.sdk import BadInput, _, read_money

T = TypeVar("T")
PRICE_FIELDS = ("seen_price", "reference_price")


def read_prices(
    data: Mapping[str, Any], names: Mapping[str, str]
) -> tuple[dict[str, int | None], dict[str, Any]]:
    """A price report's prices as typed, in tomans, read into rials: ``names`` maps each service
    argument to the field it was typed in. Returns the prices (None where empty or unreadable)
    and every field's error, to be reported with the service's own."""
    prices: dict[str, int | None] = {}
    errors: dict[str, Any] = {}
    for argument, field in names.items():
        try:
            prices[argument] = read_money(data.get(field), unit="toman", field=field, required=False)
        except BadInput as exc:
            prices[argument] = None
            errors.update(exc.fields)
    return prices, errors


def with_errors(errors: dict[str, Any], call: Callable[[], T]) -> T:
    """``call()``, with ``errors`` found while reading the input reported beside the service's."""
    try:
        result = call()
    except BadInput as exc:
        if not errors or not exc.fields:
            raise
        raise BadInput(
            _("Please correct the marked fields."), fields={**exc.fields, **errors}, code=exc.code
        ) from None
    if errors:
        # Refused as a whole: what the call wrote is rolled back with the request.
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    return result
