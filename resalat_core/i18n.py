"""Translation helpers: English message ids, Persian first at run time (Flask-Babel catalogs).

Numbers, amounts and dates passed as a message's variables are written the reader's way: Persian
digits in a Persian sentence, tomans with separators, Jalali dates (see ``resalat_core.words``),
so no plugin formats them by hand before translating.
"""

from __future__ import annotations

import re
from typing import Any

from flask import g, has_app_context, has_request_context
from flask_babel import get_domain, get_locale
from flask_babel.speaklater import LazyString
from markupsafe import Markup

LANGUAGES = ("fa", "en")
DEFAULT_LANGUAGE = "fa"


_INTEGER = re.compile(r"%\((\w+)\)d")


def _prepare(text: str, variables: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The variables written the reader's way, and ``text`` ready for them.

    A ``%(n)d`` is written as the reader's digits too, so catalogues may keep their ``d``.
    """
    from resalat_core.words import render_value

    rendered = {name: render_value(value) for name, value in variables.items()}
    text = _INTEGER.sub(
        lambda m: f"%({m.group(1)})s" if isinstance(rendered.get(m.group(1)), str) else m.group(0), text
    )
    return text, rendered


def _format(text: str, variables: dict[str, Any]) -> str:
    """``text % variables`` with every number, amount and date written the reader's way."""
    if not variables:
        return text
    text, rendered = _prepare(text, variables)
    return text % rendered


def _translations() -> Any:
    """The catalogue of the reader's language, found once per request and locale.

    Flask-Babel looks it up again for every message (the locale, its name, a cache) where a page
    translates a hundred or more; held on ``g`` with the locale object it is for, so a message
    written in another member's language (``force_locale``, which sets another locale object)
    is still translated into that one.
    """
    if not has_app_context():
        return get_domain().get_translations()
    locale = get_locale()
    held = g.get("_resalat_translations")
    if held is not None and held[0] is locale:
        return held[1]
    found = get_domain().get_translations()
    g._resalat_translations = (locale, found)
    return found


def gettext(message: str, **variables: Any) -> str:
    """Translate now; outside an app context (no catalog) the English text is returned."""
    text = _translations().ugettext(message)
    return _format(text, variables)


def pgettext(context: str, message: str, **variables: Any) -> str:
    """Translate ``message`` in ``context``: one English word with two senses gets two wordings."""
    text = _translations().upgettext(context, message)
    return _format(text, variables)


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    text = _translations().ungettext(singular, plural, num)
    return _format(text, variables)


def lazy_gettext(message: str, **variables: Any) -> LazyString:
    """A text translated when it is shown, in the reader's language at that moment."""
    return LazyString(gettext, message, **variables)


def lazy_pgettext(context: str, message: str, **variables: Any) -> LazyString:
    return LazyString(pgettext, context, message, **variables)


def _markup(text: str, variables: dict[str, Any]) -> Markup:
    # The catalogue's text is trusted; every variable is escaped by Markup's own % operator.
    if not variables:
        return Markup(text)  # noqa: S704 (a catalogue's text, never a member's)
    text, rendered = _prepare(text, variables)
    return Markup(text) % rendered  # noqa: S704


def template_gettext(message: str, **variables: Any) -> Markup:
    """``_()`` in templates: like ``gettext``, with the variables HTML-escaped."""
    return _markup(_translations().ugettext(message), variables)


def template_ngettext(singular: str, plural: str, num: int, **variables: Any) -> Markup:
    variables.setdefault("num", num)
    return _markup(_translations().ungettext(singular, plural, num), variables)


def template_pgettext(context: str, message: str, **variables: Any) -> Markup:
    return _markup(_translations().upgettext(context, message), variables)


_ = gettext
_l = lazy_gettext

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LazyString",
    "_",
    "_l",
    "gettext",
    "has_request_context",
    "lazy_gettext",
    "lazy_pgettext",
    "ngettext",
    "pgettext",
]
