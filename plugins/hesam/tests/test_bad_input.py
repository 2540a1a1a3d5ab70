"""Bad input is refused with a clear message, and not one rial moves anywhere in the ledger."""

from __future__ import annotations

import pytest
from resalat_hesam import views

from resalat_core.sdk import Member, get_db


@pytest.fixture
def maryam(client_as, fund):
    """A member with 100,000 tomans in her main account."""
    c = client_as(name="مریم احمدی")
    fund(c.member_id, 100_000)
    return c


@pytest.mark.parametrize(
    ("amount", "field_message"),
    [
        ("-5000", "منفی"),
        ("5000-", "منفی"),  # how a negative number looks once typed right to left
        ("0", "بیشتر از صفر"),
        ("۰", "بیشتر از صفر"),
        ("abc", "رقم"),
        ("12x", "رقم"),
        ("", "مبلغ را وارد کنید"),
        ("1.55", "یک رقم اعشار"),
        ("100001", "کافی نیست"),  # more than her balance
        ("9" * 40, "بزرگ"),
    ],
)
def test_a_bad_amount_is_refused_and_nothing_moves(
    maryam, person, ask_to_send, ledger_snapshot, amount, field_message
):
    jafar = person()
    before = ledger_snapshot()

    page = ask_to_send(maryam, jafar.mobile, amount)

    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert page.token is None  # no confirmation page
    assert 'id="e-amount"' in html
    assert field_message in html.split('id="e-amount"')[1][:200]
    assert ledger_snapshot() == before


@pytest.mark.parametrize(
    ("recipient", "field_message"),
    [
        ("09359999999", "عضوی با این شمارهٔ همراه"),  # a valid mobile nobody has
        ("0012345679", "عضوی با این شمارهٔ همراه"),  # a valid national code nobody has
        ("hello", "عضوی با این شمارهٔ همراه"),
        ("", "شماره‌ی همراه یا کد ملی گیرنده را وارد کنید"),
        ("{own}", "حساب خود شماست"),
    ],
)
def test_a_bad_recipient_is_refused_and_nothing_moves(
    maryam, person, ask_to_send, ledger_snapshot, recipient, field_message, member_of
):
    own = member_of(maryam.member_id).mobile
    before = ledger_snapshot()

    page = ask_to_send(maryam, recipient.format(own=own), "1000")

    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert page.token is None
    assert field_message in html.split('id="e-recipient"')[1][:200]
    assert ledger_snapshot() == before


def test_every_bad_field_is_reported_at_once(maryam, ask_to_send, ledger_snapshot):
    before = ledger_snapshot()

    page = ask_to_send(maryam, "09359999999", "-1", "ی" * 200)

    html = page.get_data(as_text=True)
    assert page.status_code == 400
    assert 'id="e-recipient"' in html and 'id="e-amount"' in html and 'id="e-note"' in html
    assert ledger_snapshot() == before


def test_a_deactivated_member_cannot_receive(app, maryam, person, ask_to_send, ledger_snapshot):
    jafar = person()
    with app.app_context():
        s = get_db().session
        s.get(Member, jafar.id).is_active = False
        s.commit()
    before = ledger_snapshot()

    page = ask_to_send(maryam, jafar.mobile, "1000")

    assert page.status_code == 400
    assert ledger_snapshot() == before


def test_a_tampered_confirmation_moves_nothing(maryam, person, ask_to_send, confirm, ledger_snapshot):
    jafar = person()
    token = ask_to_send(maryam, jafar.mobile, "1000").token
    before = ledger_snapshot()
    payload, _, signature = token.rpartition(".")
    # Whatever is changed (amount, recipient, key), the signature no longer fits.
    for forged in (payload[:-2] + "AA." + signature, token[:-3] + "abc", "", "not-a-token"):
        answer = confirm(maryam, forged)
        assert answer.status_code == 400
        assert "فرم تغییر کرده یا آسیب دیده است" in answer.get_data(as_text=True)
    assert ledger_snapshot() == before


