"""Handling: the social leaders and admins of the booth's region decide, with a note, and it is recorded."""

from __future__ import annotations

import pytest
from resalat_supervision import services
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


def file(in_app, member_id, kind, subject_id, description="کالا خراب رسید"):
    with in_app() as s:
        return services.file_report(
            s,
            s.get(Member, member_id),
            kind=kind,
            subject_id=subject_id,
            category=QUALITY,
            description=description,
        ).id


def act(in_app, member_id, report_id, action, note="بررسی شد"):
    with in_app() as s:
        services.act(s, s.get(Member, member_id), report_id, action=action, note=note)


def state(in_app, report_id):
    with in_app() as s:
        r = s.get(Report, report_id)
        history = s.scalars(
            select(ReportAction.action).where(ReportAction.report_id == report_id).order_by(ReportAction.id)
        ).all()
        return r.status, r.outcome, r.subject_hidden, list(history)


def queue_ids(in_app, member_id, **kw):
    with in_app() as s:
        return [r.id for r in services.queue(s, s.get(Member, member_id), **kw).items]


def test_a_leader_sees_only_their_areas_reports_oldest_first(shop, market, in_app, make_member):
    reporter = make_member()
    ardakan_booth = market.booth(region="yazd/ardakan")
    first = file(in_app, reporter, PRODUCT, shop.products[0])
    elsewhere = file(in_app, reporter, BOOTH, ardakan_booth)
    second = file(in_app, reporter, BOOTH, shop.booth)
    admin = make_member("admin", role_region=None)
    yazd_admin = make_member("admin", region="yazd/ardakan")

    assert queue_ids(in_app, shop.leader) == [first, second]
    assert queue_ids(in_app, shop.far_leader) == []
    assert queue_ids(in_app, admin) == [first, elsewhere, second]
    assert queue_ids(in_app, yazd_admin) == [elsewhere]
    with in_app() as s:
        assert services.pending_in_area(s, s.get(Member, shop.leader)) == 2
        assert services.pending_in_area(s, s.get(Member, shop.far_leader)) == 0
        assert services.pending_in_area(s, s.get(Member, reporter)) == 0


def test_the_queue_shows_undecided_reports_unless_asked_for_a_status(shop, in_app, make_member):
    reporter = make_member()
    taken = file(in_app, reporter, PRODUCT, shop.products[0])
    decided = file(in_app, reporter, PRODUCT, shop.products[1])
    act(in_app, shop.leader, taken, "review")
    act(in_app, shop.leader, decided, "dismiss")

    assert queue_ids(in_app, shop.leader) == [taken]
    assert queue_ids(in_app, shop.leader, statuses=[RESOLVED]) == [decided]
    with pytest.raises(BadInput):
        queue_ids(in_app, shop.leader, statuses=["lost"])


def test_a_report_outside_the_handlers_area_does_not_exist_for_them(shop, in_app, make_member):
    report_id = file(in_app, make_member(), PRODUCT, shop.products[0])

    for outsider in (shop.far_leader, make_member(), shop.seller):
        with pytest.raises(NotFound):
            act(in_app, outsider, report_id, "dismiss")
    assert state(in_app, report_id) == (OPEN, None, False, ["opened"])


@pytest.mark.parametrize("note", ["", "   ", "\u200c\u200f", None])
def test_every_act_needs_a_note(shop, in_app, make_member, note):
    report_id = file(in_app, make_member(), PRODUCT, shop.products[0])

    with pytest.raises(BadInput) as caught:
        act(in_app, shop.leader, report_id, "warn", note)

    assert "note" in caught.value.fields
    assert state(in_app, report_id) == (OPEN, None, False, ["opened"])


def test_an_unknown_act_is_refused(shop, in_app, make_member):
    report_id = file(in_app, make_member(), PRODUCT, shop.products[0])

    with pytest.raises(BadInput) as caught:
        act(in_app, shop.leader, report_id, "fine")

    assert "action" in caught.value.fields


def test_warning_tells_the_seller_with_the_note_and_the_reporter_the_outcome(shop, in_app, make_member, told):
    reporter = make_member()
    report_id = file(in_app, reporter, PRODUCT, shop.products[0])

    act(in_app, shop.leader, report_id, "review", "با فروشنده تماس می‌گیرم")
    act(in_app, shop.leader, report_id, "warn", "لطفاً زعفران را در بسته‌ی دربسته بفرستید")

    assert state(in_app, report_id) == (RESOLVED, WARNED, False, ["opened", "review", "warn"])
    (seller_id, to_seller), (reporter_id, to_reporter) = told
    assert (seller_id, reporter_id) == (shop.seller, reporter)
    assert "زعفران سرگل" in to_seller.title_fa and "زعفران سرگل" in to_seller.title_en
    assert (
        "بسته‌ی دربسته" in to_seller.body_fa and to_seller.url == f"/supervision/products/{shop.products[0]}"
    )
    assert (to_seller.source, to_seller.kind) == ("supervision", "report.warned")
    assert to_reporter.url == f"/supervision/reports/{report_id}" and to_reporter.kind == "report.handled"


