"""A member's pages, in Persian: my deposit, my points, the term table; the totals for those who oversee."""

from __future__ import annotations

import re

import pytest
from resalat_deposits import services

from resalat_core.sdk import Member, main_account
from resalat_core.testing import PASSWORD

M = 10_000_000  # a million tomans, in rials


@pytest.fixture
def saver(client_as, top_up):
    """A signed-in member with 100M tomans in their main account."""
    client = client_as()
    top_up(client.member_id, rials=100 * M)
    return client


def key_of(html: str, form: str) -> str:
    block = html.split(f'data-testid="{form}"', 1)[1]
    return re.search(r'name="key" value="([0-9a-f]+)"', block).group(1)


def balances(db, member_id):
    with db() as s:
        member = s.get(Member, member_id)
        return main_account(s, member).posted, services.balance_of(s, member)


def test_a_member_deposits_on_the_page_and_sees_the_balance_in_tomans(saver, db):
    html = saver.get("/deposits/").get_data(as_text=True)
    assert 'dir="rtl"' in html and "سپرده‌ی قرض‌الحسنه" in html
    key = key_of(html, "deposit-form")
    r = saver.form("/deposits/deposit", {"amount": "۳٬۰۰۰٬۰۰۰", "key": key}, token_from="/deposits/")
    assert r.status_code == 302
    # The same form sent twice (a double tap) deposits once.
    saver.form("/deposits/deposit", {"amount": "۳٬۰۰۰٬۰۰۰", "key": key}, token_from="/deposits/")
    assert balances(db, saver.member_id) == (97 * M, 3 * M)
    page = saver.get("/deposits/").get_data(as_text=True)
    assert "۳٬۰۰۰٬۰۰۰ تومان" in page
    assert 'data-testid="entry"' in page


def test_withdrawing_more_than_the_deposit_is_refused_on_the_field(saver, db, snapshot):
    saver.form("/deposits/deposit", {"amount": "1000000", "key": "a" * 32}, token_from="/deposits/")
    before = snapshot()
    r = saver.form("/deposits/withdraw", {"amount": "2000000", "key": "b" * 32}, token_from="/deposits/")
    assert r.status_code == 400
    assert "۱٬۰۰۰٬۰۰۰ تومان" in r.get_data(as_text=True)  # what the deposit holds
    assert snapshot() == before


@pytest.mark.parametrize("amount", ["", "abc", "0", "-5"])
def test_a_bad_amount_on_the_deposit_form_is_a_400_with_a_message(saver, snapshot, amount):
    before = snapshot()
    r = saver.form("/deposits/deposit", {"amount": amount, "key": "c" * 32}, token_from="/deposits/")
    assert r.status_code == 400
    assert 'data-testid="error"' in r.get_data(as_text=True)
    assert snapshot() == before


def test_the_points_page_gives_points_to_a_relative(saver, db, person, history, t0):
    from .conftest import days

    history(saver.member_id, [(t0 - days(400), 10 * M)])
    wife = person(name="زهرا رضایی")
    html = saver.get("/deposits/points").get_data(as_text=True)
    data = {
        "mobile": wife.mobile,
        "national_code": wife.national_code,
        "relation": "spouse",
        "amount": "4,000,000",
        "password": "wrong-password",
        "key": key_of(html, "give-form"),
    }
    r = saver.form("/deposits/points/give", data, token_from="/deposits/points")
    assert r.status_code == 400
    assert 'id="e-password"' in r.get_data(as_text=True)
    r = saver.form("/deposits/points/give", {**data, "password": PASSWORD}, token_from="/deposits/points")
    assert r.status_code == 302
    page = saver.get("/deposits/points").get_data(as_text=True)
    assert "زهرا رضایی" in page and "همسر" in page
    with db() as s:
        assert services.points_of(s, s.get(Member, wife.id)).received == 4 * M


