"""Step 3: a credit supporter introduces a core member for a Qard al-Hasan loan, and the member answers."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from resalat_cores import services as cores
from resalat_supporters import hooks, services
from resalat_supporters.models import Introduction

from resalat_core.sdk import BadInput, Conflict, Member, NavItem, NotFound, hookimpl


def shown_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-testid="introduction" data-id="(\d+)"', html)]


@pytest.fixture
def jafar(make_member):
    """Jafar Gharajehlou, who leads a light-livestock core in Gorg Tappeh."""
    return make_member(name="جعفر قراجه‌لو")


@pytest.fixture
def hossein(client_as):
    """Hossein, a credit supporter in Zanjan."""
    return client_as("supporter", kind="credit", name="حسین حامی")


def introduced_id(response) -> int:
    html = response.get_data(as_text=True)
    assert response.status_code == 302, re.findall(r"(?:invalid-feedback|form-error)[^>]*>([^<]*)<", html)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def test_a_credit_supporter_introduces_a_core_leader_who_accepts_it(
    hossein, client, jafar, make_core, introduce_form, introduction_status
):
    core = make_core(jafar)

    done = introduce_form(hossein, core, jafar, estimate="۶۰۰٬۰۰۰٬۰۰۰", amount="200000000 تومان")
    introduction_id = introduced_id(done)

    page = hossein.get(f"/supporters/introductions/{introduction_id}").get_data(as_text=True)
    assert "معرفی فرستاده شد" in page
    assert 'data-status="awaiting"' in page
    assert "۲۰۰٬۰۰۰٬۰۰۰ تومان" in page and "۳۰۰٬۰۰۰٬۰۰۰ تومان" in page  # asked for, and the ceiling
    assert 'data-testid="accept"' not in page  # only the member answers

    member = client.sign_in(jafar)
    mine = member.get("/supporters/introductions/received").get_data(as_text=True)
    assert shown_ids(mine) == [introduction_id]
    assert 'data-testid="awaiting">۱<' in member.get("/supporters/").get_data(as_text=True)
    accepted = member.form(
        f"/supporters/introductions/{introduction_id}/accept", {}, token_from="/supporters/"
    )
    assert accepted.status_code == 302
    assert introduction_status(introduction_id) == "introduced"

    outcome = hossein.get("/supporters/introductions").get_data(as_text=True)
    assert shown_ids(outcome) == [introduction_id]
    assert 'data-status="introduced"' in outcome
    assert "جعفر قراجه‌لو" in outcome
    history = hossein.get(f"/supporters/introductions/{introduction_id}").get_data(as_text=True)
    assert history.count('data-testid="event"') == 2


def test_a_family_member_of_the_core_can_be_introduced_too(
    hossein, make_member, make_core, introduce_form, db
):
    son = make_member(name="علی قراجه‌لو")
    core = make_core(members=(son,))

    introduction_id = introduced_id(introduce_form(hossein, core, son))

    with db() as s:
        assert s.get(Introduction, introduction_id).member_id == son


def test_the_member_may_decline_with_a_reason(hossein, client, jafar, make_core, introduce_form, db):
    introduction_id = introduced_id(introduce_form(hossein, make_core(jafar), jafar))
    member = client.sign_in(jafar)

    done = member.form(
        f"/supporters/introductions/{introduction_id}/decline",
        {"reason": "فعلاً وام نمي‌خواهم"},
        token_from="/supporters/",
    )

    assert done.status_code == 302
    with db() as s:
        introduction = s.get(Introduction, introduction_id)
        assert (introduction.status, introduction.status_note) == (
            "declined",
            "فعلا وام نمی‌خواهم",
        )  # ي folded, tanvin dropped
        assert introduction.answered_at is not None
    again = member.form(f"/supporters/introductions/{introduction_id}/accept", {}, token_from="/supporters/")
    assert again.status_code == 409
    assert "نمی‌تواند" in again.get_data(as_text=True)


def test_the_supporter_withdraws_with_a_reason_until_the_loan_is_requested(
    hossein, jafar, make_core, introduce_form, db, snapshot, field_error
):
    introduction_id = introduced_id(introduce_form(hossein, make_core(jafar), jafar))
    url = f"/supporters/introductions/{introduction_id}/withdraw"
    before = snapshot()

    no_reason = hossein.form(url, {"reason": "  "}, token_from="/supporters/")
    assert no_reason.status_code == 400
    assert "بگویید چرا" in field_error(no_reason.get_data(as_text=True), "reason")
    assert snapshot() == before

    done = hossein.form(url, {"reason": "هسته جابه‌جا شد"}, token_from="/supporters/")
    assert done.status_code == 302
    with db() as s:
        assert s.get(Introduction, introduction_id).status == "withdrawn"

    second = introduced_id(introduce_form(hossein, make_core(jafar, name="هسته‌ی دوم"), jafar))
    with db() as s:
        introduction = s.get(Introduction, second)
        introduction.status = "requested"  # the loans plugin's doing
    before = snapshot()
    late = hossein.form(
        f"/supporters/introductions/{second}/withdraw", {"reason": "دیر"}, token_from="/supporters/"
    )
    assert late.status_code == 409
    assert snapshot() == before


def test_no_one_else_sees_answers_or_withdraws_an_introduction(
    hossein, client_as, jafar, make_core, introduce_form, snapshot
):
    introduction_id = introduced_id(introduce_form(hossein, make_core(jafar), jafar))
    stranger = client_as("supporter", kind="credit")
    base = f"/supporters/introductions/{introduction_id}"
    before = snapshot()

    assert stranger.get(base).status_code == 404
    assert introduction_id not in shown_ids(stranger.get("/supporters/introductions").get_data(as_text=True))
    for action, data in (("accept", {}), ("decline", {}), ("withdraw", {"reason": "چون"})):
        assert stranger.form(f"{base}/{action}", data, token_from="/supporters/").status_code == 404
    # The supporter cannot answer for the member either.
    assert hossein.form(f"{base}/accept", {}, token_from="/supporters/").status_code == 404
    assert snapshot() == before


def test_answering_needs_the_forms_token(
    hossein, client, jafar, make_core, introduce_form, introduction_status
):
    introduction_id = introduced_id(introduce_form(hossein, make_core(jafar), jafar))
    member = client.sign_in(jafar)

    forged = member.post(f"/supporters/introductions/{introduction_id}/accept", data={})

    assert forged.status_code == 400
    assert introduction_status(introduction_id) == "awaiting"


# --- bad input: a clear message, and nothing changes ---------------------------------------------


def test_a_supporter_without_the_credit_kind_may_not_introduce(
    client_as, jafar, make_core, introduce_form, snapshot
):
    cultural = client_as("supporter", kind="cultural")
    core = make_core(jafar)
    before = snapshot()

    page = cultural.get("/supporters/introductions/new")
    sent = introduce_form(cultural, core, jafar, csrf_token=cultural.csrf_token("/supporters/"))

    for answer in (page, sent):
        assert answer.status_code == 403
        assert "فقط حامیان اعتباری" in answer.get_data(as_text=True)
    assert snapshot() == before


def test_a_credit_supporter_of_another_province_may_not_introduce_here(
    client_as, jafar, make_core, introduce_form, snapshot
):
    in_tehran = client_as("supporter", kind="credit", region="tehran/tehran")
    core = make_core(jafar)
    before = snapshot()

    answer = introduce_form(in_tehran, core, jafar)

    assert answer.status_code == 403
    assert "زنجان" in answer.get_data(as_text=True) or "گرگ" in answer.get_data(as_text=True)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"estimate": "0"}, "estimate", "بیشتر از صفر"),
        ({"estimate": "-600000000"}, "estimate", "منفی"),
        ({"estimate": "ششصد"}, "estimate", "رقم"),
        ({"amount": "300,000,001"}, "amount", "حداکثر ۳۰۰٬۰۰۰٬۰۰۰ تومان"),  # over 50% of the estimate
        ({"estimate": "2000000000", "amount": "500000001"}, "amount", "۵۰۰٬۰۰۰٬۰۰۰ تومان"),  # over the cap
        ({"amount": "0"}, "amount", "بیشتر از صفر"),
        ({"amount": ""}, "amount", "مبلغ را وارد کنید"),
        ({"purpose": "   "}, "purpose", "الزامی"),
        ({"purpose": "م" * 301}, "purpose", "۳۰۰"),
        ({"core": ""}, "core", "شناسه‌ی هسته را وارد کنید"),
        ({"core": "ZNJ-LIVESTOCK-999999"}, "core", "هیچ هسته‌ای این شناسه را ندارد"),
        ({"mobile": "0912"}, "mobile", "۰۹۱۲۱۲۳۴۵۶۷"),
        ({"national_code": "0012345678"}, "national_code", "معتبر نیست"),
        ({"mobile": "09359999999"}, "national_code", "هم این شماره‌ی همراه و هم این کد ملی"),
    ],
)
def test_bad_introductions_are_refused_field_by_field(
    hossein, jafar, make_core, introduce_form, snapshot, field_error, changes, field, message
):
    core = make_core(jafar)
    before = snapshot()

    answer = introduce_form(hossein, core, jafar, **changes)

    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert message in field_error(html, field), field_error(html, field)
    assert "لطفاً خانه‌های مشخص‌شده را اصلاح کنید." in html
    assert snapshot() == before


def test_a_mobile_and_a_national_code_of_two_different_members_are_refused(
    hossein, jafar, make_member, person, make_core, introduce_form, snapshot, field_error
):
    maryam = person(name="مریم احمدی")
    core = make_core(jafar)
    before = snapshot()

    answer = introduce_form(hossein, core, jafar, national_code=maryam.national_code)

    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "هیچ عضوی هم این شماره‌ی همراه و هم این کد ملی را ندارد" in field_error(html, "mobile")
    assert field_error(html, "national_code") == field_error(html, "mobile")
    assert snapshot() == before


def test_only_an_active_core_can_be_introduced_for(
    hossein, jafar, make_core, introduce_form, snapshot, field_error, db, reviewer
):
    candidate = make_core(jafar, active=False)
    suspended = make_core(name="هسته‌ی تعلیق‌شده")
    with db() as s:
        cores.set_status(
            s, cores.get_core(s, suspended.id), cores.SUSPENDED, actor=s.get(Member, reviewer), reason="بررسی"
        )
    before = snapshot()

    # A candidate has no core ID yet, so no core ID can name it.
    assert candidate.code is None
    unnamed = introduce_form(hossein, candidate, jafar, core="ZNJ-LIVESTOCK-000099")
    # A suspended core keeps its core ID but is not active.
    paused = introduce_form(hossein, suspended, suspended.leader_id)

    assert (unnamed.status_code, paused.status_code) == (400, 400)
    assert "هیچ هسته‌ای این شناسه را ندارد" in field_error(unnamed.get_data(as_text=True), "core")
    assert "این هسته هنوز فعال نیست" in field_error(paused.get_data(as_text=True), "core")
    assert snapshot() == before


def test_only_a_member_of_the_core_can_be_introduced_for_it(
    hossein, jafar, make_member, make_core, introduce_form, snapshot, field_error
):
    outsider = make_member(name="مریم احمدی")
    core = make_core(jafar)
    before = snapshot()

    answer = introduce_form(hossein, core, outsider)

    assert answer.status_code == 400
    assert "راهبر یا عضو این هسته نیست" in field_error(answer.get_data(as_text=True), "core")
    assert snapshot() == before


def test_a_supporter_cannot_introduce_themselves(client_as, make_core, introduce_form, snapshot, field_error):
    supporter = client_as("supporter", kind="credit")
    core = make_core(supporter.member_id)
    before = snapshot()

    answer = introduce_form(supporter, core, supporter.member_id)

    assert answer.status_code == 400
    assert "خودتان" in field_error(answer.get_data(as_text=True), "mobile")
    assert snapshot() == before


def test_introducing_the_same_member_twice_for_a_core_is_a_conflict(
    hossein, jafar, make_core, introduce_form, snapshot
):
    core = make_core(jafar)
    first = introduced_id(introduce_form(hossein, core, jafar))
    before = snapshot()

    again = introduce_form(hossein, core, jafar)

    assert again.status_code == 409
    assert "پیش‌تر این عضو را برای این هسته معرفی کرده‌اید" in again.get_data(as_text=True)
    assert snapshot() == before
    hossein.form(
        f"/supporters/introductions/{first}/withdraw", {"reason": "اشتباه"}, token_from="/supporters/"
    )
    assert introduce_form(hossein, core, jafar).status_code == 302


# --- the ceiling ---------------------------------------------------------------------------------


def test_the_form_shows_the_ceiling_for_the_typed_estimate_without_saving(
    hossein, jafar, make_core, introduce_form, snapshot
):
    core = make_core(jafar)
    empty = hossein.get("/supporters/introductions/new").get_data(as_text=True)
    assert "۵۰٪ ارزش برآوردی" in empty and "۵۰۰٬۰۰۰٬۰۰۰ تومان" in empty
    assert 'data-testid="ceiling">—<' in empty
    before = snapshot()

    checked = introduce_form(hossein, core, jafar, estimate="۸۰۰٬۰۰۰٬۰۰۰", amount="", check="1")
    capped = introduce_form(hossein, core, jafar, estimate="5000000000", check="1")

    assert checked.status_code == 200
    assert 'data-testid="ceiling">۴۰۰٬۰۰۰٬۰۰۰ تومان<' in checked.get_data(as_text=True)
    assert 'value="۸۰۰٬۰۰۰٬۰۰۰"' in checked.get_data(as_text=True)  # what was typed stays
    assert 'data-testid="ceiling">۵۰۰٬۰۰۰٬۰۰۰ تومان<' in capped.get_data(as_text=True)
    assert snapshot() == before


def test_the_ceiling_follows_the_configured_settings(make_app):
    other = make_app(
        plugins={"supporters": {"introduction_ratio_percent": 40, "max_introduction_rials": 1_000_000}}
    )

    with other.app_context():
        assert services.limits() == services.Limits(40, 1_000_000)
        assert services.ceiling_for(1_000_000) == 400_000  # 40% of 100,000 tomans
        assert services.ceiling_for(10_000_000) == 1_000_000  # the cap
    assert services.Limits(50, 5_000_000_000).ceiling(15) == 0  # rounded down to whole tomans


# --- lists ---------------------------------------------------------------------------------------


def test_my_introductions_are_paginated_and_filter_by_status(
    hossein, make_member, make_core, introduce_form, db
):
    ids = []
    for n in range(23):
        leader = make_member(name="راهبر هسته")
        ids.append(introduced_id(introduce_form(hossein, make_core(leader, name=f"هسته {n}"), leader)))
    with db() as s:
        s.get(Introduction, ids[0]).status = "introduced"

    first = hossein.get("/supporters/introductions").get_data(as_text=True)
    second = hossein.get("/supporters/introductions?page=2").get_data(as_text=True)
    accepted = hossein.get("/supporters/introductions?status=introduced").get_data(as_text=True)

    assert shown_ids(first) == ids[::-1][:20]
    assert shown_ids(second) == ids[::-1][20:]
    assert shown_ids(accepted) == [ids[0]]
    assert hossein.get("/supporters/introductions?status=lost").status_code == 400
    assert hossein.get("/supporters/introductions?page=0").status_code == 400


def test_the_introduction_lists_cost_the_same_queries_for_2_or_12_rows(
    hossein, client, make_member, make_core, introduce_form, count_queries
):
    member = make_member(name="عضو چندهسته‌ای")

    def introduce(n: int) -> None:
        for i in range(n):
            introduced_id(introduce_form(hossein, make_core(name=f"هسته {i}-{n}", members=(member,)), member))

    introduce(2)
    viewer = client.sign_in(member)
    for c in (hossein, viewer):
        c.get("/supporters/introductions")  # warm caches (translations, templates)
        c.get("/supporters/introductions/received")
    with count_queries() as few_supporter:
        small = hossein.get("/supporters/introductions").get_data(as_text=True)
    with count_queries() as few_member:
        viewer.get("/supporters/introductions/received")
    introduce(10)
    with count_queries() as many_supporter:
        large = hossein.get("/supporters/introductions").get_data(as_text=True)
    with count_queries() as many_member:
        listed = viewer.get("/supporters/introductions/received").get_data(as_text=True)

    assert (len(shown_ids(small)), len(shown_ids(large)), len(shown_ids(listed))) == (2, 12, 12)
    assert few_supporter.count == many_supporter.count
    assert few_member.count == many_member.count


# --- what came of it: the loan's events, or the bank's answer recorded by hand ---------------------


def stand_in_loan(introduction_id, loan_id=7, **fields):
    """What the loans plugin's events carry, as far as this plugin reads it (it does not require loans)."""
    defaults = {
        "id": loan_id,
        "introduction_id": introduction_id,
        "status": "requested",
        "score_value": 512,
        "score_rating": "C",
        "reason": "",
        "decided_by": None,
        "member": None,
    }
    return SimpleNamespace(**{**defaults, **fields})


