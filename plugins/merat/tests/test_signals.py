"""Signals come from every plugin active in the member's region, and show in the report."""

from __future__ import annotations

import pytest

from resalat_core.sdk import Member, find_member

from .conftest import score_in, work

JAFAR = "09120000003"  # the demo's core leader in Gorg Tappeh (Zanjan): leads an active core
ZAHRA = "09150000401"  # a clothing maker of Arbab (Sistan and Baluchestan) a social leader vouches for


@pytest.fixture
def demo(app):
    """The demo world: other plugins' data, made the way those plugins make it."""
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output

    def member_id(mobile: str) -> int:
        with work(app) as s:
            return find_member(s, mobile).id

    return member_id


def test_another_plugins_signal_counts_and_appears_in_the_report(app, demo, client):
    jafar = demo(JAFAR)

    score = score_in(app, jafar)

    value, points, weight = score["lines"]["active_core_leader"]
    assert (value, points) == (1, 30) and weight == {"points": 30, "per": 1, "max": 60}
    assert score["sources"]["active_core_leader"] == "cores"
    page = client.sign_in(jafar).get("/merat/").get_data(as_text=True)
    assert 'data-kind="active_core_leader"' in page and "راهبر هسته" in page


def test_a_module_switched_off_in_the_members_region_drops_its_signal(app, demo):
    jafar, zahra = demo(JAFAR), demo(ZAHRA)
    assert "social_guarantee" in score_in(app, zahra)["lines"]
    run = app.test_cli_runner().invoke
    off = run(args=["modules", "disable", "leaders", "--region", "sistan-baluchestan", "--with-dependants"])
    assert off.exit_code == 0, off.output
    elsewhere = run(args=["modules", "disable", "cores", "--region", "tehran", "--with-dependants"])
    assert elsewhere.exit_code == 0, elsewhere.output

    assert "social_guarantee" not in score_in(app, zahra)["lines"]
    # Switched off in Tehran only: the core leader of Zanjan keeps his signal.
    assert "active_core_leader" in score_in(app, jafar)["lines"]


def test_a_test_plugins_unknown_signal_shows_with_no_weight(signals_app, make_member):
    custom = signals_app([("brand_new_kind", 9)])
    member = make_member()
    score_in(custom, member)
    client = custom.test_client()
    with client.session_transaction() as sess, work(custom) as s:
        sess["_user_id"] = s.get(Member, member).get_id()
        sess["_fresh"] = True

    page = client.get("/merat/").get_data(as_text=True)

    assert 'data-kind="brand_new_kind"' in page and 'data-testid="no-weight"' in page
