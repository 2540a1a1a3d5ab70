"""Vouchers at M-Bazar's checkout: offered as ways to pay first, spent in part, refused clearly,
given back when an order is cancelled, and always mirrored by the ledger's float."""

from __future__ import annotations

import pytest
from resalat_bazaar import services as bazaar
from resalat_vouchers import services
from resalat_vouchers.models import BY_SUPPORTER, VoucherUse
from sqlalchemy import select

from resalat_core.sdk import BadInput, Member
from resalat_core.testing import work


def test_maryam_pays_part_of_her_honey_with_a_voucher_and_the_rest_stays_on_it(
    app,
    budget,
    make_member,
    make_shop,
    issue,
    in_cart,
    offered,
    buy,
    balance,
    voucher_of,
    top_up,
    ledger_sound,
):
    maryam = make_member(name="مریم احمدی")
    top_up(maryam, rials=10_000_000)
    (voucher,) = issue(budget, [maryam], 300_000)  # 300,000 tomans
    shop = make_shop([{"title": "عسل کوهستان", "price": "200000"}])
    in_cart(maryam, shop.product_ids[0], 1)

    (method,) = offered(maryam)
    assert method.code == f"vouchers.v{voucher}" and method.stage == "first"
    assert method.pay_now == 0  # the voucher covers the whole 200,000 tomans

    (order_id,) = buy(maryam, [], methods=(method.code,))

    assert voucher_of(voucher)["balance"] == 1_000_000  # 100,000 tomans stays on it
    assert balance(maryam) == 10_000_000  # her own money untouched
    with work(app) as s:
        order = s.get(bazaar.Order, order_id)
        assert (order.paid_other, order.paid_main) == (2_000_000, 0)
        (payment,) = order.payments
        assert (payment.method, payment.purpose) == (method.code, "voucher_spent")
    ledger_sound()


def test_a_voucher_smaller_than_the_cart_pays_what_it_holds_and_the_main_account_the_rest(
    budget, make_member, make_shop, issue, buy, balance, voucher_of, top_up, ledger_sound
):
    buyer = make_member()
    top_up(buyer, rials=5_000_000)
    (voucher,) = issue(budget, [buyer], 50_000)
    shop = make_shop([{"price": "200000"}])

    buy(buyer, [(shop.product_ids[0], 1)], methods=(f"vouchers.v{voucher}",))

    assert voucher_of(voucher)["balance"] == 0
    assert balance(buyer) == 5_000_000 - 1_500_000
    ledger_sound()


def test_a_honey_voucher_pays_only_for_the_honey_in_a_mixed_cart(
    budget, make_member, make_shop, issue, in_cart, offered, buy, voucher_of, balance, top_up
):
    buyer = make_member()
    top_up(buyer, rials=50_000_000)
    (voucher,) = issue(budget, [buyer], 1_000_000, categories=["honey"])
    shop = make_shop(
        [
            {"title": "عسل", "category": "honey", "price": "100000"},
            {"title": "زعفران", "category": "saffron", "price": "300000"},
        ]
    )
    in_cart(buyer, shop.product_ids[0], 1)
    in_cart(buyer, shop.product_ids[1], 1)

    (method,) = offered(buyer)
    assert method.pay_now == 3_000_000  # the cheese is still to pay
    buy(buyer, [], methods=(method.code,))

    assert voucher_of(voucher)["balance"] == 9_000_000
    assert balance(buyer) == 50_000_000 - 3_000_000


def test_a_voucher_for_another_region_is_not_offered(budget, make_member, make_shop, issue, in_cart, offered):
    buyer = make_member()
    issue(budget, [buyer], 100_000, regions=["hamadan"])
    shop = make_shop()  # in Zanjan
    in_cart(buyer, shop.product_ids[0], 1)
    assert offered(buyer) == []


