"""A member's own data: the readable page, the download and the API hold the member's own data and
nobody else's; closing the account shows what stops it first, refuses bad input changing nothing,
then anonymises the member, ends their sign-in, lets every module forget its part and keeps the
ledger whole; the same national code and mobile may register again as a new member."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from resalat_core.members.models import Member
from resalat_core.testing import PASSWORD, ResalatClient, token_client, work
from resalat_core.wallet import services as ledger
from resalat_core.wallet.models import Transfer

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PHRASE_FA = "بستن حساب من"


@pytest.fixture
def notes_app(app: Flask, make_app: Any, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """An app with a module that holds a note about members (after ``app`` empties the tables)."""
    monkeypatch.syspath_prepend(str(FIXTURES))
    from resalat_fixture_mydata import BLOCKED, CLOSED, NOTES, plugin

    NOTES.clear()
    BLOCKED.clear()
    CLOSED.clear()
    made = make_app(extra_plugins={"fixture_mydata": plugin})
    made.test_client_class = ResalatClient
    return made


def _client(app: Flask, member_id: int | None = None) -> ResalatClient:
    client: ResalatClient = app.test_client()  # type: ignore[assignment]
    return client.sign_in(member_id) if member_id is not None else client


def _member(app: Flask, member_id: int) -> dict[str, Any]:
    with work(app) as s:
        m = s.get(Member, member_id)
        return {
            "name": m.name,
            "mobile": m.mobile,
            "national_code": m.national_code,
            "is_active": m.is_active,
            "closed_at": m.closed_at,
            "session_version": m.session_version,
        }


def _sections(body: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(s["source"], s["key"]): s["data"] for s in body["sections"]}


def test_the_download_holds_my_data_and_nobody_elses(notes_app, person, top_up):
    from resalat_fixture_mydata import NOTES

    maryam, jafar = person(name="مریم احمدی"), person(name="جعفر قراجه‌لو")
    NOTES[maryam.id] = "یادداشت مریم"
    NOTES[jafar.id] = "یادداشت جعفر"
    top_up(maryam, rials=2_000_000)

    answer = _client(notes_app, maryam.id).get("/account/data.json")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    body = json.loads(answer.get_data(as_text=True))
    sections = _sections(body)
    assert sections[("core", "profile")]["national_code"] == maryam.national_code
    assert sections[("core", "profile")]["mobile"] == maryam.mobile
    assert [a["balance_rials"] for a in sections[("core", "accounts")]["accounts"]] == [2_000_000]
    assert [t["amount_rials"] for t in sections[("core", "transfers")]["transfers"]] == [2_000_000]
    assert sections[("fixture_mydata", "notes")] == {"note": "یادداشت مریم"}
    text = json.dumps(body, ensure_ascii=False)
    for other in (jafar.mobile, jafar.national_code, jafar.name, "یادداشت جعفر"):
        assert other not in text

    # Jafar, signed in, gets his own copy: there is no address that names another member's.
    theirs = _sections(
        json.loads(_client(notes_app, jafar.id).get("/account/data.json").get_data(as_text=True))
    )
    assert theirs[("core", "profile")]["mobile"] == jafar.mobile
    assert theirs[("fixture_mydata", "notes")] == {"note": "یادداشت جعفر"}
    assert (
        _client(notes_app, jafar.id)
        .get(f"/account/data.json?member={maryam.id}")
        .get_data(as_text=True)
        .count(maryam.mobile)
        == 0
    )
    assert _client(notes_app, jafar.id).get(f"/account/{maryam.id}/data").status_code == 404


def test_the_readable_page_is_persian_with_every_section(notes_app, person):
    from resalat_fixture_mydata import NOTES

    maryam = person(name="مریم احمدی")
    NOTES[maryam.id] = "یادداشت مریم"
    html = _client(notes_app, maryam.id).get("/account/data").get_data(as_text=True)
    assert "اطلاعات من" in html
    assert "مریم احمدی" in html
    assert "یادداشت مریم" in html
    assert 'data-testid="section-core-profile"' in html
    assert 'data-testid="section-fixture_mydata-notes"' in html
    # The mobile in Persian digits, as every number on a Persian page.
    persian = maryam.mobile.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert persian in html


def test_signing_in_is_needed(notes_app):
    anonymous = _client(notes_app)
    for url in ("/account/data", "/account/data.json", "/account/close"):
        answer = anonymous.get(url)
        assert answer.status_code == 302 and "/auth/login" in answer.headers["Location"]
    assert anonymous.get("/api/v1/me/data").status_code == 401


def test_the_api_gives_my_data_as_documented(notes_app, person):
    from resalat_fixture_mydata import NOTES

    maryam, jafar = person(), person()
    NOTES[maryam.id] = "یادداشت مریم"
    NOTES[jafar.id] = "یادداشت جعفر"
    answer = token_client(notes_app, maryam.id).get("/api/v1/me/data")
    assert answer.status_code == 200
    sections = _sections(answer.get_json())
    assert sections[("core", "profile")]["id"] == maryam.id
    assert sections[("fixture_mydata", "notes")] == {"note": "یادداشت مریم"}
    assert jafar.mobile not in answer.get_data(as_text=True)
    document = notes_app.test_client().get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/me/data"]["get"]
    assert "200" in operation["responses"] and "401" in operation["responses"]


def test_the_page_lists_every_blocker_and_closing_is_refused_with_them(notes_app, person, top_up):
    from resalat_fixture_mydata import BLOCKED, CLOSED

    maryam = person()
    BLOCKED.add(maryam.id)
    top_up(maryam, rials=500_000)
    client = _client(notes_app, maryam.id)
    html = client.get("/account/close").get_data(as_text=True)
    assert 'data-testid="blockers"' in html
    assert "یک سفارش آزمایشی هنوز باز است." in html
    assert "هنوز پول دارد" in html  # the main account's money, the host's own blocker
    assert 'data-testid="close-form"' not in html  # no button to press while anything blocks

    before = _member(notes_app, maryam.id)
    answer = client.form(
        "/account/close", {"password": PASSWORD, "confirm": PHRASE_FA}, token_from="/auth/password"
    )
    assert answer.status_code == 409
    assert "هنوز نمی‌توان" in answer.get_data(as_text=True)
    assert _member(notes_app, maryam.id) == before
    assert CLOSED == []


@pytest.mark.parametrize(
    ("password", "confirm", "field_message"),
    [
        ("wrong-password-1", PHRASE_FA, "رمز عبور نادرست است."),
        (PASSWORD, "", "عبارت بالا را دقیقاً بنویسید."),
        (PASSWORD, "بستن", "عبارت بالا را دقیقاً بنویسید."),
    ],
)
def test_bad_input_is_a_clear_400_and_changes_nothing(notes_app, person, password, confirm, field_message):
    from resalat_fixture_mydata import CLOSED, NOTES

    maryam = person()
    NOTES[maryam.id] = "یادداشت مریم"
    client = _client(notes_app, maryam.id)
    before = _member(notes_app, maryam.id)
    answer = client.form(
        "/account/close", {"password": password, "confirm": confirm}, token_from="/account/close"
    )
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert field_message in html
    assert "لطفاً خانه‌های مشخص‌شده را اصلاح کنید." in html
    assert _member(notes_app, maryam.id) == before
    assert CLOSED == [] and NOTES[maryam.id] == "یادداشت مریم"
    assert client.get("/account/data").status_code == 200  # still signed in


def test_closing_anonymises_signs_out_forgets_and_keeps_the_ledger(notes_app, person, top_up):
    from resalat_fixture_mydata import CLOSED, NOTES

    maryam, jafar = person(name="مریم احمدی"), person()
    NOTES[maryam.id] = "یادداشت مریم"
    top_up(maryam, rials=300_000)
    with work(notes_app) as s:  # she spends it all: an empty account does not stop the closing
        ledger.transfer(
            s,
            "test:gift",
            ledger.main_account(s, s.get(Member, maryam.id)),
            ledger.main_account(s, s.get(Member, jafar.id)),
            300_000,
            "admin_adjustment",
        )
    api = token_client(notes_app, maryam.id)
    client = _client(notes_app, maryam.id)
    page = client.get("/account/close").get_data(as_text=True)
    assert 'data-testid="close-form"' in page and PHRASE_FA in page

    answer = client.form("/account/close", {"password": PASSWORD, "confirm": f"  {PHRASE_FA} "})
    assert answer.status_code == 302
    after = _member(notes_app, maryam.id)
    assert after["closed_at"] is not None and after["is_active"] is False
    for old in ("name", "mobile", "national_code"):
        assert after[old] not in (maryam.name, maryam.mobile, maryam.national_code)
    assert "مریم" not in after["name"]
    assert [maryam.id] == CLOSED and maryam.id not in NOTES

    # Signed out everywhere: this browser, the API token, and signing in again.
    assert client.get("/account/data").status_code == 302
    assert api.get("/api/v1/me").status_code == 401
    for identifier in (maryam.mobile, maryam.national_code, after["mobile"], after["national_code"]):
        assert (
            _client(notes_app)
            .form("/auth/login", {"identifier": identifier, "password": PASSWORD})
            .status_code
            == 400
        )

    with work(notes_app) as s:
        assert ledger.verify(s).ok
        # Her money's history stays, owned by the anonymised row.
        assert s.scalar(select(func.count()).select_from(Transfer)) == 2
        closed = s.get(Member, maryam.id)
        from resalat_core.account.services import close_account

        # A second closing does nothing: no hook, no change.
        assert close_account(s, closed, PASSWORD, PHRASE_FA) is False
    assert [maryam.id] == CLOSED
    assert _member(notes_app, maryam.id) == after

    # The person may come back: the same national code and mobile register as a new member.
    newcomer = _client(notes_app)
    answer = newcomer.form(
        "/auth/register",
        {
            "national_code": maryam.national_code,
            "mobile": maryam.mobile,
            "name": "مریم احمدی",
            "region": "zanjan/gorg-tappeh",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert answer.status_code == 302
    with work(notes_app) as s:
        again = s.scalar(select(Member).where(Member.mobile == maryam.mobile))
        assert again is not None and again.id != maryam.id and again.closed_at is None
