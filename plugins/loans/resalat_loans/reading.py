"""Lists typed on the loans pages and commands: categories, programmes, guarantors' mobiles."""

from __future__ import annotations

from typing import Any


def codes(value: Any) -> list[str]:
    """Codes typed one after another, separated by commas (categories, programmes, mobiles)."""
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [str(x).strip() for x in items if str(x).strip()]
