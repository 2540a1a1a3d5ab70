"""`resalat leaders`: an operator reads the guarantees about a member and a leader's community."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def test_the_guarantees_about_a_member_as_json(run, ghaderi, arbab_member, sign, long_ago):
    zahra = arbab_member()
    active = sign(ghaderi.member_id, zahra.mobile, "50,000,000")
    old = sign(ghaderi.member_id, zahra.mobile, "10,000,000", valid_until=long_ago, on=long_ago)

    result = run("leaders", "guarantees", zahra.national_code, "--json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["member"]["id"] == zahra.id
    assert data["active_total_rials"] == 500_000_000
    # Newest first: the expired one was signed last (dated long ago).
    assert [(i["id"], i["status"], i["cap_rials"]) for i in data["items"]] == [
        (old.id, "expired", 100_000_000),
        (active.id, "active", 500_000_000),
    ]


def test_the_guarantees_as_text_say_who_vouches_and_how_much(run, ghaderi, arbab_member, sign, identity_of):
    zahra = arbab_member()
    sign(ghaderi.member_id, zahra.mobile, "1,250")

    result = run("leaders", "guarantees", zahra.mobile)

    assert result.exit_code == 0, result.output
    assert "1,250 tomans" in result.output and "active" in result.output
    assert identity_of(ghaderi.member_id).mobile in result.output


def test_an_unknown_member_exits_1_with_a_clear_message(run):
    result = run("leaders", "guarantees", "09359999999")

    assert result.exit_code == 1
    assert "No member has that mobile or national code." in result.output


def test_a_leaders_community_as_json(run, ghaderi, arbab_member, sign, identity_of):
    sign(ghaderi.member_id, arbab_member().mobile, "100")

    result = run("leaders", "community", identity_of(ghaderi.member_id).mobile, "--json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["regions"] == ["sistan-baluchestan"]
    assert data["nationwide"] is False
    assert data["guarantees"] == {"active_total_rials": 1000, "limit_rials": 5_000_000_000}
    assert data["cores"] == {"total": 0, "items": []}


def test_the_community_of_someone_who_leads_nowhere_is_refused(run, arbab_member):
    result = run("leaders", "community", arbab_member().mobile)

    assert result.exit_code == 1
    assert "is not a social leader anywhere" in result.output
