"""Accounts and statements: Persian tomans, Jalali dates, earmarked funds, reservations, filters, no N+1."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from resalat_hesam.services import PENDING_SHOWN
from sqlalchemy import update

from resalat_core.sdk import (
    Entry,
    Member,
    get_db,
    main_account,
    statement_query,
    to_persian_digits,
    transfer,
    utcnow,
)
from resalat_core.testing import Roles


def test_the_accounts_page_shows_the_main_balance_in_persian_tomans(client_as, fund):
    maryam = client_as()
    fund(maryam.member_id, 1_250_000)

    html = maryam.get("/hesam/").get_data(as_text=True)

    assert 'dir="rtl"' in html
    assert 'data-testid="available">۱٬۲۵۰٬۰۰۰ تومان<' in html
    assert 'data-testid="no-pending"' in html


def test_a_first_visit_opens_the_main_account_at_zero(client_as):
    html = client_as().get("/hesam/").get_data(as_text=True)

    assert 'data-testid="available">۰ تومان<' in html


def test_an_earmarked_grant_shows_what_it_may_buy_and_until_when(grants, make_member, earmark, signed_in):
    jafar = make_member(name="جعفر قراجه‌لو")
    # 1410/01/01 at noon in Tehran.
    expires = datetime(2031, 3, 21, 8, 30)
    earmark(
        jafar, 40_000_000, purposes=["fixture_fair", "fixture_premium"], expires_at=expires, within=grants
    )

    html = signed_in(grants, jafar).get("/hesam/").get_data(as_text=True)

    card = html.split('data-testid="earmarked"')[1]
    # Named by the purpose it was granted for, with its typed parameter, as its plugin words it.
    assert "کمک‌هزینه‌ی دام سبک شماره‌ی ۱۲" in card
    assert "۴۰٬۰۰۰٬۰۰۰ تومان" in card
    assert 'data-purpose="fixture_fair">خرید از بازارچه‌ی محلی<' in card
    assert 'data-purpose="fixture_premium">حق بیمه‌ی دام<' in card
    assert "قابل مصرف تا ۱۴۱۰/۰۱/۰۱" in card
    assert 'data-testid="expired"' not in card


def test_an_expired_earmark_says_so_and_one_without_an_end_says_that(client_as, earmark):
    jafar = client_as()
    earmark(jafar.member_id, 1_000, expires_at=utcnow() - timedelta(days=1))
    earmark(jafar.member_id, 2_000)

    cards = jafar.get("/hesam/").get_data(as_text=True).split('data-testid="earmarked"')[1:]

    assert 'data-testid="expired"' in cards[0]
    assert "بدون تاریخ پایان" in cards[1] and 'data-testid="expired"' not in cards[1]


def test_earmarked_money_of_a_purpose_nobody_declares_reads_plainly(client_as, earmark):
    # Without the plugin that granted it, the account and what it may pay for read as the host's words.
    jafar = client_as()
    earmark(jafar.member_id, 1_000, purposes=["fixture_fair"])

    card = jafar.get("/hesam/").get_data(as_text=True).split('data-testid="earmarked"')[1]

    assert "وجه اختصاصی" in card
    assert 'data-purpose="fixture_fair">انتقال دیگر<' in card


def test_in_english_the_same_page_reads_left_to_right(client_as, earmark):
    jafar = client_as()
    earmark(jafar.member_id, 1_000)
    jafar.get("/lang/en")

    html = jafar.get("/hesam/").get_data(as_text=True)

    assert 'dir="ltr"' in html
    assert "1,000 tomans" in html and "Main account" in html and "Earmarked money" in html


def _reserve(app, member_id: int, rials: int, key: str) -> None:
    """A payment held but not yet settled: the amount is reserved for another member, not spent."""
    with app.app_context():
        s = get_db().session
        member = s.get(Member, member_id)
        payee = s.get(Member, Roles(app)())
        transfer(
            s,
            key,
            main_account(s, member),
            main_account(s, payee),
            rials,
            "member_transfer",
            pending=True,
            timeout=timedelta(days=3),
        )
        s.commit()


def test_pending_reservations_are_shown_apart_from_the_balance(app, client_as, fund):
    maryam = client_as()
    fund(maryam.member_id, 100_000)
    _reserve(app, maryam.member_id, 300_000, "order:1")

    html = maryam.get("/hesam/").get_data(as_text=True)

    assert 'data-testid="available">۷۰٬۰۰۰ تومان<' in html
    assert "کنار گذاشته برای پرداخت‌های در انتظار: ۳۰٬۰۰۰ تومان" in html
    (item,) = html.split('data-testid="pending-item"')[1:]
    assert "انتقال میان اعضا" in item and "۳۰٬۰۰۰ تومان" in item


def _entries_at(app, member_id: int, when: list[datetime]) -> None:
    """Move the member's entries (oldest first) to the given times (naive UTC)."""
    with app.app_context():
        s = get_db().session
        account = main_account(s, s.get(Member, member_id))
        ids = [e.id for e in s.scalars(statement_query(account))][::-1]
        for entry_id, at in zip(ids, when, strict=True):
            s.execute(update(Entry).where(Entry.id == entry_id).values(created_at=at))
        s.commit()


