"""The statement as CSV: a BOM for Excel, Latin digits, Jalali dates, rials and tomans, streamed."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy import update

from resalat_core.sdk import Entry, get_db


def _rows(response) -> list[list[str]]:
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_a_member_downloads_a_statement_excel_reads_in_persian(
    app, client_as, person, fund, ask_to_send, confirm, main_account_id
):
    maryam = client_as(name="مریم احمدی")
    jafar = person(name="جعفر قراجه‌لو")
    fund(maryam.member_id, 10_000)
    confirm(maryam, ask_to_send(maryam, jafar.mobile, "2500.5", "بابت علوفه").token)
    account = main_account_id(maryam.member_id)
    with app.app_context():
        s = get_db().session
        s.execute(update(Entry).values(created_at=datetime(2025, 3, 20, 21, 0)))  # 1404/01/01 00:30 Tehran
        s.commit()

    response = maryam.get(f"/hesam/accounts/{account}/statement.csv")

    assert response.status_code == 200
    assert response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    header, sent, topped_up = _rows(response)
    assert header == [
        "تاریخ (شمسی، به وقت تهران)",
        "زمان (UTC، قالب ISO 8601)",
        "نوع",
        "مبلغ (ریال)",
        "مبلغ (تومان)",
        "مانده پس از تراکنش (ریال)",
        "مانده پس از تراکنش (تومان)",
        "بابت",
        "جزئیات",
        "طرف حساب",
        "یادداشت",
        "شماره‌ی انتقال",
    ]
    assert sent[:10] == [
        "1404/01/01 00:30",
        "2025-03-20T21:00:00Z",
        "برداشت",
        "-25005",
        "-2500.5",
        "74995",
        "7499.5",
        "انتقال میان اعضا",
        "",
        "ج*** ق***",
    ]
    assert sent[10] == "بابت علوفه"  # the member's own note, beside the line's words
    assert topped_up[2:8] == ["واریز", "100000", "10000", "100000", "10000", "واریز نقدی"]
    assert topped_up[9] == "ورود وجه"


def test_the_csv_follows_the_statements_filters(client_as, fund, main_account_id):
    maryam = client_as()
    fund(maryam.member_id, 1_000)
    fund(maryam.member_id, 2_000)

    response = maryam.get(f"/hesam/accounts/{main_account_id(maryam.member_id)}/statement.csv?direction=out")

    assert len(_rows(response)) == 1  # the header only: nothing went out
    assert (
        maryam.get(f"/hesam/accounts/{main_account_id(maryam.member_id)}/statement.csv?since=x").status_code
        == 400
    )


def test_a_long_statement_is_exported_whole_across_read_batches(
    app, client_as, fund, main_account_id, monkeypatch
):
    from resalat_hesam import services

    monkeypatch.setattr(services, "CSV_BATCH", 7)  # many batches, and one that ends exactly on the edge
    original = services.iter_statement
    monkeypatch.setattr(services, "iter_statement", lambda s, a, f, batch=7: original(s, a, f, batch))
    maryam = client_as()
    for n in range(1, 22):
        fund(maryam.member_id, n)

    rows = _rows(maryam.get(f"/hesam/accounts/{main_account_id(maryam.member_id)}/statement.csv"))

    assert [int(r[4]) for r in rows[1:]] == list(range(21, 0, -1))


def test_a_note_cannot_smuggle_a_spreadsheet_formula(
    client_as, person, fund, ask_to_send, confirm, main_account_id, member_of
):
    maryam = client_as()
    jafar = client_as()
    fund(maryam.member_id, 1_000)
    confirm(
        maryam,
        ask_to_send(maryam, member_of(jafar.member_id).mobile, "10", '=HYPERLINK("http://evil")').token,
    )

    rows = _rows(jafar.get(f"/hesam/accounts/{main_account_id(jafar.member_id)}/statement.csv"))

    assert rows[1][10] == '\'=HYPERLINK("http://evil")'


def test_english_readers_get_english_headers(client_as, fund, main_account_id):
    maryam = client_as()
    fund(maryam.member_id, 1_000)
    maryam.get("/lang/en")

    header, row = _rows(maryam.get(f"/hesam/accounts/{main_account_id(maryam.member_id)}/statement.csv"))

    assert header[:5] == [
        "Date (Jalali, Tehran time)",
        "Time (UTC, ISO 8601)",
        "Direction",
        "Amount (rials)",
        "Amount (tomans)",
    ]
    assert (row[2], row[7], row[8], row[9]) == ("in", "Cash top-up", "", "Cash in")
