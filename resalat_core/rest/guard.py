"""The request's text checked once, before any view: no NUL or other control character gets in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from flask import request

from resalat_core.errors import BadInput
from resalat_core.i18n import _

# NUL and the other C0 controls except tab, line feed and carriage return (which a multi-line note
# may hold), DEL, the C1 controls, and lone surrogates (JSON's "\ud800" decodes to one; no database
# can store it). ZWNJ, ZWJ and the direction marks are not here: they are letters' business, and
# the text normaliser decides which of them a stored text keeps.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

_HEADERS = ("Idempotency-Key",)


def has_control(text: str) -> bool:
    """True when ``text`` holds a character no input may carry (see ``CONTROL``)."""
    return CONTROL.search(text) is not None


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string in a JSON value, keys included, with the dotted path of the field it is in."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            yield name, str(key)
            yield from _strings(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def _inputs() -> Iterator[tuple[str, str]]:
    if request.query_string:  # most requests have none: no need to parse one
        for name, value in request.args.items(multi=True):
            yield name, name
            yield name, value
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.is_json:
            body = request.get_json(silent=True)
            if body is not None:
                yield from _strings(body, "")
        elif request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for name, value in request.form.items(multi=True):
                yield name, name
                yield name, value
    for header in _HEADERS:
        sent = request.headers.get(header)
        if sent is not None:
            yield header, sent


def check_request() -> None:
    """Refuse (400, code ``control_character``) a request whose text holds a control character.

    One check for every route, so that no view, service or database sees such text: a NUL ends a
    string in PostgreSQL (an error there), a BEL or ESC stored in a note would reach every screen
    and export that shows it.
    """
    for field, text in _inputs():
        if has_control(text):
            message = _("This field holds a control character that is not allowed.")
            raise BadInput(
                _("%(field)s holds a control character that is not allowed.", field=field or "body"),
                fields={field or "_schema": message},
                code="control_character",
            )
