"""Reviews: only a buyer whose order was completed, once per purchase, stars 1 to 5, editable a week."""

from __future__ import annotations

from datetime import timedelta

import pytest
from resalat_supervision import services
from resalat_supervision.models import BOOTH, PRODUCT, Review
from sqlalchemy import func, select

from resalat_core.sdk import BadInput, Conflict, Member, NotAllowed, NotFound


def reviews_count(db) -> int:
    with db() as s:
        return s.scalar(select(func.count(Review.id)))


def review(db, member_id, kind, subject_id, stars=5, text="", **kw):
    with db() as s:
        made = services.create_review(
            s, s.get(Member, member_id), kind=kind, subject_id=subject_id, stars=stars, text=text, **kw
        )
        return made.id


def test_a_buyer_reviews_a_product_of_a_completed_order(shop, db):
    review_id = review(db, shop.buyer, PRODUCT, shop.products[0], 4, "  زعفران  خوش‌رنگ و تازه بود  ")

    with db() as s:
        found = s.get(Review, review_id)
        assert (found.kind, found.subject_id, found.booth_id) == (PRODUCT, shop.products[0], shop.booth)
        assert (found.order_id, found.author_id, found.stars) == (shop.order, shop.buyer, 4)
        assert found.text == "زعفران خوش‌رنگ و تازه بود"


def test_review_text_is_normalised_persian_with_its_line_breaks(shop, db):
    review_id = review(
        db, shop.buyer, BOOTH, shop.booth, 5, "فروشنده\u200f ي خوب\u064b\r\n\r\n\r\nممنون  از  شما"
    )

    with db() as s:
        assert s.get(Review, review_id).text == "فروشنده ی خوب\n\nممنون از شما"


@pytest.mark.parametrize("stars", [0, 6, -1, "x", "", None, True])
def test_stars_outside_one_to_five_are_refused_and_nothing_is_stored(shop, db, stars):
    with pytest.raises(BadInput) as caught:
        review(db, shop.buyer, PRODUCT, shop.products[0], stars)

    assert "stars" in caught.value.fields
    assert reviews_count(db) == 0


def test_persian_digit_stars_from_a_form_are_read(shop, db):
    review_id = review(db, shop.buyer, PRODUCT, shop.products[0], "۳")

    with db() as s:
        assert s.get(Review, review_id).stars == 3


def test_someone_who_never_bought_it_cannot_review(shop, db, make_member):
    stranger = make_member()

    with pytest.raises(NotAllowed) as caught:
        review(db, stranger, PRODUCT, shop.products[0])

    assert caught.value.code == "no_completed_order"
    assert reviews_count(db) == 0


def test_an_order_not_yet_completed_gives_no_right_to_review(market, db, make_member):
    booth = market.booth()
    product = market.product(booth)
    buyer = make_member()
    order = market.order(buyer, [product], complete=False)

    with pytest.raises(NotAllowed):
        review(db, buyer, PRODUCT, product)
    with pytest.raises(NotAllowed):
        review(db, buyer, BOOTH, booth, order_id=order)
    assert reviews_count(db) == 0


def test_a_purchase_is_reviewed_once(shop, db):
    review(db, shop.buyer, PRODUCT, shop.products[0])

    with pytest.raises(Conflict) as caught:
        review(db, shop.buyer, PRODUCT, shop.products[0], 1)

    assert caught.value.code == "already_reviewed"
    assert reviews_count(db) == 1


def test_a_second_completed_purchase_of_the_same_product_may_be_reviewed_too(shop, market, db):
    first = review(db, shop.buyer, PRODUCT, shop.products[0])
    again = market.order(shop.buyer, [shop.products[0]])

    second = review(db, shop.buyer, PRODUCT, shop.products[0], 2)

    with db() as s:
        assert s.get(Review, first).order_id == shop.order
        assert s.get(Review, second).order_id == again


def test_the_booth_and_each_product_of_an_order_get_a_review_each(shop, db):
    for kind, subject in [(BOOTH, shop.booth), (PRODUCT, shop.products[0]), (PRODUCT, shop.products[1])]:
        review(db, shop.buyer, kind, subject, order_id=shop.order)

    assert reviews_count(db) == 3


