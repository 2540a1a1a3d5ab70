"""Asking for a loan and deciding it: every refusal is clear, has the right status and changes nothing."""

from __future__ import annotations

import pytest
from resalat_deposits import services as deposits
from resalat_icap import services as icap
from resalat_loans import services
from resalat_supporters import services as supporters

from resalat_core.sdk import BadInput, Conflict, Member, NotAllowed

TOMAN = 10
AMOUNT = 100_000_000 * TOMAN


def refused(world, error, call):
    """Run ``call`` expecting ``error``; prove nothing changed; return the error."""
    before = world.snapshot()
    with pytest.raises(error) as caught:
        call()
    assert world.snapshot() == before
    return caught.value


def test_a_loan_over_the_products_cap_is_refused(world, db):
    with db() as s:
        services.save_product(s, {"code": "livestock", "amount_max": 150_000_000 * TOMAN})
    intro = world.introduce(200_000_000)  # the introduction allows more than the product does
    note = world.note()
    err = refused(
        world,
        BadInput,
        lambda: world.request(
            product="livestock", amount=200_000_000 * TOMAN, instalments=12, introduction=intro, note=note
        ),
    )
    assert "amount" in err.fields
    assert "۱۵۰٬۰۰۰٬۰۰۰" in str(err.fields["amount"]) or "150,000,000" in str(err.fields["amount"])


def test_a_loan_over_the_introductions_amount_is_refused(world):
    intro = world.introduce(100_000_000)
    note = world.note()
    err = refused(
        world,
        BadInput,
        lambda: world.request(
            product="livestock", amount=150_000_000 * TOMAN, instalments=12, introduction=intro, note=note
        ),
    )
    assert "amount" in err.fields


def test_a_programme_needs_an_introduction(world):
    note = world.note()
    err = refused(
        world, BadInput, lambda: world.request(product="livestock", amount=AMOUNT, instalments=12, note=note)
    )
    assert "introduction" in err.fields


def test_a_score_below_the_threshold_is_refused_and_no_score_is_kept(world, db):
    with db() as s:
        services.save_product(s, {"code": "livestock", "min_score": 950})
    intro = world.introduce()
    note = world.note()
    err = refused(
        world,
        BadInput,
        lambda: world.request(
            product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=note
        ),
    )
    assert err.code == "score_below_threshold"
    assert "950" in str(err.message) or "۹۵۰" in str(err.message)


def test_an_instalment_over_the_repayment_capacity_is_refused(world):
    world.profile(world.member, income=10_000_000, expenses=9_000_000)  # a small surplus
    intro = world.introduce()
    note = world.note()
    err = refused(
        world,
        BadInput,
        lambda: world.request(
            product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=note
        ),
    )
    assert err.code == "over_capacity"
    assert "instalments" in err.fields


def test_with_no_repayment_capacity_the_member_is_sent_to_merat(world):
    world.profile(world.member, income=20_000_000, expenses=20_000_000)  # nothing left each month
    intro = world.introduce()
    note = world.note()
    err = refused(
        world,
        BadInput,
        lambda: world.request(
            product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=note
        ),
    )
    assert err.code == "over_capacity"
    assert "مرآت" in str(err.message) or "Merat" in str(err.message)


def test_a_term_over_the_deposit_ratio_is_refused(world, make_member, person_mobile):
    guarantor = person_mobile(make_member(name="ضامن"))
    world.points(world.member, 100_000_000)  # 70 million of 100 million points: 70% allows 24 months
    note = world.note()
    kw = {"product": "general", "amount": 70_000_000 * TOMAN, "note": note, "guarantors": [guarantor]}
    err = refused(world, BadInput, lambda: world.request(instalments=30, **kw))
    assert err.code == "term_over_deposit_ratio"
    assert "instalments" in err.fields
    # Within the ratio it is accepted, and the points are used.
    loan_id = world.request(instalments=24, **kw)
    assert world.loan(loan_id)["status"] == "requested"


def test_general_loans_need_a_guarantor_or_a_social_guarantee(world):
    world.points(world.member, 100_000_000)
    note = world.note()
    err = refused(
        world,
        BadInput,
        lambda: world.request(product="general", amount=20_000_000 * TOMAN, instalments=12, note=note),
    )
    assert "guarantors" in err.fields


