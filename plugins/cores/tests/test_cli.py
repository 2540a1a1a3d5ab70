"""`resalat cores`: an operator lists cores, a reviewer approves from the shell, an admin adds a field."""

from __future__ import annotations

import json

import pytest


def test_cores_are_listed_with_filters_for_scripts(run, make_member, new_core):
    admin = make_member("admin", role_region=None)
    leader = make_member()
    new_core(leader, name="زعفران قائن", field="saffron", region="khorasan-south/qaen", approve_by=admin)
    new_core(leader, name="دام گرگ‌تپه", field="livestock", region="zanjan/gorg-tappeh")

    everything = run("cores", "list", "--json")
    candidates = run("cores", "list", "--status", "candidate", "--region", "zanjan", "--json")
    saffron = run("cores", "list", "--field", "saffron")

    assert everything.exit_code == candidates.exit_code == saffron.exit_code == 0, everything.output
    assert json.loads(everything.stdout)["meta"]["total"] == 2
    assert [c["name"] for c in json.loads(candidates.stdout)["items"]] == ["دام گرگ‌تپه"]
    assert "SKH-SAFFRON-000001" in saffron.stdout
    assert "1 cores in all" in saffron.stdout


def test_a_reviewer_approves_a_core_from_the_shell(run, make_member, new_core, core_of, person):
    reviewer = person("admin", region="zanjan/zanjan")
    core_id = new_core(make_member())

    result = run("cores", "approve", core_id, "--by", reviewer.mobile, "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["code"] == "ZNJ-LIVESTOCK-000001"
    assert core_of(core_id)["approved_by_id"] == reviewer.id
    shown = run("cores", "show", "ZNJ-LIVESTOCK-000001", "--json")
    assert json.loads(shown.stdout)["id"] == core_id


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["approve", "999", "--by", "{reviewer}"], "No such core"),
        (["approve", "{core}", "--by", "09359999999"], "No member has that mobile"),
        (["approve", "{core}", "--by", "{stranger}"], "Only a guide of this core's area"),
        (["approve", "{approved}", "--by", "{reviewer}"], "already approved"),
        (["list", "--field", "camels"], "field: Choose a field of work"),
        (["list", "--region", "atlantis"], "region: Choose a place"),
        (["suspend", "{approved}", "--by", "{reviewer}", "--reason", " "], "reason: Give the reason"),
        (["add-field", "Saffron!", "--fa", "زعفران", "--en", "Saffron"], "code: Use 2 to"),
        (["add-field", "saffron", "--fa", "زعفران", "--en", "Saffron"], "already exists"),
        (["add-field", "pottery", "--fa", "", "--en", "Pottery"], "name_fa"),
    ],
)
def test_bad_input_exits_1_with_a_clear_message_and_changes_nothing(
    run, make_member, new_core, snapshot, args, says, person
):
    reviewer = person("admin", region="zanjan/zanjan")
    stranger = person()
    core_id = new_core(make_member())
    approved = new_core(make_member(), approve_by=reviewer.id)
    before = snapshot()

    filled = [
        a.format(reviewer=reviewer.mobile, stranger=stranger.mobile, core=core_id, approved=approved)
        for a in args
    ]
    result = run("cores", *filled)

    assert result.exit_code == 1, result.output
    assert says in result.output
    assert snapshot() == before


def test_an_admin_adds_a_field_of_work(run, new_core, make_member):
    added = run("cores", "add-field", " Pottery ", "--fa", "سفالگری", "--en", "Pottery", "--json")

    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout) == {"code": "pottery", "name_fa": "سفالگری", "name_en": "Pottery"}
    listed = json.loads(run("cores", "fields", "--json").stdout)
    assert [f["code"] for f in listed][-1] == "pottery"
    new_core(make_member(), field="pottery", approve_by=make_member("admin", role_region=None))
    assert "ZNJ-POTTERY-000001" in run("cores", "list").stdout


def test_a_reviewer_suspends_and_reactivates_from_the_shell(run, make_member, new_core, core_of, person):
    reviewer = person("admin", region="zanjan/zanjan")
    core_id = new_core(make_member(), approve_by=reviewer.id)

    suspended = run("cores", "suspend", core_id, "--by", reviewer.mobile, "--reason", "بازدید")
    reactivated = run(
        "cores", "reactivate", "ZNJ-LIVESTOCK-000001", "--by", reviewer.mobile, "--reason", "تمام شد"
    )

    assert suspended.exit_code == reactivated.exit_code == 0, suspended.output
    assert [h[1] for h in core_of(core_id)["history"]] == ["candidate", "active", "suspended", "active"]
