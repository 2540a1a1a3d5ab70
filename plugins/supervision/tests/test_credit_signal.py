"""Social supervision tells Merat what buyers think of the products of a member's booths.

Merat may be absent (supervision does not require it): the hooks are asked directly here, as
Merat would ask them, and only this plugin's own signal is looked at.
"""

from __future__ import annotations

from resalat_supervision import hooks, services
from resalat_supervision.models import BOOTH, PRODUCT

from resalat_core.sdk import Member, render


def signals(db, member_id):
    with db() as s:
        return hooks.resalat_credit_signals(member=s.get(Member, member_id))


def test_the_average_stars_of_a_sellers_products_are_a_credit_signal(shop, market, make_member, db, read):
    assert signals(db, shop.seller) == []  # no review yet: no signal
    second_buyer = make_member()
    second_order = market.order(second_buyer, [shop.products[0]])
    with db() as s:
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

    (signal,) = signals(db, shop.seller)

    assert (signal.kind, signal.value) == ("bazaar_review_stars", 37)  # (5 + 4 + 2) / 3 = 3.67 stars
    (kind,) = hooks.resalat_credit_signal_kinds()
    english = read(lambda: render(kind.description, signal.params), "en")
    persian = read(lambda: render(kind.description, signal.params), "fa")
    assert "3.7" in english and "reviews: 3" in english
    assert "۳٫۷" in persian and "۳)" in persian
    assert not any(c.isascii() and c.isalnum() for c in persian)  # no Latin digit or word
    assert signals(db, shop.buyer) == []


def test_the_signal_is_declared_with_its_default_weight():
    (kind,) = hooks.resalat_credit_signal_kinds()

    # Two points for every tenth of a star of the average, at most 100.
    weight = (kind.points, kind.per, kind.cap, kind.money)
    assert (kind.kind, weight) == ("bazaar_review_stars", (2, 1, 100, False))