def history(s, introduction_id):
    introduction = services.get_introduction(s, introduction_id)
    return [(e.status, e.note, e.params) for e in introduction.events]


def test_an_introduction_follows_its_loan_from_request_to_payment(
    hossein, jafar, make_core, introduce_form, db, notified
):
    introduction_id = introduced_id(introduce_form(hossein, make_core(jafar), jafar))
    with db() as s:
        services.accept_introduction(s, s.get(Member, jafar), introduction_id)
        loan = stand_in_loan(introduction_id)
        services.loan_requested(s, loan)
        officer = s.get(Member, hossein.member_id)  # any member stands in for the credit officer
        services.loan_decided(s, stand_in_loan(introduction_id, status="disbursed", decided_by=officer))

        assert history(s, introduction_id)[2:] == [
            ("scored", "", {"score": 512, "rating": "C"}),
            ("requested", "", {"loan": 7}),
            ("approved", "", {"loan": 7}),
            ("disbursed", "", {"loan": 7}),
        ]
        assert services.get_introduction(s, introduction_id).status == "disbursed"
    page = hossein.get(f"/supporters/introductions/{introduction_id}").get_data(as_text=True)
    assert "امتیاز مرآت ۵۱۲" in page and "وام شماره‌ی ۷" in page
    assert "رتبه‌ی ج" in page  # the rating in Persian letters, never "C"
    assert "loan:" not in page and "Merat" not in page and not re.search(r"رتبه‌ی [A-E]", page)
    steps = [
        "introduction.scored",
        "introduction.requested",
        "introduction.approved",
        "introduction.disbursed",
    ]
    assert notified(jafar) == ["introduction.new", *steps]
    assert notified(hossein.member_id) == ["introduction.accepted", *steps]


