"""The score is the configured weights applied to the signals; ratings, capacity and validity."""

from __future__ import annotations

from datetime import timedelta

import pytest
from resalat_merat import services
from resalat_merat.models import Score, ScoringRequest
from sqlalchemy import func, select

from resalat_core.sdk import BadInput, Member, utcnow

from .conftest import kind, score_in, work

MILLION_TOMANS = 10_000_000  # rials


GOOD_HABIT = kind("good_habit", 1)
LATE = kind("late_payments", -15, 1, -150)
OVERDUE = kind("overdue_payments", -60, 1, -400)


def test_the_score_is_each_declared_kinds_weight_applied_to_its_signal(signals_app, make_member):
    signals = [("good_habit", 25), ("late_payments", 3), ("nobody_declares_this", 7)]
    custom = signals_app(
        signals,
        kinds=[GOOD_HABIT, LATE],
        base_score=300,
        weights={"good_habit": {"points": 10, "per": 5, "max": 40}},
    )
    member = make_member()

    score = score_in(custom, member)

    # 300 + min(25 // 5 × 10, 40) + (3 × −15, the kind's own default) + 0 for the undeclared kind.
    assert score["lines"]["good_habit"] == (25, 40, {"points": 10, "per": 5, "max": 40})
    assert score["lines"]["late_payments"] == (3, -45, {"points": -15, "per": 1, "max": -150})
    assert score["lines"]["nobody_declares_this"] == (7, 0, None)
    assert score["sources"]["good_habit"] == "fixture_signals"
    assert score["value"] == 300 + 40 - 45


def test_changing_the_weights_in_config_changes_the_score(signals_app, make_member):
    signals = [("good_habit", 25), ("late_payments", 3)]
    member = make_member()
    first = score_in(
        signals_app(
            signals,
            kinds=[GOOD_HABIT, LATE],
            base_score=300,
            weights={"good_habit": {"points": 10, "per": 5}},
        ),
        member,
    )
    second = score_in(
        signals_app(
            signals,
            kinds=[GOOD_HABIT, LATE],
            base_score=500,
            weights={"good_habit": {"points": 2, "per": 1}, "late_payments": {"points": -50, "max": -100}},
        ),
        member,
    )

    assert first["value"] == 300 + 50 - 45
    assert second["value"] == 500 + 50 - 100  # the late payments stop at their cap


def test_a_deployment_may_turn_a_count_weight_into_a_money_one(signals_app, make_member):
    custom = signals_app(
        [("good_habit", 30_000_000)],
        kinds=[GOOD_HABIT],
        weights={"good_habit": {"per": 10_000_000, "money": True}},
    )
    assert score_in(custom, make_member())["lines"]["good_habit"][:2] == (30_000_000, 3)
    with custom.app_context():
        assert "good_habit" in services.money_kinds()


def test_the_score_stays_between_0_and_1000(signals_app, make_member):
    member = make_member()
    high = signals_app(
        [("good_habit", 10_000)], kinds=[GOOD_HABIT], base_score=900, weights={"good_habit": {"points": 1}}
    )
    assert score_in(high, member)["value"] == 1000
    # The test plugin's signals are one list: each app is built just before it scores.
    low = signals_app([("overdue_payments", 50)], kinds=[OVERDUE], base_score=100)
    assert score_in(low, member)["value"] == 0


@pytest.mark.parametrize(
    ("base", "rating"),
    [
        (1000, "A"),
        (800, "A"),
        (799, "B"),
        (650, "B"),
        (649, "C"),
        (500, "C"),
        (350, "D"),
        (349, "E"),
        (0, "E"),
    ],
)
def test_the_rating_follows_the_thresholds(signals_app, make_member, base, rating):
    custom = signals_app([], base_score=base, weights={"membership_days": {"points": 0}})
    assert score_in(custom, make_member())["rating"] == rating


def test_the_thresholds_are_config_too(signals_app, make_member):
    custom = signals_app(
        [],
        base_score=600,
        ratings={"A": 590, "B": 550, "C": 400, "D": 200},
        weights={"membership_days": {"points": 0}},
    )
    assert score_in(custom, make_member())["rating"] == "A"


def test_rating_at_least_orders_the_ratings_best_first():
    assert services.RATINGS == ("A", "B", "C", "D", "E")
    assert services.rating_at_least("A", "C") and services.rating_at_least("C", "C")
    assert not services.rating_at_least("D", "C")
    assert not services.rating_at_least("Z", "E") and not services.rating_at_least("A", "Z")


def test_capacity_is_the_declared_surplus_times_the_ratings_share(signals_app, make_member):
    member = make_member()
    custom = signals_app(
        [], base_score=700, weights={"membership_days": {"points": 0}, "monthly_surplus": {"points": 0}}
    )
    with work(custom) as s:
        services.save_profile(
            s,
            s.get(Member, member),
            monthly_income=30 * MILLION_TOMANS,
            monthly_expenses=18 * MILLION_TOMANS,
        )

    score = score_in(custom, member)

    # Rating B keeps 40% of the 12 million tomans a month left over.
    assert score["rating"] == "B"
    assert score["capacity"] == 12 * MILLION_TOMANS * 40 // 100


