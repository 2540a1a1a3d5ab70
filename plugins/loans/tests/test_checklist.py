"""A credit path that says what it needs before it refuses: the form starts from the introduction,
shows every requirement with the member's standing and the exact instalments, refuses in one pass;
cancelling asks first; the officer hears of the request and confirms before money moves."""

from __future__ import annotations

import re

import pytest
from resalat_cores import services as cores
from resalat_loans import services
from resalat_loans.services.schedules import Run
from resalat_supporters import services as supporters
from sqlalchemy import func, select

from resalat_core.sdk import BadInput, Member, Transfer, get_region

from .conftest import work

TOMAN = 10
AMOUNT = 100_000_000 * TOMAN


def sign_in(app, member_id):
    from resalat_core.testing import ResalatClient

    app.test_client_class = ResalatClient
    return app.test_client().sign_in(member_id)


def checklist(world, product, **kw):
    """The checklist as the member would read it: {requirement: met}, and the standing itself."""
    with work(world.app) as s:
        member = s.get(Member, world.member)
        intro = kw.pop("introduction", None)
        found = services.standing(
            s,
            member,
            product=services.get_product(s, product),
            introduction=supporters.get_introduction(s, intro) if intro else None,
            social=services.social_guarantee_of(s, member),
            **kw,
        )
        return {item.key: item.met for item in found.items}, found


def page_items(html):
    """The checklist on a page: {requirement: "yes" | "no" | "unknown"}."""
    return dict(re.findall(r'data-testid="requirement" data-key="(\w+)" data-met="(\w+)"', html))


# --- the exact schedule --------------------------------------------------------------------------


def test_the_schedule_is_written_out_exactly_never_as_one_rounded_figure():
    # 80 million tomans in 24 months with the 2% fee: 23 × 3,399,000 and a last of 3,423,000.
    assert services.summary(800_000_000, 16_000_000, 24) == [Run(23, 33_990_000), Run(1, 34_230_000)]
    runs = services.summary(800_000_000, 16_000_000, 24)
    assert sum(r.count * r.amount for r in runs) == 816_000_000
    assert services.summary(120_000_000, 2_400_000, 12) == [Run(12, 10_200_000)]
    assert services.runs_of([5, 5, 7, 5]) == [Run(2, 5), Run(1, 7), Run(1, 5)]


def test_the_form_and_the_officer_show_the_exact_schedule_in_tomans(app, world, notifications):
    world.profile(world.member, income=200_000_000, expenses=20_000_000)
    intro = world.introduce(80_000_000)
    member = sign_in(app, world.member)
    form = member.get(
        f"/loans/new?introduction={intro}&product=livestock&amount=80000000&instalments=24"
    ).get_data(as_text=True)
    exact = "۲۳ × ۳٬۳۹۹٬۰۰۰ تومان</span> + <span"
    assert exact in form and "۳٬۴۲۳٬۰۰۰ تومان" in form
    assert "۲۴ × " not in form
    loan = world.request(
        product="livestock",
        amount=80_000_000 * TOMAN,
        instalments=24,
        introduction=intro,
        note=world.note(rials=816_000_000),
    )
    officer = sign_in(app, world.officer)
    for url in (f"/loans/officer/{loan}", f"/loans/officer/{loan}/confirm"):
        html = officer.get(url).get_data(as_text=True)
        assert exact in html and "۳٬۴۲۳٬۰۰۰ تومان" in html and "۲۴ × " not in html, url
        assert html.count('data-testid="line"') == 24


# --- the form starts from the introduction -------------------------------------------------------


def test_the_form_starts_from_the_introduction_its_programme_and_amount(app, world):
    intro = world.introduce(120_000_000)
    html = sign_in(app, world.member).get(f"/loans/new?introduction={intro}").get_data(as_text=True)
    assert re.search(r'<option value="livestock" selected>', html)
    assert re.search(r'id="f-amount"[^>]*value="120000000"', html, re.S)
    assert 'data-testid="from-introduction"' in html


