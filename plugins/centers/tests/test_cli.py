"""`resalat centers list` and `resalat centers order-status`: what scripts read, and clear failures."""

from __future__ import annotations

import json


def test_centers_list_prints_every_centre_as_json_for_scripts(app, alghadir, someone, register_centre):
    register_centre(someone(region="yazd/ardakan").id, alghadir.registrar.id, region="yazd/ardakan")

    result = app.test_cli_runner().invoke(
        args=["centers", "list", "--json", "--region", "sistan-baluchestan"]
    )

    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["meta"]["total"] == 1
    (row,) = body["items"]
    assert (row["name"], row["region"], row["cores"], row["members"]) == (
        "کانون همیاری الغدیر",
        "sistan-baluchestan/arbab",
        3,
        1,
    )
    assert row["leader"]["mobile"] == alghadir.ghaderi.mobile


def test_centers_list_in_words_and_a_bad_region_exits_1(app, alghadir):
    runner = app.test_cli_runner()

    words = runner.invoke(args=["centers", "list", "-q", "الغدير"])
    bad = runner.invoke(args=["centers", "list", "--region", "atlantis"])

    assert words.exit_code == 0, words.output
    assert "کانون همیاری الغدیر" in words.output and "3 cores" in words.output
    assert bad.exit_code == 1
    assert "atlantis" in bad.output


def test_order_status_shows_delivered_of_total_and_each_cores_part(app, alghadir, make_order, split, act):
    order = make_order(alghadir.id, 300)
    first, second, _third = alghadir.cores
    a, b = split(order, [(first, 100), (second, 50)])
    act("accept", a)
    act("deliver", a, 60)
    act("decline", b, "پارچه نیست")

    as_json = app.test_cli_runner().invoke(args=["centers", "order-status", str(order), "--json"])
    in_words = app.test_cli_runner().invoke(args=["centers", "order-status", str(order)])

    assert as_json.exit_code == 0, as_json.output
    body = json.loads(as_json.stdout)
    assert (body["status"], body["delivered"], body["quantity"], body["allocated"], body["remaining"]) == (
        "in_progress",
        60,
        300,
        100,
        200,
    )
    progress = {p["core"]["id"]: (p["accepted"], p["delivered"], p["declined"]) for p in body["progress"]}
    assert progress == {first.id: (100, 60, 0), second.id: (0, 0, 50)}
    assert in_words.exit_code == 0
    assert "60 of 300 delivered (20%)" in in_words.output


def test_order_status_of_an_unknown_or_malformed_order_exits_1_with_a_message(app):
    runner = app.test_cli_runner()
    for arg in ("999999", "abc", "-1"):
        result = runner.invoke(args=["centers", "order-status", arg])
        assert result.exit_code in (1, 2), result.output
        assert "No such order" in result.output or "Error" in result.output
    unknown = runner.invoke(args=["centers", "order-status", "999999"])
    assert unknown.exit_code == 1
    assert "No such order." in unknown.output
