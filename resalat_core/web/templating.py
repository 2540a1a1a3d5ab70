"""Template helpers: the money and date filters, the language, and the layout's navigation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import Flask, request
from flask_babel import get_locale
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape
from sqlalchemy import inspect as sa_inspect

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


def decimal(value: float | None, places: int = 1) -> str:
    """A fraction (a rating's stars) with the reader's decimal separator and digits."""
    return "" if value is None else formats.format_decimal(float(value), places, lang=current_language())


def jdate(value: date | datetime | None, with_time: bool = False) -> str:
    return formats.format_date(value, lang=current_language(), with_time=with_time)


def place(region: Any) -> str:
    """A region with its parent ("Gorg Tappeh, Zanjan"), names and comma in the reader's language."""
    from resalat_core.words import join_words

    if region is None:
        return ""
    parts = [localized(region, "name")]
    parent_id = getattr(region, "parent_id", None)
    if parent_id is not None:
        parent: Any = None
        state = sa_inspect(region, raiseerr=False)
        if state is not None and "parent" in state.unloaded:
            # Not loaded with the place: the worker's kept names serve every row of a list
            # without a query each (without the member cache, the parent is read as before).
            from resalat_core.db import db_session
            from resalat_core.regions.services import kept_names

            names = kept_names(db_session())
            parent = names.get(parent_id) if names is not None else None
        if parent is None:
            parent = region.parent
        if parent is not None:
            parts.append(localized(parent, "name"))
    return join_words(parts)


def listed(items: Any) -> str:
    """Items as one list with the reader's comma: 'الف، ب' in Persian, 'a, b' in English."""
    from resalat_core.words import join_words

    return join_words(items)


def reference(value: str | None) -> Markup:
    """A stored reference ("loan:12") as a link named by the plugin that owns it."""
    from resalat_core.references import link

    return link(value)


def ltr(value: Any) -> Markup:
    """Isolate a left-to-right token (mobile, national code, IBAN, URL) inside Persian text."""
    return Markup('<bdi dir="ltr">{}</bdi>').format(escape(digits(value)))


def mobile(value: Any, owner_id: int | None = None) -> Markup:
    """A mobile number: whole for its owner (``owner_id``, the member it belongs to), masked for
    anyone else, so a page never hands out another member's number."""
    from resalat_core.identity import mobile_for_reader

    return ltr(mobile_for_reader(value, owner_id))


def national_code(value: Any, owner_id: int | None = None) -> Markup:
    """A national code: whole for its owner, the last four digits for anyone else."""
    from resalat_core.identity import national_code_for_reader

    return ltr(national_code_for_reader(value, owner_id))


def nav_items() -> list[Any]:
    """The top bar's (and a phone's bottom bar's) links, with their counts; cached per member."""
    from resalat_core.plugins.activation import region_hook
    from resalat_core.plugins.base import NavItem
    from resalat_core.web.membercache import cached_items

    if not current_user.is_authenticated:
        return []
    member = current_user._get_current_object()

    def compute() -> list[NavItem]:
        caller = region_hook("resalat_nav_items", member)
        items = [item for result in caller(member=member) for item in (result or [])]
        return sorted(items, key=lambda i: i.order)

    return cached_items(member, "nav", compute, NavItem)


def _per_request(func: Callable[..., Any]) -> Callable[..., Any]:
    @pass_context
    def written_now(_context: Any, *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    written_now.__name__ = written_now.__qualname__ = func.__name__
    written_now.__doc__ = func.__doc__
    return written_now


def init_templating(app: Flask) -> None:
    from resalat_core.i18n import template_gettext, template_ngettext, template_pgettext

    app.jinja_env.add_extension("jinja2.ext.do")  # for the pager macro's dict updates
    # Templates translate through the host's gettext, so their numbers, amounts and dates are
    # written the reader's way as in Python code (Flask-Babel's own leaves them as given).
    from resalat_core.files.services import file_srcset, file_url
    from resalat_core.web.once import new_token

    app.jinja_env.globals.update(
        file_url=file_url,
        file_srcset=file_srcset,
        once_token=new_token,
        _=template_gettext,
        gettext=template_gettext,
        ngettext=template_ngettext,
        pgettext=template_pgettext,
    )
    # Each filter writes for the reader of this request. Jinja folds a filter applied to a
    # constant ("'1404/01/01'|digits") once, when the template is compiled, in whichever language
    # the first reader had; a filter that takes the context is never folded.
    app.jinja_env.filters.update(
        {
            name: _per_request(func)
            for name, func in dict[str, Callable[..., Any]](
                money=money,
                jdate=jdate,
                digits=digits,
                number=number,
                decimal=decimal,
                ltr=ltr,
                mobile=mobile,
                national_code=national_code,
                localized=localized,
                place=place,
                listed=listed,
                reference=reference,
            ).items()
        }
    )

    from resalat_core.access import can

    @app.context_processor
    def _layout_context() -> dict[str, Any]:
        lang = current_language()
        return {
            "lang": lang,
            "text_dir": "rtl" if lang == "fa" else "ltr",
            "comma": "، " if lang == "fa" else ", ",  # between items of a list written inline
            "localized": localized,
            "nav_items": nav_items,
            "can": can,
            "current_path": request.full_path.rstrip("?") if request else "/",
        }