def test_a_second_pledge_of_the_same_note_is_refused(world, db):
    first = world.introduce()
    note = world.note()
    world.request(product="livestock", amount=AMOUNT, instalments=12, introduction=first, note=note)
    with db() as s:  # a second product the note might back
        services.save_product(
            s,
            {
                "code": "livestock2",
                "name_fa": "دام ۲",
                "name_en": "Livestock 2",
                "amount_min": 1_000_000,
                "amount_max": 10**12,
                "instalments_min": 1,
                "instalments_max": 36,
                "categories": ["livestock"],
                "uses_points": False,
            },
        )
    err = refused(
        world,
        (BadInput, Conflict),
        lambda: world.request(product="livestock2", amount=AMOUNT, instalments=12, note=note),
    )
    assert "note" in err.fields
    assert str(err.message)


def test_the_same_request_key_makes_one_request(world):
    intro = world.introduce()
    note = world.note()
    kw = {"product": "livestock", "amount": AMOUNT, "instalments": 12, "introduction": intro, "note": note}
    first = world.request(key="form-1", **kw)
    before = world.snapshot()
    assert world.request(key="form-1", **kw) == first
    assert world.snapshot() == before


def test_an_officer_outside_the_area_cannot_decide(world, make_member):
    intro = world.introduce()
    loan_id = world.request(
        product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=world.note()
    )
    zabol = make_member("credit_officer", region="sistan-baluchestan/zabol")
    err = refused(world, NotAllowed, lambda: world.decide(loan_id, officer=zabol))
    assert err.code == "outside_area"
    # An admin decides anywhere.
    assert world.decide(loan_id, officer=world.admin) == "disbursed"


def test_rejecting_needs_a_reason_then_releases_the_note(world, db, notifications):
    intro = world.introduce()
    note = world.note()
    loan_id = world.request(product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=note)
    err = refused(world, BadInput, lambda: world.decide(loan_id, approve=False, reason="  "))
    assert err.code == "reason_required" and "reason" in err.fields
    assert world.decide(loan_id, approve=False, reason="طرح توجیه اقتصادی ندارد") == "rejected"
    with db() as s:
        assert s.get(icap.Note, note).status == "issued"  # freed: it secured nothing
        introduction = s.get(supporters.Introduction, intro)
        assert (introduction.status, introduction.status_note) == ("rejected", "طرح توجیه اقتصادی ندارد")
        assert introduction.events[-1].actor_id == world.officer
    assert "loan.rejected" in notifications(world.member)
    # Deciding twice is a conflict that changes nothing.
    refused(world, Conflict, lambda: world.decide(loan_id, approve=True))


def test_the_member_cancels_before_the_decision_and_gets_points_back(world, db, make_member, person_mobile):
    guarantor = person_mobile(make_member(name="ضامن"))
    world.points(world.member, 100_000_000)
    note = world.note()
    with db() as s:
        before = deposits.points_of(s, s.get(Member, world.member)).available
    loan_id = world.request(
        product="general", amount=20_000_000 * TOMAN, instalments=12, note=note, guarantors=[guarantor]
    )
    with db() as s:
        assert deposits.points_of(s, s.get(Member, world.member)).available == before - 20_000_000 * TOMAN
        services.cancel(s, s.get(Member, world.member), loan_id)
    with db() as s:
        assert deposits.points_of(s, s.get(Member, world.member)).available == before
        assert s.get(icap.Note, note).status == "issued"  # freed: it secured nothing
    assert world.loan(loan_id)["status"] == "cancelled"


def test_cancelling_a_request_leaves_the_introduction_usable(world, db, notifications):
    intro = world.introduce()
    note = world.note()
    loan_id = world.request(product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=note)
    with db() as s:
        services.cancel(s, s.get(Member, world.member), loan_id)
    with db() as s:
        introduction = s.get(supporters.Introduction, intro)
        # Open again for a request, not used up; its history says the member cancelled.
        assert introduction.status in supporters.OPEN_FOR_A_LOAN
        assert introduction.events[-1].params == {"loan": loan_id, "cancelled": True}
        assert introduction.events[-1].actor_id == world.member
        assert [i.id for i in services.open_introductions(s, s.get(Member, world.member))] == [intro]
    assert world.loan(loan_id)["status"] == "cancelled"
    assert "loan.rejected" not in notifications(world.member)
    with db() as s:
        assert s.get(icap.Note, note).status == "issued"  # freed: it secured nothing
    # The same introduction, and the same note, make a new request.
    again = world.request(product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=note)
    assert world.loan(again)["status"] == "requested"
    with db() as s:
        assert s.get(supporters.Introduction, intro).status == "requested"


