"""`resalat icap`: an operator lists promissory notes and reads one by its serial."""

from __future__ import annotations

import json

import pytest
from resalat_icap import services

from resalat_core.sdk import Member

from .conftest import guarantor


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def test_the_notes_of_a_member_as_json_newest_first(run, jafar, member, issue, note_of, db):
    first = issue(jafar.id, amount=20_000_000)
    second = issue(jafar.id, amount=30_000_000)
    with db() as s:
        services.pledge_note(s, first, s.get(Member, jafar.id), reference="loan:7", amount=20_000_000)

    result = run("icap", "list", "--member", jafar.mobile, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["total"] == 2
    assert [(i["serial"], i["amount_rials"]) for i in data["items"]] == [
        (note_of(second)["serial"], 30_000_000),
        (note_of(first)["serial"], 20_000_000),
    ]
    pledged = json.loads(run("icap", "list", "--status", "pledged", "--json").stdout)
    assert [(i["serial"], i["pledged_reference"]) for i in pledged["items"]] == [
        (note_of(first)["serial"], "loan:7")
    ]
    text = run("icap", "list")
    assert text.exit_code == 0 and "2 in all" in text.output


def test_show_a_note_by_serial(run, jafar, member, issue, note_of):
    maryam = member()
    serial = note_of(issue(jafar.id, guarantors=[guarantor(maryam)]))["serial"]

    result = run("icap", "show", serial, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["serial"], data["amount_words"], data["guarantors"][0]["signed_at"]) == (
        serial,
        "یکصد و پنجاه میلیون ریال",
        None,
    )
    assert [h["to"] for h in data["history"]] == ["issued"]
    text = run("icap", "show", serial)
    assert text.exit_code == 0 and "not signed" in text.output


def test_unknown_serial_or_member_is_a_clean_error(run):
    for args in (("icap", "show", "1405999999999999"), ("icap", "list", "--member", "09129999999")):
        result = run(*args)
        assert result.exit_code != 0
        assert "Traceback" not in result.output
