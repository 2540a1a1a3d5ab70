"""`resalat hesam`: an operator tops up a member (once per key) and exports a statement as CSV."""

from __future__ import annotations

import csv
import json

import pytest


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def test_an_operator_tops_up_a_member_in_tomans(run, person, balance_of):
    maryam = person()

    result = run("hesam", "topup", maryam.mobile, "5,000,000", "--unit", "toman", "--json")

    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert (answer["member_id"], answer["amount_rials"], answer["balance_rials"], answer["replayed"]) == (
        maryam.id,
        50_000_000,
        50_000_000,
        False,
    )
    assert balance_of(maryam.id) == 50_000_000


def test_the_same_key_tops_up_once(run, person, balance_of):
    maryam = person()

    first = run("hesam", "topup", maryam.national_code, "1000", "--unit", "rial", "--key", "slip-42")
    again = run(
        "hesam", "topup", maryam.national_code, "1000", "--unit", "rial", "--key", "slip-42", "--json"
    )

    assert first.exit_code == again.exit_code == 0, again.output
    assert "1,000 rials (100 tomans)" in first.stdout
    assert json.loads(again.stdout)["replayed"] is True
    assert balance_of(maryam.id) == 1_000


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["09359999999", "1000"], "No member has that mobile or national code"),
        (["{mobile}", "0"], "more than zero"),
        (["{mobile}", "abc"], "digits"),
        (["{mobile}", "10.5", "--unit", "rial"], "whole number"),
        (["{mobile}", "--", "-100"], "negative"),
        (["{mobile}", "2000", "--key", "used"], "different transfer"),  # the key was used for 1000
    ],
)
def test_a_bad_top_up_exits_1_and_moves_nothing(run, person, ledger_snapshot, args, says):
    maryam = person()
    assert run("hesam", "topup", maryam.mobile, "1000", "--key", "used").exit_code == 0
    before = ledger_snapshot()

    result = run("hesam", "topup", *[a.format(mobile=maryam.mobile) for a in args])

    assert result.exit_code == 1, result.output
    assert says in result.output
    assert ledger_snapshot() == before


def test_a_statement_is_exported_to_csv_with_a_progress_bar(run, person, fund, tmp_path):
    maryam = person()
    for tomans in (1_000, 2_500):
        fund(maryam.id, tomans)
    out = tmp_path / "statement.csv"

    result = run("hesam", "statement", maryam.mobile, "--csv", str(out))

    assert result.exit_code == 0, result.output
    assert "2 entries" in result.stdout
    assert "exporting" in result.stderr
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header, newest, oldest = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert header[:5] == [
        "Date (Jalali, Tehran time)",
        "Time (UTC, ISO 8601)",
        "Direction",
        "Amount (rials)",
        "Amount (tomans)",
    ]
    assert newest[2:7] == ["in", "25000", "2500", "35000", "3500"]
    assert oldest[2:7] == ["in", "10000", "1000", "10000", "1000"]
    assert newest[0].startswith("14")  # a Jalali year


def test_a_statement_export_filters_and_chooses_the_account(run, person, fund, earmark, tmp_path):
    jafar = person()
    fund(jafar.id, 1_000)
    loan = earmark(jafar.id, 7_000)
    out = tmp_path / "loan.csv"

    result = run(
        "hesam",
        "statement",
        jafar.mobile,
        "--account",
        str(loan),
        "--direction",
        "in",
        "--csv",
        str(out),
        "--json",
    )

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"account_id": loan, "entries": 1, "file": str(out)}
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1][3:5] == ["70000", "7000"]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["09359999999"], "No member has that mobile or national code"),
        (["{mobile}", "--account", "{other}"], "No such account"),
        (["{mobile}", "--since", "1404/13/01"], "since"),
        (["{mobile}", "--since", "1404/02/01", "--until", "1404/01/01"], "until"),
    ],
)
def test_a_bad_statement_export_exits_1_and_writes_no_file(
    run, make_member, person, fund, main_account_id, tmp_path, args, says
):
    maryam = person()
    fund(maryam.id, 1_000)
    other = main_account_id(make_member())
    out = tmp_path / "nope.csv"

    result = run(
        "hesam", "statement", *[a.format(mobile=maryam.mobile, other=other) for a in args], "--csv", str(out)
    )

    assert result.exit_code == 1, result.output
    assert says in result.output
    assert not out.exists()


def test_a_member_with_no_account_yet_has_no_statement(run, person, tmp_path):
    result = run("hesam", "statement", person().mobile, "--csv", str(tmp_path / "x.csv"))

    assert result.exit_code == 1
    assert "no account yet" in result.output