def test_the_term_page_answers_for_an_amount(saver, history, t0):
    from .conftest import days

    history(saver.member_id, [(t0 - days(400), 100 * M)])  # 100M tomans of points
    html = saver.get("/deposits/terms?amount=۲٬۰۰۰٬۰۰۰").get_data(as_text=True)
    assert "بلندترین مدت بازپرداخت ۶۰ ماه است" in html
    html = saver.get("/deposits/terms?amount=110000000").get_data(as_text=True)
    assert 'data-testid="answer"' in html and "alert-warning" in html
    assert saver.get("/deposits/terms?amount=abc").status_code == 400


def test_pages_need_a_signed_in_member(client):
    for url in ("/deposits/", "/deposits/points", "/deposits/terms"):
        assert client.get(url).status_code in (302, 401)


def test_a_member_sees_only_their_own_deposit(client_as, db, history, t0):
    from .conftest import days

    other = client_as()
    history(other.member_id, [(t0 - days(10), 7 * M)])
    me = client_as()
    html = me.get("/deposits/").get_data(as_text=True)
    assert "۷٬۰۰۰٬۰۰۰" not in html
    assert 'data-testid="empty"' in html


def test_totals_are_for_administrators_of_their_regions(client_as, history, make_member, t0):
    from .conftest import days

    zanjani = make_member(region="zanjan/gorg-tappeh")
    tehrani = make_member(region="tehran/tehran")
    history(zanjani, [(t0 - days(10), 5 * M)])
    history(tehrani, [(t0 - days(10), 9 * M)])
    assert client_as().get("/deposits/admin").status_code == 403
    officer = client_as("admin", region="zanjan/zanjan")
    html = officer.get("/deposits/admin").get_data(as_text=True)
    assert "۵٬۰۰۰٬۰۰۰ تومان" in html and "۱۴٬۰۰۰٬۰۰۰" not in html
    admin = client_as("admin", role_region=None)
    assert "۱۴٬۰۰۰٬۰۰۰ تومان" in admin.get("/deposits/admin").get_data(as_text=True)


def test_the_statement_and_history_pages_cost_the_same_queries_for_few_rows_or_many(
    saver, db, count_queries, history, t0
):
    from .conftest import days

    def cost(url: str) -> int:
        saver.get(url)  # warm up: the session, the nav items
        with count_queries() as q:
            assert saver.get(url).status_code == 200
        return q.count

    history(saver.member_id, [(t0 - days(400), 10 * M)])
    with db() as s:
        services.use_points(s, s.get(Member, saver.member_id), 1, reference="r0")
    few = cost("/deposits/"), cost("/deposits/points")
    history(saver.member_id, [(t0 - days(300 - i), 1 * M) for i in range(15)])
    with db() as s:
        me = s.get(Member, saver.member_id)
        for i in range(15):
            services.use_points(s, me, 1, reference=f"r{i + 1}")
    many = cost("/deposits/"), cost("/deposits/points")
    assert many == few


def test_wrong_signatures_on_the_page_count_towards_the_throttle(saver, db, person, history, t0, snapshot):
    from .conftest import days

    history(saver.member_id, [(t0 - days(400), 10 * M)])
    wife = person(name="زهرا رضایی")
    data = {
        "mobile": wife.mobile,
        "national_code": wife.national_code,
        "relation": "spouse",
        "amount": "1000000",
        "password": "wrong-password",
    }
    before = snapshot()
    for n in range(5):  # the test app allows five failures in the window
        r = saver.form("/deposits/points/give", {**data, "key": f"k{n}"}, token_from="/deposits/points")
        assert r.status_code == 400 and 'id="e-password"' in r.get_data(as_text=True)

    spent = saver.form(
        "/deposits/points/give", {**data, "password": PASSWORD, "key": "k9"}, token_from="/deposits/points"
    )

    assert spent.status_code == 429
    assert snapshot() == before


def test_every_mistake_on_the_gift_form_is_shown_at_once(saver, snapshot):
    before = snapshot()
    r = saver.form(
        "/deposits/points/give",
        {"mobile": "0912", "national_code": "", "relation": "brother", "amount": "abc", "password": ""},
        token_from="/deposits/points",
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    for name in ("mobile", "national_code", "relation", "amount", "password", "key"):
        assert f'id="e-{name}"' in html or name in ("relation", "key"), name
    assert 'id="e-relation"' in html
    assert snapshot() == before
