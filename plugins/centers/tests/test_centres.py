"""Registering cooperation centres and finding them: who may register, where, and what is refused."""

from __future__ import annotations

import pytest
from resalat_centers import services
from resalat_centers.models import Centre
from sqlalchemy import select

from resalat_core.sdk import get_db

API = "/api/v1/centers"
ARBAB = "sistan-baluchestan/arbab"


def centres(app):
    with app.app_context():
        rows = get_db().session.execute(select(Centre.name, Centre.region_id, Centre.leader_id)).all()
        return [tuple(r) for r in rows]


def test_a_cultural_supporter_registers_the_alghadir_centre_for_ms_ghaderi(app, someone):
    ghaderi = someone(region=ARBAB, name="فاطمه قادری")
    supporter = someone("supporter", region="tehran/tehran", role_region=None, kind="cultural")

    form = supporter.web.get("/centers/new")
    assert form.status_code == 200
    # Arabic yeh and kaf as a copied text brings them: stored in Persian spelling.
    done = supporter.web.form(
        "/centers/new",
        {
            "name": "  كانون همياري   الغدير ",
            "region": ARBAB,
            "leader": ghaderi.mobile.replace("0", "۰"),
            "description": "دوخت پوشاک\r\nبرای بیرون روستا",
        },
    )

    assert done.status_code == 302, done.get_data(as_text=True)
    page = supporter.web.get(done.headers["Location"]).get_data(as_text=True)
    assert "کانون همیاری الغدیر" in page
    assert "فاطمه قادری" in page
    with app.app_context():
        centre = get_db().session.scalar(select(Centre))
        assert (centre.name, centre.region.code, centre.leader_id, centre.registered_by_id) == (
            "کانون همیاری الغدیر",
            ARBAB,
            ghaderi.id,
            supporter.id,
        )
        assert centre.description == "دوخت پوشاک\nبرای بیرون روستا"


def test_an_administrator_registers_a_centre_through_the_api(app, someone):
    ghaderi = someone(region=ARBAB)
    admin = someone("admin", role_region=None)

    created = admin.api.post(
        API, json={"name": "کانون همیاری الغدیر", "region": ARBAB, "leader": ghaderi.national_code}
    )

    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["name"], body["region"], body["leader"]["id"], body["members_count"]) == (
        "کانون همیاری الغدیر",
        ARBAB,
        ghaderi.id,
        1,
    )
    assert admin.api.get(f"{API}/{body['id']}").get_json()["name"] == "کانون همیاری الغدیر"


def test_a_credit_supporter_may_not_register_a_centre(app, someone):
    ghaderi = someone(region=ARBAB)
    credit = someone("supporter", region="tehran/tehran", role_region=None, kind="credit")

    on_page = credit.web.form("/centers/new", {"name": "کانون", "region": ARBAB, "leader": ghaderi.mobile})
    by_api = credit.api.post(API, json={"name": "کانون", "region": ARBAB, "leader": ghaderi.mobile})

    assert on_page.status_code == 403
    assert by_api.status_code == 403
    assert by_api.get_json()["error"]["code"] == "forbidden"
    assert centres(app) == []


@pytest.mark.parametrize(
    ("role", "kind"),
    [("supporter", "cultural"), ("admin", None)],
)
def test_a_registrar_registers_centres_only_in_their_own_area(app, someone, field_error, role, kind):
    ghaderi = someone(region=ARBAB)
    zanjani = someone(role, region="zanjan/zanjan", kind=kind)  # holds it in Zanjan

    page = zanjani.web.form("/centers/new", {"name": "کانون", "region": ARBAB, "leader": ghaderi.mobile})
    api = zanjani.api.post(API, json={"name": "کانون", "region": ARBAB, "leader": ghaderi.mobile})

    assert page.status_code == 400
    assert "فقط در منطقه‌ی خود" in field_error(page, "region")
    assert api.status_code == 400
    assert list(api.get_json()["error"]["fields"]) == ["region"]
    assert centres(app) == []
    in_zanjan = zanjani.api.post(
        API, json={"name": "کانون", "region": "zanjan/zanjan", "leader": ghaderi.mobile}
    )
    assert in_zanjan.status_code == 201


def test_a_plain_member_cannot_open_the_register_form_or_post_it(someone):
    member = someone()

    assert member.web.get("/centers/new").status_code == 403
    assert member.web.form("/centers/new", {"name": "x"}, token_from="/centers/").status_code == 403
    assert member.api.post(API, json={}).status_code == 403


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({}, {"name", "region", "leader"}),
        ({"name": "   ", "region": ARBAB, "leader": "{leader}"}, {"name"}),
        ({"name": "کانون", "region": "nowhere", "leader": "{leader}"}, {"region"}),
        ({"name": "کانون", "region": ARBAB, "leader": "09359999999"}, {"leader"}),
        ({"name": "کانون", "region": ARBAB, "leader": "hello"}, {"leader"}),
        ({"name": "ک" * 121, "region": ARBAB, "leader": "{leader}"}, {"name"}),
        (
            {"name": "کانون", "region": ARBAB, "leader": "{leader}", "description": "x" * 2001},
            {"description"},
        ),
    ],
)
def test_bad_centre_fields_are_all_named_and_nothing_is_stored(
    app, someone, registrar, field_error, data, fields
):
    ghaderi = someone(region=ARBAB)
    by = registrar()
    data = {k: v.format(leader=ghaderi.mobile) for k, v in data.items()}

    api = by.api.post(API, json=data)
    page = by.web.form("/centers/new", data)

    assert api.status_code == 400
    assert set(api.get_json()["error"]["fields"]) == fields
    assert page.status_code == 400
    assert all(field_error(page, name) for name in fields)
    assert centres(app) == []


