"""A centre's members and cores: only its leader (and the area's managers) add and remove them.

A core belongs to one centre at most, and cannot leave while it has work to deliver.
"""

from __future__ import annotations

import pytest
from resalat_centers import services
from resalat_centers.models import Centre

from resalat_core.sdk import NotFound, get_db, to_persian_digits

API = "/api/v1/centers"
ARBAB = "sistan-baluchestan/arbab"


# --- members -----------------------------------------------------------------------------------


def test_the_leader_adds_members_by_mobile_or_national_code_in_any_digits(alghadir, someone):
    maryam, zahra = someone(name="مریم احمدی"), someone(name="زهرا کریمی")
    ghaderi = alghadir.ghaderi

    by_page = ghaderi.web.form(
        f"/centers/{alghadir.id}/members",
        {"member": maryam.mobile.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))},
    )
    by_api = ghaderi.api.post(f"{API}/{alghadir.id}/members", json={"member": zahra.national_code})

    assert by_page.status_code == 302
    assert by_api.status_code == 201, by_api.get_json()
    listed = ghaderi.api.get(f"{API}/{alghadir.id}/members").get_json()
    assert [m["member_id"] for m in listed["items"]] == [zahra.id, maryam.id]
    page = ghaderi.web.get(f"/centers/{alghadir.id}/members").get_data(as_text=True)
    assert "مریم احمدی" in page and "زهرا کریمی" in page
    assert ghaderi.api.get(f"{API}/{alghadir.id}").get_json()["members_count"] == 3


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("{twice}", "از پیش عضو این کانون است"),
        ("{leader}", "راهبر کانون خود عضو آن است"),
        ("09359999999", "هیچ عضوی از ام‌رسالت"),
        ("not a number", "هیچ عضوی از ام‌رسالت"),
        ("", "شماره‌ی همراه یا کد ملی را وارد کنید"),
    ],
)
def test_a_member_twice_the_leader_or_a_stranger_is_refused_and_nothing_changes(
    alghadir, someone, snapshot, who, message
):
    maryam = someone()
    ghaderi = alghadir.ghaderi.api
    assert ghaderi.post(f"{API}/{alghadir.id}/members", json={"member": maryam.mobile}).status_code == 201
    before = snapshot()

    answer = ghaderi.post(
        f"{API}/{alghadir.id}/members",
        json={"member": who.format(twice=maryam.national_code, leader=alghadir.ghaderi.mobile)},
    )

    assert answer.status_code == 400
    assert message in answer.get_json()["error"]["fields"]["member"][0]
    assert snapshot() == before


def test_adding_a_member_twice_on_the_page_shows_the_field_error(alghadir, someone, snapshot, field_error):
    maryam = someone()
    ghaderi = alghadir.ghaderi.web
    ghaderi.form(f"/centers/{alghadir.id}/members", {"member": maryam.mobile})
    before = snapshot()

    again = ghaderi.form(f"/centers/{alghadir.id}/members", {"member": maryam.mobile})

    assert again.status_code == 400
    assert field_error(again, "member")
    assert snapshot() == before


def test_the_leader_removes_a_member_and_a_non_member_is_404(alghadir, someone):
    maryam = someone()
    ghaderi = alghadir.ghaderi
    ghaderi.api.post(f"{API}/{alghadir.id}/members", json={"member": maryam.mobile})

    removed = ghaderi.web.form(
        f"/centers/{alghadir.id}/members/{maryam.id}/remove", {}, token_from=f"/centers/{alghadir.id}/members"
    )
    again = ghaderi.api.delete(f"{API}/{alghadir.id}/members/{maryam.id}")

    assert removed.status_code == 302
    assert again.status_code == 404
    assert ghaderi.api.get(f"{API}/{alghadir.id}/members").get_json()["meta"]["total"] == 0


