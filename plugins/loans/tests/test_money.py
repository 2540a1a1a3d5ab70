"""The loan's money: it only buys what the product allows in M-Bazar, never leaves as cash, and the
fee is fixed once: no charge grows with time, late payment included."""

from __future__ import annotations

from datetime import date

import pytest
from resalat_bazaar import services as bazaar
from resalat_loans import services
from sqlalchemy import select

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    NotAllowed,
    Transfer,
    account_name,
    get_account,
    main_account,
    system_account,
    to_persian_digits,
    transfer,
)

TOMAN = 10
AMOUNT = 120_000_000 * TOMAN


@pytest.fixture
def disbursed(world):
    """Jafar's livestock loan, approved and paid out: its id."""
    intro = world.introduce()
    loan_id = world.request(
        product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=world.note()
    )
    world.decide(loan_id)
    return loan_id


# --- the arithmetic ----------------------------------------------------------------------------


def test_the_fee_is_two_percent_rounded_to_a_rial():
    assert services.fee_for(1_000_000, 200) == 20_000
    assert services.fee_for(1_234_567, 200) == 24_691  # 24,691.34 rounds down
    assert services.fee_for(25, 200) == 1  # 0.5 rounds up


def test_equal_instalments_with_the_remainders_on_the_last():
    lines = services.schedule_for(1_000_000, 20_001, 3, date(2026, 3, 21), unit=1)
    assert [line.principal for line in lines] == [333_333, 333_333, 333_334]
    assert [line.fee for line in lines] == [6_667, 6_667, 6_667]
    assert sum(line.amount for line in lines) == 1_020_001
    assert len({line.amount for line in lines[:-1]}) == 1


def test_instalments_are_round_tomans_with_the_rest_on_the_last():
    # 200 million tomans over 24 months with its 2% fee: 8,499,000 tomans a month, then the rest.
    amount = 2_000_000_000
    lines = services.schedule_for(amount, services.fee_for(amount, 200), 24, date(2026, 3, 21), unit=10_000)
    assert {line.amount for line in lines[:-1]} == {84_990_000}
    assert lines[-1].amount == 85_230_000
    assert sum(line.principal for line in lines) == amount
    assert sum(line.fee for line in lines) == 40_000_000
    # A loan too small to round stays exact.
    tiny = services.schedule_for(1_000, 20, 12, date(2026, 3, 21), unit=10_000)
    assert sum(line.amount for line in tiny) == 1_020 and all(line.amount > 0 for line in tiny)


def test_due_dates_step_jalali_months():
    # 31 Shahrivar 1405 (22 September 2026): Mehr has 30 days, so the next is 30 Mehr.
    start = date(2026, 9, 22)
    lines = services.schedule_for(60, 0, 6, start, unit=1)
    assert lines[0].due_on == date(2026, 10, 22)  # 30 Mehr 1405
    assert lines[5].due_on == date(2027, 3, 20)  # 29 Esfand 1405 (not a leap year)
    assert services.add_months(date(2026, 3, 21), 12) == date(2027, 3, 21)  # 1 Farvardin to 1 Farvardin


# --- the loan's account ------------------------------------------------------------------------


def test_the_loans_account_is_named_for_its_member_and_its_rules_hold_only_codes(world, disbursed, db, app):
    account_id = world.loan(disbursed)["account_id"]
    with db() as s:
        account = get_account(s, account_id)
        assert (account.purpose, account.params) == (
            "loan",
            {"loan": disbursed, "product": "برنامه‌ی دام سبک"},
        )
        # What the money may pay for is codes: M-Hesam and M-Bazar say what each means.
        assert account.spend_rules == {
            "categories": ["feed", "husbandry_equipment", "livestock", "veterinary"],
            "purposes": ["bazaar_purchase"],
        }
        with app.test_request_context("/"):
            assert (
                account_name(account)
                == f"وام شماره‌ی {to_persian_digits(str(disbursed))} برای برنامه‌ی دام سبک"
            )
        transfers = s.scalars(select(Transfer).where(Transfer.reference == f"loan:{disbursed}")).all()
        assert [(t.purpose, t.params) for t in transfers] == [("loan_disbursal", {"loan": disbursed})]


# --- never cash --------------------------------------------------------------------------------