def test_an_introduction_already_scored_is_not_scored_again(hossein, jafar, make_core, introduce_form, db):
    introduction_id = introduced_id(introduce_form(hossein, make_core(jafar), jafar))
    with db() as s:
        services.accept_introduction(s, s.get(Member, jafar), introduction_id)
        services.mark_introduction(s, services.get_introduction(s, introduction_id), "scored")
        services.loan_requested(s, stand_in_loan(introduction_id))
        assert [status for status, _note, _params in history(s, introduction_id)] == [
            "awaiting",
            "introduced",
            "scored",
            "requested",
        ]


def test_a_rejected_loan_ends_the_introduction_with_the_officers_reason(
    hossein, jafar, make_core, introduce_form, db
):
    introduction_id = introduced_id(introduce_form(hossein, make_core(jafar), jafar))
    with db() as s:
        services.accept_introduction(s, s.get(Member, jafar), introduction_id)
        services.loan_requested(s, stand_in_loan(introduction_id))
        rejected = stand_in_loan(introduction_id, status="rejected", reason="نمره‌ی مرآت کافی نبود")
        introduction = services.loan_decided(s, rejected)
        assert (introduction.status, introduction.status_note) == ("rejected", "نمره‌ی مرآت کافی نبود")
    page = hossein.get(f"/supporters/introductions/{introduction_id}").get_data(as_text=True)
    assert "وام رد شد" in page and "نمره‌ی مرآت کافی نبود" in page
    assert 'data-testid="withdraw"' not in page


