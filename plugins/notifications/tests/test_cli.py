"""`resalat notifications`: an operator sends to one member, a region or everyone, and reads an inbox."""

from __future__ import annotations

import json

import pytest

from resalat_core.sdk import Member, get_db
from resalat_core.testing import PASSWORD


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def mobile_of(app, member_id: int) -> str:
    with app.app_context():
        return get_db().session.get(Member, member_id).mobile


def national_code_of(app, member_id: int) -> str:
    with app.app_context():
        return get_db().session.get(Member, member_id).national_code


def test_an_operator_sends_a_notification_to_one_member_by_mobile(
    app, run, member_with_empty_inbox, unread_of
):
    maryam = member_with_empty_inbox()

    result = run(
        "notifications",
        "send",
        mobile_of(app, maryam),
        "--title-fa",
        "جلسه‌ی هسته‌ها پنجشنبه است",
        "--title-en",
        "The cores meet on Thursday",
        "--body-fa",
        "ساعت ۱۰ در کانون همیاری",
        "--url",
        "/",
        "--json",
    )

    assert result.exit_code == 0, result.output
    sent = json.loads(result.stdout)
    assert (sent["delivered"], sent["member_id"]) == (1, maryam)
    assert unread_of(maryam) == 1

    listed = run("notifications", "list", national_code_of(app, maryam), "--json")
    assert listed.exit_code == 0, listed.output
    inbox = json.loads(listed.stdout)
    assert inbox["unread"] == 1
    # The CLI reads in English; the announcement keeps both texts its author wrote.
    assert [(n["id"], n["title"], n["params"]["body_fa"], n["url"]) for n in inbox["items"]] == [
        (sent["id"], "The cores meet on Thursday", "ساعت ۱۰ در کانون همیاری", "/")
    ]


def test_the_list_reads_like_a_table_for_people(app, run, member_with_empty_inbox, fill_inbox):
    maryam = member_with_empty_inbox()
    fill_inbox(maryam, 2)

    result = run("notifications", "list", mobile_of(app, maryam))

    assert result.exit_code == 0, result.output
    assert "Your order 2 was paid" in result.output
    assert "2 in all, 2 unread" in result.output


def test_a_broadcast_reaches_every_member_of_a_province_with_a_progress_bar(
    app, run, member_with_empty_inbox, unread_of
):
    in_zanjan = [member_with_empty_inbox(region="zanjan/gorg-tappeh") for _ in range(3)]
    in_tehran = member_with_empty_inbox(region="tehran/tehran")

    result = run(
        "notifications", "send", "--region", "zanjan", "--title-fa", "اطلاعیه", "--title-en", "Notice"
    )

    assert result.exit_code == 0, result.output
    assert "3 notifications sent to members in zanjan" in result.stdout
    assert "sending" in result.stderr
    assert [unread_of(m) for m in in_zanjan] == [1, 1, 1]
    assert unread_of(in_tehran) == 0


def test_a_broadcast_to_all_reaches_everyone_and_skips_regions_where_it_is_off(
    app, run, member_with_empty_inbox, unread_of
):
    in_zanjan = member_with_empty_inbox(region="zanjan/zanjan")
    in_tehran = member_with_empty_inbox(region="tehran/tehran")
    assert (
        run("modules", "disable", "notifications", "--region", "tehran", "--with-dependants").exit_code == 0
    )

    result = run("notifications", "send", "--all", "--title-fa", "اطلاعیه", "--title-en", "Notice", "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"delivered": 1, "region": None}
    assert (unread_of(in_zanjan), unread_of(in_tehran)) == (1, 0)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["09350000000", "--title-fa", "ا", "--title-en", "N"], "No member has that mobile or national code"),
        (["--title-fa", "ا", "--title-en", "N"], "Name one member"),
        (["{mobile}", "--region", "zanjan", "--title-fa", "ا", "--title-en", "N"], "Name one member"),
        (["--region", "atlantis", "--title-fa", "ا", "--title-en", "N"], "No region has the code atlantis"),
        (["{mobile}", "--title-en", "N"], "title_fa"),
        (["--all", "--title-fa", "ا"], "title_en"),
        (["{mobile}", "--title-fa", "ا", "--title-en", "N", "--url", "https://evil.example"], "url"),
    ],
)
def test_bad_input_is_refused_with_exit_code_1_and_sends_nothing(
    app, run, member_with_empty_inbox, unread_of, args, says
):
    maryam = member_with_empty_inbox()
    mobile = mobile_of(app, maryam)

    result = run("notifications", "send", *[a.format(mobile=mobile) for a in args])

    assert result.exit_code == 1, result.output
    assert says in result.output
    assert unread_of(maryam) == 0


def test_sending_to_a_member_where_notifications_are_off_is_refused(
    app, run, member_with_empty_inbox, unread_of
):
    maryam = member_with_empty_inbox(region="zanjan/gorg-tappeh")
    assert (
        run("modules", "disable", "notifications", "--region", "zanjan", "--with-dependants").exit_code == 0
    )

    result = run("notifications", "send", mobile_of(app, maryam), "--title-fa", "ا", "--title-en", "N")

    assert result.exit_code == 1
    assert "switched off" in result.output
    assert unread_of(maryam) == 0


def test_listing_an_unknown_member_is_refused(run):
    result = run("notifications", "list", "09359999999")

    assert result.exit_code == 1
    assert "No member has that mobile or national code" in result.output


def test_a_member_created_from_the_cli_is_welcomed(app, run):
    mobile = "09361234567"
    result = run(
        "members",
        "create",
        "--national-code",
        "0012345679",
        "--mobile",
        mobile,
        "--name",
        "زهرا رضایی",
        "--region",
        "zanjan/zanjan",
        "--password",
        PASSWORD,
    )
    assert result.exit_code == 0, result.output

    inbox = json.loads(run("notifications", "list", mobile, "--json").stdout)
    # Only this plugin's: another installed plugin may welcome new members too.
    mine = [n["kind"] for n in inbox["items"] if n["source"] == "notifications"]
    assert mine == ["welcome"]
