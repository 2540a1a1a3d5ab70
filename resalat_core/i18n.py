"""Translation helpers: English message ids, Persian first at run time (Flask-Babel catalogs)."""

from __future__ import annotations

from flask import has_request_context
from flask_babel import gettext as _babel_gettext
from flask_babel import lazy_gettext as _babel_lazy
from flask_babel import ngettext as _babel_ngettext

LANGUAGES = ("fa", "en")
DEFAULT_LANGUAGE = "fa"


def gettext(message: str, **variables: object) -> str:
    """Translate now; outside an app context the English text is returned unchanged."""
    try:
        return _babel_gettext(message, **variables)
    except RuntimeError:  # no application context (import time, plain scripts)
        return message % variables if variables else message


def ngettext(singular: str, plural: str, num: int, **variables: object) -> str:
    try:
        return _babel_ngettext(singular, plural, num, **variables)
    except RuntimeError:
        variables.setdefault("num", num)
        text = singular if num == 1 else plural
        return text % variables


lazy_gettext = _babel_lazy
_ = gettext
_l = lazy_gettext

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "_",
    "_l",
    "gettext",
    "has_request_context",
    "lazy_gettext",
    "ngettext",
]
