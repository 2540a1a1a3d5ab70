"""Reports: any member reports a price or quality problem, once while it is undecided, never their own."""

from __future__ import annotations

import pytest
from resalat_supervision import services
from resalat_supervision.models import BOOTH, OPEN, OPENED, PRICE, PRODUCT, QUALITY, Report, ReportAction
from sqlalchemy import func, select

from resalat_core.sdk import BadInput, Conflict, Member, NotAllowed, NotFound


def counts(in_app) -> tuple[int, int]:
    with in_app() as s:
        return s.scalar(select(func.count(Report.id))), s.scalar(select(func.count(ReportAction.id)))


def file(in_app, member_id, kind, subject_id, category=QUALITY, description="کیفیت پایین بود", **kw):
    with in_app() as s:
        return services.file_report(
            s,
            s.get(Member, member_id),
            kind=kind,
            subject_id=subject_id,
            category=category,
            description=description,
            **kw,
        ).id


def test_a_price_report_keeps_both_prices_in_rials_and_the_booths_region(shop, in_app, make_member):
    reporter = make_member(region="tehran/tehran")

    report_id = file(
        in_app,
        reporter,
        PRODUCT,
        shop.products[0],
        PRICE,
        "قیمت زعفران  دو برابر بازار است",
        seen_price="۴۵۰٬۰۰۰ تومان",
        reference_price=380000,
    )

    with in_app() as s:
        report = s.get(Report, report_id)
        assert (report.kind, report.subject_id, report.booth_id) == (PRODUCT, shop.products[0], shop.booth)
        assert (report.seen_price, report.reference_price) == (4_500_000, 3_800_000)
        assert (report.status, report.outcome, report.category) == (OPEN, None, PRICE)
        assert report.description == "قیمت زعفران دو برابر بازار است"
        # The booth's region (Gorg Tappeh), not the reporter's (Tehran), decides who handles it.
        assert report.region_id == s.get(Member, shop.seller).region_id
        history = s.scalars(select(ReportAction).where(ReportAction.report_id == report_id)).all()
        assert [(a.action, a.actor_id, a.to_status) for a in history] == [(OPENED, reporter, OPEN)]


def test_a_quality_report_about_a_booth_needs_no_prices(shop, in_app, make_member):
    report_id = file(in_app, make_member(), BOOTH, shop.booth, QUALITY, "بسته‌ها خیس رسیدند", seen_price="12")

    with in_app() as s:
        report = s.get(Report, report_id)
        assert (report.kind, report.seen_price, report.reference_price) == (BOOTH, None, None)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"category": PRICE}, {"seen_price", "reference_price"}),
        ({"category": PRICE, "seen_price": "0", "reference_price": "abc"}, {"seen_price", "reference_price"}),
        ({"category": PRICE, "seen_price": "-5", "reference_price": "100"}, {"seen_price"}),
        ({"category": "taste"}, {"category"}),
        ({"description": "   "}, {"description"}),
        ({"description": "x" * 2001}, {"description"}),
        ({"category": PRICE, "description": "", "seen_price": "10"}, {"description", "reference_price"}),
    ],
)
def test_bad_reports_name_every_bad_field_and_store_nothing(shop, in_app, make_member, changes, fields):
    reporter = make_member()
    args = {"category": QUALITY, "description": "مشکل دارد"} | changes

    with pytest.raises(BadInput) as caught:
        file(in_app, reporter, PRODUCT, shop.products[0], **args)

    assert set(caught.value.fields) == fields
    assert counts(in_app) == (0, 0)


def test_a_seller_cannot_report_their_own_booth_or_products(shop, in_app):
    with pytest.raises(NotAllowed) as caught:
        file(in_app, shop.seller, BOOTH, shop.booth)
    with pytest.raises(NotAllowed):
        file(in_app, shop.seller, PRODUCT, shop.products[1])

    assert caught.value.code == "own_booth"
    assert counts(in_app) == (0, 0)


def test_a_second_report_about_the_same_thing_waits_for_the_first_to_be_decided(shop, in_app, make_member):
    reporter = make_member()
    first = file(in_app, reporter, PRODUCT, shop.products[0], QUALITY)

    with pytest.raises(Conflict) as caught:
        file(
            in_app, reporter, PRODUCT, shop.products[0], PRICE, seen_price="500000", reference_price="400000"
        )
    assert caught.value.code == "duplicate_report"
    # Another thing, or another member about the same thing, is fine.
    file(in_app, reporter, PRODUCT, shop.products[1])
    file(in_app, make_member(), PRODUCT, shop.products[0])
    with in_app() as s:
        services.act(s, s.get(Member, shop.leader), first, action="dismiss", note="بررسی شد؛ مشکلی نبود")
    file(in_app, reporter, PRODUCT, shop.products[0], QUALITY, "باز هم همان مشکل")

    assert counts(in_app)[0] == 4


def test_the_database_refuses_a_duplicate_undecided_report_too(shop, in_app, make_member, monkeypatch):
    reporter = make_member()
    file(in_app, reporter, BOOTH, shop.booth)
    # As if two requests raced past the check: the partial unique index stops the second.
    monkeypatch.setattr(services, "_pending_report_of", lambda *_args: None)

    with pytest.raises(Conflict):
        file(in_app, reporter, BOOTH, shop.booth, QUALITY, "باز هم")

    assert counts(in_app) == (1, 1)


def test_reporting_something_that_does_not_exist_is_not_found(in_app, make_member):
    reporter = make_member()

    with pytest.raises(NotFound):
        file(in_app, reporter, PRODUCT, 424242)
    with pytest.raises(NotFound):
        file(in_app, reporter, BOOTH, 424242)


def test_my_reports_are_newest_first(shop, in_app, make_member):
    reporter = make_member()
    older = file(in_app, reporter, PRODUCT, shop.products[0])
    newer = file(in_app, reporter, BOOTH, shop.booth)

    with in_app() as s:
        mine = services.reports_by(s, s.get(Member, reporter))
        assert [r.id for r in mine.items] == [newer, older]
