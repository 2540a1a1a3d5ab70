"""The pages: Jafar issues a note by the form, reads it and prints it; others cannot see it."""

from __future__ import annotations

import re

import pytest
from resalat_icap.models import Note
from sqlalchemy import select

from resalat_core.testing import PASSWORD

from .conftest import guarantor


def _key(client) -> str:
    html = client.get("/icap/new").get_data(as_text=True)
    return re.search(r'name="key" value="([^"]+)"', html).group(1)


def _form(key: str, **kw) -> dict:
    data = {
        "key": key,
        "amount": "۱۵۰٬۰۰۰٬۰۰۰",
        "due_date": "",
        "on_demand": "1",
        "payee_name": "بانک قرض‌الحسنه‌ی رسالت",
        "payee_code": "10380284790",
        "purpose": "تضمین وام قرض‌الحسنه‌ی خرید دام سبک",
        "place_of_payment": "زنجان",
        "confirm_duty": "1",
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def jafar_web(client_as, top_up):
    client = client_as(name="جعفر قراجه‌لو")
    top_up(client.member_id, rials=1_000_000)
    return client


def test_jafar_issues_a_note_by_the_form_and_sees_it_with_its_printable_page(jafar_web, db, balances):
    key = _key(jafar_web)
    before = balances(jafar_web.member_id)

    response = jafar_web.form("/icap/new", _form(key), token_from="/icap/new")
    again = jafar_web.form("/icap/new", _form(key), token_from="/icap/new")  # the form sent twice

    assert response.status_code == 302 and again.status_code == 302
    assert response.headers["Location"] == again.headers["Location"]
    with db() as s:
        notes = list(s.scalars(select(Note).where(Note.issuer_id == jafar_web.member_id)))
    assert len(notes) == 1
    assert balances(jafar_web.member_id)[0] == before[0] - 75_000
    page = jafar_web.get(response.headers["Location"]).get_data(as_text=True)
    assert "یکصد و پنجاه میلیون ریال" in page
    printable = jafar_web.get(f"/icap/notes/{notes[0].id}/print")
    html = printable.get_data(as_text=True)
    assert printable.status_code == 200
    assert "@media print" in html
    assert "عندالمطالبه" in html
    assert "۱۵۰٬۰۰۰٬۰۰۰ ریال" in html


def test_the_stamp_duty_must_be_confirmed(jafar_web, counts):
    before = counts()
    response = jafar_web.form("/icap/new", _form(_key(jafar_web), confirm_duty=None), token_from="/icap/new")
    assert response.status_code == 400
    assert counts() == before


def test_an_unticked_duty_box_is_reported_with_the_other_mistakes(jafar_web, counts):
    before = counts()
    response = jafar_web.form(
        "/icap/new", _form(_key(jafar_web), confirm_duty=None, amount="-5000000"), token_from="/icap/new"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    for field in ("confirm_duty", "amount"):
        assert re.search(rf'id="f-{field}"[^>]*aria-invalid="true"', html, re.S), field
    assert counts() == before


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"amount": "-5000000"}, "amount", "منفی"),
        ({"payee_code": "0012345678"}, "payee_code", "کد ملی"),
        ({"on_demand": None, "due_date": "1400/01/01"}, "due_date", "گذشته"),
        ({"on_demand": None, "due_date": ""}, "due_date", "عندالمطالبه"),
        (
            {"g0_name": "غریبه", "g0_national_code": "0012345679", "g0_mobile": "09129999999"},
            "g0_mobile",
            "عضو",
        ),
    ],
)
def test_bad_input_on_the_form_is_marked_on_its_field_and_changes_nothing(
    jafar_web, counts, balances, values, field, message
):
    before = (counts(), balances(jafar_web.member_id))
    response = jafar_web.form("/icap/new", _form(_key(jafar_web), **values), token_from="/icap/new")
    html = response.get_data(as_text=True)

    assert response.status_code == 400
    assert re.search(rf'id="f-{field}"[^>]*aria-invalid="true"', html, re.S), field
    assert message in html
    assert (counts(), balances(jafar_web.member_id)) == before


def test_too_little_money_is_said_on_the_form(client_as, top_up, counts):
    poor = client_as(name="رضا کم‌پول")
    top_up(poor.member_id, rials=10_000)
    before = counts()
    response = poor.form("/icap/new", _form(_key(poor)), token_from="/icap/new")
    assert response.status_code == 400
    assert "حق تمبر" in response.get_data(as_text=True)
    assert counts() == before


def test_another_member_cannot_see_my_note_but_an_officer_can(jafar, issue, client_as):
    note_id = issue(jafar.id)
    stranger = client_as(name="حسین غریبه")
    officer = client_as("admin", region="zanjan/zanjan")
    far_officer = client_as("admin", region="yazd/ardakan")

    for url in (f"/icap/notes/{note_id}", f"/icap/notes/{note_id}/print"):
        assert stranger.get(url).status_code == 404
        assert officer.get(url).status_code == 200
        assert far_officer.get(url).status_code == 404
    assert (
        stranger.form(f"/icap/notes/{note_id}/endorse", {"payee_name": "x"}, token_from="/icap/").status_code
        == 404
    )


