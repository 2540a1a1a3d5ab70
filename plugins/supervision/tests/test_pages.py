"""The pages: reviewing from an order, reporting from a product, handling from the queue."""

from __future__ import annotations

import pytest
from resalat_supervision import services
from resalat_supervision.models import BOOTH, PRODUCT, QUALITY, Report, Review
from sqlalchemy import func, select

from resalat_core.sdk import Member


def as_member(app, member_id):
    from resalat_core.testing import ResalatClient

    app.test_client_class = ResalatClient
    return app.test_client().sign_in(member_id)


def total(db, model):
    with db() as s:
        return s.scalar(select(func.count(model.id)))


def file(db, member_id, kind, subject_id, description="کیفیت پایین بود"):
    with db() as s:
        return services.file_report(
            s,
            s.get(Member, member_id),
            kind=kind,
            subject_id=subject_id,
            category=QUALITY,
            description=description,
        ).id


def test_the_buyer_reviews_an_order_from_its_page(app, shop, db):
    buyer = as_member(app, shop.buyer)

    order_page = buyer.get(f"/supervision/orders/{shop.order}/review")
    html = order_page.get_data(as_text=True)
    assert order_page.status_code == 200
    assert html.count('data-testid="review-this"') == 3  # the booth and both products
    form_url = f"/supervision/products/{shop.products[0]}/review?order={shop.order}"
    answer = buyer.form(form_url, {"stars": "۵", "text": "عالی بود"})

    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/supervision/orders/{shop.order}/review")
    html = buyer.get(f"/supervision/orders/{shop.order}/review").get_data(as_text=True)
    assert html.count('data-testid="review-this"') == 2 and 'data-testid="reviewed"' in html
    with db() as s:
        (found,) = s.scalars(select(Review)).all()
        assert (found.stars, found.text, found.order_id) == (5, "عالی بود", shop.order)


def test_bad_stars_show_the_form_again_with_the_message(app, shop, db):
    buyer = as_member(app, shop.buyer)

    answer = buyer.form(f"/supervision/products/{shop.products[0]}/review", {"stars": "6", "text": "x"})

    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert 'id="e-stars"' in html and 'data-testid="form-error"' in html
    assert total(db, Review) == 0


def test_reviewing_without_a_completed_order_is_refused_on_the_page(app, shop, db, make_member):
    stranger = as_member(app, make_member())

    answer = stranger.form(f"/supervision/booths/{shop.booth}/review", {"stars": "5"})

    assert answer.status_code == 403
    assert 'data-testid="form-error"' in answer.get_data(as_text=True)
    assert total(db, Review) == 0


def test_someone_elses_order_page_is_a_404(app, shop, make_member):
    assert as_member(app, make_member()).get(f"/supervision/orders/{shop.order}/review").status_code == 404


def test_the_author_changes_a_review_and_the_seller_replies(app, shop, db):
    with db() as s:
        review_id = services.create_review(
            s, s.get(Member, shop.buyer), kind=PRODUCT, subject_id=shop.products[0], stars=2
        ).id
    buyer = as_member(app, shop.buyer)
    seller = as_member(app, shop.seller)

    edit_page = buyer.get(f"/supervision/reviews/{review_id}/edit")
    assert edit_page.status_code == 200 and 'value="2" checked' in edit_page.get_data(as_text=True)
    assert (
        buyer.form(f"/supervision/reviews/{review_id}/edit", {"stars": "4", "text": "بهتر شد"}).status_code
        == 302
    )
    assert seller.get(f"/supervision/reviews/{review_id}/edit").status_code == 404
    product_page = f"/supervision/products/{shop.products[0]}"
    assert 'data-testid="reply-form"' in seller.get(product_page).get_data(as_text=True)
    assert (
        seller.form(
            f"/supervision/reviews/{review_id}/reply", {"reply": "سپاس"}, token_from=product_page
        ).status_code
        == 302
    )

    html = buyer.get(product_page).get_data(as_text=True)
    assert 'data-testid="reply"' in html and "سپاس" in html and "بهتر شد" in html
    with db() as s:
        assert s.get(Review, review_id).stars == 4


