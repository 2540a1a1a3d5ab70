"""Credit other plugins hold open for a member (pay later, instalments) shows beside their money."""

from __future__ import annotations

import pytest
from resalat_hesam.hookspecs import CreditLine

from resalat_core.testing import token_client


@pytest.fixture
def lines():
    from resalat_fixture_hesamgrants.hooks import LINES

    LINES.clear()
    yield LINES
    LINES.clear()


def test_a_credit_line_shows_what_is_used_and_free_on_the_accounts_page_and_in_the_api(
    grants, make_member, signed_in, lines
):
    lines.append(CreditLine("نسیه‌ی آزمایشی", limit=50_000_000, used=12_000_000, url="/somewhere"))
    lines.append(
        CreditLine(
            "اقساط آزمایشی", limit=10_000_000, used=1_000_000, note="تا پرداخت قسط معوق بسته است", frozen=True
        )
    )
    member = make_member()

    page = signed_in(grants, member).get("/hesam/").get_data(as_text=True)

    first, second = page.split('data-testid="credit-line"')[1:3]
    assert "نسیه‌ی آزمایشی" in first and 'href="/somewhere"' in first
    assert "۳٬۸۰۰٬۰۰۰ تومان" in first  # free: 50,000,000 - 12,000,000 rials
    assert "۱٬۲۰۰٬۰۰۰ تومان" in first and "۵٬۰۰۰٬۰۰۰ تومان" in first
    assert "تا پرداخت قسط معوق بسته است" in second and "۰ تومان" in second  # frozen: nothing free

    body = token_client(grants, member).get("/api/v1/hesam/credit-lines").get_json()
    assert body[0] == {
        "title": "نسیه‌ی آزمایشی",
        "limit_rials": 50_000_000,
        "used_rials": 12_000_000,
        "free_rials": 38_000_000,
        "frozen": False,
        "note": "",
        "url": "/somewhere",
    }
    assert body[1]["free_rials"] == 0 and body[1]["frozen"] is True


def test_without_credit_the_page_has_no_credit_section(grants, make_member, signed_in, lines):
    page = signed_in(grants, make_member()).get("/hesam/").get_data(as_text=True)
    assert 'data-testid="credit-line"' not in page


@pytest.mark.parametrize("amount", [-1, "5", 1.5, True])
def test_a_credit_line_is_whole_rials(amount):
    with pytest.raises(ValueError):
        CreditLine("x", limit=amount, used=0)
