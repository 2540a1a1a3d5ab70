"""Text messages: one adapter chosen by configuration, the outbox, and who may read it."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from resalat_core.errors import BadInput
from resalat_core.members.models import Member
from resalat_core.sdk import SmsNotSent, send_sms
from resalat_core.sms.models import SmsMessage
from resalat_core.sms.services import OutboxSms, load_provider
from resalat_core.testing import ResalatClient, Roles, work

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def fixture_providers(monkeypatch):
    monkeypatch.syspath_prepend(str(FIXTURES))
    import resalat_fixture_sms

    resalat_fixture_sms.SENT.clear()
    return resalat_fixture_sms


def add_messages(app, count: int, mobile: str = "09121230000") -> None:
    with work(app) as s:
        for n in range(count):
            s.add(SmsMessage(mobile=mobile, text=f"پیام {n}"))
        s.flush()
        # One second apart, oldest first, so "newest first" has one answer.
        for n, row in enumerate(s.scalars(select(SmsMessage).order_by(SmsMessage.id))):
            row.created_at = row.created_at - timedelta(seconds=count - n)


# --- the adapter ---------------------------------------------------------------------------------


def test_the_outbox_is_the_provider_unless_told_otherwise(app):
    assert isinstance(app.extensions["resalat"].sms, OutboxSms)


def test_a_message_sent_through_the_sdk_lands_in_the_outbox_with_the_callers_transaction(app, sms_outbox):
    with work(app):
        message_id = send_sms("+98 912 123 4567", "  سلام  ")
    with app.app_context():
        send_sms("09121234567", "این یکی نمی‌ماند")
        app.extensions["resalat"].db.session.rollback()

    assert message_id.startswith("outbox-")
    # The mobile as stored everywhere else, the text trimmed, and nothing from the rolled back act.
    assert sms_outbox("09121234567") == ["سلام"]


@pytest.mark.parametrize(
    ("mobile", "text", "field"), [("0912", "سلام", "mobile"), ("09121234567", " ", "text")]
)
def test_a_bad_mobile_or_an_empty_text_is_refused(app, mobile, text, field):
    with work(app), pytest.raises(BadInput) as refused:
        send_sms(mobile, text)

    assert field in refused.value.fields


def test_a_provider_named_by_a_dotted_path_gets_the_settings_and_the_messages(make_app, fixture_providers):
    app = make_app(sms_provider="resalat_fixture_sms:RecordingSms", sms_sender="3000123")

    with work(app):
        message_id = send_sms("09121234567", "کد شما ۱۲۳")

    assert app.extensions["resalat"].sms.sender == "3000123"
    assert fixture_providers.SENT == [("09121234567", "کد شما ۱۲۳")]
    assert message_id == "rec-1"


def test_a_provider_that_is_down_is_a_clear_refusal_not_a_crash(make_app, fixture_providers):
    app = make_app(sms_provider="resalat_fixture_sms:DownSms")

    with work(app), pytest.raises(SmsNotSent) as refused:
        send_sms("09121234567", "سلام")

    assert refused.value.status == 503


def test_a_code_asked_for_while_the_provider_is_down_is_answered_as_usual(make_app, fixture_providers):
    app = make_app(sms_provider="resalat_fixture_sms:DownSms")
    member_id = Roles(app)()
    with work(app) as s:
        mobile = s.get(Member, member_id).mobile
    app.test_client_class = ResalatClient

    response = app.test_client().form("/auth/forgot", {"identifier": mobile})

    # Saying "not sent" would tell the asker that this mobile is a member's.
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/reset"


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("pigeon-post", "is not a provider (outbox"),
        ("no_such_module:Sms", "cannot be imported"),
        ("resalat_fixture_sms:not_a_provider", "has no send(mobile, text)"),
    ],
)
def test_a_provider_that_cannot_be_found_stops_the_start_naming_it(fixture_providers, name, says):
    with pytest.raises(ValueError, match=re.escape(says)) as refused:
        load_provider({"sms_provider": name})

    assert name in str(refused.value)


# --- the outbox page -----------------------------------------------------------------------------


def test_a_nationwide_admin_reads_the_outbox_newest_first_a_page_at_a_time(app, client_as):
    add_messages(app, 3)
    admin = client_as("admin", role_region=None)

    first = admin.get("/admin/sms?per_page=2").get_data(as_text=True)
    second = admin.get("/admin/sms?per_page=2&page=2").get_data(as_text=True)

    texts = re.findall(r'data-testid="sms-text">(.*?)</p>', first + second)
    assert texts == ["پیام 2", "پیام 1", "پیام 0"]
    # The mobile in Persian digits, masked: the admin helps by the last digits, not the number.
    assert "۰۹۱۲•••۰۰۰۰" in first and "۰۹۱۲۱۲۳۰۰۰۰" not in first
    assert 'href="/admin/sms?per_page=2&amp;page=2"' in first or "page=2" in first


def test_an_empty_outbox_says_so(app, client_as):
    admin = client_as("admin", role_region=None)

    response = admin.get("/admin/sms")

    assert response.status_code == 200
    assert "هنوز پیامکی نیست." in response.get_data(as_text=True)


def test_the_outbox_is_closed_to_strangers_members_and_regional_admins(app, client, client_as):
    add_messages(app, 1)

    anonymous = client.get("/admin/sms")
    member = client_as().get("/admin/sms")
    regional = client_as("admin", region="zanjan/zanjan").get("/admin/sms")

    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
    assert member.status_code == 403
    # A Zanjan admin could otherwise read a Tehran member's recovery code.
    assert regional.status_code == 403
    for response in (member, regional):
        assert "پیام 0" not in response.get_data(as_text=True)


def test_the_outbox_page_costs_the_same_queries_for_many_messages(app, client_as, count_queries):
    admin = client_as("admin", role_region=None)
    add_messages(app, 2)
    admin.get("/admin/sms")
    with count_queries() as few:
        admin.get("/admin/sms")
    add_messages(app, 20)
    with count_queries() as many:
        admin.get("/admin/sms")

    assert many.count == few.count


def test_bad_page_arguments_are_refused_plainly(app, client_as):
    admin = client_as("admin", role_region=None)

    assert admin.get("/admin/sms?page=abc").status_code == 400
    assert admin.get("/admin/sms?per_page=100000").status_code == 400


def test_the_dashboard_leads_a_nationwide_admin_to_the_outbox_and_no_one_else(app, client_as):
    nationwide = client_as("admin", role_region=None).get("/admin").get_data(as_text=True)
    regional = client_as("admin", region="zanjan/zanjan").get("/admin").get_data(as_text=True)

    assert 'data-testid="outbox-link"' in nationwide
    assert 'data-testid="outbox-link"' not in regional