def test_a_member_reports_a_price_problem_from_the_product_page(app, shop, db, make_member):
    reporter_id = make_member(region="zanjan/zanjan")
    reporter = as_member(app, reporter_id)
    product_page = reporter.get(f"/supervision/products/{shop.products[0]}").get_data(as_text=True)
    assert 'data-testid="write-report"' in product_page

    answer = reporter.form(
        f"/supervision/products/{shop.products[0]}/report",
        {
            "category": "price",
            "seen_price": "۴۵۰,۰۰۰",
            "reference_price": "380000",
            "description": "گران‌تر از بازار زنجان",
        },
    )

    assert answer.status_code == 302
    report_id = int(answer.headers["Location"].rsplit("/", 1)[1])
    page = reporter.get(f"/supervision/reports/{report_id}").get_data(as_text=True)
    assert 'data-status="open"' in page and 'data-testid="seen-price"' in page
    assert 'data-testid="act-box"' not in page  # the reporter does not decide
    # The product's page lists it, and links every report of the product.
    product_page = reporter.get(f"/supervision/products/{shop.products[0]}").get_data(as_text=True)
    assert (
        f'href="/supervision/products/{shop.products[0]}/reports" data-testid="all-reports"' in product_page
    )
    listed = reporter.get(f"/supervision/products/{shop.products[0]}/reports")
    assert listed.status_code == 200
    assert f'data-testid="public-report" data-id="{report_id}"' in listed.get_data(as_text=True)
    with db() as s:
        found = s.get(Report, report_id)
        assert (found.seen_price, found.reference_price, found.reporter_id) == (
            4_500_000,
            3_800_000,
            reporter_id,
        )


def test_a_bad_report_form_keeps_what_was_typed(app, shop, db, make_member):
    reporter = as_member(app, make_member())

    answer = reporter.form(
        f"/supervision/products/{shop.products[0]}/report",
        {"category": "price", "seen_price": "", "reference_price": "380000", "description": "گران است"},
    )

    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert 'id="e-seen_price"' in html and "گران است" in html and 'value="380000"' in html
    assert total(db, Report) == 0


@pytest.mark.parametrize(
    ("seen", "reference", "bad"),
    [
        ("abc", "380000", {"seen_price"}),
        ("0", "-5", {"seen_price", "reference_price"}),
        ("۴۵۰٬۰۰۰", "1.55", {"reference_price"}),
    ],
)
def test_prices_typed_wrong_are_named_with_every_other_mistake(
    app, shop, db, make_member, seen, reference, bad
):
    reporter = as_member(app, make_member())

    answer = reporter.form(
        f"/supervision/products/{shop.products[0]}/report",
        {"category": "price", "seen_price": seen, "reference_price": reference, "description": " "},
    )

    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    for name in {"description", *bad}:
        assert f'id="e-{name}"' in html
    assert total(db, Report) == 0


def test_a_quality_report_ignores_whatever_was_typed_as_a_price(app, shop, db, make_member):
    reporter = as_member(app, make_member())

    answer = reporter.form(
        f"/supervision/booths/{shop.booth}/report",
        {"category": "quality", "seen_price": "abc", "reference_price": "", "description": "خیس رسید"},
    )

    assert answer.status_code == 302
    with db() as s:
        (found,) = s.scalars(select(Report)).all()
        assert (found.category, found.seen_price, found.reference_price) == ("quality", None, None)


def test_the_seller_cannot_report_their_own_booth_from_its_page(app, shop, db):
    seller = as_member(app, shop.seller)

    assert 'data-testid="write-report"' not in seller.get(f"/supervision/booths/{shop.booth}").get_data(
        as_text=True
    )
    answer = seller.form(
        f"/supervision/booths/{shop.booth}/report", {"category": "quality", "description": "x"}
    )

    assert answer.status_code == 403
    assert total(db, Report) == 0


