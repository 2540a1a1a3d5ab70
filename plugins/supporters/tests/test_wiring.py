"""How the plugin shows up: its tile and badge, its figures, its switch per region, and its demo."""

from __future__ import annotations

import json
from datetime import timedelta
from types import SimpleNamespace

from resalat_centers import services as centres
from resalat_cores import services as cores
from resalat_supporters import hooks, services
from resalat_supporters.demo import ROWS_ADVICE, ROWS_SPONSORING
from resalat_supporters.models import Introduction, Sponsorship, SupportAction
from sqlalchemy import func, select

from resalat_core.sdk import Member, get_region, grant_role, region_hook


def test_the_plugin_is_installed_and_loaded(app):
    result = app.test_cli_runner().invoke(args=["plugins", "list", "--json"])
    plugins = {row["name"]: row for row in json.loads(result.stdout)}

    assert plugins["supporters"]["status"] == "loaded", plugins["supporters"]["error"]


def test_every_member_has_a_tile_with_the_introductions_awaiting_them(
    client, client_as, make_member, make_core, db
):
    supporter = make_member("supporter", kind="credit")
    jafar = make_member(name="جعفر قراجه‌لو")
    core = make_core(jafar)
    with db() as s:
        who = s.get(Member, jafar)
        services.introduce(
            s,
            s.get(Member, supporter),
            core=core.code,
            mobile=who.mobile,
            national_code=who.national_code,
            estimate=1_000_000_000,
            purpose="خرید میش",
            amount=100_000_000,
        )

    home = client.sign_in(jafar).get("/").get_data(as_text=True)
    plain = client_as("member").get("/").get_data(as_text=True)

    assert 'href="/supporters/"' in home and 'href="/supporters/"' in plain
    tile = home.split('href="/supporters/"', 1)[1].split("</a>", 1)[0]
    assert "حامیان" in tile and "۱" in tile


def test_a_supporters_hub_shows_what_their_kinds_allow(client_as):
    credit = client_as("supporter", kind="credit").get("/supporters/").get_data(as_text=True)
    cultural = client_as("supporter", kind="cultural").get("/supporters/").get_data(as_text=True)
    member = client_as("member").get("/supporters/").get_data(as_text=True)

    assert 'data-testid="link-introduce"' in credit and 'data-testid="link-sponsor"' not in credit
    assert 'data-kind="cultural"' in cultural and 'data-testid="link-introduce"' not in cultural
    assert 'href="/centers/new" data-testid="link-register-centre"' in cultural  # the centers plugin's form
    assert 'data-testid="as-supporter"' not in member and 'data-testid="link-my-introductions"' in member


def test_the_dashboard_counts_accepted_introductions_and_what_they_ask(app, make_member, make_core, db):
    supporter = make_member("supporter", kind="credit")
    amounts = []
    for n, accept in enumerate((True, True, False)):
        leader = make_member()
        core = make_core(leader, name=f"هسته {n}")
        with db() as s:
            who = s.get(Member, leader)
            introduction = services.introduce(
                s,
                s.get(Member, supporter),
                core=core.code,
                mobile=who.mobile,
                national_code=who.national_code,
                estimate=2_000_000_000,
                purpose="خرید",
                amount=(n + 1) * 100_000_000,
            )
            if accept:
                services.accept_introduction(s, who, introduction.id)
                amounts.append(introduction.amount)

    with db() as s:
        figures = hooks.resalat_stats(session=s, area=None)
        in_zanjan = hooks.resalat_stats(session=s, area=[get_region(s, "zanjan/gorg-tappeh").id])
        in_yazd = hooks.resalat_stats(session=s, area=[get_region(s, "yazd/ardakan").id])

    with app.app_context():  # outside a request the words read in English
        assert [(str(f.label), f.value, str(f.unit), f.money) for f in figures] == [
            ("Loan introductions", 2, "introductions", False),
            ("Amount asked by introductions", sum(amounts), "", True),
        ]
    # Counted where the introduced cores work.
    assert [f.value for f in in_zanjan] == [f.value for f in figures]
    assert [f.value for f in in_yazd] == [0, 0]


