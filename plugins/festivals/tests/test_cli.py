"""`resalat festivals list` and `report`: what scripts read, and a clear refusal of bad input."""

from __future__ import annotations

import json

from .conftest import ARDAKAN


def test_list_and_report_as_json(app, organiser, make_core, make_festival, apply, decide, shift):
    fid = make_festival(organiser)
    core = make_core()
    decide(organiser, apply(fid, core))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["festivals", "list", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [f["id"] for f in data["items"]] == [fid] and data["meta"]["total"] == 1
    assert data["items"][0]["region"] == ARDAKAN and data["items"][0]["accepted"] == 1
    assert "/" in data["items"][0]["starts_on"]

    report = runner.invoke(args=["festivals", "report", str(fid), "--json"])
    assert report.exit_code == 0, report.output
    found = json.loads(report.stdout)
    assert (found["accepted"], found["total_rials"], found["cores"][0]["core"]["id"]) == (1, 0, core.id)
    text = runner.invoke(args=["festivals", "report", str(fid)])
    assert text.exit_code == 0 and "not reported" in text.output


def test_bad_input_exits_1_with_a_clear_message(app):
    runner = app.test_cli_runner()
    missing = runner.invoke(args=["festivals", "report", "99999"])
    assert missing.exit_code == 1 and "festival" in missing.output.lower()
    junk = runner.invoke(args=["festivals", "report", "abc"])
    assert junk.exit_code == 1
    region = runner.invoke(args=["festivals", "list", "--region", "nowhere"])
    assert region.exit_code == 1
