"""The bundled list of Iran's provinces and places (resalat_core/regions/data.json)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

import resalat_core
from resalat_core.text import normalize_text

DATA = Path(resalat_core.__file__).parent / "regions" / "data.json"
SLUG = re.compile(r"[a-z]+(?:-[a-z]+)*")
PERSIAN_LETTER = re.compile(r"[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc]")


@pytest.fixture(scope="module")
def provinces() -> list[dict[str, Any]]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def places(provinces: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [place for province in provinces for place in province["places"]]


def by_name(provinces: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(p["name_en"], pl["name_en"]): pl for p in provinces for pl in p["places"]}


def test_thirty_one_provinces(provinces: list[dict[str, Any]]) -> None:
    assert len(provinces) == 31
    english = {p["name_en"] for p in provinces}
    for name in [
        "Tehran",
        "Sistan and Baluchestan",
        "North Khorasan",
        "Kohgiluyeh and Boyer-Ahmad",
    ]:
        assert name in english


def test_codes_unique_and_slugs(provinces: list[dict[str, Any]]) -> None:
    codes = [p["code"] for p in provinces] + [pl["code"] for pl in places(provinces)]
    assert len(codes) == len(set(codes))
    for province in provinces:
        assert SLUG.fullmatch(province["code"]), province["code"]
        for place in province["places"]:
            prefix, _, slug = place["code"].partition("/")
            assert prefix == province["code"], place["code"]
            assert SLUG.fullmatch(slug), place["code"]
            assert len(place["code"]) <= 80  # Region.code is String(80)


def test_each_province_has_its_capital_and_two_more(provinces: list[dict[str, Any]]) -> None:
    for province in provinces:
        assert len(province["places"]) >= 3, province["code"]
        assert province["capital"] in {pl["code"] for pl in province["places"]}


def test_kinds(provinces: list[dict[str, Any]]) -> None:
    assert {pl["kind"] for pl in places(provinces)} <= {"city", "town", "village"}


def test_persian_names_are_persian_and_normalised(provinces: list[dict[str, Any]]) -> None:
    for item in provinces + places(provinces):
        assert PERSIAN_LETTER.search(item["name_fa"]), item["code"]
        # Stored as normalize_text would store user input, so lookups by typed name match.
        assert normalize_text(item["name_fa"]) == item["name_fa"], item["code"]
        assert not set(item["name_fa"]) & set("يكى")
        assert item["name_en"].isascii() and item["name_en"].strip() == item["name_en"]


@pytest.mark.parametrize(
    ("province", "place", "name_fa", "kind"),
    [
        ("Yazd", "Ardakan", "اردکان", "city"),  # Karbafi weavers, Zahra Asipour
        ("Sistan and Baluchestan", "Arbab", "ارباب", "village"),  # Al-Ghadir clothing cores
        ("Sistan and Baluchestan", "Zabol", "زابل", "city"),
        ("Kerman", "Pariz", "پاریز", None),  # Andisheh Sabz Pariz saffron
        ("Kerman", "Sirjan", "سیرجان", "city"),
        ("North Khorasan", "Band Yaghmour", "بند یغمور", "village"),  # Hamzeh Safarnia livestock
        ("North Khorasan", "Bojnurd", "بجنورد", "city"),
        ("Hamadan", "Arzanfud", "ارزانفود", "village"),  # Sharifinia family beekeeping
        ("Zanjan", "Gorg Tappeh", "گرگ\u200cتپه", "village"),  # Jafar Gharajehlou's sheep
        ("South Khorasan", "Qaen", "قائن", None),  # saffron
    ],
)
def test_example_core_places(
    provinces: list[dict[str, Any]], province: str, place: str, name_fa: str, kind: str | None
) -> None:
    found = by_name(provinces).get((province, place))
    assert found is not None, f"{place} ({province}) missing"
    assert found["name_fa"] == name_fa
    if kind:
        assert found["kind"] == kind


def test_brief_province_codes(provinces: list[dict[str, Any]]) -> None:
    codes = {p["code"] for p in provinces}
    for code in ["tehran", "zanjan", "sistan-baluchestan", "khorasan-north", "yazd", "kerman"]:
        assert code in codes
    assert "hamadan" in codes
