"""Merat's part of the demo, its permission, its figures and its migration."""

from __future__ import annotations

from resalat_merat import services
from resalat_merat.models import FinancialProfile, Score, ScoringRequest
from sqlalchemy import select

from resalat_core.sdk import find_member

from .conftest import score_in, work


def test_the_demo_gives_the_personas_profiles_scores_and_a_look_up(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with work(app) as s:
        member = find_member(s, "09120000002")
        score = services.current_score(s, member)
        assert score is not None and score.max_monthly_repayment > 0
        # Each persona the installed plugins declare has a profile and a score to go with it.
        profiled = set(s.scalars(select(FinancialProfile.member_id)))
        assert member.id in profiled
        assert profiled <= set(s.scalars(select(Score.member_id)))
        asked = s.scalars(
            select(ScoringRequest).where(
                ScoringRequest.member_id == member.id, ScoringRequest.requested_by_id != member.id
            )
        ).all()
        assert asked and all(r.reason == "on_demand" for r in asked)


def test_admins_hold_the_report_permission(app):
    # The loans plugin's credit officers hold it too, by their own Role (tested there).
    permission = app.extensions["resalat"].permissions["merat.view_reports"]
    assert "admin" in permission.roles


def test_the_dashboard_figures_count_valid_scores(app, make_member):
    for _ in range(2):
        score_in(app, make_member())
    with work(app) as s:
        count, average = services.figures(s)
        values = list(s.scalars(select(Score.value)))
    assert count == 2 and average == round(sum(values) / 2)