def test_a_handler_handles_a_report_from_the_queue(app, shop, db, make_member):
    report_id = file(db, make_member(), PRODUCT, shop.products[0])
    handler = as_member(app, shop.handler)

    queue = handler.get("/supervision/queue").get_data(as_text=True)
    assert f'data-testid="queued-report" data-id="{report_id}"' in queue
    page = handler.get(f"/supervision/reports/{report_id}").get_data(as_text=True)
    assert 'data-testid="act-warn"' in page and 'data-testid="reporter"' in page
    no_note = handler.form(
        f"/supervision/reports/{report_id}/act",
        {"action": "warn", "note": " "},
        token_from=f"/supervision/reports/{report_id}",
    )
    assert no_note.status_code == 400 and 'id="e-note"' in no_note.get_data(as_text=True)
    done = handler.form(
        f"/supervision/reports/{report_id}/act",
        {"action": "hide", "note": "تا بررسی پنهان می‌ماند"},
        token_from=f"/supervision/reports/{report_id}",
    )

    assert done.status_code == 302
    page = handler.get(f"/supervision/reports/{report_id}").get_data(as_text=True)
    assert 'data-outcome="hidden"' in page and 'data-testid="act-unhide"' in page
    assert 'data-testid="empty"' in handler.get("/supervision/queue").get_data(as_text=True)


def test_a_handler_of_another_province_gets_a_404(app, shop, db, make_member):
    report_id = file(db, make_member(), PRODUCT, shop.products[0])
    far = as_member(app, shop.far_handler)

    assert far.get(f"/supervision/reports/{report_id}").status_code == 404
    token_page = "/supervision/queue"
    answer = far.form(
        f"/supervision/reports/{report_id}/act", {"action": "dismiss", "note": "x"}, token_from=token_page
    )
    assert answer.status_code == 404
    with db() as s:
        assert s.get(Report, report_id).status == "open"


def test_a_plain_member_has_no_queue(app, make_member):
    assert as_member(app, make_member()).get("/supervision/queue").status_code == 403


def test_home_lists_my_reports_and_tells_handlers_what_waits(app, shop, db, make_member):
    reporter_id = make_member()
    report_id = file(db, reporter_id, BOOTH, shop.booth)

    mine = as_member(app, reporter_id).get("/supervision/").get_data(as_text=True)
    handler = as_member(app, shop.handler).get("/supervision/").get_data(as_text=True)

    assert f'data-testid="report" data-id="{report_id}"' in mine and 'data-testid="handler-box"' not in mine
    assert 'data-testid="handler-box"' in handler
    assert "گزارش‌های منتظر رسیدگی در منطقه‌ی شما: ۱" in handler


def test_the_queue_and_review_pages_cost_the_same_queries_with_more_rows(
    app, shop, market, db, make_member, count_queries
):
    handler = as_member(app, shop.handler)
    visitor = as_member(app, make_member())

    def measure():
        with count_queries() as queue:
            assert handler.get("/supervision/queue").status_code == 200
        with count_queries() as booth:
            assert visitor.get(f"/supervision/booths/{shop.booth}").status_code == 200
        with count_queries() as api:
            assert (
                visitor.get(f"/api/v1/supervision/reviews?kind=booth&subject_id={shop.booth}").status_code
                == 200
            )
        return queue.count, booth.count, api.count

    def grow(n):
        for _ in range(n):
            buyer = make_member()
            market.order(buyer, shop.products)
            with db() as s:
                member = s.get(Member, buyer)
                for pid in shop.products:
                    services.create_review(s, member, kind=PRODUCT, subject_id=pid, stars=4, text="خوب")
                services.create_review(s, member, kind=BOOTH, subject_id=shop.booth, stars=5)
            file(db, make_member(), PRODUCT, shop.products[0])
            file(db, make_member(), BOOTH, shop.booth)

    grow(1)
    small = measure()
    grow(4)
    large = measure()

    assert large == small
