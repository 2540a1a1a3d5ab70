"""The one Persian text normaliser: digits, Arabic letter variants, invisible marks, search keys."""

from __future__ import annotations

import re
import unicodedata

ZWNJ = "\u200c"

_PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
_ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
_LATIN_DIGITS = "0123456789"

_TO_LATIN = str.maketrans(_PERSIAN_DIGITS + _ARABIC_DIGITS, _LATIN_DIGITS * 2)
_TO_PERSIAN = str.maketrans(_LATIN_DIGITS + _ARABIC_DIGITS, _PERSIAN_DIGITS * 2)

# Characters removed from stored text. Direction marks and isolates come from copy-paste out of
# other apps and make equal-looking strings compare unequal; U+061C (Arabic letter mark) is a
# direction mark too. U+200B and U+FEFF are invisible and never meant.
_INVISIBLE = (
    "\u200e\u200f\u061c"
    + "".join(map(chr, range(0x202A, 0x202F)))
    + "".join(map(chr, range(0x2066, 0x206A)))
    + "\u200b\ufeff"
)
# Control characters (C0 but tab, line feed and carriage return, which split() turns into spaces;
# DEL; C1) and lone surrogates: the API refuses them at the door, and text that comes another way
# (a CLI argument, an imported file) loses them here.
_CONTROLS = (
    "".join(map(chr, range(0x00, 0x09)))
    + "\x0b\x0c"
    + "".join(map(chr, range(0x0E, 0x20)))
    + "".join(map(chr, range(0x7F, 0xA0)))
    + "".join(map(chr, range(0xD800, 0xE000)))
)
# Tatweel (kashida) only stretches a word; harakat are optional vowel signs.
_MARKS = "\u0640" + "".join(map(chr, range(0x064B, 0x0653))) + "\u0670"

_STORE_TABLE = str.maketrans(
    {
        "\u064a": "\u06cc",  # ي Arabic yeh -> ی Persian yeh
        "\u0649": "\u06cc",  # ى alef maksura -> ی
        "\u0643": "\u06a9",  # ك Arabic kaf -> ک Persian kaf
        **{c: None for c in _INVISIBLE + _MARKS + _CONTROLS},
    }
)

# Folds that are right for matching but would change how a stored name is spelled.
_SEARCH_TABLE = str.maketrans(
    {
        "\u0629": "\u0647",  # ة teh marbuta -> ه
        "\u06c0": "\u0647",  # ۀ heh with yeh above -> ه
        "\u0623": "\u0627",  # أ -> ا
        "\u0625": "\u0627",  # إ -> ا
        "\u0671": "\u0627",  # ٱ alef wasla -> ا
        "\u0624": "\u0648",  # ؤ -> و
        # ئ -> ی: Persian writes both قائن and قاین, پائیز and پاییز.
        "\u0626": "\u06cc",
        # A hamza or madda left over as a separate mark after composition adds nothing to a match.
        "\u0653": None,
        "\u0654": None,
        "\u0655": None,
        # ZWNJ becomes a space so 'می‌روم' typed with a ZWNJ finds 'می روم' typed with a space:
        # most keyboards without a ZWNJ key lead people to type a space there.
        ZWNJ: " ",
    }
)

_ZWNJ_RUN = re.compile(ZWNJ + "{2,}")


def to_latin_digits(s: str) -> str:
    """Persian (۰-۹) and Arabic-Indic (٠-٩) digits to 0-9; everything else unchanged."""
    return s.translate(_TO_LATIN)


def to_persian_digits(s: str) -> str:
    """0-9 (and Arabic-Indic ٠-٩) to Persian ۰-۹; everything else unchanged."""
    return s.translate(_TO_PERSIAN)


def normalize_text(s: str | None) -> str:
    """Clean user text for storing: Persian Yeh/Kaf, no marks, direction or other controls, tidy spaces.

    ZWNJ is kept (it is part of correct Persian spelling) but runs of it are collapsed and it is
    dropped next to a space or at either end, where it has no effect.
    """
    if not s:
        return ""
    # NFC first so precomposed and decomposed input give the same letters; again at the end
    # because removing a tatweel can bring a letter and a combining mark together.
    text = unicodedata.normalize("NFC", s).translate(_STORE_TABLE)
    text = unicodedata.normalize("NFC", text)
    words = []
    for word in text.split():  # str.split() splits on every Unicode space, NBSP included
        word = _ZWNJ_RUN.sub(ZWNJ, word).strip(ZWNJ)
        if word:
            words.append(word)
    return " ".join(words)


def search_key(s: str | None) -> str:
    """A folded form for search and indexing: compare search_key(query) in search_key(text).

    On top of normalize_text: compatibility forms (Arabic presentation forms, full-width Latin)
    unfolded, ة/ۀ → ه, أ/إ/ٱ → ا (آ kept), ؤ → و, ئ → ی, ZWNJ → space, Latin digits, case folded.
    """
    if not s:
        return ""
    # NFKC turns presentation forms such as 'ﻙ' into plain letters that the tables then fold.
    text = normalize_text(unicodedata.normalize("NFKC", s))
    text = to_latin_digits(text.translate(_SEARCH_TABLE)).casefold()
    return " ".join(text.split())


__all__ = [
    "ZWNJ",
    "normalize_text",
    "search_key",
    "to_latin_digits",
    "to_persian_digits",
]
