"""Persian text normalisation: what is stored and what search compares."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from resalat_core.text import (
    ZWNJ,
    normalize_text,
    search_key,
    to_latin_digits,
    to_persian_digits,
)

# Text drawn mostly from the Arabic block plus the marks the normaliser must handle.
persianish = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.sampled_from([" ", "\t", "\n", "\u00a0", ZWNJ, "\u200e", "\u200f", "\u202b", "\u2067", "\u0640"]),
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
    ),
    max_size=40,
)


def test_digits_both_ways() -> None:
    assert to_latin_digits("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert to_latin_digits("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert to_latin_digits("کد ۱۲۳abc") == "کد 123abc"
    assert to_persian_digits("1404/01/01") == "۱۴۰۴/۰۱/۰۱"


def test_arabic_yeh_and_kaf_become_persian() -> None:
    # Zahra Asipour typed her craft on an Arabic keyboard layout.
    assert normalize_text("كاربافي") == "کاربافی"
    assert normalize_text("مصطفى") == "مصطفی"


def test_tatweel_harakat_and_direction_marks_removed() -> None:
    assert normalize_text("زعـــفران") == "زعفران"
    assert normalize_text("مُحَمَّد") == "محمد"
    assert normalize_text("\u200fیزد\u200e \u202bاردکان\u202c \u2067x\u2069") == "یزد اردکان x"
    assert normalize_text("رحمٰن") == "رحمن"  # U+0670 superscript alef


def test_zwnj_kept_but_tidied() -> None:
    assert normalize_text("می\u200cروم") == "می\u200cروم"
    assert normalize_text("می\u200c\u200c\u200cروم") == "می\u200cروم"
    assert normalize_text("می\u200c روم") == "می روم"
    assert normalize_text("\u200cگرگ\u200cتپه\u200c") == "گرگ\u200cتپه"
    assert normalize_text("a \u200c b") == "a b"


def test_whitespace_collapsed_and_stripped() -> None:
    assert normalize_text("  بند \t\n یغمور\u00a0 ") == "بند یغمور"


@pytest.mark.parametrize("empty", [None, "", "   ", "\u200c\u200f"])
def test_empty_is_empty_string(empty: str | None) -> None:
    assert normalize_text(empty) == ""
    assert search_key(empty) == ""


def test_normalize_text_keeps_spelling_that_search_folds() -> None:
    # Stored names keep their hamza, teh marbuta and ZWNJ; only search folds them.
    assert normalize_text("قائن") == "قائن"
    assert normalize_text("خانۀ") == "خانۀ"


def test_search_key_folds() -> None:
    assert search_key("مدرسة") == search_key("مدرسه")
    assert search_key("خانۀ") == search_key("خانه")
    assert search_key("أحمد") == search_key("احمد") == search_key("إحمد") == search_key("ٱحمد")
    assert search_key("مؤمن") == search_key("مومن")
    assert search_key("آب") == "آب"  # madda is a different letter in Persian: not folded
    assert search_key("می\u200cروم") == search_key("می روم") == "می روم"
    assert search_key("Saffron ۱۴۰۴ ٣") == "saffron 1404 3"


@pytest.mark.parametrize(
    "stored",
    [
        "زعفران سرگل قائنات، یک مثقال",
        "زعفران سرگل قائنات، يك مثقال",
        "زعفـران سرگل قاینات، یک‌مثقال",
    ],
)
@pytest.mark.parametrize("typed", ["زعفران", " زعفران  ", "زعفران قائنات", "يك مثقال", "یک مثقال"])
def test_saffron_search_finds_qaen_saffron(stored: str, typed: str) -> None:
    # Andisheh Sabz and Qaen saffron listings, typed on Persian and Arabic keyboards alike.
    key = search_key(stored)
    assert search_key(typed) in key or all(word in key for word in search_key(typed).split())


def test_arabic_and_persian_keyboards_find_each_other() -> None:
    stored = "فروشگاه كاربافي اردكان"  # typed with Arabic Yeh/Kaf
    for query in ["کاربافی", "كاربافي", "اردکان", "ﻛﺎﺭﺑﺎﻓﻲ"]:
        assert search_key(query) in search_key(stored)


def test_qaen_spellings_match() -> None:
    assert search_key("قائن") == search_key("قاین")


@given(persianish)
def test_normalize_text_is_idempotent(s: str) -> None:
    once = normalize_text(s)
    assert normalize_text(once) == once


@given(persianish)
def test_normalized_text_has_no_arabic_variants_or_marks(s: str) -> None:
    out = normalize_text(s)
    assert not set(out) & set("يىك\u0640\u200e\u200f\u202b\u2067\t\n\u00a0")
    assert "  " not in out
    assert out == out.strip()
    assert ZWNJ * 2 not in out
    assert f" {ZWNJ}" not in out and f"{ZWNJ} " not in out


@given(persianish)
def test_search_key_is_idempotent_and_latin_digits(s: str) -> None:
    key = search_key(s)
    assert search_key(key) == key
    assert not set(key) & set("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩" + ZWNJ + "ةۀأإٱؤ")


@given(st.integers(min_value=0))
def test_digit_round_trip(n: int) -> None:
    assert to_latin_digits(to_persian_digits(str(n))) == str(n)


def test_control_characters_are_dropped_from_stored_text() -> None:
    # NUL, BEL, BS, ESC, DEL, C1's CSI and a lone surrogate: none means anything in a stored name.
    assert normalize_text("یاد\x00داشت\x07 \x08\x1b[31mقرمز\x7f\x9b\ud800") == "یادداشت [31mقرمز"
    # Tabs and line breaks are spaces between words, as before.
    assert normalize_text("الف\tب\r\nپ") == "الف ب پ"