def test_the_same_name_in_the_same_place_is_refused_whatever_the_spelling(app, someone):
    ghaderi = someone(region=ARBAB)
    admin = someone("admin", role_region=None)
    first = admin.api.post(API, json={"name": "کانون الغدیر", "region": ARBAB, "leader": ghaderi.mobile})
    assert first.status_code == 201

    again = admin.api.post(API, json={"name": "كانون  الغدير", "region": ARBAB, "leader": ghaderi.mobile})
    elsewhere = admin.api.post(
        API, json={"name": "کانون الغدیر", "region": "yazd/ardakan", "leader": ghaderi.mobile}
    )

    assert again.status_code == 400
    assert list(again.get_json()["error"]["fields"]) == ["name"]
    assert elsewhere.status_code == 201
    assert len(centres(app)) == 2


def test_the_centres_list_searches_by_name_and_place(app, someone, register_centre):
    leader = someone(region=ARBAB)
    admin = someone("admin", role_region=None)
    register_centre(leader.id, admin.id, name="کانون همیاری الغدیر")
    register_centre(leader.id, admin.id, name="کانون بافندگان", region="yazd/ardakan")
    register_centre(leader.id, admin.id, name="کانون همیاری زاهدان", region="sistan-baluchestan/zahedan")
    member = someone()

    def names(query: str) -> list[str]:
        return [c["name"] for c in member.api.get(f"{API}?{query}").get_json()["items"]]

    assert names("") == ["کانون بافندگان", "کانون همیاری الغدیر", "کانون همیاری زاهدان"]
    assert names("q=الغدير") == ["کانون همیاری الغدیر"]  # Arabic yeh finds Persian yeh
    assert names("region=sistan-baluchestan") == ["کانون همیاری الغدیر", "کانون همیاری زاهدان"]
    assert names("region=yazd/ardakan&q=همیاری") == []
    assert member.api.get(f"{API}?region=atlantis").status_code == 400
    page = member.web.get("/centers/?q=الغدیر").get_data(as_text=True)
    assert "کانون همیاری الغدیر" in page and "کانون بافندگان" not in page
    assert member.web.get("/centers/?region=atlantis").status_code == 400


def test_the_centres_list_comes_a_page_at_a_time(someone, register_centre):
    leader = someone(region=ARBAB)
    admin = someone("admin", role_region=None)
    for n in range(5):
        register_centre(leader.id, admin.id, name=f"کانون {n}")

    body = admin.api.get(f"{API}?per_page=2&page=3").get_json()

    assert body["meta"] == {"page": 3, "per_page": 2, "total": 5, "pages": 3}
    assert [c["name"] for c in body["items"]] == ["کانون 4"]
    assert admin.api.get(f"{API}?per_page=0").status_code == 400


def test_the_centres_list_costs_the_same_queries_for_3_or_15_centres(
    someone, register_centre, make_core, link, count_queries
):
    admin = someone("admin", role_region=None)
    viewer = someone()

    def add(n: int) -> None:
        for _ in range(n):
            leader = someone(region=ARBAB)
            centre_id = register_centre(leader.id, admin.id)
            link(centre_id, make_core())

    def cost() -> tuple[int, int]:
        with count_queries() as page:
            assert viewer.web.get("/centers/?per_page=50").status_code == 200
        with count_queries() as api:
            assert viewer.api.get(f"{API}?per_page=50").status_code == 200
        return page.count, api.count

    add(3)
    few = cost()
    add(12)
    many = cost()

    assert many == few


def test_my_centres_are_those_i_lead_or_belong_to(app, alghadir, someone, register_centre):
    maryam = someone()
    other = register_centre(someone(region=ARBAB).id, alghadir.registrar.id)
    with app.app_context():
        s = get_db().session
        services.add_member(s, s.get(Centre, other), s.get(Centre, other).leader, maryam.mobile)
        s.commit()

    mine = maryam.api.get(f"{API}/mine").get_json()["items"]
    leads = alghadir.ghaderi.api.get(f"{API}/mine").get_json()["items"]

    assert [c["id"] for c in mine] == [other]
    assert [c["id"] for c in leads] == [alghadir.id]
    assert 'data-testid="mine"' in maryam.web.get("/centers/").get_data(as_text=True)


def test_my_centres_come_a_page_at_a_time_and_the_list_of_centres_shows_the_first_few(
    alghadir, someone, register_centre
):
    from resalat_centers.views import MINE_SHOWN

    leader = someone(region=ARBAB)
    made = [
        register_centre(leader.id, alghadir.registrar.id, name=f"کانون {n}") for n in range(MINE_SHOWN + 2)
    ]

    first = leader.api.get(f"{API}/mine?per_page=5").get_json()
    last = leader.api.get(f"{API}/mine?per_page=5&page=3").get_json()
    page = leader.web.get("/centers/").get_data(as_text=True)

    assert first["meta"]["total"] == len(made) and len(first["items"]) == 5
    assert len(last["items"]) == len(made) - 10
    mine = page[page.index('data-testid="mine"') :]
    assert mine[: mine.index("</ul>")].count("<li") == MINE_SHOWN
    assert 'data-testid="more-of-mine"' in page


def test_an_unknown_centre_is_404(someone):
    member = someone()
    assert member.web.get("/centers/999999").status_code == 404
    assert member.api.get(f"{API}/999999").status_code == 404


def test_centre_pages_want_a_signed_in_member(client, alghadir):
    assert client.get("/centers/").status_code == 302
    assert client.get(f"/centers/{alghadir.id}").status_code == 302
    assert client.get(API).status_code == 401