@pytest.mark.parametrize(
    ("role", "kwargs", "allowed"),
    [
        (None, {}, False),  # a plain member
        ("social_leader", {"region": ARBAB}, True),  # the province's social leader
        ("social_leader", {"region": "zanjan/zanjan"}, False),  # another province's
        ("admin", {"region": "sistan-baluchestan/zahedan"}, True),  # the province's administrator
        ("admin", {"region": "zanjan/zanjan"}, False),  # another province's
        ("admin", {"role_region": None}, True),
        ("supporter", {"role_region": None, "kind": "cultural"}, False),  # registered it; no more
        ("core_leader", {"region": ARBAB}, False),
    ],
)
def test_only_the_leader_and_the_areas_managers_manage_a_centre(
    alghadir, someone, snapshot, role, kwargs, allowed
):
    visitor = alghadir.registrar if role == "supporter" else someone(role, **kwargs)
    maryam = someone()
    before = snapshot()

    page = visitor.web.get(f"/centers/{alghadir.id}/members")
    orders = visitor.api.get(f"{API}/{alghadir.id}/orders")
    added = visitor.api.post(f"{API}/{alghadir.id}/members", json={"member": maryam.mobile})
    public = visitor.web.get(f"/centers/{alghadir.id}")

    assert public.status_code == 200  # the centre's own page is open to every member
    if allowed:
        assert (page.status_code, orders.status_code, added.status_code) == (200, 200, 201)
    else:
        assert (page.status_code, orders.status_code, added.status_code) == (403, 403, 403)
        assert 'data-testid="manage"' not in public.get_data(as_text=True)
        assert snapshot() == before


def test_the_services_siblings_use_tell_who_is_in_a_centre(app, alghadir, someone):
    maryam = someone()
    alghadir.ghaderi.api.post(f"{API}/{alghadir.id}/members", json={"member": maryam.mobile})

    with app.app_context():
        s = get_db().session
        centre = services.get_centre(s, alghadir.id)
        assert services.centre_member_ids(s, centre) == sorted([alghadir.ghaderi.id, maryam.id])
        assert [c.id for c in services.centres_of_member(s, s.get(type(centre.leader), maryam.id))] == [
            centre.id
        ]
        assert [c.id for c in s.scalars(services.centres_query(region_ids=[centre.region_id]))] == [centre.id]
        assert s.scalars(services.centres_query(region_ids=[])).all() == []
        with pytest.raises(NotFound):
            services.get_centre(s, 999999)


def test_the_members_page_costs_the_same_queries_for_2_or_12_members(alghadir, someone, count_queries):
    ghaderi = alghadir.ghaderi

    def add(n: int) -> None:
        for _ in range(n):
            ghaderi.api.post(f"{API}/{alghadir.id}/members", json={"member": someone().mobile})

    def cost() -> tuple[int, int]:
        with count_queries() as page:
            assert ghaderi.web.get(f"/centers/{alghadir.id}/members?per_page=50").status_code == 200
        with count_queries() as api:
            assert ghaderi.api.get(f"{API}/{alghadir.id}/members?per_page=50").status_code == 200
        return page.count, api.count

    add(2)
    few = cost()
    add(10)
    assert cost() == few


# --- cores -------------------------------------------------------------------------------------


def test_the_leader_links_active_cores_by_their_core_id(alghadir, make_core):
    fourth, fifth = make_core(), make_core()
    ghaderi = alghadir.ghaderi

    by_api = ghaderi.api.post(f"{API}/{alghadir.id}/cores", json={"core": fourth.code.lower()})
    by_page = ghaderi.web.form(f"/centers/{alghadir.id}/cores", {"core": fifth.code})

    assert by_api.status_code == 201, by_api.get_json()
    assert by_api.get_json()["core"]["code"] == fourth.code
    assert by_page.status_code == 302
    listed = ghaderi.api.get(f"{API}/{alghadir.id}/cores").get_json()
    assert [c["core"]["id"] for c in listed["items"]] == [c.id for c in alghadir.cores] + [
        fourth.id,
        fifth.id,
    ]
    page = ghaderi.web.get(f"/centers/{alghadir.id}").get_data(as_text=True)
    # The core ID is shown isolated left-to-right, in Persian digits like every number on the page.
    assert fifth.name in page
    assert f'<bdi dir="ltr">{fifth.code[:-6]}{to_persian_digits(fifth.code[-6:])}</bdi>' in page


