"""`resalat bimeh`: the daily job for scripts, filling the pool once per key, bad input refused;
declining an offer through the API."""

from __future__ import annotations

import json
from datetime import timedelta

from resalat_core.testing import token_client


def test_run_due_and_fund_for_scripts(app, world):
    policy_id = world.buy("livestock", heads=2, instalments=2)
    due = world.policy(policy_id)["premiums"][1][2]
    runner = app.test_cli_runner()
    day = (due - timedelta(days=2)).isoformat()
    result = runner.invoke(args=["bimeh", "run-due", "--today", day, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["reminded"] == 1
    bad = runner.invoke(args=["bimeh", "run-due", "--today", "tomorrow"])
    assert bad.exit_code == 1
    pool = world.pool()
    for _ in range(2):
        done = runner.invoke(args=["bimeh", "fund", "1000000", "--key", "cli-1", "--json"])
        assert done.exit_code == 0, done.output
    assert world.pool() == pool + 1_000_000
    assert runner.invoke(args=["bimeh", "fund", "-5", "--key", "cli-2"]).exit_code != 0
    figures = json.loads(runner.invoke(args=["bimeh", "figures", "--json"]).stdout)
    assert figures["active"] == 1 and figures["pool"] == world.pool()
    world.verify()


def test_an_offer_is_declined_once_through_the_api(app, world):
    world.loan()
    api = token_client(app, world.member)
    offers = api.get("/api/v1/bimeh/offers").get_json()
    assert sorted(o["product"] for o in offers) == ["livestock", "loan_life"]
    first = api.post(f"/api/v1/bimeh/offers/{offers[0]['id']}/decline")
    assert first.status_code == 200 and first.get_json()["status"] == "declined"
    assert api.post(f"/api/v1/bimeh/offers/{offers[0]['id']}/decline").status_code == 409
    assert len(api.get("/api/v1/bimeh/offers").get_json()) == 1


def test_the_keyed_figures_count_policies_in_force_and_claims_waiting(app, world, count_queries):
    from resalat_bimeh import hooks

    from resalat_core.testing import work

    def figures():
        with work(app) as s, count_queries() as q:
            found = {f.key: f.value for f in hooks.resalat_stats(session=s, area=None) if f.key}
        return found, q.count

    first = world.buy("livestock", heads=2)
    small, few = figures()
    world.claim(first, amount=1_000_000)
    world.buy("livestock", heads=3)
    large, many = figures()

    assert small == {"policies_in_force": 1, "claims_waiting": 0}
    assert large == {"policies_in_force": 2, "claims_waiting": 1}
    assert few == many
