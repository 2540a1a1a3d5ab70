"""A core's suppliers and buyers: nearest first, only for those who may see it, at a fixed cost."""

from __future__ import annotations

from resalat_bazaar import services as bazaar

from resalat_core.testing import work

ARBAB = "sistan-baluchestan/arbab"
ZABOL = "sistan-baluchestan/zabol"
ARDAKAN = "yazd/ardakan"
API = "/api/v1/value_chain"


def _booth(app, owner_id: int, region: str, category: str, title: str = "کرباس دستباف") -> int:
    with work(app) as s:
        from resalat_core.sdk import get_region

        cat = next(c for c in bazaar.categories(s) if c.code == category)
        booth = bazaar.Booth(owner_id=owner_id, name="غرفه‌ی آزمایشی", region_id=get_region(s, region).id)
        s.add(booth)
        s.flush()
        s.add(bazaar.Product(booth_id=booth.id, category_id=cat.id, title=title, price=10_000, stock=5))
        s.flush()
        return int(booth.id)


def test_a_clothing_core_sees_weaving_cores_nearest_first_and_booths(
    app, someone, make_core, leader_of, make_member
):
    far = make_core("hand_weaving", ARDAKAN, name="کاربافی دور")
    province = make_core("hand_weaving", ZABOL, name="کاربافی استان")
    near = make_core("hand_weaving", ARBAB, name="کاربافی همین‌جا")
    make_core("saffron", ARBAB)  # makes nothing a clothing core needs
    leader = someone(region=ARBAB)
    mine = make_core("clothing", ARBAB, leader=leader.id)
    booth = _booth(app, make_member(region=ZABOL), ZABOL, "karbas")
    _booth(app, make_member(region=ZABOL), ZABOL, "honey")  # another good

    answer = leader.api.get(f"{API}/cores/{mine}/cores?good=handwoven_cloth")
    assert answer.status_code == 200, answer.json
    assert [c["id"] for c in answer.json["items"]] == [near, province, far]
    assert [c["distance"] for c in answer.json["items"]] == [0, 2, 3]
    booths = leader.api.get(f"{API}/cores/{mine}/booths?good=handwoven_cloth")
    assert [b["id"] for b in booths.json["items"]] == [booth]

    html = leader.web.get(f"/value_chain/cores/{mine}?good=handwoven_cloth").get_data(as_text=True)
    assert html.index("کاربافی همین‌جا") < html.index("کاربافی استان") < html.index("کاربافی دور")
    assert "همین محل" in html and 'data-testid="match-booth"' in html

    # An output good: the cores that need clothing (none) and organisations' needs.
    out = leader.api.get(f"{API}/cores/{mine}/cores?good=clothing")
    assert out.status_code == 200 and out.json["items"] == []
    bad = leader.api.get(f"{API}/cores/{mine}/cores?good=saffron")
    assert bad.status_code == 400 and "good" in bad.json["error"]["fields"]
    # No good named: the field's first, as the core's page opens on it (a clothing core's first
    # input is handwoven cloth).
    first = leader.api.get(f"{API}/cores/{mine}/cores")
    assert first.status_code == 200 and first.json["items"] == answer.json["items"]
    assert [b["id"] for b in leader.api.get(f"{API}/cores/{mine}/booths").json["items"]] == [booth]


def test_only_the_leader_a_guide_of_the_area_or_an_admin_sees_a_core(someone, make_core, admin):
    leader = someone(region=ARBAB)
    core = make_core("clothing", ARBAB, leader=leader.id)
    url = f"/value_chain/cores/{core}"
    assert leader.web.get(url).status_code == 200
    assert someone("guide", region=ZABOL).web.get(url).status_code == 200  # held in the province
    assert admin.web.get(url).status_code == 200
    assert someone(region=ARBAB).web.get(url).status_code == 404
    assert (
        someone("guide", region="zanjan/zanjan").api.get(f"{API}/cores/{core}/cores?good=fabric").status_code
        == 404
    )


def test_the_matches_cost_the_same_queries_for_few_or_many(someone, make_core, count_queries):
    leader = someone(region=ARBAB)
    mine = make_core("clothing", ARBAB, leader=leader.id)

    def add(n: int) -> None:
        for i in range(n):
            make_core("hand_weaving", ZABOL if i % 2 else ARDAKAN)

    def cost() -> tuple[int, int]:
        with count_queries() as page:
            assert leader.web.get(f"/value_chain/cores/{mine}?per_page=50").status_code == 200
        with count_queries() as api:
            assert (
                leader.api.get(f"{API}/cores/{mine}/cores?good=handwoven_cloth&per_page=50").status_code
                == 200
            )
        return page.count, api.count

    add(2)
    few = cost()
    add(8)
    assert cost() == few
