"""The cores of a leader's community: their core IDs and leaders, and only those of her community."""

from __future__ import annotations

import re

import pytest
from resalat_cores import services as cores

from resalat_core.sdk import Member, get_region, to_persian_digits


def shown(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-testid="core" data-id="(\d+)"', html)]


@pytest.fixture
def register(db, make_member):
    """``register(name, region, field="clothing", approve=True)``: a core led by a new member there."""

    def make(name: str, region: str, field: str = "clothing", approve: bool = True) -> int:
        leader_id = make_member(region=region, name="خدیجه ریگی")
        reviewer_id = make_member("admin", region=region)
        with db() as s:
            core = cores.register_core(
                s,
                leader=s.get(Member, leader_id),
                name=name,
                field=field,
                region=get_region(s, region),
                existed_before=True,
            )
            if approve:
                cores.approve_core(s, core, actor=s.get(Member, reviewer_id))
            s.flush()
            return core.id

    return make


def test_ghaderi_sees_the_clothing_cores_of_her_community_with_their_ids(ghaderi, register, db):
    arbab = register("پوشاک الغدیر یک", "sistan-baluchestan/arbab")
    zabol = register("پوشاک زابل", "sistan-baluchestan/zabol", approve=False)
    register("دام سبک قراجه‌لو", "zanjan/gorg-tappeh", field="livestock")

    html = ghaderi.get("/leaders/community").get_data(as_text=True)

    assert shown(html) == [zabol, arbab]
    with db() as s:
        code = cores.get_core(s, arbab).code
    # The core ID's digits are the page's (Persian here), like every number on it.
    assert code and f'data-testid="core-id">{to_persian_digits(code)}<' in html
    assert "خدیجه ریگی" in html and "پوشاک" in html
    assert html.count('data-testid="core-id"') == 1  # the candidate has no core ID yet


def test_the_community_cores_filter_by_status_field_and_name(ghaderi, register):
    active = register("پوشاک الغدیر", "sistan-baluchestan/arbab")
    candidate = register("زنبورداری زابل", "sistan-baluchestan/zabol", field="beekeeping", approve=False)

    assert shown(ghaderi.get("/leaders/community?status=active").get_data(as_text=True)) == [active]
    assert shown(ghaderi.get("/leaders/community?field=beekeeping").get_data(as_text=True)) == [candidate]
    assert shown(ghaderi.get("/leaders/community?q=الغدير").get_data(as_text=True)) == [active]
    assert ghaderi.get("/leaders/community?status=sleeping").status_code == 400


def test_a_leader_elsewhere_sees_none_of_them(client_as, register):
    register("پوشاک الغدیر", "sistan-baluchestan/arbab")
    zanjan = client_as("social_leader", region="zanjan/gorg-tappeh")

    assert shown(zanjan.get("/leaders/community").get_data(as_text=True)) == []


def test_the_community_page_costs_the_same_queries_for_2_or_8_cores(ghaderi, register, count_queries):
    for i in range(2):
        register(f"پوشاک ارباب {'الف' * (i + 1)}", "sistan-baluchestan/arbab")
    ghaderi.get("/leaders/community")

    with count_queries() as few:
        small = ghaderi.get("/leaders/community?per_page=50").get_data(as_text=True)
    for i in range(6):
        register(f"پوشاک زابل {'ب' * (i + 1)}", "sistan-baluchestan/zabol", approve=i % 2 == 0)
    with count_queries() as many:
        large = ghaderi.get("/leaders/community?per_page=50").get_data(as_text=True)

    assert (len(shown(small)), len(shown(large))) == (2, 8)
    assert few.count == many.count
    assert len(shown(ghaderi.get("/leaders/community?per_page=5&page=2").get_data(as_text=True))) == 3
