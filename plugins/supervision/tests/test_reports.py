"""Reports: any member reports a price or quality problem, once while it is undecided, never their own."""

from __future__ import annotations

import pytest
from resalat_supervision import services
from resalat_supervision.models import BOOTH, OPEN, OPENED, PRICE, PRODUCT, QUALITY, Report, ReportAction
from resalat_supervision.services import reports
from sqlalchemy import func, select

from resalat_core.sdk import BadInput, Conflict, Member, NotAllowed, NotFound


def counts(db) -> tuple[int, int]:
    with db() as s:
        return s.scalar(select(func.count(Report.id))), s.scalar(select(func.count(ReportAction.id)))


def file(db, member_id, kind, subject_id, category=QUALITY, description="کیفیت پایین بود", **kw):
    with db() as s:
        return services.file_report(
            s,
            s.get(Member, member_id),
            kind=kind,
            subject_id=subject_id,
            category=category,
            description=description,
            **kw,
        ).id


def test_a_price_report_keeps_both_prices_and_the_booths_region(shop, db, make_member):
    reporter = make_member(region="tehran/tehran")

    report_id = file(
        db,
        reporter,
        PRODUCT,
        shop.products[0],
        PRICE,
        "قیمت زعفران  دو برابر بازار است",
        seen_price=4_500_000,
        reference_price=3_800_000,
    )

    with db() as s:
        report = s.get(Report, report_id)
        assert (report.kind, report.subject_id, report.booth_id) == (PRODUCT, shop.products[0], shop.booth)
        assert (report.seen_price, report.reference_price) == (4_500_000, 3_800_000)
        assert (report.status, report.outcome, report.category) == (OPEN, None, PRICE)
        assert report.description == "قیمت زعفران دو برابر بازار است"
        # The booth's region (Gorg Tappeh), not the reporter's (Tehran), decides who handles it.
        assert report.region_id == s.get(Member, shop.seller).region_id
        history = s.scalars(select(ReportAction).where(ReportAction.report_id == report_id)).all()
        assert [(a.action, a.actor_id, a.to_status) for a in history] == [(OPENED, reporter, OPEN)]


def test_a_quality_report_about_a_booth_needs_no_prices(shop, db, make_member):
    report_id = file(db, make_member(), BOOTH, shop.booth, QUALITY, "بسته‌ها خیس رسیدند", seen_price=120)

    with db() as s:
        report = s.get(Report, report_id)
        assert (report.kind, report.seen_price, report.reference_price) == (BOOTH, None, None)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"category": PRICE}, {"seen_price", "reference_price"}),
        ({"category": PRICE, "seen_price": 0, "reference_price": -10}, {"seen_price", "reference_price"}),
        ({"category": PRICE, "seen_price": -50, "reference_price": 1000}, {"seen_price"}),
        ({"category": PRICE, "seen_price": "4500000", "reference_price": 1000}, {"seen_price"}),
        ({"category": PRICE, "seen_price": 10**16, "reference_price": 1000}, {"seen_price"}),
        ({"category": "taste"}, {"category"}),
        ({"description": "   "}, {"description"}),
        ({"description": "x" * 2001}, {"description"}),
        ({"category": PRICE, "description": "", "seen_price": 100}, {"description", "reference_price"}),
    ],
)
def test_bad_reports_name_every_bad_field_and_store_nothing(shop, db, make_member, changes, fields):
    reporter = make_member()
    args = {"category": QUALITY, "description": "مشکل دارد"} | changes

    with pytest.raises(BadInput) as caught:
        file(db, reporter, PRODUCT, shop.products[0], **args)

    assert set(caught.value.fields) == fields
    assert counts(db) == (0, 0)


def test_a_seller_cannot_report_their_own_booth_or_products(shop, db):
    with pytest.raises(NotAllowed) as caught:
        file(db, shop.seller, BOOTH, shop.booth)
    with pytest.raises(NotAllowed):
        file(db, shop.seller, PRODUCT, shop.products[1])

    assert caught.value.code == "own_booth"
    assert counts(db) == (0, 0)


def test_a_second_report_about_the_same_thing_waits_for_the_first_to_be_decided(shop, db, make_member):
    reporter = make_member()
    first = file(db, reporter, PRODUCT, shop.products[0], QUALITY)

    with pytest.raises(Conflict) as caught:
        file(db, reporter, PRODUCT, shop.products[0], PRICE, seen_price=5_000_000, reference_price=4_000_000)
    assert caught.value.code == "duplicate_report"
    # Another thing, or another member about the same thing, is fine.
    file(db, reporter, PRODUCT, shop.products[1])
    file(db, make_member(), PRODUCT, shop.products[0])
    with db() as s:
        services.act(s, s.get(Member, shop.handler), first, action="dismiss", note="بررسی شد؛ مشکلی نبود")
    file(db, reporter, PRODUCT, shop.products[0], QUALITY, "باز هم همان مشکل")

    assert counts(db)[0] == 4


def test_the_database_refuses_a_duplicate_undecided_report_too(shop, db, make_member, monkeypatch):
    reporter = make_member()
    file(db, reporter, BOOTH, shop.booth)
    # As if two requests raced past the check: the partial unique index stops the second.
    monkeypatch.setattr(reports, "_pending_report_of", lambda *_args: None)

    with pytest.raises(Conflict):
        file(db, reporter, BOOTH, shop.booth, QUALITY, "باز هم")

    assert counts(db) == (1, 1)


def test_reporting_something_that_does_not_exist_is_not_found(db, make_member):
    reporter = make_member()

    with pytest.raises(NotFound):
        file(db, reporter, PRODUCT, 424242)
    with pytest.raises(NotFound):
        file(db, reporter, BOOTH, 424242)


def test_my_reports_are_newest_first(shop, db, make_member):
    reporter = make_member()
    older = file(db, reporter, PRODUCT, shop.products[0])
    newer = file(db, reporter, BOOTH, shop.booth)

    with db() as s:
        mine = services.reports_by(s, s.get(Member, reporter))
        assert [r.id for r in mine.items] == [newer, older]
