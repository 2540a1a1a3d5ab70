"""A reviewer suspends a core and brings it back, always with a reason, and the history keeps every step."""

from __future__ import annotations

import pytest
from resalat_cores import services
from resalat_cores.models import Core
from resalat_cores.services import review

from resalat_core.sdk import BadInput, Conflict, Member, format_date, utcnow


@pytest.fixture
def reviewer(client_as):
    return client_as("admin", region="zanjan/zanjan")


@pytest.fixture
def active_core(make_member, new_core, reviewer):
    return new_core(make_member(name="جعفر قراجه‌لو"), approve_by=reviewer.member_id)


def test_a_reviewer_suspends_a_core_with_a_reason_and_reactivates_it(
    app, reviewer, active_core, core_of, monkeypatch
):
    told = []
    # What the SDK's notify() would hand to a notification plugin, where one is switched on.
    monkeypatch.setattr(review, "notify", lambda member, message: told.append(message))

    suspended = reviewer.form(
        f"/cores/{active_core}/status", {"status": "suspended", "reason": "  گزارش فروش دام بیمار "}
    )
    reactivated = reviewer.form(
        f"/cores/{active_core}/status", {"status": "active", "reason": "بررسی شد؛ مشکلی نبود"}
    )

    assert suspended.status_code == reactivated.status_code == 302
    core = core_of(active_core)
    assert core["status"] == "active"
    assert core["code"] == "ZNJ-LIVESTOCK-000001"  # a suspended core keeps its core ID
    assert core["history"][-2:] == [
        ("active", "suspended", "گزارش فروش دام بیمار", reviewer.member_id),
        ("suspended", "active", "بررسی شد؛ مشکلی نبود", reviewer.member_id),
    ]
    # The leader hears of both, with the reason.
    assert [(m.source, m.kind.kind, m.params["reason"]) for m in told] == [
        ("cores", "core.suspended", "گزارش فروش دام بیمار"),
        ("cores", "core.reactivated", "بررسی شد؛ مشکلی نبود"),
    ]
    with app.test_request_context():  # rendered in the reader's language (Persian by default)
        assert told[0].body == "دلیل: گزارش فروش دام بیمار"


def test_the_history_is_shown_to_the_reviewer_with_jalali_dates(reviewer, active_core):
    reviewer.form(f"/cores/{active_core}/status", {"status": "suspended", "reason": "بازدید میدانی لازم است"})

    html = reviewer.get(f"/cores/{active_core}").get_data(as_text=True)

    assert 'data-testid="history"' in html
    assert html.count('data-testid="history-row"') == 3  # registered, approved, suspended
    assert "بازدید میدانی لازم است" in html
    assert format_date(utcnow(), lang="fa") in html  # e.g. ۱۴۰۵/۰۹/۰۸
    queue = reviewer.get("/cores/queue?status=suspended").get_data(as_text=True)
    assert "بازدید میدانی لازم است" in queue


def test_a_long_history_comes_a_page_at_a_time(reviewer, active_core):
    for n in range(4):
        status = "suspended" if n % 2 == 0 else "active"
        reviewer.form(f"/cores/{active_core}/status", {"status": status, "reason": f"بازدید {n}"})

    first = reviewer.get(f"/cores/{active_core}?per_page=4").get_data(as_text=True)
    second = reviewer.get(f"/cores/{active_core}?per_page=4&page=2").get_data(as_text=True)
    api = reviewer.get(f"/api/v1/cores/{active_core}/history?per_page=4&page=2").get_json()

    assert first.count('data-testid="history-row"') == 4  # registered, approved, two visits
    assert second.count('data-testid="history-row"') == 2
    assert "بازدید ۳" in second or "بازدید 3" in second
    assert [h["reason"] for h in api["items"]] == ["بازدید 2", "بازدید 3"]
    assert api["meta"]["total"] == 6


def test_the_public_does_not_see_the_history(client, active_core):
    html = client.get(f"/cores/{active_core}").get_data(as_text=True)

    assert 'data-testid="history"' not in html
    assert "ZNJ-LIVESTOCK-۰۰۰۰۰۱" in html


@pytest.mark.parametrize("reason", ["", "   ", "\u200c"])
def test_suspending_without_a_reason_is_refused_and_changes_nothing(reviewer, active_core, snapshot, reason):
    before = snapshot()

    response = reviewer.form(f"/cores/{active_core}/status", {"status": "suspended", "reason": reason})

    assert response.status_code == 400
    assert 'id="e-reason"' in response.get_data(as_text=True)
    assert snapshot() == before


def test_a_status_change_by_api_names_the_bad_fields(api_as, active_core, snapshot):
    api = api_as("admin", region="zanjan/zanjan")
    before = snapshot()

    missing = api.post(f"/api/v1/cores/{active_core}/status", json={"status": "suspended"})
    unknown = api.post(f"/api/v1/cores/{active_core}/status", json={"status": "closed", "reason": "x"})

    assert missing.status_code == unknown.status_code == 400
    assert "reason" in missing.get_json()["error"]["fields"]
    assert "status" in unknown.get_json()["error"]["fields"]
    assert snapshot() == before


def test_a_candidate_suspended_before_approval_goes_back_to_the_queue(
    db, make_member, new_core, reviewer, core_of
):
    core_id = new_core(make_member())

    with db() as s:
        core, actor = s.get(Core, core_id), s.get(Member, reviewer.member_id)
        services.set_status(s, core, "suspended", actor=actor, reason="مدارک ناقص")
        assert services.reactivation_status(core) == "candidate"
        with pytest.raises(Conflict):
            services.set_status(s, core, "active", actor=actor, reason="کامل شد")
        services.set_status(s, core, "candidate", actor=actor, reason="مدارک کامل شد")

    assert core_of(core_id)["status"] == "candidate"


@pytest.mark.parametrize(
    ("start", "target", "error"),
    [("active", "active", Conflict), ("candidate", "candidate", Conflict), ("active", "candidate", Conflict)],
)
def test_impossible_moves_are_refused(db, make_member, new_core, reviewer, snapshot, start, target, error):
    core_id = new_core(make_member(), approve_by=reviewer.member_id if start == "active" else None)
    before = snapshot()

    with pytest.raises(error), db() as s:
        services.set_status(
            s, s.get(Core, core_id), target, actor=s.get(Member, reviewer.member_id), reason="چرا"
        )

    assert snapshot() == before


def test_a_reviewer_of_another_province_cannot_suspend(client_as, active_core, snapshot):
    yazd_reviewer = client_as("admin", region="yazd/yazd")
    before = snapshot()

    response = yazd_reviewer.form(f"/cores/{active_core}/status", {"status": "suspended", "reason": "چرا"})

    assert response.status_code == 403
    assert snapshot() == before


def test_a_reason_too_long_is_refused(db, active_core, reviewer, snapshot):
    before = snapshot()

    with pytest.raises(BadInput) as caught, db() as s:
        services.set_status(
            s,
            s.get(Core, active_core),
            "suspended",
            actor=s.get(Member, reviewer.member_id),
            reason="ب" * 501,
        )

    assert "reason" in caught.value.fields
    assert snapshot() == before