def test_an_expired_voucher_is_not_offered_and_refused_with_its_date_changing_nothing(
    app, budget, make_member, make_shop, issue, in_cart, offered, age, snapshot, top_up
):
    buyer = make_member()
    top_up(buyer, rials=5_000_000)
    (voucher,) = issue(budget, [buyer], 100_000)
    shop = make_shop()
    in_cart(buyer, shop.product_ids[0], 1)
    age(voucher, days=1)
    assert offered(buyer) == []
    before = snapshot()

    with work(app) as s:
        member = s.get(Member, buyer)
        with pytest.raises(BadInput) as refused:
            bazaar.checkout(s, member, bazaar.CheckoutRequest(key="late", methods=(f"vouchers.v{voucher}",)))
        s.rollback()
        # And asked directly, as the checkout would after offering it a moment earlier:
        order_due = _fake_dues(s, shop)
        with pytest.raises(BadInput) as direct:
            services.take(s, member, f"vouchers.v{voucher}", order_due, "late")
        s.rollback()

    assert "methods" in refused.value.fields
    assert direct.value.code == "voucher_expired"
    assert snapshot() == before


def test_a_foreign_voucher_cannot_pay_and_changes_nothing(
    app, budget, make_member, make_shop, issue, in_cart, snapshot, top_up
):
    owner, thief = make_member(), make_member()
    top_up(thief, rials=5_000_000)
    (voucher,) = issue(budget, [owner], 100_000)
    shop = make_shop()
    in_cart(thief, shop.product_ids[0], 1)
    before = snapshot()

    with work(app) as s:
        member = s.get(Member, thief)
        with pytest.raises(BadInput) as refused:
            bazaar.checkout(s, member, bazaar.CheckoutRequest(key="steal", methods=(f"vouchers.v{voucher}",)))
        s.rollback()
        with pytest.raises(BadInput) as direct:
            services.take(s, member, f"vouchers.v{voucher}", _fake_dues(s, shop), "steal")
        s.rollback()

    assert "methods" in refused.value.fields  # not offered to the thief: the checkout says so
    assert direct.value.code == "voucher_foreign"
    assert snapshot() == before


def test_a_cancelled_order_puts_the_value_back_on_the_voucher(
    app, budget, make_member, make_shop, issue, buy, voucher_of, ledger_sound
):
    buyer = make_member()
    (voucher,) = issue(budget, [buyer], 300_000)
    shop = make_shop([{"price": "100000"}])
    (order_id,) = buy(buyer, [(shop.product_ids[0], 2)], methods=(f"vouchers.v{voucher}",))
    assert voucher_of(voucher)["balance"] == 1_000_000

    with work(app) as s:
        order = s.get(bazaar.Order, order_id)
        bazaar.transition(s, order, "cancel", s.get(Member, buyer), reason="دیگر لازم نیست")
        s.commit()

    assert voucher_of(voucher)["balance"] == 3_000_000
    with work(app) as s:
        kinds = [
            u.kind
            for u in s.scalars(
                select(VoucherUse).where(VoucherUse.voucher_id == voucher).order_by(VoucherUse.id)
            )
        ]
    assert kinds == ["checkout", "refund"]
    ledger_sound()


def test_two_vouchers_pay_one_cart_together(
    budget, make_member, make_shop, issue, buy, voucher_of, balance, ledger_sound
):
    buyer = make_member()
    first, second = issue(budget, [buyer], 60_000) + issue(budget, [buyer], 100_000)
    shop = make_shop([{"price": "100000"}])

    buy(buyer, [(shop.product_ids[0], 1)], methods=(f"vouchers.v{first}", f"vouchers.v{second}"))

    assert (voucher_of(first)["balance"], voucher_of(second)["balance"]) == (0, 600_000)
    assert balance(buyer) == 0
    ledger_sound()


