"""Signals come from every plugin active in the member's region, counted by the kinds they declare,
and read in the report in the member's language."""

from __future__ import annotations

from resalat_core.sdk import Member

from .conftest import kind, score_in, work

GIFTS = kind("gifts_given", 30, 1, 60)


def client_of(app, member_id: int):
    """A client of ``app`` signed in as the member (the test plugin's app is not the default one)."""
    client = app.test_client()
    with client.session_transaction() as sess, work(app) as s:
        sess["_user_id"] = s.get(Member, member_id).get_id()
        sess["_fresh"] = True
    return client


def test_another_plugins_declared_signal_counts_with_its_default_weight(signals_app, make_member):
    custom = signals_app([("gifts_given", 1)], kinds=[GIFTS])
    member = make_member()

    score = score_in(custom, member)

    value, points, weight = score["lines"]["gifts_given"]
    assert (value, points) == (1, 30) and weight == {"points": 30, "per": 1, "max": 60}
    assert score["sources"]["gifts_given"] == "fixture_signals"
    page = client_of(custom, member).get("/merat/").get_data(as_text=True)
    line = page.split('data-kind="gifts_given"', 1)[1].split("</li>", 1)[0]
    assert "نشانه‌ی آزمایشی gifts_given: ۱" in line and 'data-points="30"' in page


def test_a_module_switched_off_in_the_members_region_drops_its_signal(signals_app, make_member):
    custom = signals_app([("gifts_given", 1)], kinds=[GIFTS])
    here, far = make_member(), make_member(region="sistan-baluchestan/arbab")
    off = custom.test_cli_runner().invoke(
        args=["modules", "disable", "fixture_signals", "--region", "sistan-baluchestan"]
    )
    assert off.exit_code == 0, off.output

    assert "gifts_given" not in score_in(custom, far)["lines"]
    # Switched off in Sistan and Baluchestan only: the member of Zanjan keeps the signal.
    assert score_in(custom, here)["lines"]["gifts_given"][:2] == (1, 30)


def test_a_signal_of_an_undeclared_kind_counts_nothing_and_says_so(signals_app, make_member):
    custom = signals_app([("brand_new_kind", 9)])
    member = make_member()

    score = score_in(custom, member)

    assert score["lines"]["brand_new_kind"] == (9, 0, None)
    page = client_of(custom, member).get("/merat/").get_data(as_text=True)
    line = page.split('data-kind="brand_new_kind"', 1)[1].split("</li>", 1)[0]
    assert 'data-testid="no-weight"' in line
    assert "brand_new_kind" not in line.split(">", 1)[1]  # the code is an attribute, never text
    assert "۹" in line


def test_a_kind_declared_by_one_plugin_does_not_count_when_another_gives_it(signals_app, make_member):
    # membership_days is Merat's own: the test plugin may not give it.
    custom = signals_app([("membership_days", 3000)])

    lines = [line for line in score_lines(custom, make_member()) if line[0] == "fixture_signals"]

    assert lines == [("fixture_signals", "membership_days", 3000, 0, None)]


def score_lines(app, member_id: int) -> list[tuple]:
    from resalat_merat import services

    with work(app) as s:
        score = services.score_member(s, s.get(Member, member_id), requested_by=None, reason="on_demand")
        return [(x.source, x.kind, x.value, x.points, x.weight) for x in score.lines]