def test_loan_money_cannot_be_withdrawn_as_cash(world, disbursed, db, make_member):
    account_id = world.loan(disbursed)["account_id"]
    other = make_member(name="دیگری")
    with db() as s:
        main_account(s, s.get(Member, other))
    before = world.snapshot()
    with db() as s:
        member = s.get(Member, world.member)
        earmarked = get_account(s, account_id)
        for target, purpose in (
            # Declared purposes (every transfer's must be), none of which loan money may pay for.
            (main_account(s, member), "admin_adjustment"),
            (main_account(s, s.get(Member, other)), "loan_fee"),
            (system_account(s, "cash_in"), "loan_funding"),
        ):
            with pytest.raises(NotAllowed) as caught:
                transfer(s, f"test:cash:{target.id}", earmarked, target, 1_000 * TOMAN, purpose)
            assert caught.value.code == "spend_refused"
        # Even with M-Bazar's own purpose, a payment that is not a checkout of allowed goods is refused.
        with pytest.raises(NotAllowed):
            transfer(s, "test:cash:purchase", earmarked, main_account(s, member), 1_000, "bazaar_purchase")
    assert world.snapshot() == before
    assert world.balance(account_id=account_id) == AMOUNT


def test_loan_money_buys_only_inside_its_rules_in_the_bazaar(world, disbursed, shop, buy, db):
    account_id = world.loan(disbursed)["account_id"]
    goods = shop()
    before = world.snapshot()
    with pytest.raises(NotAllowed) as caught:
        buy(world.member, [(goods["carpet"], 1)], account_id)
    assert caught.value.code == "spend_refused"
    assert world.snapshot() == before
    with db() as s:  # the refused carpet is still in the cart: take it out
        bazaar.set_cart_quantity(s, s.get(Member, world.member), goods["carpet"], 0)
    buy(world.member, [(goods["ewe"], 2)], account_id)
    assert world.balance(account_id=account_id) == AMOUNT - 2 * 15_000_000 * TOMAN
    world.verify()


def test_a_programme_rule_needs_products_flagged_for_it(world, db, shop, buy):
    with db() as s:  # the solar programme: solar kits flagged for the programme only
        services.save_product(s, {"code": "livestock", "categories": [], "programmes": ["solar"]})
    intro = world.introduce()
    loan_id = world.request(
        product="livestock", amount=AMOUNT, instalments=12, introduction=intro, note=world.note()
    )
    world.decide(loan_id)
    goods = shop()  # the ewe is flagged for livestock, not solar
    with pytest.raises(NotAllowed):
        buy(world.member, [(goods["ewe"], 1)], world.loan(loan_id)["account_id"])


# --- paying ------------------------------------------------------------------------------------


def test_paying_twice_with_the_same_key_pays_once(world, disbursed):
    world.top_up(world.member, 20_000_000)
    first = world.pay(disbursed, key="pay-1")
    before = world.snapshot()
    assert world.pay(disbursed, key="pay-1") == first
    assert world.snapshot() == before
    paid = [s for s in world.loan(disbursed)["schedule"] if s[4] is not None]
    assert len(paid) == 1


def test_paying_without_enough_money_changes_nothing(world, disbursed, db):
    with db() as s:  # empty the main account
        main = main_account(s, s.get(Member, world.member))
        if main.posted:
            transfer(s, "test:empty", main, system_account(s, "cash_in"), main.posted, "admin_adjustment")
    before = world.snapshot()
    with pytest.raises(BadInput) as caught:
        world.pay(disbursed)
    assert caught.value.code == "insufficient_funds"
    assert world.snapshot() == before


def test_the_fee_never_grows_even_when_every_instalment_is_late(world, disbursed):
    state = world.loan(disbursed)
    world.top_up(world.member, 200_000_000)
    world.shift(disbursed, 400)  # every instalment long overdue
    world.run_due(services.today())
    assert world.loan(disbursed)["bucket"] == "90+"
    before = world.balance(world.member)
    world.pay(disbursed, everything=True)
    assert before - world.balance(world.member) == state["amount"] + state["fee"]
    assert world.balance(code="system:fee_income") == state["fee"]
    assert world.loan(disbursed)["status"] == "repaid"
    world.verify()


def test_nothing_to_pay_on_a_repaid_loan(world, disbursed):
    world.top_up(world.member, 200_000_000)
    world.pay(disbursed, everything=True)
    before = world.snapshot()
    with pytest.raises(Conflict):
        world.pay(disbursed)
    assert world.snapshot() == before


def test_someone_elses_loan_is_not_found(world, disbursed, make_member):
    from resalat_core.sdk import NotFound

    stranger = make_member(name="غریبه")
    world.top_up(stranger, 20_000_000)
    with pytest.raises(NotFound):
        world.pay(disbursed, member_id=stranger)