def test_a_clothing_cores_introduction_is_not_offered_the_first_programme(app, world, db):
    with db() as s:
        jafar = s.get(Member, world.member)
        core = cores.register_core(
            s,
            leader=jafar,
            name="پوشاک قراجه‌لو",
            field="clothing",
            region=get_region(s, "zanjan/gorg-tappeh"),
            existed_before=True,
        )
        cores.approve_core(s, core, actor=s.get(Member, world.admin))
        s.flush()
        intro = supporters.introduce(
            s,
            s.get(Member, world.supporter),
            core=core.code,
            mobile=jafar.mobile,
            national_code=jafar.national_code,
            estimate=300_000_000 * TOMAN,
            purpose="خرید چرخ خیاطی",
            amount=50_000_000 * TOMAN,
        )
        supporters.accept_introduction(s, jafar, intro.id)
        intro_id = intro.id
    html = sign_in(app, world.member).get(f"/loans/new?introduction={intro_id}").get_data(as_text=True)
    # No clothing programme: the general loan, never the light-livestock programme listed first.
    assert re.search(r'<option value="general" selected>', html)
    assert not re.search(r'<option value="livestock" selected>', html)


def test_after_accepting_an_introduction_a_button_leads_to_its_request(app, world, db):
    with db() as s:
        member = s.get(Member, world.member)
        intro = supporters.introduce(
            s,
            s.get(Member, world.supporter),
            core=world.core_code,
            mobile=member.mobile,
            national_code=member.national_code,
            estimate=300_000_000 * TOMAN,
            purpose="خرید میش",
            amount=AMOUNT,
        )
        intro_id = intro.id
    client = sign_in(app, world.member)
    before = client.get(f"/supporters/introductions/{intro_id}").get_data(as_text=True)
    assert 'data-testid="next-step"' not in before  # not yet accepted
    accepted = client.form(f"/supporters/introductions/{intro_id}/accept", {})
    page = client.get(accepted.headers["Location"]).get_data(as_text=True)
    assert f'href="/loans/new?introduction={intro_id}" data-testid="next-step"' in page
    # The supporter reads the same page without the member's button.
    supporter = sign_in(app, world.supporter).get(f"/supporters/introductions/{intro_id}")
    assert 'data-testid="next-step"' not in supporter.get_data(as_text=True)


# --- the checklist -------------------------------------------------------------------------------


def test_a_member_who_meets_every_requirement_sees_every_one_ticked(world, make_member, person_mobile):
    guarantor = person_mobile(make_member(name="ضامن"))
    world.points(world.member, 100_000_000)
    amount, n = 50_000_000 * TOMAN, 12
    note = world.note(rials=amount + services.fee_for(amount, 200))
    met, found = checklist(world, "general", amount=amount, instalments=n, note=note, guarantors=[guarantor])
    assert met == {
        "amount": True,
        "points": True,
        "instalments": True,
        "score": True,
        "capacity": True,
        "guarantors": True,
        "note": True,
    }
    assert found.ready and not found.unmet
    assert found.note_amount == amount + services.fee_for(amount, 200) == 510_000_000
    # The request the checklist approved is accepted as it is.
    loan = world.request(product="general", amount=amount, instalments=n, note=note, guarantors=[guarantor])
    assert world.loan(loan)["status"] == "requested"


def test_a_programme_with_its_introduction_is_ticked_too(world):
    intro = world.introduce()
    met, found = checklist(
        world, "livestock", amount=AMOUNT, instalments=12, introduction=intro, note=world.note()
    )
    assert set(met) == {"introduction", "amount", "instalments", "score", "capacity", "note"}
    assert found.ready


