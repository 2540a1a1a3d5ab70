"""Signals come from every plugin active in the member's region, and show in the report."""

from __future__ import annotations

from resalat_cores import services as cores

from resalat_core.sdk import Member

from .conftest import score_in, work


def lead_an_active_core(app, make_member, region="zanjan/gorg-tappeh") -> int:
    """A member who leads a core an administrator approved (the cores plugin's signal)."""
    leader_id = make_member(region=region, name="جعفر قراجه‌لو")
    admin_id = make_member("admin", role_region=None)
    with work(app) as s:
        cores.ensure_default_fields(s)
        leader = s.get(Member, leader_id)
        core = cores.register_core(
            s,
            leader=leader,
            name="دامداری قراجه‌لو",
            field="livestock",
            region=leader.region,
            existed_before=True,
        )
        cores.approve_core(s, core, actor=s.get(Member, admin_id))
    return leader_id


def test_another_plugins_signal_counts_and_appears_in_the_report(app, make_member, client):
    leader = lead_an_active_core(app, make_member)

    score = score_in(app, leader)

    value, points, weight = score["lines"]["active_core_leader"]
    assert (value, points) == (1, 30) and weight == {"points": 30, "per": 1, "max": 60}
    assert score["sources"]["active_core_leader"] == "cores"
    page = client.sign_in(leader).get("/merat/").get_data(as_text=True)
    assert 'data-kind="active_core_leader"' in page and "راهبر هسته" in page


def test_a_module_switched_off_in_the_members_region_drops_its_signal(app, make_member):
    leader = lead_an_active_core(app, make_member)
    far_leader = lead_an_active_core(app, make_member, region="sistan-baluchestan/arbab")
    run = app.test_cli_runner().invoke
    result = run(args=["modules", "disable", "cores", "--region", "zanjan", "--with-dependants"])
    assert result.exit_code == 0, result.output

    assert "active_core_leader" not in score_in(app, leader)["lines"]
    assert "active_core_leader" in score_in(app, far_leader)["lines"]


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
