"""Words a person reads: typed values in sentences, and texts stored as a kind plus parameters.

A sentence is written once, in English, with lazy gettext (``_l``) and translated by catalogues.
Its variables are typed so that each is written the reader's way when the sentence is shown:

- an ``int`` in Persian digits in a Persian sentence (``سفارش ۸``), Latin digits in English;
- ``Money(rials)`` in tomans with separators (``۱۲٬۵۰۰ تومان``);
- ``Number(n)`` with thousands separators; ``Digits("0012")`` a code whose digits are localised;
- ``Day(date)`` and ``Moment(datetime)`` as Jalali dates in Persian, ISO dates in English;
- ``Words(_l("..."))`` a translated word inside another sentence (a status, a kind);
- ``Named(fa, en)`` a name that is data in two languages (a product's): the reader's is shown.

Records that outlive the request (a notification, a ledger line, a credit-score line) keep the
kind of text and its parameters, encoded with ``encode_params``; they are rendered in the
reader's language when read, so a wording fixed in a catalogue fixes every old record too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypeAlias

from flask_babel.speaklater import LazyString

# A text a person reads: a lazy translation (``_l("...")``) or a plain string that is data
# (a member's name, a product's title) and is shown as written.
Text: TypeAlias = "str | LazyString"


class Money(int):
    """An amount in integer rials, shown as tomans in the reader's language."""

    __slots__ = ()


class Number(int):
    """A count shown with thousands separators (``۱۲٬۵۰۰``)."""

    __slots__ = ()


class Digits(str):
    """A code made of digits (a serial, a core ID) whose digits follow the reader's language."""

    __slots__ = ()


class Day:
    """A calendar day: Jalali in Persian, ISO in English."""

    __slots__ = ("value",)

    def __init__(self, value: date) -> None:
        self.value = value.date() if isinstance(value, datetime) else value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Day) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"Day({self.value!r})"


class Moment:
    """A moment (stored in UTC), shown with its time in Tehran."""

    __slots__ = ("value",)

    def __init__(self, value: datetime) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Moment) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"Moment({self.value!r})"


class Named:
    """A name that is data in two languages (a product's, a programme's): the reader's is shown."""

    __slots__ = ("fa", "en")

    def __init__(self, fa: str, en: str) -> None:
        self.fa, self.en = fa, en

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Named) and (other.fa, other.en) == (self.fa, self.en)

    def __hash__(self) -> int:
        return hash((self.fa, self.en))

    def __repr__(self) -> str:
        return f"Named({self.fa!r}, {self.en!r})"


class Words:
    """A translated text used as a variable of another text (a status inside a sentence)."""

    __slots__ = ("text",)

    def __init__(self, text: Text) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Words) and _msgid(other.text) == _msgid(self.text)

    def __hash__(self) -> int:
        return hash(_msgid(self.text))

    def __repr__(self) -> str:
        return f"Words({_msgid(self.text)!r})"


def _language() -> str:
    from resalat_core.web.templating import current_language

    return current_language()


def render_value(value: Any, lang: str | None = None) -> Any:
    """A message variable as the reader should see it; anything untyped is left as it is."""
    from resalat_core import formats
    from resalat_core.text import to_persian_digits

    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, LazyString):
        return str(value)
    lang = lang or _language()
    persian = lang == "fa"
    if isinstance(value, Money):
        return formats.format_money(int(value), lang=lang)
    if isinstance(value, Number):
        return formats.format_number(int(value), lang=lang)
    if isinstance(value, int):
        return to_persian_digits(str(value)) if persian else str(value)
    if isinstance(value, Digits):
        return to_persian_digits(str(value)) if persian else str(value)
    if isinstance(value, Moment):
        return formats.format_date(value.value, lang=lang, with_time=True)
    if isinstance(value, Day):
        return formats.format_date(value.value, lang=lang)
    if isinstance(value, Words):
        return str(value.text)
    if isinstance(value, Named):
        return (value.fa or value.en) if persian else (value.en or value.fa)
    return value


def render(text: Text, params: Mapping[str, Any] | None = None) -> str:
    """``text`` translated into the reader's language with ``params`` written the reader's way."""
    if isinstance(text, LazyString):
        if not params:
            return str(text)
        merged = {**text._kwargs, **params}
        return str(text._func(*text._args, **merged))
    if params:
        return str(text) % {name: render_value(value) for name, value in params.items()}
    return str(text)


def join_words(items: Iterable[Any], lang: str | None = None) -> str:
    """Items as one list in the reader's language: 'الف، ب' in Persian, 'a, b' in English."""
    lang = lang or _language()
    return ("، " if lang == "fa" else ", ").join(str(render_value(item, lang)) for item in items)


# --- storing parameters ------------------------------------------------------------------------


def _msgid(text: Text) -> Any:
    """What identifies a lazy text in a catalogue: its message id (with its context, if any)."""
    if isinstance(text, LazyString):
        return list(text._args) if len(text._args) > 1 else text._args[0]
    return text


def encode_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Parameters as JSON, each typed value tagged so that ``decode_params`` gives it back."""
    out: dict[str, Any] = {}
    for name, value in (params or {}).items():
        if isinstance(value, Money):
            out[name] = {"$money": int(value)}
        elif isinstance(value, Number):
            out[name] = {"$number": int(value)}
        elif isinstance(value, Digits):
            out[name] = {"$digits": str(value)}
        elif isinstance(value, Moment):
            out[name] = {"$moment": value.value.isoformat()}
        elif isinstance(value, Day):
            out[name] = {"$day": value.value.isoformat()}
        elif isinstance(value, Named):
            out[name] = {"$named": {"fa": value.fa, "en": value.en}}
        elif isinstance(value, Words | LazyString):
            text = value.text if isinstance(value, Words) else value
            msgid = _msgid(text)
            out[name] = {"$words": msgid, "$translated": isinstance(text, LazyString)}
        elif value is None or isinstance(value, bool | int | str):
            out[name] = value
        else:
            raise TypeError(f"parameter {name!r} of type {type(value).__name__} cannot be stored")
    return out


def decode_params(stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """The typed parameters ``encode_params`` stored."""
    from resalat_core.i18n import lazy_gettext, lazy_pgettext

    out: dict[str, Any] = {}
    for name, value in (stored or {}).items():
        if isinstance(value, dict) and len(value) >= 1:
            if "$money" in value:
                out[name] = Money(value["$money"])
            elif "$number" in value:
                out[name] = Number(value["$number"])
            elif "$digits" in value:
                out[name] = Digits(value["$digits"])
            elif "$moment" in value:
                out[name] = Moment(datetime.fromisoformat(value["$moment"]))
            elif "$day" in value:
                out[name] = Day(date.fromisoformat(value["$day"]))
            elif "$named" in value:
                out[name] = Named(value["$named"].get("fa", ""), value["$named"].get("en", ""))
            elif "$words" in value:
                msgid = value["$words"]
                if not value.get("$translated", True):
                    out[name] = Words(str(msgid))
                elif isinstance(msgid, list):
                    out[name] = Words(lazy_pgettext(msgid[0], msgid[1]))
                else:
                    out[name] = Words(lazy_gettext(msgid))
            else:
                out[name] = value
        else:
            out[name] = value
    return out


__all__ = [
    "Day",
    "Digits",
    "Moment",
    "Money",
    "Named",
    "Number",
    "Text",
    "Words",
    "decode_params",
    "encode_params",
    "join_words",
    "render",
    "render_value",
]
