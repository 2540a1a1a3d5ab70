"""Sending money to another member through the pages: the form, the confirmation, the receipt."""

from __future__ import annotations

from resalat_notifications import services as inbox

from resalat_core.sdk import Member, get_db


def test_maryam_sends_money_to_jafar_after_confirming_his_masked_name(
    client_as, person, fund, balance_of, ask_to_send, confirm
):
    maryam = client_as(name="مریم احمدی")
    jafar = person(name="جعفر قراجه‌لو")
    fund(maryam.member_id, 1_000_000)

    page2 = ask_to_send(maryam, jafar.mobile, "۲۵۰٬۰۰۰", "سهم علوفه")

    assert page2.status_code == 200
    html = page2.get_data(as_text=True)
    assert 'data-testid="recipient-name">ج*** ق***<' in html
    assert "جعفر" not in html  # only the masked name is shown to whoever typed the number
    assert "۲۵۰٬۰۰۰ تومان" in html
    assert "سهم علوفه" in html
    # Nothing has moved yet: the first step only checks.
    assert balance_of(maryam.member_id) == 10_000_000
    assert balance_of(jafar.id) == 0

    done = confirm(maryam, page2.token)

    assert done.status_code == 302
    receipt = maryam.get(done.headers["Location"])
    assert receipt.status_code == 200
    text = receipt.get_data(as_text=True)
    assert "انتقال انجام شد" in text
    assert "۲۵۰٬۰۰۰ تومان" in text
    assert balance_of(maryam.member_id) == 7_500_000
    assert balance_of(jafar.id) == 2_500_000


def test_the_recipient_finds_the_transfer_in_the_inbox_and_statement(
    app, client_as, person, fund, ask_to_send, confirm, main_account_id, member_of
):
    maryam = client_as(name="مریم احمدی")
    jafar = client_as(name="جعفر قراجه‌لو")
    fund(maryam.member_id, 100_000)

    confirm(maryam, ask_to_send(maryam, member_of(jafar.member_id).national_code, "40000", "کرایه").token)

    with app.test_request_context():  # read as Jafar reads his inbox, in Persian
        s = get_db().session
        found = inbox.inbox(s, s.get(Member, jafar.member_id), unread_only=True, page=1, per_page=50).items
        (note,) = [n for n in found if n.source == "hesam"]  # only what M-Hesam told him
        title, body = inbox.text(note)
    assert note.kind == "transfer.received_with_note"
    assert title == "۴۰٬۰۰۰ تومان به حساب شما واریز شد"
    assert "م*** ا***" in body and "کرایه" in body
    statement = jafar.get(f"/hesam/accounts/{main_account_id(jafar.member_id)}").get_data(as_text=True)
    assert "م*** ا***" in statement
    assert "۴۰٬۰۰۰ تومان" in statement


def test_submitting_the_confirmation_twice_moves_the_money_once(
    app, client_as, person, fund, balance_of, ask_to_send, confirm
):
    maryam = client_as()
    jafar = person()
    fund(maryam.member_id, 1_000_000)
    page2 = ask_to_send(maryam, jafar.mobile, "300000")

    first = confirm(maryam, page2.token)
    second = confirm(maryam, page2.token)  # a double click, or the back button and submit again

    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert balance_of(maryam.member_id) == 7_000_000
    assert balance_of(jafar.id) == 3_000_000
    with app.app_context():
        s = get_db().session
        found = inbox.inbox(s, s.get(Member, jafar.id), unread_only=True, page=1, per_page=50).items
        assert [n.kind for n in found if n.source == "hesam"] == ["transfer.received"]  # told once, too


def test_the_second_submit_says_it_was_not_repeated(client_as, person, fund, ask_to_send, confirm):
    maryam = client_as()
    jafar = person()
    fund(maryam.member_id, 1_000)
    token = ask_to_send(maryam, jafar.mobile, "1000").token
    confirm(maryam, token)
    maryam.get("/hesam/")  # the first flash is read

    again = confirm(maryam, token)

    assert "این انتقال پیش‌تر انجام شده" in maryam.get(again.headers["Location"]).get_data(as_text=True)


def test_the_change_button_brings_back_the_form_filled_in(client_as, person, fund, balance_of):
    maryam = client_as()
    jafar = person()
    fund(maryam.member_id, 1_000)

    back = maryam.form(
        "/hesam/transfer", {"edit": "1", "recipient": jafar.mobile, "amount": "500", "note": "یادداشت"}
    )

    html = back.get_data(as_text=True)
    assert back.status_code == 200
    assert f'value="{jafar.mobile}"' in html and 'value="500"' in html and 'value="یادداشت"' in html
    assert balance_of(maryam.member_id) == 10_000


def test_a_receipt_is_seen_by_its_two_members_only(client_as, person, fund, ask_to_send, confirm, member_of):
    maryam = client_as()
    jafar = client_as()
    stranger = client_as()
    fund(maryam.member_id, 1_000)
    done = confirm(maryam, ask_to_send(maryam, member_of(jafar.member_id).mobile, "100").token)
    url = done.headers["Location"]

    assert maryam.get(url).status_code == 200
    assert jafar.get(url).status_code == 200
    assert stranger.get(url).status_code == 404
    assert stranger.get("/hesam/transfers/99999999999").status_code == 404


def test_the_pages_ask_a_visitor_to_sign_in(client):
    for url in ("/hesam/", "/hesam/transfer", "/hesam/accounts/1", "/hesam/accounts/1/statement.csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]