def test_a_cancelled_request_leaves_the_introduction_open_and_is_told_as_a_cancellation(
    hossein, jafar, make_core, introduce_form, db, notified
):
    introduction_id = introduced_id(introduce_form(hossein, make_core(jafar), jafar))
    with db() as s:
        member = s.get(Member, jafar)
        services.accept_introduction(s, member, introduction_id)
        services.loan_requested(s, stand_in_loan(introduction_id))
        services.loan_cancelled(s, stand_in_loan(introduction_id, status="cancelled", member=member))
        # Not used up: open for a new request, and the history says the member cancelled.
        assert history(s, introduction_id)[-1] == ("scored", "", {"loan": 7, "cancelled": True})
        assert services.get_introduction(s, introduction_id).status in services.OPEN_FOR_A_LOAN
    for person in (jafar, hossein.member_id):
        assert notified(person)[-1] == "introduction.cancelled"
        assert "introduction.rejected" not in notified(person)
    page = hossein.get(f"/supporters/introductions/{introduction_id}").get_data(as_text=True)
    assert "درخواست وام شماره‌ی ۷ را لغو کرد" in page
    assert "وام رد شد" not in page
    # A new request from it moves it on again, as the first did.
    with db() as s:
        services.loan_requested(s, stand_in_loan(introduction_id, loan_id=8))
        assert services.get_introduction(s, introduction_id).status == "requested"
        # An operator cannot mark a requested introduction back by hand: only a cancellation does.
        assert not services.introductions.may_move(services.get_introduction(s, introduction_id), "scored")


