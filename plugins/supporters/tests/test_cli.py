"""`resalat supporters`: an operator lists introductions, records the bank's answer, reads actions."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from resalat_supporters import services

from resalat_core.sdk import Member


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


@pytest.fixture
def introductions(make_member, make_core, db):
    """Two introductions by one credit supporter: one accepted by its member, one still awaiting."""
    supporter = make_member("supporter", kind="credit", name="حسین حامی")
    made = []
    for n, accept in enumerate((True, False)):
        leader = make_member(name="راهبر هسته")
        core = make_core(leader, name=f"هسته {n}")
        with db() as s:
            who = s.get(Member, leader)
            introduction = services.introduce(
                s,
                s.get(Member, supporter),
                core=core.code,
                mobile=who.mobile,
                national_code=who.national_code,
                estimate=(n + 1) * 1_000_000_000,
                purpose="خرید میش",
                amount=(n + 1) * 100_000_000,
            )
            if accept:
                services.accept_introduction(s, who, introduction.id)
            made.append(introduction.id)
    return made


def test_the_introductions_are_listed_for_scripts_and_people(run, introductions):
    accepted, awaiting = introductions

    everything = run("supporters", "introductions", "--json")
    only_awaiting = run("supporters", "introductions", "--status", "awaiting", "--json")
    table = run("supporters", "introductions")

    assert everything.exit_code == 0, everything.output
    listed = json.loads(everything.stdout)
    assert listed["total"] == 2
    assert [(i["id"], i["status"], i["amount_rials"]) for i in listed["items"]] == [
        (awaiting, "awaiting", 200_000_000),
        (accepted, "introduced", 100_000_000),
    ]
    assert listed["items"][0]["supporter"]["name"] == "حسین حامی"
    assert [i["id"] for i in json.loads(only_awaiting.stdout)["items"]] == [awaiting]
    assert "1 accepted by their members, asking 100,000,000 rials in all" in table.output


def test_a_bad_status_filter_exits_1_with_a_clear_message(run, introductions):
    result = run("supporters", "introductions", "--status", "lost")

    assert result.exit_code == 1
    assert "Choose one of" in result.output and "awaiting" in result.output


def test_an_operator_records_the_banks_answer_and_bad_moves_change_nothing(run, introductions, db):
    accepted, awaiting = introductions

    moved = run("supporters", "mark", str(accepted), "scored", "--note", "Merat: B", "--json")
    too_early = run("supporters", "mark", str(awaiting), "approved")
    not_a_loan_status = run("supporters", "mark", str(accepted), "withdrawn")
    missing = run("supporters", "mark", "999999", "scored")

    assert moved.exit_code == 0, moved.output
    assert (json.loads(moved.stdout)["status"], json.loads(moved.stdout)["status_note"]) == (
        "scored",
        "Merat: B",
    )
    assert too_early.exit_code == 1 and "cannot become" in too_early.output
    assert not_a_loan_status.exit_code == 1 and "status" in not_a_loan_status.output
    assert missing.exit_code == 1 and "No such introduction" in missing.output
    with db() as s:
        assert services.get_introduction(s, awaiting).status == "awaiting"
        assert services.get_introduction(s, accepted).status == "scored"


def test_a_supporters_actions_are_listed_by_mobile(run, make_member, make_core, person, identity, db):
    supporter = make_member("supporter", kind="technical", name="زهرا فنی")
    maryam = person(name="مریم احمدی")
    core = make_core()
    with db() as s:
        me = s.get(Member, supporter)
        today = services.today()
        services.record_action(
            s, me, kind="technical", member=maryam.mobile, happened_on=today, description="آموزش", minutes=120
        )
        services.record_action(
            s,
            me,
            kind="technical",
            core=core.code,
            happened_on=today - timedelta(days=1),
            description="بازدید",
            amount=5_000_000,
        )

    as_json = run("supporters", "actions", identity(supporter).mobile, "--json")
    as_text = run("supporters", "actions", identity(supporter).national_code)
    received = run("supporters", "actions", maryam.mobile, "--received", "--json")

    assert as_json.exit_code == 0, as_json.output
    rows = json.loads(as_json.stdout)
    assert rows["total"] == 2
    assert [(a["description"], a["hours"], a["amount_rials"]) for a in rows["items"]] == [
        ("بازدید", None, 5_000_000),
        ("آموزش", 2.0, None),
    ]
    assert rows["items"][0]["beneficiary_core"]["code"] == core.code
    assert f"to core {core.code}" in as_text.output and "2 in all" in as_text.output
    assert [a["description"] for a in json.loads(received.stdout)["items"]] == ["آموزش"]


def test_actions_of_an_unknown_or_non_supporter_exit_1(run, make_member, person):
    plain = person()

    unknown = run("supporters", "actions", "09359999999")
    not_supporter = run("supporters", "actions", plain.mobile)

    assert unknown.exit_code == 1 and "No member has that mobile" in unknown.output
    assert not_supporter.exit_code == 1 and "not a supporter" in not_supporter.output
