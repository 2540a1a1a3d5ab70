"""The score is the configured weights applied to the signals; ratings, capacity and validity."""

from __future__ import annotations

from resalat_core.sdk import Member
from resalat_merat import services


def test_a_member_is_scored_and_the_request_is_recorded(app, db, make_member):
    member_id = make_member()
    with db() as s:
        member = s.get(Member, member_id)
        services.save_profile(s, member, monthly_income="30,000,000", monthly_expenses="18000000")
        score = services.score_member(s, member, requested_by=member, reason="on_demand")
        assert score.value == services.current_score(s, member).value
        kinds = {line.kind for line in score.lines}
        assert {"membership_days", "monthly_surplus"} <= kinds
