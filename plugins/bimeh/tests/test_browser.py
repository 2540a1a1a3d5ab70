"""On a phone, in a real browser, in Persian: ask a price, see it before confirming, buy, then file
a claim with a photo and read it."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from resalat_bimeh.models import Claim, Policy
from sqlalchemy import func, select

from resalat_core.sdk import Member, format_date, today_in_iran
from resalat_core.testing import PASSWORD, assert_accessible, layout_problems, work

pytestmark = pytest.mark.browser

WIDTH = 390


def test_a_member_buys_insurance_and_files_a_claim_on_a_phone(app, live_server, page, world, tmp_path):
    with work(app) as s:
        mobile = s.get(Member, world.member).mobile
    photo = tmp_path / "lamb.png"
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (110, 140, 60)).save(out, "PNG")
    photo.write_bytes(out.getvalue())
    page.set_viewport_size({"width": WIDTH, "height": 800})

    page.goto(f"{live_server}/auth/login?next=/bimeh/")
    page.fill("#f-identifier", mobile)
    page.fill("#f-password", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/bimeh/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert layout_problems(page, WIDTH) == []

    page.locator("[data-testid=products-link]").click()
    page.wait_for_url("**/bimeh/products")
    assert_accessible(page, "products")
    page.locator("[data-testid=product][data-code=livestock] [data-testid=quote-link]").click()
    page.fill("#f-heads", "۱۰")
    page.select_option("#f-instalments", "3")
    page.locator("[data-testid=get-quote]").click()
    quote = page.locator("[data-testid=quote]")
    assert "۹۵٬۰۰۰٬۰۰۰ تومان" in quote.locator("[data-testid=quote-sum]").inner_text()
    assert "آنچه پوشش نمی‌دهد" in quote.inner_text()
    assert layout_problems(page, WIDTH) == []
    assert_accessible(page, "quote")
    with work(app) as s:
        assert s.scalar(select(func.count(Policy.id))) == 0  # nothing is bought before confirming
    page.locator("[data-testid=buy]").click()
    page.wait_for_url("**/bimeh/policies/*")
    assert "۹۵٬۰۰۰٬۰۰۰ تومان" in page.locator("[data-testid=insured-sum]").inner_text()
    assert_accessible(page, "policy")

    page.locator("[data-testid=claim-link]").click()
    page.wait_for_url("**/claim")
    assert layout_problems(page, WIDTH) == []
    assert_accessible(page, "claim form")
    with app.test_request_context():
        today = format_date(today_in_iran())
    page.fill("#f-description", "یک رأس بره بر اثر بیماری تلف شد.")
    page.fill("#f-loss_on", today)
    page.fill("#f-amount", "۹٬۵۰۰٬۰۰۰")
    page.set_input_files("#f-photos", str(photo))
    page.locator("[data-testid=file-claim]").click()
    page.wait_for_url("**/bimeh/claims/*")
    assert "در انتظار بیمه‌گر" in page.locator("[data-testid=claim-status]").inner_text()
    assert page.locator("[data-testid=claim-files] img").count() == 1
    assert layout_problems(page, WIDTH) == []
    assert_accessible(page, "claim")
    with work(app) as s:
        assert s.scalar(select(Claim.amount)) == 95_000_000