def test_a_loan_without_an_introduction_or_a_step_it_cannot_take_changes_nothing(
    hossein, jafar, make_core, introduce_form, db, snapshot
):
    introduction_id = introduced_id(introduce_form(hossein, make_core(jafar), jafar))
    before = snapshot()
    with db() as s:
        assert services.loan_requested(s, stand_in_loan(None)) is None
        # Still awaiting the member's answer: a loan's step cannot move it, and the loan is not refused.
        services.loan_decided(s, stand_in_loan(introduction_id, status="disbursed"))
    assert snapshot() == before


def test_the_loans_events_are_answered_without_requiring_the_loans_plugin():
    for name in ("resalat_loan_requested", "resalat_loan_decided", "resalat_loan_cancelled"):
        marker = getattr(hooks, name).resalat_impl
        assert marker["optionalhook"] is True, name


def test_an_operator_moves_an_accepted_introduction_along_by_hand(
    hossein, jafar, make_core, introduce_form, db
):
    introduction_id = introduced_id(introduce_form(hossein, make_core(jafar), jafar))

    with db() as s:
        introduction = services.get_introduction(s, introduction_id)
        with pytest.raises(Conflict):
            services.mark_introduction(s, introduction, "scored")  # not accepted yet
        services.accept_introduction(s, s.get(Member, jafar), introduction_id)
        for status in ("scored", "requested", "approved", "disbursed"):
            services.mark_introduction(s, introduction, status, note=f"بانک: {status}")
        assert [e.status for e in introduction.events] == [
            "awaiting",
            "introduced",
            "scored",
            "requested",
            "approved",
            "disbursed",
        ]
        assert services.introductions_for(s, s.get(Member, jafar)) == [introduction]
        with pytest.raises(Conflict):
            services.mark_introduction(s, introduction, "rejected")  # paid is final
        with pytest.raises(BadInput) as bad:
            services.mark_introduction(s, introduction, "withdrawn")  # the supporter's act, not the bank's
        assert "status" in bad.value.fields
        with pytest.raises(NotFound):
            services.get_introduction(s, introduction_id + 1000)