def test_an_empty_loan_fund_cannot_pay_out(world, db):
    intro = world.introduce()
    loan_id = world.request(
        product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=world.note()
    )
    with db() as s:
        from resalat_core.sdk import system_account, transfer

        fund = system_account(s, "loan_fund")
        transfer(s, "test:drain", fund, system_account(s, "cash_in"), fund.posted, "loan_funding")
    err = refused(world, Conflict, lambda: world.decide(loan_id))
    assert err.code == "fund_empty"


def test_a_product_fee_can_never_pass_four_percent(db):
    with db() as s, pytest.raises(BadInput) as caught:
        services.save_product(
            s,
            {
                "code": "dear",
                "name_fa": "گران",
                "name_en": "Dear",
                "amount_min": 10,
                "amount_max": 100,
                "instalments_min": 1,
                "instalments_max": 12,
                "fee_bps": 401,
                "categories": ["feed"],
            },
        )
    assert "fee_bps" in caught.value.fields


def test_loans_are_refused_where_the_module_is_off(world, app):
    intro = world.introduce()
    note = world.note()
    off = app.test_cli_runner().invoke(
        args=["modules", "disable", "loans", "--region", "zanjan", "--with-dependants"]
    )
    assert off.exit_code == 0, off.output
    err = refused(
        world,
        NotAllowed,
        lambda: world.request(
            product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=note
        ),
    )
    assert err.code == "not_active"


def test_a_note_freed_by_a_cancelled_request_secures_the_next_one_without_new_stamp_duty(app, world, db):
    """Jafar asks, pledging his note; he cancels; he asks again with the same note: no new note,
    no second stamp duty, and the officer pays the new loan out against it."""
    from .test_pages import sign_in

    intro = world.introduce()
    note = world.note()
    with db() as s:
        jafar = s.get(Member, world.member)
        balance = jafar_balance(s, jafar)
        notes = len(list(s.scalars(icap.notes_query(jafar))))
    first = world.request(product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=note)
    with db() as s:
        assert s.get(icap.Note, note).status == "pledged"
        assert services.notes_for(s, s.get(Member, world.member)) == []  # pledged: not offered
        services.cancel(s, s.get(Member, world.member), first)
    with db() as s:
        freed = s.get(icap.Note, note)
        assert (freed.status, freed.pledged_reference) == ("issued", None)
        assert [n.id for n in services.notes_for(s, s.get(Member, world.member))] == [note]
    # The request form offers it again.
    page = sign_in(app, world.member).get(f"/loans/new?introduction={intro}").get_data(as_text=True)
    assert f'<option value="{note}"' in page

    second = world.request(product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=note)
    assert world.loan(second)["note_id"] == note
    with db() as s:
        jafar = s.get(Member, world.member)
        assert jafar_balance(s, jafar) == balance  # no stamp duty twice
        assert len(list(s.scalars(icap.notes_query(jafar)))) == notes  # no new note
        pledged = s.get(icap.Note, note)
        assert pledged.status == "pledged" and pledged.pledged_reference.endswith(str(second))
        moves = [(h.from_status, h.to_status) for h in icap.history_of(s, pledged)]
        assert moves[-3:] == [("issued", "pledged"), ("pledged", "issued"), ("issued", "pledged")]
    assert world.decide(second) == "disbursed"


def test_a_freed_note_endorsed_away_no_longer_secures_a_loan(world, db):
    intro = world.introduce()
    note = world.note()
    first = world.request(product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=note)
    with db() as s:
        services.cancel(s, s.get(Member, world.member), first)
    with db() as s:
        icap.endorse_note(
            s, note, s.get(Member, world.member), payee_name="حسین حامی", payee_code="0012345679"
        )
    with db() as s:
        assert services.notes_for(s, s.get(Member, world.member)) == []
    err = refused(
        world,
        BadInput,
        lambda: world.request(
            product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=note
        ),
    )
    assert "note" in err.fields and "حسین حامی" in str(err.fields["note"])


def jafar_balance(s, member) -> int:
    from resalat_core.sdk import main_account

    return main_account(s, member).available
