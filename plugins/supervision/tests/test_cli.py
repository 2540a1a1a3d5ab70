"""`resalat supervision queue MOBILE` and `resalat supervision stats`, for people and for scripts."""

from __future__ import annotations

import json

from resalat_supervision import services
from resalat_supervision.models import PRODUCT, QUALITY

from resalat_core.sdk import Member


def run(app, *args):
    return app.test_cli_runner().invoke(args=["supervision", *args])


def mobile_of(db, member_id):
    with db() as s:
        return s.get(Member, member_id).mobile


def test_a_handlers_queue_for_a_script(app, shop, db, make_member):
    with db() as s:
        report_id = services.file_report(
            s,
            s.get(Member, make_member()),
            kind=PRODUCT,
            subject_id=shop.products[0],
            category=QUALITY,
            description="کیفیت پایین",
        ).id

    answer = run(app, "queue", mobile_of(db, shop.handler), "--json")
    far = run(app, "queue", mobile_of(db, shop.far_handler), "--json")
    text = run(app, "queue", mobile_of(db, shop.handler))

    assert answer.exit_code == 0, answer.output
    data = json.loads(answer.output)
    assert data["total"] == 1
    (row,) = data["items"]
    assert (row["id"], row["subject"], row["region"], row["status"]) == (
        report_id,
        "زعفران سرگل",
        "zanjan/gorg-tappeh",
        "open",
    )
    assert json.loads(far.output)["items"] == []
    assert text.exit_code == 0 and str(report_id) in text.output and "1 in all" in text.output


def test_a_member_who_handles_nothing_has_no_queue(app, db, make_member):
    answer = run(app, "queue", mobile_of(db, make_member()))

    assert answer.exit_code == 1
    assert "handles the reports of no area" in answer.output


def test_an_unknown_member_is_a_clear_error(app):
    answer = run(app, "queue", "09999999999")

    assert answer.exit_code == 1
    assert "No member" in answer.output


def test_stats_for_people_and_scripts(app, shop, db, make_member):
    with db() as s:
        services.create_review(
            s, s.get(Member, shop.buyer), kind=PRODUCT, subject_id=shop.products[0], stars=4
        )
        services.create_review(
            s, s.get(Member, shop.buyer), kind=PRODUCT, subject_id=shop.products[1], stars=5
        )
        report = services.file_report(
            s,
            s.get(Member, make_member()),
            kind=PRODUCT,
            subject_id=shop.products[0],
            category=QUALITY,
            description="بد",
        )
        services.file_report(
            s,
            s.get(Member, make_member()),
            kind=PRODUCT,
            subject_id=shop.products[0],
            category=QUALITY,
            description="بد",
        )
        services.act(s, s.get(Member, shop.handler), report.id, action="warn", note="اصلاح کنید")

    data = json.loads(run(app, "stats", "--json").output)
    text = run(app, "stats").output

    assert data["reviews"] == 2 and data["average_stars"] == 4.5
    assert data["reports_by_status"] == {"open": 1, "under_review": 0, "resolved": 1, "closed": 0}
    assert data["reports_by_outcome"] == {"warned": 1, "hidden": 0, "dismissed": 0}
    assert data["pending"] == 1
    assert "reviews: 2 (average 4.50 stars)" in text