def test_a_rejection_recorded_by_hand_ends_the_introduction(hossein, jafar, make_core, introduce_form, db):
    introduction_id = introduced_id(introduce_form(hossein, make_core(jafar), jafar))

    with db() as s:
        services.accept_introduction(s, s.get(Member, jafar), introduction_id)
        introduction = services.mark_introduction(
            s, services.get_introduction(s, introduction_id), "rejected", note="نمره‌ی مرآت کافی نبود"
        )
        assert (introduction.status, introduction.status_note) == ("rejected", "نمره‌ی مرآت کافی نبود")
    page = hossein.get(f"/supporters/introductions/{introduction_id}").get_data(as_text=True)
    assert "وام رد شد" in page and "نمره‌ی مرآت کافی نبود" in page
    assert 'data-testid="withdraw"' not in page


class NextStep:
    """A plugin that offers a next step on introductions, as the loans plugin does."""

    @hookimpl
    def resalat_introduction_next_steps(self, introduction, viewer):
        if viewer.id != introduction.member_id or introduction.status not in services.OPEN_FOR_A_LOAN:
            return []
        return [NavItem("درخواست وام", f"/somewhere/{introduction.id}")]


def test_the_next_steps_other_plugins_offer_show_on_the_introduction_page(
    app, client, hossein, jafar, make_core, introduce_form
):
    introduction_id = introduced_id(introduce_form(hossein, make_core(jafar), jafar))
    pm = app.extensions["resalat"].plugins.pm
    pm.register(NextStep(), name="supporters_test_next_step")
    try:
        member = client.sign_in(jafar)
        url = f"/supporters/introductions/{introduction_id}"
        assert 'data-testid="next-step"' not in member.get(url).get_data(as_text=True)  # not yet accepted
        member.form(f"{url}/accept", {}, token_from="/supporters/")
        page = member.get(url).get_data(as_text=True)
        assert f'href="/somewhere/{introduction_id}" data-testid="next-step"' in page
        assert 'data-testid="next-step"' not in hossein.get(url).get_data(as_text=True)
    finally:
        pm.unregister(name="supporters_test_next_step")