def test_a_core_belongs_to_at_most_one_centre(alghadir, someone, register_centre, snapshot):
    other_leader = someone(region=ARBAB)
    other = register_centre(other_leader.id, alghadir.registrar.id)
    taken = alghadir.cores[0]
    before = snapshot()

    answer = other_leader.api.post(f"{API}/{other}/cores", json={"core": taken.code})
    twice = alghadir.ghaderi.api.post(f"{API}/{alghadir.id}/cores", json={"core": taken.id})

    assert answer.status_code == 400
    assert "عضو کانون دیگری است" in answer.get_json()["error"]["fields"]["core"][0]
    assert twice.status_code == 400
    assert "از پیش عضو کانون است" in twice.get_json()["error"]["fields"]["core"][0]
    assert snapshot() == before


@pytest.mark.parametrize("ref", ["", "SBL-CLOTHING-999999", "nonsense", "{candidate}"])
def test_unknown_or_candidate_cores_cannot_join(alghadir, make_core, snapshot, field_error, ref):
    candidate = make_core(active=False)
    ref = ref.format(candidate=candidate.id)
    before = snapshot()

    api = alghadir.ghaderi.api.post(f"{API}/{alghadir.id}/cores", json={"core": ref})
    page = alghadir.ghaderi.web.form(f"/centers/{alghadir.id}/cores", {"core": ref})

    assert api.status_code == 400
    assert list(api.get_json()["error"]["fields"]) == ["core"]
    assert page.status_code == 400
    assert field_error(page, "core")
    assert snapshot() == before


def test_a_core_with_work_to_deliver_cannot_leave_until_it_is_done(
    alghadir, make_order, split, act, snapshot
):
    core = alghadir.cores[0]
    order = make_order(alghadir.id, 10)
    (share,) = split(order, [(core, 10)])
    act("accept", share)
    before = snapshot()

    refused = alghadir.ghaderi.api.delete(f"{API}/{alghadir.id}/cores/{core.id}")
    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "core_has_work"
    assert snapshot() == before

    act("deliver", share, 10)
    assert alghadir.ghaderi.api.delete(f"{API}/{alghadir.id}/cores/{core.id}").status_code == 204
    assert alghadir.ghaderi.api.delete(f"{API}/{alghadir.id}/cores/{core.id}").status_code == 404
    left = alghadir.ghaderi.web.form(
        f"/centers/{alghadir.id}/cores/{alghadir.cores[1].id}/unlink",
        {},
        token_from=f"/centers/{alghadir.id}",
    )
    assert left.status_code == 302
    assert alghadir.ghaderi.api.get(f"{API}/{alghadir.id}").get_json()["cores_count"] == 1


def test_only_the_leader_links_cores(alghadir, someone, make_core, snapshot):
    stranger = someone("core_leader", region=ARBAB)
    core = make_core()
    before = snapshot()

    assert stranger.api.post(f"{API}/{alghadir.id}/cores", json={"core": core.code}).status_code == 403
    assert (
        stranger.web.form(
            f"/centers/{alghadir.id}/cores", {"core": core.code}, token_from="/centers/"
        ).status_code
        == 403
    )
    assert stranger.api.delete(f"{API}/{alghadir.id}/cores/{alghadir.cores[0].id}").status_code == 403
    assert snapshot() == before


def test_the_centre_page_costs_the_same_queries_for_3_or_13_cores(
    alghadir, make_core, link, someone, count_queries
):
    visitor = someone()

    def cost() -> tuple[int, int, int]:
        with count_queries() as leader_page:
            assert alghadir.ghaderi.web.get(f"/centers/{alghadir.id}?per_page=50").status_code == 200
        with count_queries() as visitor_page:
            assert visitor.web.get(f"/centers/{alghadir.id}?per_page=50").status_code == 200
        with count_queries() as api:
            assert visitor.api.get(f"{API}/{alghadir.id}/cores?per_page=50").status_code == 200
        return leader_page.count, visitor_page.count, api.count

    few = cost()
    for _ in range(10):
        link(alghadir.id, make_core())
    assert cost() == few


def test_centre_counts_see_members_cores_and_open_orders(app, alghadir, make_order):
    make_order(alghadir.id)
    with app.app_context():
        s = get_db().session
        counts = services.centre_counts(s, [s.get(Centre, alghadir.id)])
    assert counts[alghadir.id] == services.CentreCounts(members=1, cores=3, open_orders=1)
