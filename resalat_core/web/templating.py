"""Template helpers: the money and date filters, the language, and the layout's navigation."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup, escape

from resalat_core import formats
from resalat_core.text import to_persian_digits


def current_language(default: str = "fa") -> str:
    """The reader's language for this request; ``default`` outside one (a CLI command, a job).

    Services that write messages pass "en": a command's output and its log read in English.
    """
    try:
        return str(get_locale() or default)
    except (RuntimeError, AttributeError):
        return default


def localized(obj: Any, attr: str) -> str:
    """``obj.<attr>_fa`` or ``obj.<attr>_en`` (or dict keys) for the current language."""
    lang = current_language()
    for suffix in (lang, "fa", "en"):
        key = f"{attr}_{suffix}"
        value = obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)
        if value:
            return value
    return ""


def digits(value: Any) -> str:
    """Persian digits in the Persian UI, as given otherwise."""
    text = str(value)
    return to_persian_digits(text) if current_language() == "fa" else text


def money(rials: int | None, unit: str = "toman") -> str:
    if rials is None:
        return ""
    return formats.format_money(int(rials), lang=current_language(), unit=unit)


def number(value: int | None) -> str:
    return "" if value is None else formats.format_number(int(value), lang=current_language())


def jdate(value: date | datetime | None, with_time: bool = False) -> str:
    return formats.format_date(value, lang=current_language(), with_time=with_time)


def ltr(value: Any) -> Markup:
    """Isolate a left-to-right token (mobile, national code, IBAN, URL) inside Persian text."""
    return Markup('<bdi dir="ltr">{}</bdi>').format(escape(digits(value)))


def nav_items() -> list[Any]:
    from resalat_core.plugins.activation import region_hook

    if not current_user.is_authenticated:
        return []
    caller = region_hook("resalat_nav_items", current_user)
    items = [item for result in caller(member=current_user) for item in (result or [])]
    return sorted(items, key=lambda i: i.order)


def init_templating(app: Flask) -> None:
    from resalat_core.i18n import template_gettext, template_ngettext, template_pgettext

    app.jinja_env.add_extension("jinja2.ext.do")  # for the pager macro's dict updates
    # Templates translate through the host's gettext, so their numbers, amounts and dates are
    # written the reader's way as in Python code (Flask-Babel's own leaves them as given).
    app.jinja_env.globals.update(
        _=template_gettext,
        gettext=template_gettext,
        ngettext=template_ngettext,
        pgettext=template_pgettext,
    )
    app.jinja_env.filters.update(
        money=money, jdate=jdate, digits=digits, number=number, ltr=ltr, localized=localized
    )

    from resalat_core.access import can

    @app.context_processor
    def _layout_context() -> dict[str, Any]:
        lang = current_language()
        return {
            "lang": lang,
            "text_dir": "rtl" if lang == "fa" else "ltr",
            "localized": localized,
            "nav_items": nav_items,
            "can": can,
            "current_path": request.full_path.rstrip("?") if request else "/",
        }
