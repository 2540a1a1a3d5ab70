"""`resalat guides`: candidates in the order of work and a guide's dashboard, for people and scripts."""

from __future__ import annotations

import json

import pytest
from resalat_guides import services


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def test_candidates_are_listed_in_the_order_of_work(run, make_member, record):
    guide = make_member("guide", region="zanjan/zanjan")
    yazd = make_member("guide", region="yazd/yazd")
    newcomer = record(guide, name="حسن یوسفی", intent="start", years=0)
    grower = record(guide, name="رقیه محمدی", intent="grow", years=8)
    weaver = record(yazd, name="زهرا آسی‌پور", region="yazd/ardakan", field="hand_weaving", years=20)

    everyone = run("guides", "candidates", "--json")
    zanjan = run("guides", "candidates", "--region", "zanjan", "--json")
    as_text = run("guides", "candidates", "--region", "zanjan/gorg-tappeh")

    assert everyone.exit_code == 0, everyone.output
    # Both growers have experience (how much does not matter): the one recorded first comes first.
    assert [c["id"] for c in json.loads(everyone.stdout)["items"]] == [grower, weaver, newcomer]
    answer = json.loads(zanjan.stdout)
    assert (answer["total"], [c["id"] for c in answer["items"]]) == (2, [grower, newcomer])
    assert answer["items"][0]["field"] == "livestock" and answer["items"][0]["region"] == "zanjan/gorg-tappeh"
    assert as_text.exit_code == 0 and "2 candidates" in as_text.stdout and "رقیه محمدی" in as_text.stdout


def test_a_guides_own_candidates_and_a_status_filter(run, make_member, person_of, record, act):
    guide = make_member("guide", region="zanjan/zanjan")
    dropped = record(guide)
    record(guide)
    act(guide, dropped, services.set_status, "dropped", reason="انصراف")

    mobile = person_of(guide)["mobile"]

    answer = run("guides", "candidates", "--guide", mobile, "--status", "dropped", "--json")

    assert answer.exit_code == 0, answer.output
    assert [c["id"] for c in json.loads(answer.stdout)["items"]] == [dropped]


def test_the_dashboard_of_a_guide_by_mobile(run, make_member, person_of, record, act, make_core):
    guide = make_member("guide", region="zanjan/zanjan")
    advised = record(guide)
    act(guide, advised, services.advise, text="ادامه دهید")
    record(guide)
    make_core("zanjan/abhar", "clothing")

    answer = run("guides", "dashboard", person_of(guide)["mobile"], "--json")
    as_text = run("guides", "dashboard", person_of(guide)["national_code"])

    assert answer.exit_code == 0, answer.output
    figures = json.loads(answer.stdout)
    assert (figures["guide_id"], figures["nationwide"], figures["candidates_total"]) == (guide, False, 2)
    assert figures["candidates"]["advised"] == 1 and figures["cores"]["active"] == 1
    assert as_text.exit_code == 0 and "candidates: 2" in as_text.stdout


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["dashboard", "09359999999"], "No member has that mobile or national code"),
        (["dashboard", "{member}"], "is not a guide anywhere"),
        (["candidates", "--region", "atlantis"], "No region has the code atlantis"),
        (["candidates", "--guide", "{member}"], "is not a guide anywhere"),
        (["candidates", "--status", "sleeping"], "Unknown status"),
    ],
)
def test_bad_input_exits_1_with_a_clear_message(run, make_member, person_of, args, says):
    member = person_of(make_member())["mobile"]

    result = run("guides", *[a.format(member=member) for a in args])

    assert result.exit_code == 1, result.output
    assert says in result.output