@pytest.mark.parametrize(
    ("missing", "key"),
    [
        ("introduction", "introduction"),
        ("over_introduction", "amount"),
        ("score", "score"),
        ("capacity", "capacity"),
        ("no_capacity", "capacity"),
        ("note", "note"),
        ("small_note", "note"),
    ],
)
def test_each_requirement_a_programme_member_misses_is_unticked_with_what_to_do(world, db, missing, key):
    intro = world.introduce(100_000_000)
    kw = {"amount": AMOUNT, "instalments": 12, "introduction": intro, "note": world.note()}
    if missing == "introduction":
        kw.pop("introduction")
    elif missing == "over_introduction":
        kw["amount"] = 150_000_000 * TOMAN
    elif missing == "score":
        with db() as s:
            services.save_product(s, {"code": "livestock", "min_score": 950})
    elif missing == "capacity":
        world.profile(world.member, income=10_000_000, expenses=9_000_000)
    elif missing == "no_capacity":
        world.profile(world.member, income=20_000_000, expenses=20_000_000)
    elif missing == "note":
        kw["note"] = None
    elif missing == "small_note":
        kw["note"] = world.note(rials=AMOUNT)  # the principal only, not principal + fee
    met, found = checklist(world, "livestock", **kw)
    assert met[key] is False
    assert [item.key for item in found.unmet] == [key]
    item = next(i for i in found.items if i.key == key)
    assert item.todo
    assert not found.ready


@pytest.mark.parametrize("missing", ["points", "term", "guarantors"])
def test_each_requirement_a_general_loan_member_misses_is_unticked(
    world, make_member, person_mobile, missing
):
    guarantor = person_mobile(make_member(name="ضامن"))
    if missing != "points":
        world.points(world.member, 100_000_000)  # 70 million of 100 million points allows 24 months
    amount = 70_000_000 * TOMAN
    kw = {
        "amount": amount,
        "instalments": 30 if missing == "term" else 12,
        "note": world.note(rials=amount * 2),
        "guarantors": [] if missing == "guarantors" else [guarantor],
    }
    met, found = checklist(world, "general", **kw)
    key = {"points": "points", "term": "instalments", "guarantors": "guarantors"}[missing]
    assert [item.key for item in found.unmet] == [key]
    if missing == "term":
        # The longest term the points allow, in the reader's digits.
        title = next(i.title for i in found.items if i.key == "instalments")
        assert "24" in title or "۲۴" in title


def test_a_note_is_asked_for_with_the_exact_amount_and_a_link_to_issue_it(app, world):
    intro = world.introduce()
    html = (
        sign_in(app, world.member)
        .get(f"/loans/new?introduction={intro}&product=livestock&amount=100000000&instalments=12")
        .get_data(as_text=True)
    )
    assert page_items(html)["note"] == "no"
    # Principal + fee: 100,000,000 + 2,000,000 tomans, written on the note as 1,020,000,000 rials.
    assert "۱۰۲٬۰۰۰٬۰۰۰ تومان" in html
    link = re.search(r'href="([^"]+)" data-testid="do-note"', html).group(1).replace("&amp;", "&")
    assert link.startswith("/icap/new?") and "amount=1020000000" in link and "next=/loans/new" in link


def test_the_form_checks_again_without_sending_and_refreshes_the_checklist_alone(app, world, db):
    intro = world.introduce()
    client = sign_in(app, world.member)
    data = {"introduction": str(intro), "product": "livestock", "amount": "۱۰۰٬۰۰۰٬۰۰۰", "instalments": "۱۲"}
    checked = client.form("/loans/new", {**data, "action": "check"}, token_from="/loans/new")
    assert checked.status_code == 200
    assert page_items(checked.get_data(as_text=True))["note"] == "no"
    with db() as s:
        assert s.scalar(select(func.count()).select_from(services.Loan)) == 0
    part = client.get("/loans/new", query_string={**data, "part": "standing"})
    html = part.get_data(as_text=True)
    assert html.lstrip().startswith('<div id="standing"') and "<html" not in html
    assert page_items(html)["capacity"] == "yes"


# --- one pass of refusals ------------------------------------------------------------------------


def test_every_unmet_requirement_is_refused_in_one_pass_and_nothing_is_kept(world, db):
    with db() as s:
        services.save_product(s, {"code": "general", "min_score": 950})
    # No deposit points, no guarantor, no note, a score under the minimum.
    before = world.snapshot()
    with pytest.raises(BadInput) as caught:
        world.request(product="general", amount=70_000_000 * TOMAN, instalments=12)
    assert world.snapshot() == before
    err = caught.value
    assert {"amount", "guarantors", "note", "score"} <= set(err.fields)
    assert err.code == "requirements_unmet"