def test_switched_off_in_a_region_it_has_no_tile_pages_or_signal_there(
    app, client_as, api_as, make_member, make_centre, signals_of, db
):
    in_arbab = make_member(region="sistan-baluchestan/arbab")
    page_client = client_as("supporter", kind="credit", region="sistan-baluchestan/arbab")
    api = api_as("supporter", kind="credit", region="sistan-baluchestan/zabol")
    sponsor = make_member("supporter", kind="credit_behaviour", region="sistan-baluchestan/zabol")
    centre_id = make_centre(members=(in_arbab,))
    with db() as s:
        today = services.today()
        services.sponsor(
            s, s.get(Member, sponsor), centre=centre_id, starts_on=today, ends_on=today + timedelta(days=30)
        )
    assert signals_of(in_arbab)

    result = app.test_cli_runner().invoke(
        args=["modules", "disable", "supporters", "--region", "sistan-baluchestan", "--with-dependants"]
    )
    assert result.exit_code == 0, result.output

    assert page_client.get("/supporters/").status_code == 404
    assert 'href="/supporters/"' not in page_client.get("/").get_data(as_text=True)
    assert api.get("/api/v1/supporters/me").status_code == 404
    with db() as s:
        member = s.get(Member, in_arbab)
        with app.test_request_context("/"):
            answers = region_hook("resalat_credit_signals", member)(member=member)
        kinds = {signal.kind for answer in answers for signal in (answer or [])}
        assert "credit_behaviour_sponsorship" not in kinds


def test_the_demo_introduces_jafar_and_sponsors_al_ghadir(app, make_member, make_core, make_centre, db):
    hossein = make_member(
        "supporter", role_region=None, kind="credit", region="tehran/tehran", name="حسین حامی"
    )
    jafar = make_member(name="جعفر قراجه‌لو")
    core = make_core(jafar)
    seamstress = make_member(region="sistan-baluchestan/arbab", name="خیاط الغدیر")
    centre = make_centre(members=(seamstress,), name="کانون همیاری الغدیر")
    with db() as s:
        grant_role(s, s.get(Member, hossein), "supporter", kind="cultural")
        world = SimpleNamespace(
            members={"supporter": s.get(Member, hossein), "core_leader": s.get(Member, jafar)},
            extras={"cores": {"gharajehlou": cores.get_core(s, core.id)}},
            region=lambda code: get_region(s, code),
        )
        hooks.resalat_demo(session=s, world=world)

    made = world.extras["supporters"]
    with db() as s:
        introduction = s.get(Introduction, made["introduction"].id)
        assert (introduction.status, introduction.member_id, introduction.core_id) == (
            "introduced",
            jafar,
            core.id,
        )
        assert introduction.amount <= introduction.ceiling
        # Besides the story, the demo's seed of every list: one piece of advice and one
        # sponsorship of each person of the world (the credit-behaviour supporter among them).
        people = len(world.members)
        assert (
            s.scalar(select(func.count(SupportAction.id)).where(SupportAction.description != ROWS_ADVICE))
            == 2
        )
        assert s.scalar(select(func.count(SupportAction.id))) == 2 + people
        sponsorship = s.scalars(select(Sponsorship).where(Sponsorship.note != ROWS_SPONSORING)).one()
        assert sponsorship.centre_id == centre  # found by name: no centers extras were given
        assert services.sponsorships_covering(s, s.get(Member, seamstress)) == 1 + people
        assert centres.get_centre(s, centre).name == "کانون همیاری الغدیر"
        assert "credit_behaviour" in services.kinds_of(made["credit_behaviour_supporter"])


def test_the_demo_does_without_cores_or_centres(app, make_member, db):
    with db() as s:
        world = SimpleNamespace(members={}, extras={}, region=lambda code: get_region(s, code))
        hooks.resalat_demo(session=s, world=world)
        assert "introduction" not in world.extras["supporters"]
        assert "sponsorship" not in world.extras["supporters"]


def test_the_pages_speak_english_by_choice_with_jalali_days_in_latin_digits(client_as):
    supporter = client_as("supporter", kind="credit")
    supporter.get("/lang/en")

    hub = supporter.get("/supporters/").get_data(as_text=True)
    form = supporter.get("/supporters/introductions/new").get_data(as_text=True)
    action = supporter.get("/supporters/actions/new").get_data(as_text=True)

    assert "Introduce a core member for a Qard al-Hasan loan" in hub
    assert "never more than 500,000,000 tomans" in form and 'data-unit="tomans"' in form
    day = action.split('id="f-happened_on"', 1)[1].split('value="', 1)[1].split('"', 1)[0]
    assert day[:2] == "14" and day[4] == "/"  # Jalali, as the form reads it, not the ISO date
