"""One rule for words and numbers on screen, proven on each helper that writes them.

Digits, decimals, lists and places follow the reader's language even in a template compiled
for another reader first; a stored reference ("loan:12") is shown as a named link, never as code.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, render_template_string, session

from resalat_core import formats


def _as(app: Flask, lang: str, source: str, **context: Any) -> str:
    with app.test_request_context("/"):
        session["lang"] = lang
        return render_template_string(source, **context)


def test_a_constant_is_written_for_each_reader_not_for_the_first(app: Flask) -> None:
    # One template, compiled once: Jinja would fold "'1404/01/01'|digits" for whoever came first.
    source = "{{ '1404/01/01'|digits }}|{{ 4.5|decimal }}|{{ 12500|number }}|{{ ['a', 'b']|listed }}"
    assert _as(app, "fa", source) == "۱۴۰۴/۰۱/۰۱|۴٫۵|۱۲٬۵۰۰|a، b"
    assert _as(app, "en", source) == "1404/01/01|4.5|12,500|a, b"
    assert _as(app, "fa", source) == "۱۴۰۴/۰۱/۰۱|۴٫۵|۱۲٬۵۰۰|a، b"


def test_one_decimal_separator_per_language() -> None:
    assert formats.format_decimal(5, lang="fa") == "۵٫۰"
    assert formats.format_decimal(4.25, 2, lang="fa") == "۴٫۲۵"
    assert formats.format_decimal(1.5, lang="en") == "1.5"
    assert formats.format_decimal(2.0, lang="fa", trim=True) == "۲"
    assert formats.format_decimal(-0.5, lang="fa") == "\u2212۰٫۵"


def test_a_place_is_named_with_the_readers_comma(app: Flask) -> None:
    from resalat_core.regions.services import get_region

    def place(lang: str) -> tuple[str, str]:
        with app.test_request_context("/"):
            session["lang"] = lang
            region = get_region(app.extensions["resalat"].db.session, "zanjan/zanjan")
            names = (
                (region.name_fa, region.parent.name_fa)
                if lang == "fa"
                else (region.name_en, region.parent.name_en)
            )
            comma = "، " if lang == "fa" else ", "
            return render_template_string("{{ r|place }}", r=region), names[0] + comma + names[1]

    for lang in ("fa", "en", "fa"):
        shown, expected = place(lang)
        assert shown == expected
    assert "،" not in place("en")[0]


@pytest.fixture
def refs_app(make_app: Any) -> Flask:
    from resalat_fixture_refs import plugin

    return make_app(extra_plugins={"fixture_refs": plugin})  # type: ignore[no-any-return]


def test_a_reference_is_a_link_named_by_its_owner(refs_app: Flask) -> None:
    fa = _as(refs_app, "fa", "{{ 'thing:12'|reference }}")
    en = _as(refs_app, "en", "{{ 'thing:12'|reference }}")
    assert fa == '<a href="/things/12">مورد شماره‌ی ۱۲</a>'
    assert en == '<a href="/things/12">record no. 12</a>'


def test_a_reference_nobody_owns_is_still_words(refs_app: Flask) -> None:
    assert _as(refs_app, "fa", "{{ 'parcel:8'|reference }}") == "مورد شماره‌ی ۸"
    assert _as(refs_app, "fa", "{{ 'not a reference'|reference }}") == "یک مورد"
    assert _as(refs_app, "fa", "{{ none|reference }}") == ""
    assert "<" not in _as(refs_app, "en", "{{ '<b>:1'|reference }}")