def test_naming_someone_elses_order_or_one_without_the_product_is_refused(shop, market, db, make_member):
    other_booth = market.booth()
    other_product = market.product(other_booth)
    neighbour = make_member()
    neighbours_order = market.order(neighbour, [other_product])

    with pytest.raises(NotAllowed):
        review(db, shop.buyer, PRODUCT, other_product, order_id=neighbours_order)
    with pytest.raises(NotAllowed):
        review(db, neighbour, PRODUCT, other_product, order_id=shop.order)
    with pytest.raises(NotAllowed):
        review(db, shop.buyer, PRODUCT, shop.products[0], order_id=999_999)
    assert reviews_count(db) == 0


def test_an_unknown_product_or_booth_is_not_found(shop, db):
    with pytest.raises(NotFound):
        review(db, shop.buyer, PRODUCT, 999_999)
    with pytest.raises(NotFound):
        review(db, shop.buyer, BOOTH, 999_999)
    with pytest.raises(BadInput):
        review(db, shop.buyer, "core", shop.booth)


def test_the_author_edits_within_the_week_and_not_after(shop, db, make_member):
    review_id = review(db, shop.buyer, PRODUCT, shop.products[0], 2, "دیر رسید")

    with db() as s:
        edited = services.edit_review(s, s.get(Member, shop.buyer), review_id, stars=4, text="رسید و خوب بود")
        assert (edited.stars, edited.text, edited.edited_at is not None) == (4, "رسید و خوب بود", True)
    with db() as s, pytest.raises(NotAllowed) as caught:
        services.edit_review(s, s.get(Member, make_member()), review_id, stars=1)
    assert caught.value.code == "not_author"
    with db() as s:
        found = s.get(Review, review_id)
        found.created_at -= timedelta(days=7, minutes=1)
    with db() as s, pytest.raises(NotAllowed) as caught:
        services.edit_review(s, s.get(Member, shop.buyer), review_id, stars=5)
    assert caught.value.code == "edit_window_closed"
    with db() as s:
        assert s.get(Review, review_id).stars == 4


def test_a_bad_edit_changes_nothing(shop, db):
    review_id = review(db, shop.buyer, PRODUCT, shop.products[0], 3, "معمولی")

    with db() as s, pytest.raises(BadInput):
        services.edit_review(s, s.get(Member, shop.buyer), review_id, stars=6, text="عالی")

    with db() as s:
        found = s.get(Review, review_id)
        assert (found.stars, found.text, found.edited_at) == (3, "معمولی", None)


def test_the_seller_replies_once_and_nobody_else_may(shop, db):
    review_id = review(db, shop.buyer, PRODUCT, shop.products[0], 3)

    with db() as s, pytest.raises(NotAllowed):
        services.reply_to_review(s, s.get(Member, shop.buyer), review_id, "من فروشنده‌ام")
    with db() as s, pytest.raises(BadInput):
        services.reply_to_review(s, s.get(Member, shop.seller), review_id, "  ")
    with db() as s:
        services.reply_to_review(s, s.get(Member, shop.seller), review_id, "ممنون؛ دفعه‌ی بعد زودتر می‌فرستیم")
    with db() as s, pytest.raises(Conflict):
        services.reply_to_review(s, s.get(Member, shop.seller), review_id, "باز هم ممنون")

    with db() as s:
        found = s.get(Review, review_id)
        assert found.reply == "ممنون؛ دفعه‌ی بعد زودتر می‌فرستیم"
        assert found.replied_at is not None


def test_review_lists_are_newest_first_and_a_booth_takes_in_its_products(shop, market, db):
    first = review(db, shop.buyer, PRODUCT, shop.products[0], 5)
    second = review(db, shop.buyer, BOOTH, shop.booth, 4)
    third = review(db, shop.buyer, PRODUCT, shop.products[1], 3)

    with db() as s:
        booth_page = services.reviews_of(s, BOOTH, shop.booth, page=1, per_page=2)
        product_page = services.reviews_of(s, PRODUCT, shop.products[0])
        assert [r.id for r in booth_page.items] == [third, second]
        assert (booth_page.total, booth_page.pages) == (3, 2)
        assert [r.id for r in services.reviews_of(s, BOOTH, shop.booth, page=2, per_page=2).items] == [first]
        assert [r.id for r in product_page.items] == [first]
