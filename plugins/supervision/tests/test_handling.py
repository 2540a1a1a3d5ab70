"""Handling: the handlers of the booth's region (its administrators and social leaders) decide, with a
note, and it is recorded."""

from __future__ import annotations

import pytest
from resalat_supervision import services
from resalat_supervision.messages import REPORT_HANDLED, REPORT_WARNED
from resalat_supervision.models import (
    BOOTH,
    CLOSED,
    DISMISSED,
    HIDDEN,
    OPEN,
    PRODUCT,
    QUALITY,
    RESOLVED,
    WARNED,
    Report,
    ReportAction,
)
from sqlalchemy import select

from resalat_core.sdk import BadInput, Conflict, Member, NotFound


def file(db, member_id, kind, subject_id, description="کالا خراب رسید"):
    with db() as s:
        return services.file_report(
            s,
            s.get(Member, member_id),
            kind=kind,
            subject_id=subject_id,
            category=QUALITY,
            description=description,
        ).id


def act(db, member_id, report_id, action, note="بررسی شد"):
    with db() as s:
        services.act(s, s.get(Member, member_id), report_id, action=action, note=note)


def state(db, report_id):
    with db() as s:
        r = s.get(Report, report_id)
        history = s.scalars(
            select(ReportAction.action).where(ReportAction.report_id == report_id).order_by(ReportAction.id)
        ).all()
        return r.status, r.outcome, r.subject_hidden, list(history)


def queue_ids(db, member_id, **kw):
    with db() as s:
        return [r.id for r in services.queue(s, s.get(Member, member_id), **kw).items]


def test_a_handler_sees_only_their_areas_reports_oldest_first(shop, market, db, make_member):
    reporter = make_member()
    ardakan_booth = market.booth(region="yazd/ardakan")
    first = file(db, reporter, PRODUCT, shop.products[0])
    elsewhere = file(db, reporter, BOOTH, ardakan_booth)
    second = file(db, reporter, BOOTH, shop.booth)
    admin = make_member("admin", role_region=None)
    yazd_admin = make_member("admin", region="yazd/ardakan")

    assert queue_ids(db, shop.handler) == [first, second]
    assert queue_ids(db, shop.far_handler) == []
    assert queue_ids(db, admin) == [first, elsewhere, second]
    assert queue_ids(db, yazd_admin) == [elsewhere]
    with db() as s:
        assert services.pending_in_area(s, s.get(Member, shop.handler)) == 2
        assert services.pending_in_area(s, s.get(Member, shop.far_handler)) == 0
        assert services.pending_in_area(s, s.get(Member, reporter)) == 0


def test_the_queue_shows_undecided_reports_unless_asked_for_a_status(shop, db, make_member):
    reporter = make_member()
    taken = file(db, reporter, PRODUCT, shop.products[0])
    decided = file(db, reporter, PRODUCT, shop.products[1])
    act(db, shop.handler, taken, "review")
    act(db, shop.handler, decided, "dismiss")

    assert queue_ids(db, shop.handler) == [taken]
    assert queue_ids(db, shop.handler, statuses=[RESOLVED]) == [decided]
    with pytest.raises(BadInput):
        queue_ids(db, shop.handler, statuses=["lost"])


def test_a_report_outside_the_handlers_area_does_not_exist_for_them(shop, db, make_member):
    report_id = file(db, make_member(), PRODUCT, shop.products[0])

    for outsider in (shop.far_handler, make_member(), shop.seller):
        with pytest.raises(NotFound):
            act(db, outsider, report_id, "dismiss")
    assert state(db, report_id) == (OPEN, None, False, ["opened"])


@pytest.mark.parametrize("note", ["", "   ", "\u200c\u200f", None])
def test_every_act_needs_a_note(shop, db, make_member, note):
    report_id = file(db, make_member(), PRODUCT, shop.products[0])

    with pytest.raises(BadInput) as caught:
        act(db, shop.handler, report_id, "warn", note)

    assert "note" in caught.value.fields
    assert state(db, report_id) == (OPEN, None, False, ["opened"])


def test_an_unknown_act_is_refused(shop, db, make_member):
    report_id = file(db, make_member(), PRODUCT, shop.products[0])

    with pytest.raises(BadInput) as caught:
        act(db, shop.handler, report_id, "fine")

    assert "action" in caught.value.fields


def test_warning_tells_the_seller_with_the_note_and_the_reporter_the_outcome(
    shop, db, make_member, told, read
):
    reporter = make_member()
    report_id = file(db, reporter, PRODUCT, shop.products[0])

    act(db, shop.handler, report_id, "review", "با فروشنده تماس می‌گیرم")
    act(db, shop.handler, report_id, "warn", "لطفاً زعفران را در بسته‌ی دربسته بفرستید")

    assert state(db, report_id) == (RESOLVED, WARNED, False, ["opened", "review", "warn"])
    (seller_id, to_seller), (reporter_id, to_reporter) = told
    assert (seller_id, reporter_id) == (shop.seller, reporter)
    assert (to_seller.source, to_seller.kind) == ("supervision", REPORT_WARNED)
    assert "زعفران سرگل" in read(lambda: to_seller.title, "fa")
    assert "زعفران سرگل" in read(lambda: to_seller.title, "en")
    assert "بسته‌ی دربسته" in read(lambda: to_seller.body, "fa")
    assert "کیفیت" in read(lambda: to_seller.body, "fa")  # the report's category, in the reader's words
    assert "quality" in read(lambda: to_seller.body, "en")
    assert to_seller.url == f"/supervision/products/{shop.products[0]}"
    assert (to_reporter.kind, to_reporter.url) == (REPORT_HANDLED, f"/supervision/reports/{report_id}")
    assert "هشدار داده شد" in read(lambda: to_reporter.body, "fa")
    assert "the seller was warned" in read(lambda: to_reporter.body, "en")


