"""How cores show up elsewhere: home tiles, the dashboard figure, Merat's signal, switching the module off."""

from __future__ import annotations

from resalat_cores import hooks
from resalat_cores.models import Core
from resalat_cores.services import region_with_places

from resalat_core.sdk import Member, get_db, get_region


def test_a_member_without_a_core_is_invited_to_register_one(client_as):
    home = client_as().get("/").get_data(as_text=True)

    assert 'href="/cores/"' in home
    assert "هسته‌ی خانوادگی خود را ثبت کنید" in home
    assert 'href="/cores/queue"' not in home


def test_a_leader_finds_their_cores_from_home(client_as, new_core):
    jafar = client_as()
    new_core(jafar.member_id, name="هسته‌ی دام سبک قراجه‌لو")

    home = jafar.get("/").get_data(as_text=True)
    mine = jafar.get("/cores/mine").get_data(as_text=True)

    assert 'href="/cores/mine"' in home
    assert "هسته‌ی دام سبک قراجه‌لو" in mine
    assert "در انتظار بررسی رهیار" in mine


def test_a_reviewer_sees_how_many_candidates_wait_in_their_area(client_as, make_member, new_core):
    reviewer = client_as("admin", region="zanjan/zanjan")
    for _ in range(2):
        new_core(make_member())
    new_core(make_member(region="yazd/ardakan"), region="yazd/ardakan", field="hand_weaving")

    home = reviewer.get("/").get_data(as_text=True)

    tile = home.split('href="/cores/queue"')[1].split("</a>")[0]
    assert "۲" in tile


def test_the_dashboard_counts_the_cores_of_the_admins_area(app, make_member, new_core):
    admin = make_member("admin", role_region=None)
    new_core(make_member(), approve_by=admin)
    new_core(make_member())
    new_core(
        make_member(region="yazd/ardakan"), region="yazd/ardakan", field="hand_weaving", approve_by=admin
    )

    with app.test_request_context():  # labels read in the reader's language (Persian by default)
        s = get_db().session
        nationwide = hooks.resalat_stats(session=s, area=None)
        zanjan = hooks.resalat_stats(session=s, area=region_with_places(s, get_region(s, "zanjan")))

        assert [(str(f.label), f.value) for f in nationwide][:2] == [
            ("هسته‌های فعال", 2),
            ("هسته‌های در انتظار تأیید", 1),
        ]
        assert [f.value for f in zanjan][:2] == [1, 1]


def test_the_keyed_figures_count_active_cores_by_field_and_their_people(
    app, make_member, new_core, count_queries
):
    admin = make_member("admin", role_region=None)
    family = [{"name": "زهرا قراجه‌لو", "national_code": "0012345679", "relation": "spouse"}]

    def figures():
        with app.test_request_context(), count_queries() as q:
            found = {f.key: f.value for f in hooks.resalat_stats(session=get_db().session, area=None)}
        return found, q.count

    new_core(make_member(), approve_by=admin, family=family)
    new_core(make_member())  # a candidate: not counted among the active
    small, few = figures()
    for _ in range(3):
        new_core(make_member(region="yazd/ardakan"), region="yazd/ardakan", field="solar", approve_by=admin)
    large, many = figures()

    assert {k: small[k] for k in ("active_cores", "candidate_cores", "active_core_members")} == {
        "active_cores": 1,
        "candidate_cores": 1,
        "active_core_members": 2,
    }
    assert small["active_cores_livestock"] == 1 and "active_cores_solar" not in small
    assert (large["active_cores"], large["active_cores_solar"], large["active_core_members"]) == (4, 3, 5)
    assert few == many  # one query per figure kind, whatever the number of cores


def test_leading_an_active_core_is_a_credit_signal_for_merat(app, make_member, new_core):
    leader_id = make_member()
    new_core(leader_id)
    with app.app_context():
        s = get_db().session
        assert hooks.resalat_credit_signals(member=s.get(Member, leader_id)) == []
    new_core(leader_id, approve_by=make_member("admin", role_region=None))

    with app.app_context():
        s = get_db().session
        (signal,) = hooks.resalat_credit_signals(member=s.get(Member, leader_id))

    assert (signal.kind, signal.value) == ("active_core_leader", 1)


def test_the_signal_is_declared_with_merats_default_weight():
    (kind,) = hooks.resalat_credit_signal_kinds()

    assert (kind.kind, kind.points, kind.per, kind.cap, kind.money) == (
        "active_core_leader",
        30,
        1,
        60,
        False,
    )


def test_switched_off_the_pages_and_api_answer_404(app, client_as, new_core, make_member, run):
    member = client_as()
    core_id = new_core(make_member(), approve_by=make_member("admin", role_region=None))
    assert member.get(f"/cores/{core_id}").status_code == 200

    assert run("modules", "disable", "cores", "--all", "--with-dependants").exit_code == 0

    assert member.get(f"/cores/{core_id}").status_code == 404
    assert member.get("/api/v1/cores").status_code == 404
    assert 'href="/cores/' not in member.get("/").get_data(as_text=True)
    with app.app_context():
        assert get_db().session.get(Core, core_id).status == "active"  # nothing is lost
