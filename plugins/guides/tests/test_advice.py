"""The advice log: Jalali dates on the page, the first advice moves a candidate on, and the
pipeline's status changes are kept as history."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from resalat_guides import services

from resalat_core.sdk import format_date


def _url(candidate_id: int, what: str = "") -> str:
    return f"/guides/candidates/{candidate_id}{what}"


def test_a_guide_logs_advice_with_jalali_dates_and_the_candidate_is_advised(guide, record, candidate_of):
    jafar = record(guide.member_id, name="جعفر قراجه‌لو")
    yesterday = date.today() - timedelta(days=1)
    typed = format_date(yesterday)  # Persian digits, as a Persian keyboard types them

    answer = guide.form(
        _url(jafar, "/advice"),
        {
            "text": "اصلاح نژاد گله با قوچ افشاری.\nوزن بره‌ها بیشتر می‌شود.",
            "next_step": "مشورت با دامپزشک",
            "advised_on": typed,
            "follow_up_on": "1499/01/01",
        },
        token_from=_url(jafar),
    )

    assert answer.status_code == 302
    assert candidate_of(jafar).status == "advised"
    page = guide.get(_url(jafar)).get_data(as_text=True)
    assert "اصلاح نژاد گله با قوچ افشاری.\nوزن بره‌ها بیشتر می‌شود." in page  # line breaks kept
    assert typed in page and "۱۴۹۹/۰۱/۰۱" in page
    assert f'datetime="{yesterday.isoformat()}"' in page
    assert "مشاوره‌گرفته" in page  # the history now has its second step


def test_later_advice_keeps_the_status_and_the_log_is_newest_first(guide, record, act, candidate_of):
    jafar = record(guide.member_id)
    for days_ago, text in ((30, "نخست"), (3, "سوم"), (10, "دوم")):
        act(
            guide.member_id,
            jafar,
            services.advise,
            text=text,
            advised_on=date.today() - timedelta(days=days_ago),
        )

    html = guide.get(_url(jafar)).get_data(as_text=True)

    log = html.split('data-testid="advice-log"')[1]
    assert log.index("سوم") < log.index("دوم") < log.index("نخست")
    assert candidate_of(jafar).status == "advised"
    assert html.count("مشاوره‌گرفته") == 2  # the badge and one history step, not one per advice


def test_the_advice_log_is_paginated(guide, record, act):
    jafar = record(guide.member_id)
    for n in range(5):
        act(guide.member_id, jafar, services.advise, text=f"مشاوره {n}")

    first = guide.get(_url(jafar) + "?per_page=2").get_data(as_text=True)
    third = guide.get(_url(jafar) + "?per_page=2&page=3").get_data(as_text=True)

    assert first.count('data-testid="advice"') == 2
    assert third.count('data-testid="advice"') == 1


@pytest.mark.parametrize(
    ("data", "field_name", "says"),
    [
        ({"text": "  "}, "text", "الزامی است"),
        ({"advised_on": "1404/13/01"}, "advised_on", "وجود ندارد"),
        ({"advised_on": "1403/12/31"}, "advised_on", "وجود ندارد"),  # Esfand never has 31 days
        ({"advised_on": "yesterday"}, "advised_on", "۱۴۰۴/۰۱/۳۱"),
        ({"advised_on": "1499/01/01"}, "advised_on", "در آینده"),
        ({"advised_on": "1403/06/10", "follow_up_on": "1403/06/01"}, "follow_up_on", "پیش از تاریخ مشاوره"),
        ({"next_step": "ب" * 501}, "next_step", "حداکثر"),
    ],
)
def test_bad_advice_is_refused_and_nothing_is_logged(guide, record, snapshot, data, field_name, says):
    jafar = record(guide.member_id)
    before = snapshot()

    answer = guide.form(_url(jafar, "/advice"), {"text": "متن مشاوره", **data}, token_from=_url(jafar))

    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert f'id="e-{field_name}"' in html
    assert says in html.split(f'id="e-{field_name}"')[1][:300]
    assert snapshot() == before


def test_a_dropped_candidate_cannot_be_advised_until_reopened(guide, record, act, snapshot, candidate_of):
    karim = record(guide.member_id, name="کریم نوروزی")
    act(guide.member_id, karim, services.set_status, "dropped", reason="به تهران رفت")
    before = snapshot()

    refused = guide.post(_url(karim, "/advice"), data={"text": "دوباره", "csrf_token": guide.csrf_token("/")})

    assert refused.status_code == 400
    assert "کنار گذاشته شده است" in refused.get_data(as_text=True)
    assert snapshot() == before
    assert 'data-testid="advice-form"' not in guide.get(_url(karim)).get_data(as_text=True)

    guide.form(_url(karim, "/status"), {"status": "identified", "reason": "برگشت"}, token_from=_url(karim))
    assert candidate_of(karim).status == "identified"
    assert guide.form(_url(karim, "/advice"), {"text": "دوباره"}, token_from=_url(karim)).status_code == 302


def test_dropping_needs_a_reason_and_is_kept_in_the_history(guide, record, snapshot, candidate_of):
    hasan = record(guide.member_id, name="حسن یوسفی")
    before = snapshot()

    no_reason = guide.form(
        _url(hasan, "/status"), {"status": "dropped", "reason": " "}, token_from=_url(hasan)
    )

    assert no_reason.status_code == 400
    assert 'id="e-reason"' in no_reason.get_data(as_text=True)
    assert snapshot() == before
    dropped = guide.form(
        _url(hasan, "/status"), {"status": "dropped", "reason": "سرمایه ندارد"}, token_from=_url(hasan)
    )
    assert dropped.status_code == 302
    assert candidate_of(hasan).status == "dropped"
    history = guide.get(_url(hasan)).get_data(as_text=True).split('data-testid="history"')[1]
    assert "کنارگذاشته" in history and "سرمایه ندارد" in history


@pytest.mark.parametrize(
    ("status", "says"),
    [
        ("core_registered", "فرم ثبت هسته"),
        ("booth_opened", "نمی‌تواند"),
        ("identified", "همین وضعیت"),
        ("married", "از فهرست"),
    ],
)
def test_a_status_the_pipeline_does_not_allow_is_refused(guide, record, snapshot, status, says):
    rogayeh = record(guide.member_id)
    before = snapshot()

    answer = guide.form(_url(rogayeh, "/status"), {"status": status}, token_from=_url(rogayeh))

    assert answer.status_code == 400
    assert says in answer.get_data(as_text=True).split('id="e-status"')[1][:300]
    assert snapshot() == before


def test_another_areas_candidate_cannot_be_advised_or_moved(guide, client_as, record, snapshot):
    yazd_guide = client_as("guide", region="yazd/ardakan")
    zahra = record(yazd_guide.member_id, region="yazd/ardakan", field="hand_weaving")
    token = guide.csrf_token("/guides/")
    before = snapshot()

    for what, data in (("/advice", {"text": "سلام"}), ("/status", {"status": "dropped", "reason": "x"})):
        answer = guide.post(_url(zahra, what), data={**data, "csrf_token": token})
        assert answer.status_code == 404
    assert snapshot() == before