def test_the_statement_filters_by_jalali_days_in_tehran_time(app, client_as, fund, main_account_id):
    maryam = client_as()
    for tomans in (1_000, 2_000, 3_000):
        fund(maryam.member_id, tomans)
    # 1403/12/30 23:30 Tehran, 1404/01/01 00:30 Tehran, 1404/01/02 12:00 Tehran.
    _entries_at(
        app,
        maryam.member_id,
        [datetime(2025, 3, 20, 20, 0), datetime(2025, 3, 20, 21, 0), datetime(2025, 3, 22, 8, 30)],
    )
    url = f"/hesam/accounts/{main_account_id(maryam.member_id)}"

    first_day = maryam.get(f"{url}?since=۱۴۰۴/۰۱/۰۱&until=1404-01-01").get_data(as_text=True)
    from_new_year = maryam.get(f"{url}?since=1404/01/01").get_data(as_text=True)
    until_new_year = maryam.get(f"{url}?until=1404/01/01").get_data(as_text=True)

    assert first_day.count('data-testid="entry"') == 1 and "۲٬۰۰۰ تومان" in first_day
    assert from_new_year.count('data-testid="entry"') == 2
    assert until_new_year.count('data-testid="entry"') == 2
    assert "۱۴۰۴/۰۱/۰۱ ۰۰:۳۰" in first_day  # the date is shown Jalali, in Tehran time


def test_the_statement_filters_by_direction_and_purpose(
    client_as, person, fund, ask_to_send, confirm, main_account_id
):
    maryam = client_as()
    jafar = person()
    fund(maryam.member_id, 10_000)
    confirm(maryam, ask_to_send(maryam, jafar.mobile, "4000").token)
    url = f"/hesam/accounts/{main_account_id(maryam.member_id)}"

    money_out = maryam.get(f"{url}?direction=out").get_data(as_text=True)
    money_in = maryam.get(f"{url}?direction=in").get_data(as_text=True)
    transfers = maryam.get(f"{url}?purpose=member_transfer").get_data(as_text=True)
    everything = maryam.get(url).get_data(as_text=True)

    assert money_out.count('data-direction="out"') == 1 and 'data-direction="in"' not in money_out
    assert money_in.count('data-direction="in"') == 1 and 'data-direction="out"' not in money_in
    assert transfers.count('data-testid="entry"') == 1 and "انتقال میان اعضا" in transfers
    assert everything.count('data-testid="entry"') == 2
    # Each line says what it was, with whom, and the balance after it.
    assert "ع*** آ***" in everything and "مانده: ۶٬۰۰۰ تومان" in everything
    assert '<option value="member_transfer">انتقال میان اعضا</option>' in everything


