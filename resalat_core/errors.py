"""The one error type for bad input, and the few others the host maps to HTTP statuses."""

from __future__ import annotations

from typing import Any


class ResalatError(Exception):
    """Base of every error the host turns into a clear message instead of a 500."""

    status: int = 400
    code: str = "bad_input"

    def __init__(
        self,
        message: Any,
        *,
        fields: dict[str, Any] | None = None,
        code: str | None = None,
        keep_changes: bool = False,
    ) -> None:
        super().__init__(str(message))
        # Kept as given: a lazy translation renders in the reader's language at display time.
        self.message = message
        self.fields = fields or {}
        if code:
            self.code = code
        # What the refused act already wrote must still be committed (a wrong password is
        # counted towards throttling even though the act it signed is refused).
        self.keep_changes = keep_changes

    def form_errors(self) -> dict[str, str]:
        """What a page shows: one message per field, and the summary under ``_form``."""
        errors = {k: str(v[0] if isinstance(v, list | tuple) and v else v) for k, v in self.fields.items()}
        errors["_form"] = str(self.message)
        return errors

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": {
                "code": self.code,
                "message": str(self.message),
                "fields": {k: _as_list(v) for k, v in self.fields.items()},
            }
        }


def _as_list(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _as_list(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


class BadInput(ResalatError):
    """Input that fails validation: 400, changes nothing."""

    status = 400
    code = "bad_input"


class NotAllowed(ResalatError):
    """The caller is known but may not do this: 403."""

    status = 403
    code = "forbidden"


class NotFound(ResalatError):
    """No such thing, or not visible to this caller: 404."""

    status = 404
    code = "not_found"


class Conflict(ResalatError):
    """The request clashes with current state (a used idempotency key, a duplicate): 409."""

    status = 409
    code = "conflict"


class TooManyAttempts(ResalatError):
    """Throttled: 429. ``minutes``, when known, is how long until trying again is allowed."""

    status = 429
    code = "too_many_attempts"
    minutes: int | None = None
    # Seconds until trying again is allowed, when known to the second (else from ``minutes``).
    retry_after: int | None = None

    def retry_after_seconds(self) -> int | None:
        if self.retry_after is not None:
            return self.retry_after
        return self.minutes * 60 if self.minutes is not None else None


class PluginError(Exception):
    """A plugin set that cannot be loaded as declared (missing or cyclic requirement, clash)."""
