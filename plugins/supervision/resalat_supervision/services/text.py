"""What members write: paragraphs normalised line by line, and every bad field reported together."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from resalat_core.sdk import BadInput, _, normalize_text


def clean_paragraphs(raw: Any, *, field: str, limit: int, required: bool = False) -> str:
    """User text normalised line by line (line breaks kept); BadInput naming ``field`` if bad."""
    text = raw if isinstance(raw, str) else ("" if raw is None else str(raw))
    lines = [normalize_text(line) for line in text.replace("\r\n", "\n").split("\n")]
    # Runs of blank lines collapse to one paragraph break.
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    cleaned = "\n".join(kept).strip("\n")
    if required and not cleaned:
        message = _("Required.")
        raise BadInput(message, fields={field: message})
    if len(cleaned) > limit:
        message = _("At most %(max)d characters.", max=limit)
        raise BadInput(message, fields={field: message})
    return cleaned


def merge_errors(*checks: Callable[[], Any]) -> list[Any]:
    """Run every check and report every bad field together (so a form shows them all at once)."""
    errors: dict[str, Any] = {}
    values = []
    for check in checks:
        try:
            values.append(check())
        except BadInput as exc:
            errors.update(exc.fields)
            values.append(None)
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)
    return values