def test_hiding_hides_the_product_in_the_bazaar_with_the_note_and_unhiding_shows_it(
    shop, in_app, make_member
):
    report_id = file(in_app, make_member(), PRODUCT, shop.products[0])

    act(in_app, shop.leader, report_id, "hide", "زعفران تقلبی؛ تا بررسی آزمایشگاه پنهان می‌ماند")

    assert shop_hidden(in_app, shop) == (True, "زعفران تقلبی؛ تا بررسی آزمایشگاه پنهان می‌ماند")
    assert state(in_app, report_id) == (RESOLVED, HIDDEN, True, ["opened", "hide"])
    with in_app() as s:
        assert services.reputation(s, PRODUCT, shop.products[0]).hidden is True

    act(in_app, shop.leader, report_id, "unhide", "آزمایشگاه اصالت را تأیید کرد")

    assert shop_hidden(in_app, shop) == (False, None)
    assert state(in_app, report_id) == (RESOLVED, HIDDEN, False, ["opened", "hide", "unhide"])
    with in_app() as s:
        assert services.reputation(s, PRODUCT, shop.products[0]).hidden is False
    with pytest.raises(Conflict):
        act(in_app, shop.leader, report_id, "unhide")


def shop_hidden(in_app, shop):
    from resalat_bazaar import services as bazaar

    with in_app() as s:
        product = bazaar.get_product(s, shop.products[0])
        return product.hidden, product.hidden_reason


def test_hiding_a_booth_hides_it_in_the_bazaar(shop, market, in_app, make_member):
    report_id = file(in_app, make_member(), BOOTH, shop.booth)

    act(in_app, shop.leader, report_id, "hide", "غرفه به شکایت‌ها پاسخ نمی‌دهد")

    assert market.hidden(BOOTH, shop.booth) == (True, "غرفه به شکایت‌ها پاسخ نمی‌دهد")
    with in_app() as s:
        assert services.reputation(s, BOOTH, shop.booth).hidden is True
        # The product itself was not hidden by a decision of its own.
        assert services.reputation(s, PRODUCT, shop.products[0]).hidden is False


def test_dismissing_then_closing(shop, in_app, make_member, told):
    report_id = file(in_app, make_member(), PRODUCT, shop.products[0])

    act(in_app, shop.leader, report_id, "dismiss", "قیمت با بازار محلی هم‌خوان است")
    assert state(in_app, report_id)[:2] == (RESOLVED, DISMISSED)
    act(in_app, shop.leader, report_id, "close", "پرونده بسته شد")

    assert state(in_app, report_id) == (CLOSED, DISMISSED, False, ["opened", "dismiss", "close"])
    # Only the reporter hears of a dismissal, and only once (closing a decided report is filing).
    assert [m.kind for _id, m in told] == ["report.handled"]


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
    shop, in_app, make_member, before, action
):
    report_id = file(in_app, make_member(), PRODUCT, shop.products[0])
    for step in before:
        act(in_app, shop.leader, report_id, step)
    was = state(in_app, report_id)

    with pytest.raises(Conflict):
        act(in_app, shop.leader, report_id, action)

    assert state(in_app, report_id) == was


def test_an_open_report_can_be_closed_straight_away(shop, in_app, make_member):
    report_id = file(in_app, make_member(), BOOTH, shop.booth)

    act(in_app, shop.leader, report_id, "close", "گزارش‌دهنده تلفنی انصراف داد")

    assert state(in_app, report_id) == (CLOSED, None, False, ["opened", "close"])


def test_the_reporter_and_area_handlers_read_a_report_others_do_not(shop, in_app, make_member):
    reporter = make_member()
    report_id = file(in_app, reporter, PRODUCT, shop.products[0])
    act(in_app, shop.leader, report_id, "review", "در دست بررسی")

    with in_app() as s:
        found = services.get_report(s, s.get(Member, reporter), report_id)
        assert [(a.action, a.actor.id) for a in found.actions] == [
            ("opened", reporter),
            ("review", shop.leader),
        ]
        assert services.get_report(s, s.get(Member, shop.leader), report_id).id == report_id
        for outsider in (shop.far_leader, shop.seller, shop.buyer):
            with pytest.raises(NotFound):
                services.get_report(s, s.get(Member, outsider), report_id)