def test_a_supporter_gives_vouchers_only_to_the_members_they_support(app, make_member, top_up):
    from resalat_supporters.services import SupportAction

    supporter = make_member("supporter", name="حامی آزمایشی")
    helped, stranger = make_member(), make_member()
    top_up(supporter, rials=10_000_000)
    with work(app) as s:
        kind = s.get(Member, supporter).roles[0].kind
        s.add(
            SupportAction(
                supporter_id=supporter,
                kind=kind,
                beneficiary_member_id=helped,
                happened_on=_soon(),
                description="مشاوره",
                minutes=30,
            )
        )
        s.commit()
    with work(app) as s:
        issuer = s.get(Member, supporter)
        mobiles = [s.get(Member, helped).mobile, s.get(Member, stranger).mobile]
        with pytest.raises(BadInput) as refused:
            services.issue_batch(
                s,
                issuer,
                kind=BY_SUPPORTER,
                title="بن",
                amount=1_000_000,
                expires_on=_soon(),
                mobiles=mobiles,
                key="k",
            )
        s.rollback()
        assert "mobiles" in refused.value.fields
        batch = services.issue_batch(
            s,
            issuer,
            kind=BY_SUPPORTER,
            title="بن",
            amount=1_000_000,
            expires_on=_soon(),
            mobiles=mobiles[:1],
            key="k",
        )
        s.commit()
        assert batch.count == 1
    from resalat_core.sdk import main_account

    with work(app) as s:
        assert main_account(s, s.get(Member, supporter)).posted == 9_000_000


def _soon():
    from datetime import timedelta

    from resalat_core.sdk import today_in_iran

    return today_in_iran() + timedelta(days=10)


def _fake_dues(session, shop):
    """A due for an order of the shop, as the checkout would ask (never flushed: nothing is kept)."""
    from resalat_bazaar.services import Due

    booth = session.get(bazaar.Booth, shop.booth_id)
    product = session.get(bazaar.Product, shop.product_ids[0])
    order = bazaar.Order(id=10**6, booth=booth, booth_id=booth.id)
    order.items = [
        bazaar.OrderItem(
            product=product, category_id=product.category_id, unit_price=product.price, quantity=1
        )
    ]
    if order in session:
        session.expunge(order)
    return [Due(order, product.price)]


def test_a_voucher_loan_money_and_the_main_account_pay_one_order_and_a_refund_sends_each_back(
    app, budget, make_member, make_shop, issue, buy, voucher_of, balance, top_up, ledger_sound
):
    from resalat_core.sdk import get_account, open_earmarked, system_account, transfer

    buyer = make_member()
    top_up(buyer, rials=10_000_000)
    (voucher,) = issue(budget, [buyer], 100_000)
    with work(app) as s:
        loan = open_earmarked(
            s,
            s.get(Member, buyer),
            code=f"test:loan:{buyer}",
            purpose="admin_adjustment",
            purposes=[bazaar.PURCHASE],
        )
        transfer(s, f"test:loan:{loan.id}", system_account(s, "cash_in"), loan, 2_000_000, "admin_adjustment")
        s.commit()
        loan_id = loan.id
    shop = make_shop([{"price": "500000"}])  # 5,000,000 rials

    (order_id,) = buy(
        buyer,
        [(shop.product_ids[0], 1)],
        methods=(f"vouchers.v{voucher}",),
        funding=bazaar.FUND_BOTH,
        earmarked_account_id=loan_id,
    )

    with work(app) as s:
        order = s.get(bazaar.Order, order_id)
        assert (order.paid_other, order.paid_earmarked, order.paid_main) == (1_000_000, 2_000_000, 2_000_000)
    assert voucher_of(voucher)["balance"] == 0
    assert balance(buyer) == 8_000_000

    with work(app) as s:
        order = s.get(bazaar.Order, order_id)
        bazaar.transition(s, order, "cancel", s.get(Member, buyer), reason="اشتباه سفارش دادم")
        s.commit()

    assert voucher_of(voucher)["balance"] == 1_000_000
    assert balance(buyer) == 10_000_000
    with work(app) as s:
        assert get_account(s, loan_id).posted == 2_000_000
    ledger_sound()
