"""Reputation: what M-Bazar shows on a booth's or product's page, in at most two queries."""

from __future__ import annotations

import pytest
from flask import current_app
from resalat_supervision import services
from resalat_supervision.models import BOOTH, PRODUCT, QUALITY
from resalat_supervision.services import Reputation

from resalat_core.sdk import Member, region_hook


def review(db, member_id, kind, subject_id, stars):
    with db() as s:
        services.create_review(s, s.get(Member, member_id), kind=kind, subject_id=subject_id, stars=stars)


def file(db, member_id, kind, subject_id):
    with db() as s:
        return services.file_report(
            s,
            s.get(Member, member_id),
            kind=kind,
            subject_id=subject_id,
            category=QUALITY,
            description="بد بود",
        ).id


def test_nothing_said_yet(shop, db):
    with db() as s:
        assert services.reputation(s, PRODUCT, shop.products[0]) == Reputation(
            rating=None,
            reviews=0,
            open_reports=0,
            url=f"/supervision/products/{shop.products[0]}",
            hidden=False,
        )


def test_a_booth_sums_its_own_and_its_products_reviews_and_reports(shop, market, db, make_member):
    review(db, shop.buyer, PRODUCT, shop.products[0], 5)
    review(db, shop.buyer, PRODUCT, shop.products[1], 2)
    review(db, shop.buyer, BOOTH, shop.booth, 4)
    other_buyer = make_member()
    market.order(other_buyer, [shop.products[0]])
    review(db, other_buyer, PRODUCT, shop.products[0], 4)
    reporter = make_member()
    decided = file(db, reporter, PRODUCT, shop.products[0])
    file(db, reporter, BOOTH, shop.booth)
    file(db, make_member(), PRODUCT, shop.products[1])
    with db() as s:
        services.act(s, s.get(Member, shop.handler), decided, action="dismiss", note="مشکلی نبود")

    with db() as s:
        booth = services.reputation(s, BOOTH, shop.booth)
        product = services.reputation(s, PRODUCT, shop.products[0])
    assert (booth.rating, booth.reviews, booth.open_reports) == (3.75, 4, 2)
    assert booth.url == f"/supervision/booths/{shop.booth}"
    assert (product.rating, product.reviews, product.open_reports) == (4.5, 2, 0)


def test_at_most_two_queries_whatever_the_history(shop, db, make_member, count_queries):
    review(db, shop.buyer, PRODUCT, shop.products[0], 5)
    for _ in range(3):
        file(db, make_member(), PRODUCT, shop.products[0])

    with db() as s:
        s.commit()
        with count_queries() as q:
            services.reputation(s, BOOTH, shop.booth)
        assert q.count <= 2
        with count_queries() as q:
            services.reputation(s, PRODUCT, shop.products[0])
        assert q.count <= 2


def test_an_unknown_kind_gets_no_answer(db):
    with db() as s:
        assert services.reputation(s, "core", 1) is None


def test_the_hook_answers_m_bazars_question(shop, db):
    review(db, shop.buyer, PRODUCT, shop.products[1], 3)

    with db() as s:
        hook = current_app.extensions["resalat"].plugins.pm.hook
        answer = hook.resalat_reputation(kind="product", subject_id=shop.products[1])
        regional = region_hook("resalat_reputation", s.get(Member, shop.buyer))(
            kind="booth", subject_id=shop.booth
        )
    assert isinstance(answer, Reputation) and (answer.rating, answer.reviews) == (3.0, 1)
    assert (regional.reviews, regional.url) == (1, f"/supervision/booths/{shop.booth}")


@pytest.mark.parametrize("kind", [BOOTH, PRODUCT])
def test_the_public_page_shows_rating_reviews_and_history_without_the_reporter(
    shop, db, make_member, client, kind
):
    review(db, shop.buyer, PRODUCT, shop.products[0], 4)
    reporter = make_member(name="گزارشگر ناشناس")
    file(db, reporter, PRODUCT, shop.products[0])
    subject = shop.booth if kind == BOOTH else shop.products[0]

    page = client.get(f"/supervision/{kind}s/{subject}")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-rating="4.00"' in html and 'data-testid="review"' in html
    assert "مریم احمدی" in html  # the reviewer's name is public
    assert 'data-testid="public-report"' in html and 'data-status="open"' in html
    assert "گزارشگر ناشناس" not in html


def test_the_public_page_of_something_missing_is_a_404(client):
    assert client.get("/supervision/booths/999999").status_code == 404
    assert client.get("/supervision/products/999999/reports").status_code == 404


def test_m_bazars_own_pages_show_what_supervision_answers(shop, db, client):
    review(db, shop.buyer, PRODUCT, shop.products[0], 5)

    booth_page = client.get(f"/bazaar/booths/{shop.booth}").get_data(as_text=True)
    product_page = client.get(f"/bazaar/products/{shop.products[0]}").get_data(as_text=True)

    assert f'href="/supervision/booths/{shop.booth}"' in booth_page
    assert f'href="/supervision/products/{shop.products[0]}"' in product_page