def test_capacity_is_never_negative_and_zero_for_an_e(signals_app, make_member):
    member = make_member()
    custom = signals_app(
        [], base_score=900, weights={"membership_days": {"points": 0}, "monthly_surplus": {"points": 0}}
    )
    with work(custom) as s:
        services.save_profile(
            s,
            s.get(Member, member),
            monthly_income=10 * MILLION_TOMANS,
            monthly_expenses=15 * MILLION_TOMANS,
        )
    assert score_in(custom, member)["capacity"] == 0
    assert score_in(signals_app([], base_score=100), member)["capacity"] == 0  # E repays nothing
    assert score_in(signals_app([], base_score=100), make_member())["capacity"] == 0  # no profile


def test_the_declared_surplus_is_a_signal_of_its_own(app, db, make_member):
    member = make_member()
    with db() as s:
        services.save_profile(
            s,
            s.get(Member, member),
            monthly_income=30 * MILLION_TOMANS,
            monthly_expenses=18 * MILLION_TOMANS,
        )
    score = score_in(app, member)
    # 12 million tomans: 10 points a million, at most 100 (the default weight).
    assert score["lines"]["monthly_surplus"][:2] == (12 * MILLION_TOMANS, 100)
    assert score["lines"]["membership_days"][:2] == (0, 0)


def test_membership_days_count_from_joining(app, db, make_member):
    member = make_member()
    with db() as s:
        s.get(Member, member).created_at = utcnow() - timedelta(days=400)
    # 400 days: 13 whole months × 5 points, capped at 60.
    assert score_in(app, member)["lines"]["membership_days"][:2] == (400, 60)


def test_a_score_is_valid_for_twelve_months_then_current_score_is_none(app, db, make_member):
    member = make_member()
    made = score_in(app, member)
    with db() as s:
        score = s.get(Score, made["id"])
        assert score.valid_until.date() == services.add_months(score.computed_at, 12).date()
        assert services.current_score(s, s.get(Member, member)).id == made["id"]
        score.computed_at = utcnow() - timedelta(days=400)
        score.valid_until = services.add_months(score.computed_at, 12)
    with db() as s:
        assert services.current_score(s, s.get(Member, member)) is None
        assert services.newest_score(s, s.get(Member, member)).id == made["id"]


def test_validity_months_is_a_setting(signals_app, make_member):
    custom = signals_app([], validity_months=6)
    made = score_in(custom, make_member())
    with work(custom) as s:
        score = s.get(Score, made["id"])
        assert score.valid_until == services.add_months(score.computed_at, 6)


def test_every_score_is_kept_and_the_newest_is_current(app, db, make_member):
    member = make_member()
    ids = [score_in(app, member)["id"] for _ in range(3)]
    with db() as s:
        page = services.scores_of(s, s.get(Member, member))
        assert [sc.id for sc in page.items] == ids[::-1]
        assert services.current_score(s, s.get(Member, member)).id == ids[-1]


def test_a_scoring_request_records_who_asked_why_and_for_what(app, db, make_member):
    member = make_member()
    officer = make_member("admin")
    made = score_in(app, member, requested_by=None, reason="loan_request", reference="loan:17")
    with db() as s:
        services.record_request(
            s,
            s.get(Member, member),
            requested_by=s.get(Member, officer),
            reason="loan_request",
            reference="loan:18",
            score=s.get(Score, made["id"]),
        )
    with db() as s:
        rows = s.execute(
            select(
                ScoringRequest.reason,
                ScoringRequest.reference,
                ScoringRequest.requested_by_id,
                ScoringRequest.score_id,
            )
            .where(ScoringRequest.member_id == member)
            .order_by(ScoringRequest.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("loan_request", "loan:17", None, made["id"]),
        ("loan_request", "loan:18", officer, made["id"]),
    ]


def test_an_unknown_reason_is_refused_and_nothing_is_kept(app, db, make_member):
    member = make_member()
    with db() as s, pytest.raises(BadInput):
        services.score_member(s, s.get(Member, member), requested_by=None, reason="curiosity")
    with db() as s:
        assert s.scalar(select(func.count(Score.id))) == 0


def test_bad_weights_in_config_are_named(signals_app):
    custom = signals_app([], kinds=[GOOD_HABIT], weights={"good_habit": {"points": 1, "per": 0}})
    with custom.app_context(), pytest.raises(ValueError, match="weights.good_habit.per"):
        services.weights()
    typo = signals_app([], kinds=[GOOD_HABIT], weights={"good_habit": {"pionts": 1}})
    with typo.app_context(), pytest.raises(ValueError, match="weights.good_habit has unknown keys: pionts"):
        services.weights()


def test_a_request_reads_the_current_score_once_until_something_is_written(app, db, make_member):
    # Pay later's and instalments' credit lines on one page both ask for it: one read a request.
    from resalat_core.testing import counting_queries

    member_id = make_member()
    first = score_in(app, member_id)
    with app.test_request_context("/"), db() as s:
        member = s.get(Member, member_id)
        with counting_queries(app) as counted:
            assert services.current_score(s, member).id == first["id"]
            assert services.current_score(s, member).id == first["id"]
        assert len([q for q in counted.statements if "FROM merat_scores" in q]) == 1
        # A score written in the same request is what the next ask sees (the flush forgets).
        newer = services.score_member(s, member, requested_by=member, reason="on_demand")
        assert services.current_score(s, member).id == newer.id != first["id"]
    # Outside a request (a job over many members) nothing is held between asks.
    with db() as s, counting_queries(app) as counted:
        member = s.get(Member, member_id)
        services.current_score(s, member)
        services.current_score(s, member)
    assert len([q for q in counted.statements if "FROM merat_scores" in q]) == 2
