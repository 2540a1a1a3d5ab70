"""`resalat merat`: score one member, refresh every stale score in batches, show the weights."""

from __future__ import annotations

import json
from datetime import timedelta

from resalat_merat.models import Score, ScoringRequest
from sqlalchemy import func, select

from resalat_core.sdk import Member, utcnow

from .conftest import kind, score_in, work


def run(app, *args):
    return app.test_cli_runner().invoke(args=["merat", *args])


def test_score_prints_the_score_with_its_signals(app, make_member):
    member = make_member()
    with work(app) as s:
        mobile = s.get(Member, member).mobile

    result = run(app, "score", mobile, "--json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["member"]["id"] == member and data["lines"][0]["kind"] == "membership_days"
    text = run(app, "score", mobile)
    assert "rating" in text.stdout and "membership_days" in text.stdout


def test_score_of_an_unknown_member_is_a_clean_error(app):
    result = run(app, "score", "09359999999")
    assert result.exit_code == 1 and "Traceback" not in result.output
    with work(app) as s:
        assert s.scalar(select(func.count(Score.id))) == 0


def test_refresh_scores_everyone_and_stale_only_skips_fresh_scores(app, make_member):
    fresh, stale, never = make_member(), make_member(), make_member()
    score_in(app, fresh)
    old = score_in(app, stale)
    with work(app) as s:
        s.get(Score, old["id"]).computed_at = utcnow() - timedelta(days=45)

    result = run(app, "refresh", "--stale-only", "--json")

    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["scored"] == 2 and sum(data["by_rating"].values()) == 2
    with work(app) as s:
        periodic = s.scalars(
            select(ScoringRequest.member_id).where(ScoringRequest.reason == "periodic")
        ).all()
        assert sorted(periodic) == sorted([stale, never])
    everyone = json.loads(run(app, "refresh", "--json").stdout)
    assert everyone["scored"] == 3
    assert json.loads(run(app, "refresh", "--stale-only", "--json").stdout)["scored"] == 0


def test_refresh_shows_progress(app, make_member):
    make_member()
    result = run(app, "refresh")
    assert result.exit_code == 0 and "scoring" in result.stderr and "scored 1 members" in result.stdout


def merats_own(statements):
    """The statements Merat itself sends (the plugins' signal hooks answer once per member)."""
    return [q for q in statements if "merat_" in q or q.lstrip().upper().startswith("SELECT MEMBERS.")]


def test_refresh_reads_and_writes_in_batches_not_per_member(app, make_member, count_queries):
    for _ in range(3):
        make_member()
    with count_queries() as few:
        assert run(app, "refresh", "--batch-size", "50").exit_code == 0
    for _ in range(6):
        make_member()
    with count_queries() as many:
        assert run(app, "refresh", "--batch-size", "50").exit_code == 0
    with work(app) as s:
        assert s.scalar(select(func.count(Score.id))) == 3 + 9
    assert len(merats_own(many.statements)) == len(merats_own(few.statements))


def test_weights_prints_each_declared_kind_with_its_weight_in_force(signals_app):
    custom = signals_app(
        [],
        kinds=[kind("good_habit", 1), kind("late_payments", -15, 1, -150)],
        base_score=321,
        weights={"good_habit": {"points": 7, "per": 2, "max": 70}},
    )
    result = custom.test_cli_runner().invoke(args=["merat", "weights", "--json"])
    data = json.loads(result.stdout)
    assert data["base_score"] == 321
    good = {"points": 7, "per": 2, "max": 70, "money": False, "source": "fixture_signals"}
    assert data["weights"]["good_habit"] == good
    assert data["weights"]["late_payments"]["max"] == -150
    surplus = {"points": 10, "per": 10_000_000, "max": 100, "money": True, "source": "merat"}
    assert data["weights"]["monthly_surplus"] == surplus
    assert data["ratings"] == {"A": 800, "B": 650, "C": 500, "D": 350}
    assert data["validity_months"] == 12
    assert "base score: 321" in custom.test_cli_runner().invoke(args=["merat", "weights"]).output


def test_refresh_skips_members_where_merat_is_switched_off(app, make_member):
    here, far = make_member(), make_member(region="sistan-baluchestan/arbab")
    off = app.test_cli_runner().invoke(
        args=["modules", "disable", "merat", "--region", "sistan-baluchestan", "--with-dependants"]
    )
    assert off.exit_code == 0, off.output

    assert json.loads(run(app, "refresh", "--json").stdout)["scored"] == 1
    with work(app) as s:
        assert list(s.scalars(select(Score.member_id))) == [here]
        assert far not in list(s.scalars(select(ScoringRequest.member_id)))
