"""Social supervision tells Merat what buyers think of the products of a member's booths."""

from __future__ import annotations

from resalat_supervision import services
from resalat_supervision.models import BOOTH, PRODUCT

from resalat_core.sdk import Member


def supervision_signals(app, in_app, member_id):
    with in_app() as s:
        member = s.get(Member, member_id)
        answers = app.extensions["resalat"].plugins.pm.hook.resalat_credit_signals(member=member)
        return [signal for answer in answers for signal in (answer or []) if signal.source == "supervision"]


def test_the_average_stars_of_a_sellers_products_are_a_credit_signal(app, shop, market, make_member, in_app):
    assert supervision_signals(app, in_app, shop.seller) == []  # no review yet: no signal
    second_buyer = make_member()
    second_order = market.order(second_buyer, [shop.products[0]])
    with in_app() as s:
        services.create_review(
            s, s.get(Member, shop.buyer), kind=PRODUCT, subject_id=shop.products[0], stars=5
        )
        services.create_review(
            s, s.get(Member, shop.buyer), kind=PRODUCT, subject_id=shop.products[1], stars=4
        )
        services.create_review(
            s,
            s.get(Member, second_buyer),
            kind=PRODUCT,
            subject_id=shop.products[0],
            stars=2,
            order_id=second_order,
        )
        # A review of the booth itself is not about its products.
        services.create_review(s, s.get(Member, shop.buyer), kind=BOOTH, subject_id=shop.booth, stars=1)

    (signal,) = supervision_signals(app, in_app, shop.seller)

    assert (signal.kind, signal.value) == ("bazaar_review_stars", 37)  # (5 + 4 + 2) / 3 = 3.67 stars
    assert "3.7" in signal.description_en and "3 buyers" in signal.description_en
    assert "۳٫۷" in signal.description_fa
    assert supervision_signals(app, in_app, shop.buyer) == []
