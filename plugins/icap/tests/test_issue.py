"""Jafar issues a promissory note: its fields, its amount in words, its stamp duty through the ledger."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta

import pytest
from resalat_icap import services
from resalat_icap.models import Note

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Member,
    Transfer,
    describe_transfer,
    get_db,
    is_sqlite,
    to_persian_digits,
    verify_ledger,
)

from .conftest import guarantor


def test_jafars_note_carries_every_field_a_paper_note_has(jafar, member, issue, note_of, sign, db):
    maryam = member()
    note_id = issue(
        jafar.id,
        amount=150_000_000,
        due_date="۱۴۰۶/۰۱/۱۵",
        payee_name="بانک قرض‌الحسنه‌ی رسالت",
        payee_code="10380284790",
        guarantors=[guarantor(maryam)],
    )
    note = note_of(note_id)

    assert re.fullmatch(r"14\d{2}\d{12}", note["serial"])
    assert note["amount"] == 150_000_000
    assert note["words"] == "یکصد و پنجاه میلیون ریال"
    assert note["due_date"] == date(2027, 4, 4)  # 1406/01/15
    assert note["payee"] == ("company", "بانک قرض‌الحسنه‌ی رسالت", "10380284790")
    assert note["duty"] == 75_000
    assert note["status"] == "issued"
    assert note["signed"] == [False]
    assert note["history"] == [(None, "issued", None, "", jafar.id)]
    with db() as s:
        n = s.get(Note, note_id)
        assert (n.issuer_name, n.issuer_national_code, n.issuer_mobile) == (
            jafar.name,
            jafar.national_code,
            jafar.mobile,
        )
        assert n.purpose == "تضمین وام قرض‌الحسنه‌ی خرید دام سبک"
        assert n.place_of_payment == "زنجان"
        assert [g.member_id for g in n.guarantors] == [maryam.id]


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (150_000_000, "یکصد و پنجاه میلیون ریال"),
        (1_000_000, "یک میلیون ریال"),
        (2_500_000, "دو میلیون و پانصد هزار ریال"),
        (123_456_789, "یکصد و بیست و سه میلیون و چهارصد و پنجاه و شش هزار و هفتصد و هشتاد و نه ریال"),
        (5_000_000_000, "پنج میلیارد ریال"),
        (10_000_001, "ده میلیون و یک ریال"),
    ],
)
def test_the_amount_is_written_in_persian_words_with_rial_after_it(amount, words):
    assert services.amount_in_words(amount) == words


@pytest.mark.parametrize(("amount", "duty"), [(1_000_000, 500), (150_000_000, 75_000), (1_000_001, 501)])
def test_stamp_duty_is_half_a_thousandth_rounded_up_to_a_rial(amount, duty):
    assert services.stamp_duty(amount) == duty


def test_the_stamp_duty_moves_from_jafars_wallet_to_the_stamp_duty_account(jafar, issue, balances, db):
    before_main, before_duty = balances(jafar.id)

    note_id = issue(jafar.id, amount=150_000_000)

    after_main, after_duty = balances(jafar.id)
    assert before_main - after_main == 75_000
    assert after_duty - before_duty == 75_000
    with db() as s:
        note = s.get(Note, note_id)
        transfer = s.get(Transfer, note.duty_transfer_id)
        assert (transfer.amount, transfer.purpose, transfer.reference) == (
            75_000,
            "stamp_duty",
            f"icap:{note.serial}",
        )
        assert verify_ledger(s).ok


def test_the_duty_reads_on_a_statement_with_the_notes_serial_in_persian_digits(app, jafar, issue, db):
    note_id = issue(jafar.id, amount=150_000_000)

    with db() as s, app.test_request_context():
        note = s.get(Note, note_id)
        paid = s.get(Transfer, note.duty_transfer_id)
        label, detail = describe_transfer(paid)
        serial = note.serial

    # Typed parameters, not a sentence written in one language: the member's memo stays empty.
    assert paid.memo is None and paid.params == {"serial": {"$digits": serial}}
    assert label == "حق تمبر سفته"
    assert detail == f"سفته‌ی {to_persian_digits(serial)}"


def test_the_same_key_twice_issues_one_note_and_pays_the_duty_once(jafar, issue, balances, counts):
    first = issue(jafar.id, key="form-1")
    after_first = (balances(jafar.id), counts())

    again = issue(jafar.id, key="form-1")

    assert again == first
    assert (balances(jafar.id), counts()) == after_first


def test_the_same_key_for_a_different_note_is_refused(jafar, issue, counts):
    issue(jafar.id, key="form-2", amount=150_000_000)
    before = counts()

    with pytest.raises(Conflict):
        issue(jafar.id, key="form-2", amount=200_000_000)
    assert counts() == before


def test_too_little_money_for_the_duty_issues_no_note(make_member, top_up, issue, balances, counts):
    poor = make_member(name="رضا کم‌پول")
    top_up(poor, rials=70_000)
    before = (balances(poor), counts())

    with pytest.raises(BadInput) as refused:
        issue(poor, amount=150_000_000)

    assert refused.value.code == "insufficient_funds"
    assert "۷۵٬۰۰۰" in str(refused.value) or "75,000" in str(refused.value)
    assert (balances(poor), counts()) == before


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": -5_000_000}, "amount"),
        ({"amount": 0}, "amount"),
        ({"amount": 999_999}, "amount"),
        ({"amount": "یک میلیون"}, "amount"),
        ({"amount": 10**13}, "amount"),
        ({"due_date": (date.today() - timedelta(days=3))}, "due_date"),
        ({"due_date": "1400/01/01"}, "due_date"),
        ({"due_date": "1405/13/40"}, "due_date"),
        ({"payee_name": "علی", "payee_code": "0012345678"}, "payee_code"),
        ({"payee_name": "شرکت", "payee_code": "10380284791"}, "payee_code"),
        ({"payee_name": "", "payee_code": "0012345679"}, "payee_name"),
        ({"purpose": "  "}, "purpose"),
        ({"key": ""}, "key"),
    ],
)
def test_bad_input_is_named_on_its_field_and_changes_nothing(jafar, issue, balances, counts, values, field):
    before = (balances(jafar.id), counts())

    with pytest.raises(BadInput) as refused:
        issue(jafar.id, **values)

    assert field in refused.value.fields
    assert (balances(jafar.id), counts()) == before


def test_a_note_with_no_payee_is_made_out_to_the_qard_al_hasan_bank(jafar, issue, note_of):
    note = note_of(issue(jafar.id))
    assert note["payee"] == ("company", "بانک قرض‌الحسنه‌ی رسالت", "10380284790")
    assert note["due_date"] is None  # on demand


def test_a_person_payee_is_named_by_a_checked_national_code(jafar, issue, note_of):
    note = note_of(issue(jafar.id, payee_name="حسین حامی", payee_code="۰۰۱۲۳۴۵۶۷۹"))
    assert note["payee"] == ("person", "حسین حامی", "0012345679")


@pytest.mark.parametrize(
    ("code", "valid"),
    [("10380284790", True), ("10380284792", False), ("00000000000", False), ("1038028479", False)],
)
def test_a_companys_national_id_has_its_check_digit(code, valid):
    assert services.is_valid_legal_id(code) is valid


def test_every_guarantor_must_be_a_member_found_by_mobile_and_national_code(jafar, member, issue, counts):
    maryam = member()
    stranger = {"name": "غریبه", "national_code": "0012345679", "mobile": "09129999999"}
    mismatched = {"name": maryam.name, "national_code": "0012345679", "mobile": maryam.mobile}
    before = counts()

    for rows, field in (
        ([stranger], "guarantors.0.mobile"),
        ([guarantor(maryam), mismatched], "guarantors.1.mobile"),
        ([{**guarantor(maryam), "national_code": "123"}], "guarantors.0.national_code"),
        ([guarantor(maryam), guarantor(maryam)], "guarantors.1.national_code"),
        (
            [{"name": jafar.name, "national_code": jafar.national_code, "mobile": jafar.mobile}],
            "guarantors.0.national_code",
        ),
    ):
        with pytest.raises(BadInput) as refused:
            issue(jafar.id, guarantors=rows)
        assert field in refused.value.fields, refused.value.fields
    assert counts() == before


def test_serials_count_up_within_the_jalali_year(jafar, issue, note_of):
    first = note_of(issue(jafar.id))["serial"]
    second = note_of(issue(jafar.id))["serial"]
    assert second[:4] == first[:4]
    assert int(second[4:]) == int(first[4:]) + 1


def test_notes_issued_at_the_same_moment_all_get_different_serials(app, make_member, top_up, note_of):
    with app.app_context():
        if is_sqlite(get_db().engine):
            pytest.skip("SQLite runs one writer at a time; the race is PostgreSQL's")
    issuers = [make_member(name=name) for name in ("علی", "رضا", "مریم", "زهرا", "حسین", "فاطمه")]
    for issuer in issuers:
        top_up(issuer, rials=1_000_000)
    start = threading.Barrier(len(issuers))
    errors: list[BaseException] = []
    ids: list[int] = []

    def issue_one(member_id: int) -> None:
        try:
            with app.app_context():
                session = get_db().session()
                me = session.get(Member, member_id)
                session.commit()
                start.wait(timeout=10)
                note = services.issue_note(session, me, amount=2_000_000, purpose="آزمون", key="race")
                session.commit()
                ids.append(note.id)
        except BaseException as exc:  # noqa: BLE001 (reported below, in the test's thread)
            errors.append(exc)

    threads = [threading.Thread(target=issue_one, args=(m,)) for m in issuers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    serials = sorted(note_of(i)["serial"] for i in ids)
    assert len(set(serials)) == len(issuers)
    tails = [int(s[4:]) for s in serials]
    assert tails == list(range(tails[0], tails[0] + len(issuers)))