def test_the_statement_is_paged_and_keeps_its_filters_across_pages(client_as, fund, main_account_id):
    maryam = client_as()
    for n in range(1, 26):
        fund(maryam.member_id, n)
    url = f"/hesam/accounts/{main_account_id(maryam.member_id)}"

    first = maryam.get(f"{url}?direction=in&per_page=10").get_data(as_text=True)
    third = maryam.get(f"{url}?direction=in&per_page=10&page=3").get_data(as_text=True)

    assert first.count('data-testid="entry"') == 10
    assert third.count('data-testid="entry"') == 5
    assert "۱ / ۳" in first
    (next_link,) = re.findall(r'href="([^"]*page=2[^"]*)"', first)
    assert "direction=in" in next_link and "per_page=10" in next_link
    assert "۲۵ تراکنش" in first


def _fill(fund, member_id: int, entries: int) -> None:
    for n in range(entries):
        fund(member_id, 1_000 + n)


@pytest.mark.parametrize("page", ["accounts", "statement"])
def test_the_pages_cost_the_same_queries_for_5_or_50_entries(
    app, client_as, fund, earmark, main_account_id, count_queries, page
):
    counts = []
    for entries in (5, 50):
        member = client_as()
        _fill(fund, member.member_id, entries)
        earmark(member.member_id, 1_000)
        _reserve(app, member.member_id, 10, f"order:{member.member_id}")
        url = (
            "/hesam/"
            if page == "accounts"
            else f"/hesam/accounts/{main_account_id(member.member_id)}?per_page=100"
        )
        assert member.get(url).status_code == 200  # warm: the first visit may open the main account
        with count_queries() as q:
            html = member.get(url).get_data(as_text=True)
        if page == "statement":
            assert html.count('data-testid="entry"') == entries
        counts.append(q.count)

    assert counts[0] == counts[1], counts


def test_the_home_tile_shows_the_main_balance(client_as, fund):
    maryam = client_as()
    fund(maryam.member_id, 2_500)

    html = maryam.get("/").get_data(as_text=True)

    assert "ام‌حساب" in html
    assert "موجودی: ۲٬۵۰۰ تومان" in html


@pytest.mark.parametrize("held", [3, PENDING_SHOWN, PENDING_SHOWN + 2])
def test_the_page_says_how_many_reservations_there_are_past_the_latest_shown(
    app, client_as, fund, count_queries, held
):
    member = client_as()
    fund(member.member_id, 100_000)
    for n in range(held):
        _reserve(app, member.member_id, 10, f"order:{member.member_id}:{n}")
    assert member.get("/hesam/").status_code == 200  # the first visit may open the main account
    with count_queries() as q:
        html = member.get("/hesam/").get_data(as_text=True)
    assert html.count('data-testid="pending-item"') == min(held, PENDING_SHOWN)
    more = 'data-testid="pending-more"' in html
    assert more == (held > PENDING_SHOWN)
    if more:
        shown, total = (to_persian_digits(str(n)) for n in (PENDING_SHOWN, held))
        assert f"آخرین {shown} مورد از {total} رزرو" in html
    # The latest ones and their count in one statement, whatever their number.
    assert len([s for s in q.statements if "wallet_transfers" in s]) == 1


def test_the_accounts_api_reads_the_accounts_alone_and_opens_the_main_one_once(client_as, count_queries):
    member = client_as()
    first = member.get("/api/v1/hesam/accounts")
    assert first.status_code == 200 and first.get_json()[0]["posted"] == 0
    with count_queries() as q:
        again = member.get("/api/v1/hesam/accounts")
    assert again.get_json()[0]["id"] == first.get_json()[0]["id"]
    assert not [s for s in q.statements if "wallet_transfers" in s]
