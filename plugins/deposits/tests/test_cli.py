"""`resalat deposits`: an operator reads a member's deposit and points, and the term for a loan."""

from __future__ import annotations

import json

import pytest

from .conftest import days

M = 10_000_000


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def test_show_as_json(run, history, person, t0):
    member = person()
    history(member.id, [(t0 - days(400), 40 * M)])
    result = run("deposits", "show", member.mobile, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["balance_rials"] == 40 * M
    assert data["points"]["average"] == 40 * M and data["points"]["available"] == 40 * M


def test_show_as_text(run, person):
    member = person()
    result = run("deposits", "show", member.mobile)
    assert result.exit_code == 0 and "available 0 tomans" in result.output


def test_term_as_json_and_text(run, history, person, t0):
    member = person()
    history(member.id, [(t0 - days(400), 100 * M)])
    data = json.loads(run("deposits", "term", member.mobile, str(60 * M), "--json").stdout)
    assert data["max_term_months"] == 36
    assert "at most 12 months" in run("deposits", "term", member.mobile, str(100 * M)).output
    assert "no term" in run("deposits", "term", member.mobile, str(100 * M + 1)).output


@pytest.mark.parametrize(
    "args", [("show", "09000000000"), ("term", "nobody", "5"), ("term", "MOBILE", "abc")]
)
def test_bad_input_is_a_clear_message_and_exit_code_1(run, person, args):
    member = person()
    args = tuple(member.mobile if a == "MOBILE" else a for a in args)
    result = run("deposits", *args)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and result.output.strip()