def test_maryam_signs_on_the_notes_she_is_asked_to_guarantee(jafar, member, issue, client, note_of):
    maryam = member()
    note_id = issue(jafar.id, guarantors=[guarantor(maryam)])
    client.sign_in(maryam.id)

    listing = client.get("/icap/guarantee").get_data(as_text=True)
    assert jafar.name in listing
    wrong = client.form(
        f"/icap/notes/{note_id}/sign", {"password": "wrong"}, token_from=f"/icap/notes/{note_id}"
    )
    assert wrong.status_code == 400
    assert note_of(note_id)["signed"] == [False]
    signed = client.form(
        f"/icap/notes/{note_id}/sign", {"password": PASSWORD}, token_from=f"/icap/notes/{note_id}"
    )
    assert signed.status_code == 302
    assert note_of(note_id)["signed"] == [True]


def test_jafar_endorses_by_the_form_and_a_pledged_note_refuses(jafar, issue, client, note_of, db):
    note_id = issue(jafar.id)
    client.sign_in(jafar.id)
    url = f"/icap/notes/{note_id}/endorse"

    bad = client.form(url, {"payee_name": "حسین", "payee_code": "123"}, token_from=f"/icap/notes/{note_id}")
    ok = client.form(
        url, {"payee_name": "حسین حامی", "payee_code": "0012345679"}, token_from=f"/icap/notes/{note_id}"
    )

    assert (bad.status_code, ok.status_code) == (400, 302)
    assert note_of(note_id)["endorsements"] == [(0, "حسین حامی", "0012345679")]
    from resalat_icap import services

    from resalat_core.sdk import Member

    with db() as s:
        services.pledge_note(s, note_id, s.get(Member, jafar.id), reference="loan:1", amount=1_000_000)
    refused = client.form(
        url, {"payee_name": "علی", "payee_code": "0012345679"}, token_from=f"/icap/notes/{note_id}"
    )
    assert refused.status_code == 409
    assert note_of(note_id)["endorsements"] == [(0, "حسین حامی", "0012345679")]


def test_my_notes_cost_the_same_queries_for_2_or_8_notes(jafar, member, issue, client, count_queries):
    maryam = member()
    client.sign_in(jafar.id)
    for _ in range(2):
        issue(jafar.id, guarantors=[guarantor(maryam)])
    client.get("/icap/")
    with count_queries() as few:
        assert client.get("/icap/").status_code == 200
    for _ in range(6):
        issue(jafar.id, guarantors=[guarantor(maryam)])
    with count_queries() as many:
        page = client.get("/icap/").get_data(as_text=True)
    assert page.count('data-testid="note"') == 8
    assert many.count == few.count


def test_wrong_signatures_count_towards_the_throttle(jafar, member, issue, client, note_of):
    maryam = member()
    note_id = issue(jafar.id, guarantors=[guarantor(maryam)])
    client.sign_in(maryam.id)
    url, page = f"/icap/notes/{note_id}/sign", f"/icap/notes/{note_id}"
    for _ in range(5):  # the test app allows five failures in the window
        assert client.form(url, {"password": "wrong"}, token_from=page).status_code == 400

    spent = client.form(url, {"password": PASSWORD}, token_from=page)

    assert spent.status_code == 429
    assert note_of(note_id)["signed"] == [False]


def test_the_form_opened_from_a_loan_request_has_the_exact_amount_and_goes_back_with_the_note(jafar_web, db):
    back = "/loans/new?introduction=3&amount=80000000&instalments=24"
    page = jafar_web.get(
        "/icap/new", query_string={"amount": "816000000", "purpose": "تضمین وام", "next": back}
    ).get_data(as_text=True)
    # In Persian digits, as everything on a Persian page; the form reads them back as the number.
    assert re.search(r'id="f-amount"[^>]*value="۸۱۶۰۰۰۰۰۰"', page, re.S)
    assert 'data-testid="amount-from-request"' in page and "۸۱٬۶۰۰٬۰۰۰ تومان" in page
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    sent = jafar_web.form(
        "/icap/new",
        _form(key, amount="816000000", needed="816000000", next=back),
        token_from="/icap/new",
    )
    assert sent.status_code == 302
    with db() as s:
        note = s.scalars(select(Note).where(Note.issuer_id == jafar_web.member_id)).one()
        assert note.amount == 816_000_000
    # Back to the request, with the new note chosen on it.
    assert sent.headers["Location"] == f"{back}&note={note.id}"


@pytest.mark.parametrize("target", ["https://evil.example/x", "//evil.example/x", "/\\evil", "loans/new"])
def test_the_page_to_go_back_to_is_only_a_path_of_this_site(jafar_web, db, target):
    page = jafar_web.get("/icap/new", query_string={"next": target}).get_data(as_text=True)
    assert 'name="next"' not in page
    sent = jafar_web.form("/icap/new", _form(_key(jafar_web), next=target), token_from="/icap/new")
    assert sent.status_code == 302 and "/icap/notes/" in sent.headers["Location"]
