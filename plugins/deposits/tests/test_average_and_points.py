"""The heart of Qard al-Hasan: a deposit's time-weighted average earns loan points."""

from __future__ import annotations

import pytest
from resalat_deposits import services

from resalat_core.sdk import BadInput, Conflict, Member

from .conftest import days

M = 10_000_000  # a million tomans, in rials


def test_deposit_kept_half_the_window_then_halved_averages_exactly(funded, history, points, t0):
    member = funded()
    history(member, [(t0, 100 * M), (t0 + days(90), -50 * M)])
    # 180-day window ending at day 180: 100M for 90 days, 50M for 90 days.
    assert points(member, now=t0 + days(180)).average == 75 * M


def test_a_deposit_made_inside_the_window_counts_for_its_share_of_time(funded, history, points, t0):
    member = funded()
    history(member, [(t0, 30 * M)])
    # Six months are 180 days; the deposit lay there for 60 of them.
    assert points(member, now=t0 + days(60)).average == 10 * M
    # A whole window later it counts in full; a balance from before the window counts from its start.
    assert points(member, now=t0 + days(400)).average == 30 * M


def test_the_average_is_floored_to_a_rial_not_rounded_up(funded, history, points, t0):
    member = funded()
    history(member, [(t0, 7)])
    # 7 rials for 1 of 180 days: 7/180 of a rial floors to 0; 7 for 179 days: 6.96 floors to 6.
    assert points(member, now=t0 + days(1)).average == 0
    assert points(member, now=t0 + days(179)).average == 6


def test_many_moves_are_integrated_exactly(funded, history, points, t0):
    member = funded()
    moves = [(t0, 50 * M), (t0 + days(10), 20 * M), (t0 + days(40), -30 * M), (t0 + days(100), 60 * M)]
    history(member, moves)
    now = t0 + days(150)  # window from day -30
    expected = (50 * M * 10 + 70 * M * 30 + 40 * M * 60 + 100 * M * 50) // 180
    assert points(member, now=now).average == expected


def test_no_deposit_no_points(funded, points):
    member = funded(5 * M)
    p = points(member)
    assert (p.average, p.available, p.window_months) == (0, 0, 6)


def test_window_setting_is_respected(funded, history, points, settings, t0):
    member = funded()
    history(member, [(t0, 90 * M)])
    now = t0 + days(45)
    assert points(member, now=now).average == 90 * M * 45 // 180
    settings(window_months=3)
    p = points(member, now=now)
    assert (p.average, p.window_months) == (90 * M * 45 // 90, 3)


@pytest.mark.parametrize("bad", [2, 7, 0, "six", True, 4.5])
def test_a_window_outside_three_to_six_months_is_refused_at_load(app, settings, bad):
    settings(window_months=bad)
    with app.app_context(), pytest.raises(ValueError, match="window_months"):
        services.check_settings()


def test_a_broken_term_table_is_refused_at_load(app, settings):
    for bad in ([], [[40, 48], [20, 60]], [[20, 60], [40, 72]], [["x", 60]], [[20, "sixty"]], [[0, 60]]):
        settings(term_table=bad)
        with app.app_context(), pytest.raises(ValueError, match="term_table"):
            services.check_settings()


def test_a_bad_window_stops_the_plugin_from_loading_with_the_reason(make_app):
    built = make_app(plugins={"deposits": {"window_months": 12}})
    record = built.extensions["resalat"].plugins.records["deposits"]
    assert record.status == "failed"
    assert "window_months" in record.error


def test_points_breakdown_counts_received_given_used_and_released(db, funded, history, points, t0):
    giver, relative = funded(name="علی رضایی"), funded(name="زهرا رضایی")
    history(giver, [(t0, 100 * M)])
    now = t0 + days(180)
    with db() as s:
        services.use_points(s, s.get(Member, giver), 10 * M, reference="loan:1")
        services.use_points(s, s.get(Member, giver), 5 * M, reference="loan:2")
        services.release_points(s, reference="loan:2")
    p = points(giver, now=now)
    assert (p.average, p.used, p.available) == (100 * M, 10 * M, 90 * M)
    assert points(relative).available == 0


def test_use_points_is_idempotent_by_reference(db, funded, history, points, t0):
    member = funded()
    history(member, [(t0 - days(200), 40 * M)])
    for _ in range(2):
        with db() as s:
            services.use_points(s, s.get(Member, member), 15 * M, reference="loan:7")
    assert points(member).used == 15 * M
    with db() as s, pytest.raises(Conflict):
        services.use_points(s, s.get(Member, member), 16 * M, reference="loan:7")


def test_use_points_refused_when_short(db, funded, history, points, t0, snapshot):
    member = funded()
    history(member, [(t0 - days(200), 40 * M)])
    before = snapshot()
    with db() as s, pytest.raises(BadInput) as refused:
        services.use_points(s, s.get(Member, member), 40 * M + 1, reference="loan:8")
    assert refused.value.code == "not_enough_points"
    assert snapshot() == before
    with db() as s:
        services.use_points(s, s.get(Member, member), 40 * M, reference="loan:8")
    assert points(member).available == 0


def test_release_points_gives_them_back_once_and_ignores_unknown_references(db, funded, history, points, t0):
    member = funded()
    history(member, [(t0 - days(200), 40 * M)])
    with db() as s:
        services.use_points(s, s.get(Member, member), 30 * M, reference="loan:9")
    assert points(member).available == 10 * M
    for _ in range(2):
        with db() as s:
            services.release_points(s, reference="loan:9")
            services.release_points(s, reference="loan:unknown")
    p = points(member)
    assert (p.used, p.available) == (0, 40 * M)


def test_the_average_costs_two_queries_however_long_the_history(app, funded, history, count_queries, t0):
    member = funded()
    history(member, [(t0 - days(300), 10 * M)] + [(t0 - days(170 - i), M) for i in range(30)])
    with app.app_context():
        from resalat_core.sdk import get_db

        s = get_db().session()
        who = s.get(Member, member)
        with count_queries() as q:
            average = services.deposit_average(s, who, now=t0)
        assert q.count == 2
        # 10M all window long, and one more million from each of the days -170 .. -141.
        assert average == (10 * M * 180 * 86400 + sum(M * (170 - i) * 86400 for i in range(30))) // (
            180 * 86400
        )