def test_hiding_hides_the_product_in_the_bazaar_with_the_note_and_unhiding_shows_it(shop, db, make_member):
    report_id = file(db, make_member(), PRODUCT, shop.products[0])

    act(db, shop.handler, report_id, "hide", "زعفران تقلبی؛ تا بررسی آزمایشگاه پنهان می‌ماند")

    assert shop_hidden(db, shop) == (True, "زعفران تقلبی؛ تا بررسی آزمایشگاه پنهان می‌ماند")
    assert state(db, report_id) == (RESOLVED, HIDDEN, True, ["opened", "hide"])
    with db() as s:
        assert services.reputation(s, PRODUCT, shop.products[0]).hidden is True

    act(db, shop.handler, report_id, "unhide", "آزمایشگاه اصالت را تأیید کرد")

    assert shop_hidden(db, shop) == (False, None)
    assert state(db, report_id) == (RESOLVED, HIDDEN, False, ["opened", "hide", "unhide"])
    with db() as s:
        assert services.reputation(s, PRODUCT, shop.products[0]).hidden is False
    with pytest.raises(Conflict):
        act(db, shop.handler, report_id, "unhide")


def shop_hidden(db, shop):
    from resalat_bazaar import services as bazaar

    with db() as s:
        product = bazaar.get_product(s, shop.products[0])
        return product.hidden, product.hidden_reason


def test_hiding_a_booth_hides_it_in_the_bazaar(shop, market, db, make_member):
    report_id = file(db, make_member(), BOOTH, shop.booth)

    act(db, shop.handler, report_id, "hide", "غرفه به شکایت‌ها پاسخ نمی‌دهد")

    assert market.hidden(BOOTH, shop.booth) == (True, "غرفه به شکایت‌ها پاسخ نمی‌دهد")
    with db() as s:
        assert services.reputation(s, BOOTH, shop.booth).hidden is True
        # The product itself was not hidden by a decision of its own.
        assert services.reputation(s, PRODUCT, shop.products[0]).hidden is False


def test_dismissing_then_closing(shop, db, make_member, told):
    report_id = file(db, make_member(), PRODUCT, shop.products[0])

    act(db, shop.handler, report_id, "dismiss", "قیمت با بازار محلی هم‌خوان است")
    assert state(db, report_id)[:2] == (RESOLVED, DISMISSED)
    act(db, shop.handler, report_id, "close", "پرونده بسته شد")

    assert state(db, report_id) == (CLOSED, DISMISSED, False, ["opened", "dismiss", "close"])
    # Only the reporter hears of a dismissal, and only once (closing a decided report is filing).
    assert [m.kind for _id, m in told] == [REPORT_HANDLED]


@pytest.mark.parametrize(
    ("before", "action"),
    [
        (["dismiss"], "warn"),
        (["warn"], "hide"),
        (["review"], "review"),
        (["close"], "dismiss"),
        (["close"], "close"),
        ([], "unhide"),
    ],
)
def test_an_act_the_status_does_not_allow_is_a_conflict_and_changes_nothing(
    shop, db, make_member, before, action
):
    report_id = file(db, make_member(), PRODUCT, shop.products[0])
    for step in before:
        act(db, shop.handler, report_id, step)
    was = state(db, report_id)

    with pytest.raises(Conflict):
        act(db, shop.handler, report_id, action)

    assert state(db, report_id) == was


def test_an_open_report_can_be_closed_straight_away(shop, db, make_member):
    report_id = file(db, make_member(), BOOTH, shop.booth)

    act(db, shop.handler, report_id, "close", "گزارش‌دهنده تلفنی انصراف داد")

    assert state(db, report_id) == (CLOSED, None, False, ["opened", "close"])


def test_the_reporter_and_area_handlers_read_a_report_others_do_not(shop, db, make_member):
    reporter = make_member()
    report_id = file(db, reporter, PRODUCT, shop.products[0])
    act(db, shop.handler, report_id, "review", "در دست بررسی")

    with db() as s:
        found = services.get_report(s, s.get(Member, reporter), report_id)
        assert [(a.action, a.actor.id) for a in found.actions] == [
            ("opened", reporter),
            ("review", shop.handler),
        ]
        assert services.get_report(s, s.get(Member, shop.handler), report_id).id == report_id
        for outsider in (shop.far_handler, shop.seller, shop.buyer):
            with pytest.raises(NotFound):
                services.get_report(s, s.get(Member, outsider), report_id)


def test_a_social_leader_handles_the_reports_of_their_province(shop, db, make_member):
    leader = make_member("social_leader", region="zanjan/zanjan")
    far_leader = make_member("social_leader", region="sistan-baluchestan/arbab")
    report_id = file(db, make_member(), PRODUCT, shop.products[0])

    assert queue_ids(db, leader) == [report_id]
    assert queue_ids(db, far_leader) == []
    act(db, leader, report_id, "dismiss", "قیمت با بازار محلی هم‌خوان است")
    assert state(db, report_id)[:2] == (RESOLVED, DISMISSED)