def test_the_form_shows_every_refusal_at_once(app, world, db):
    with db() as s:
        services.save_product(s, {"code": "general", "min_score": 950})
    client = sign_in(app, world.member)
    sent = client.form(
        "/loans/new",
        {"product": "general", "amount": "70000000", "instalments": "12", "key": "k1"},
        token_from="/loans/new",
    )
    html = sent.get_data(as_text=True)
    assert sent.status_code == 400
    for field in ("amount", "guarantors"):
        assert re.search(rf'id="f-{field}"[^>]*aria-invalid="true"', html, re.S), field
    assert 'data-testid="error-score"' in html
    assert re.search(r'id="f-note"[^>]*is-invalid|class="form-select is-invalid" id="f-note"', html)


# --- cancelling --------------------------------------------------------------------------------


def test_cancelling_asks_first_then_keeps_the_introduction_and_says_cancelled(app, world, db, notifications):
    intro = world.introduce()
    loan = world.request(
        product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=world.note()
    )
    client = sign_in(app, world.member)
    page = client.get(f"/loans/{loan}").get_data(as_text=True)
    assert f'href="/loans/{loan}/cancel" data-testid="cancel"' in page  # a link, not a one-tap form
    unconfirmed = client.form(f"/loans/{loan}/cancel", {}, token_from=f"/loans/{loan}")
    assert unconfirmed.status_code == 302 and unconfirmed.headers["Location"].endswith(
        f"/loans/{loan}/cancel"
    )
    assert world.loan(loan)["status"] == "requested"
    confirm = client.get(f"/loans/{loan}/cancel").get_data(as_text=True)
    assert 'data-testid="confirm-cancel"' in confirm
    done = client.form(f"/loans/{loan}/cancel", {"confirmed": "1"}, token_from=f"/loans/{loan}/cancel")
    assert done.status_code == 302
    assert world.loan(loan)["status"] == "cancelled"
    told = notifications(world.member)
    assert told[-1] == "loan.cancelled" and "loan.rejected" not in told
    with db() as s:
        assert s.get(supporters.Introduction, intro).status in supporters.OPEN_FOR_A_LOAN
    home = client.get("/loans/").get_data(as_text=True)
    assert f"/loans/new?introduction={intro}" in home  # asked again from the same introduction


# --- the officer -------------------------------------------------------------------------------


def test_the_officers_of_the_area_are_told_of_a_new_request(world, make_member, notifications):
    zabol = make_member("credit_officer", region="sistan-baluchestan/zabol")
    province = make_member("credit_officer", region="zanjan")
    intro = world.introduce()
    world.request(product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=world.note())
    assert notifications(world.officer) == ["loan.to_decide"]
    assert notifications(province) == ["loan.to_decide"]
    assert notifications(zabol) == []
    assert "loan.to_decide" not in notifications(world.member)


def test_paying_out_needs_the_confirmation_and_happens_once(app, world, db):
    intro = world.introduce()
    loan = world.request(
        product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=world.note()
    )
    officer = sign_in(app, world.officer)

    def transfers():
        with db() as s:
            return s.scalar(select(func.count(Transfer.id)))

    before = transfers()
    asked = officer.form(f"/loans/officer/{loan}", {"decision": "approve"})
    assert asked.status_code == 302 and world.loan(loan)["status"] == "requested" and transfers() == before
    confirm = f"/loans/officer/{loan}/confirm"
    html = officer.get(confirm).get_data(as_text=True)
    assert "۱۰۰٬۰۰۰٬۰۰۰ تومان" in html and "جعفر قراجه‌لو" in html
    first = officer.form(
        f"/loans/officer/{loan}", {"decision": "approve", "confirmed": "1"}, token_from=confirm
    )
    again = officer.form(
        f"/loans/officer/{loan}", {"decision": "approve", "confirmed": "1"}, token_from=confirm
    )
    assert first.status_code == 302 and again.status_code == 302
    assert world.loan(loan)["status"] == "disbursed"
    assert transfers() == before + 1  # the disbursal, once
    assert world.balance(account_id=world.loan(loan)["account_id"]) == AMOUNT
    assert world.verify()
