"""The small rules under the pages: masking names, tomans for spreadsheets, Tehran days, the tile."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from resalat_hesam import hooks, services

from resalat_core.sdk import BadInput, get_region, ids_under


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("مریم احمدی", "م*** ا***"),
        ("جعفر  قراجه‌لو", "ج*** ق***"),  # extra spaces and a zero-width non-joiner inside a word
        ("كريم", "ک***"),  # the Arabic Kaf is folded to the Persian one before masking
        ("", "***"),
        (None, "***"),
    ],
)
def test_a_name_is_masked_to_its_initials(name, masked):
    assert services.mask_name(name) == masked


@pytest.mark.parametrize(
    ("rials", "text"), [(0, "0"), (10, "1"), (15, "1.5"), (-25005, "-2500.5"), (123_456_780, "12345678")]
)
def test_tomans_for_a_spreadsheet_are_plain_numbers(rials, text):
    assert services.tomans(rials) == text


def test_a_jalali_day_starts_at_midnight_in_tehran():
    # 1404/01/01 is 2025-03-21; Tehran is UTC+3:30.
    f = services.read_filter({"since": "۱۴۰۴/۰۱/۰۱", "until": "1404/01/01"})

    stmt = services.statement_stmt(type("A", (), {"id": 1})(), f)

    assert (f.since, f.until) == (date(2025, 3, 21), date(2025, 3, 21))
    params = stmt.compile().params
    assert datetime(2025, 3, 20, 20, 30) in params.values()
    assert datetime(2025, 3, 21, 20, 30) in params.values()
    assert f.args() == {"since": "۱۴۰۴/۰۱/۰۱", "until": "1404/01/01"}


def test_bad_filters_are_reported_together():
    with pytest.raises(BadInput) as caught:
        services.read_filter({"since": "1404/01/32", "until": "x", "direction": "up", "purpose": "A B"})

    assert set(caught.value.fields) == {"since", "until", "direction", "purpose"}


def test_the_tile_reads_the_balance_without_opening_an_account(app, make_member, fund):
    from resalat_core.sdk import Member, get_db

    empty, funded = make_member(), make_member()
    fund(funded, 12_500)
    with app.test_request_context():
        s = get_db().session
        (tile_empty,) = hooks.resalat_tiles(s.get(Member, empty))
        (tile_funded,) = hooks.resalat_tiles(s.get(Member, funded))
        assert services.find_main_account(s, s.get(Member, empty)) is None
        assert (tile_empty.url, str(tile_empty.description)) == ("/hesam/", "موجودی: ۰ تومان")
    with app.test_request_context("/api/v1/hesam/accounts", headers={"Accept-Language": "en"}):
        assert str(tile_funded.description) == "Balance: 12,500 tomans"


def test_the_dashboard_counts_transfers_between_members_of_the_area(
    app, db, client_as, person, fund, ask_to_send, confirm
):
    maryam = client_as()
    fund(maryam.member_id, 1_000)
    confirm(maryam, ask_to_send(maryam, person().mobile, "10").token)

    with db() as s:
        (everywhere,) = hooks.resalat_stats(session=s, area=None)
        (zanjan,) = hooks.resalat_stats(session=s, area=ids_under(s, [get_region(s, "zanjan").id]))
        (tehran,) = hooks.resalat_stats(session=s, area=ids_under(s, [get_region(s, "tehran").id]))

    assert (everywhere.value, zanjan.value, tehran.value) == (1, 1, 0)