def test_a_confirmation_without_the_forms_csrf_token_moves_nothing(
    maryam, person, ask_to_send, confirm, ledger_snapshot
):
    jafar = person()
    token = ask_to_send(maryam, jafar.mobile, "1000").token
    before = ledger_snapshot()

    forged = maryam.post("/hesam/transfer/confirm", data={"token": token, "csrf_token": "forged"})
    missing = maryam.post("/hesam/transfer/confirm", data={"token": token})

    assert forged.status_code == missing.status_code == 400
    assert ledger_snapshot() == before


def test_another_members_confirmation_cannot_be_used(
    maryam, client_as, person, ask_to_send, confirm, ledger_snapshot, fund
):
    jafar = person()
    thief = client_as()
    fund(thief.member_id, 100_000)
    token = ask_to_send(maryam, jafar.mobile, "1000").token
    before = ledger_snapshot()

    answer = confirm(thief, token)

    assert answer.status_code == 400
    assert "متعلق به عضو دیگری" in answer.get_data(as_text=True)
    assert ledger_snapshot() == before


def test_an_expired_confirmation_moves_nothing(
    maryam, person, ask_to_send, confirm, ledger_snapshot, monkeypatch
):
    jafar = person()
    token = ask_to_send(maryam, jafar.mobile, "1000").token
    before = ledger_snapshot()
    monkeypatch.setattr(views, "CONFIRM_MAX_AGE", -1)

    answer = confirm(maryam, token)

    assert answer.status_code == 400
    assert "مهلت این تأییدیه گذشته است" in answer.get_data(as_text=True)
    assert ledger_snapshot() == before


def test_money_spent_between_the_two_steps_is_not_spent_twice(
    maryam, person, ask_to_send, confirm, balance_of
):
    jafar = person()
    zahra = person()
    to_jafar = ask_to_send(maryam, jafar.mobile, "80000").token
    to_zahra = ask_to_send(maryam, zahra.mobile, "80000").token  # both fit her balance on their own
    assert confirm(maryam, to_jafar).status_code == 302

    answer = confirm(maryam, to_zahra)

    assert answer.status_code == 400
    assert 'id="e-amount"' in answer.get_data(as_text=True)
    assert (balance_of(maryam.member_id), balance_of(jafar.id), balance_of(zahra.id)) == (200_000, 800_000, 0)


@pytest.mark.parametrize("suffix", ["", "/statement.csv"])
def test_someone_elses_account_is_not_found_rather_than_forbidden(
    maryam, client_as, main_account_id, fund, suffix
):
    jafar = client_as()
    fund(jafar.member_id, 5_000)
    his = main_account_id(jafar.member_id)

    assert jafar.get(f"/hesam/accounts/{his}{suffix}").status_code == 200
    # Another member's and a missing one look the same: 404, in the same words. One too big to be
    # an id at all is not even routed to the view: a 404 too.
    answers = [maryam.get(f"/hesam/accounts/{i}{suffix}") for i in (his, 999_999, 99_999_999_999)]
    assert [a.status_code for a in answers] == [404, 404, 404]
    messages = {
        a.get_data(as_text=True).split('data-testid="error-message">')[1].split("<")[0] for a in answers[:2]
    }
    assert len(messages) == 1


def test_a_system_account_is_not_anyones_statement(app, maryam):
    from resalat_core.sdk import system_account

    with app.app_context():
        s = get_db().session
        cash_in = system_account(s, "cash_in").id
        s.commit()

    assert maryam.get(f"/hesam/accounts/{cash_in}").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "since=1404/13/01",
        "since=yesterday",
        "since=1404/02/01&until=1404/01/01",
        "direction=sideways",
        "purpose=DROP",
    ],
)
def test_bad_statement_filters_are_named_not_ignored(maryam, main_account_id, query):
    answer = maryam.get(f"/hesam/accounts/{main_account_id(maryam.member_id)}?{query}")

    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert 'data-testid="form-error"' in html
    assert 'data-testid="entry"' not in html
