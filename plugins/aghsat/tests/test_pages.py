"""The pages: my instalments, a purchase's schedule, paying one now after a confirmation, a
supporter's payment, the seller's opt-in, and the administrators' plans and exposure."""

from __future__ import annotations

from resalat_aghsat.models import Plan

from resalat_core.sdk import Member
from resalat_core.testing import work

from .conftest import TOMAN


def signed_in(market, client, member_id: int):
    return client.sign_in(member_id)


def bought(market, client):
    maryam = market.buyer("C")
    market.cart(maryam)
    (order_id,) = market.checkout(maryam, "aghsat.p6")
    return maryam, market.purchase(order_id), client.sign_in(maryam)


def test_my_instalments_lists_each_purchase_with_its_next_instalment(market, client, count_queries):
    maryam, purchase, me = bought(market, client)

    with count_queries() as counted:
        page = me.get("/aghsat/")
    html = page.get_data(as_text=True)

    assert page.status_code == 200
    assert f'data-testid="purchase" data-id="{purchase.id}"' in html
    assert "۱۵۴٬۰۰۰ تومان" in html and "پرداخت یک قسط همین حالا" in html
    assert "رتبه‌ی مرآت شما" in html
    assert counted.count < 30  # the list does not grow a query per purchase


def test_the_schedule_page_shows_every_instalment_and_only_to_its_buyer(market, client, make_member):
    maryam, purchase, me = bought(market, client)

    html = me.get(f"/aghsat/purchases/{purchase.id}").get_data(as_text=True)

    assert html.count('data-testid="instalment"') == 6
    assert "۱۵۷٬۰۰۰ تومان" in html  # the last one carries the rounding
    assert "۲۷٬۰۰۰ تومان" in html  # the fee, fixed
    stranger = client.application.test_client().sign_in(make_member())
    assert stranger.get(f"/aghsat/purchases/{purchase.id}").status_code == 404


def test_pay_one_now_asks_first_and_pays_once(market, client):
    maryam, purchase, me = bought(market, client)
    before = market.balance(maryam)

    confirm = me.get(f"/aghsat/purchases/{purchase.id}/pay").get_data(as_text=True)
    assert 'data-testid="pay-form"' in confirm and "۱۵۴٬۰۰۰ تومان" in confirm
    assert market.balance(maryam) == before  # the confirmation page moved nothing

    key = confirm.split('name="key" value="')[1].split('"')[0]
    url = f"/aghsat/purchases/{purchase.id}/pay"
    first = me.form(url, {"key": key, "first": "1"}, token_from=url)
    again = me.form(url, {"key": key, "first": "1"}, token_from=url)

    assert first.status_code == 302 and again.status_code == 302
    assert market.balance(maryam) == before - 1_540_000
    stale = me.form(url, {"key": "another", "first": "1"}, token_from=url)  # instalment 1 is paid
    assert stale.status_code == 302
    assert market.balance(maryam) == before - 1_540_000
    assert market.verify()


def test_a_supporter_pays_part_of_a_members_purchase_after_confirming(market, client, make_member, top_up):
    maryam, purchase, _me = bought(market, client)
    with work(market.app) as s:
        mobile = s.get(Member, maryam).mobile
    helper = make_member(name="علی حامی")
    top_up(helper, rials=2_000_000)
    them = market.app.test_client().sign_in(helper)

    wrong = them.get(
        "/aghsat/support", query_string={"mobile": "09120000000", "number": purchase.id, "amount": "100000"}
    )
    assert wrong.status_code == 400 and "هیچ خرید اقساطی جاری" in wrong.get_data(as_text=True)

    query = {"mobile": mobile, "number": str(purchase.id), "amount": "100000"}
    confirm = them.get("/aghsat/support", query_string=query).get_data(as_text=True)
    assert 'data-testid="support-confirm"' in confirm and "مریم احمدی" in confirm
    key = confirm.split('name="key" value="')[1].split('"')[0]
    done = them.form("/aghsat/support", {**query, "key": key}, token_from="/aghsat/support")

    assert done.status_code == 302
    assert market.balance(helper) == 1_000_000
    after = market.purchase(purchase.order_id)
    assert after.schedule[0].paid == 1_000_000 and after.schedule[0].paid_at is None
    html = client.sign_in(maryam).get(f"/aghsat/purchases/{purchase.id}").get_data(as_text=True)
    assert "علی حامی" in html
    assert market.verify()


def test_a_seller_opts_a_booth_in_and_out(market, client):
    seller = client.sign_in(market.shop.owner_id)
    page = seller.get("/aghsat/booths").get_data(as_text=True)
    assert "فروش اقساطی دارد" in page

    url = f"/aghsat/booths/{market.shop.booth_id}"
    assert seller.form(url, {"on": "0"}, token_from="/aghsat/booths").status_code == 302
    maryam = market.buyer("A")
    market.cart(maryam)
    assert [m for m in market.methods(maryam) if m.plugin == "aghsat"] == []
    # Someone else's booth is not theirs to change.
    other = client.application.test_client().sign_in(maryam)
    assert other.form(url, {"on": "1"}, token_from="/aghsat/booths").status_code in (302, 404)
    assert [m for m in market.methods(maryam) if m.plugin == "aghsat"] == []


def test_an_admin_adds_a_plan_within_the_norms(market, client_as):
    admin = client_as("admin", role_region=None)
    url = "/aghsat/admin/plans"
    assert admin.get(url).status_code == 200
    form = {
        "code": "p24",
        "name_fa": "بیست‌وچهارماهه",
        "name_en": "Twenty-four months",
        "months": "24",
        "down_percent": "20",  # below a quarter: refused
        "fee_bps": "600",  # above the loans' cap: refused
        "min_rating": "A",
        "amount_max": "500000000",
        "active": "1",
    }
    refused = admin.form(url, form)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and html.count("is-invalid") >= 2
    assert "درصدی از ۲۵ تا ۳۰ وارد کنید" in html and "عددی از ۰ تا ۴۰۰ وارد کنید" in html
    saved = admin.form(url, {**form, "down_percent": "30", "fee_bps": "400"})
    assert saved.status_code == 302
    with work(market.app) as s:
        plan = s.query(Plan).filter_by(code="p24").one()
        assert (plan.months, plan.down_bps, plan.fee_bps, plan.amount_max) == (
            24,
            3000,
            400,
            500_000_000 * TOMAN,
        )


def test_the_exposure_page_sums_what_the_fund_has_out_by_province_and_rating(market, client, client_as):
    bought(market, client)
    admin = client_as("admin", role_region=None)

    html = admin.get("/aghsat/admin/exposure").get_data(as_text=True)

    by_region = html.split('data-testid="by-region"')[1].split("</table>")[0]
    assert "زنجان" in by_region and "۹۰۰٬۰۰۰ تومان" in by_region
    by_rating = html.split('data-testid="by-rating"')[1].split("</table>")[0]
    assert "۹۰۰٬۰۰۰ تومان" in by_rating


def test_members_cannot_open_the_admin_pages(market, client_as):
    member = client_as()
    assert member.get("/aghsat/admin/plans").status_code == 403
    assert member.get("/aghsat/admin/exposure").status_code == 403
