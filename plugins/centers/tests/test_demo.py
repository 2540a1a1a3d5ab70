"""The demo: the Al-Ghadir centre of Arbab, its 15 clothing cores and an order of 300 garments."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from resalat_centers import hooks, services
from resalat_centers.models import Centre, CentreCore, Order, Share
from resalat_cores.services import Core
from sqlalchemy import func, select

from resalat_core.sdk import Member, get_db, get_region, vocabulary

ARBAB = "sistan-baluchestan/arbab"


@dataclass
class World:
    """What ``resalat demo`` hands each plugin: personas, places and what earlier plugins made."""

    session: Any
    members: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)

    def region(self, code: str) -> Any:
        return get_region(self.session, code)


def _run_demo(app, members, cores=None):
    with app.app_context():
        s = get_db().session
        world = World(s, members={key: s.get(Member, member_id) for key, member_id in members.items()})
        if cores is not None:
            world.extras["cores"] = {key: s.get(Core, core_id) for key, core_id in cores.items()}
        hooks.resalat_demo(session=s, world=world)
        s.commit()
        return world.extras


def test_the_demo_builds_alghadir_with_its_15_cores_and_a_part_delivered_order(app, someone, make_core):
    ghaderi = someone(region=ARBAB, name="مریم احمدی")
    admin = someone("admin", region="tehran/tehran", role_region=None)
    cores = {f"alghadir_{i}": make_core().id for i in range(1, 16)}

    # Without the social leaders' and supporters' personas the host's member leads the centre and
    # the administrator registers it.
    extras = _run_demo(app, {"member": ghaderi.id, "admin": admin.id}, cores)

    with app.app_context():
        s = get_db().session
        centre = s.scalar(select(Centre))
        assert (centre.name, centre.region.code, centre.leader_id, centre.registered_by_id) == (
            "کانون همیاری الغدیر",
            ARBAB,
            ghaderi.id,
            admin.id,
        )
        assert s.scalar(select(func.count(CentreCore.id))) == 15
        assert len(services.centre_member_ids(s, centre)) == 16  # the leader and the 15 core leaders
        order = s.scalar(select(Order))
        assert (order.quantity, order.item, order.allocated, order.delivered, order.status) == (
            300,
            "مانتو",
            190,  # 40 + 40 + 40 + 40 + 30 offered; 30 declined
            65,
            "in_progress",
        )
        assert order.unit_price == 4_500_000
        statuses = sorted(s.scalars(select(Share.status)))
        assert statuses == ["accepted"] * 4 + ["declined", "offered"]
        assert extras["centres"]["alghadir"].id == centre.id


def test_ms_ghaderi_leads_it_and_a_cultural_supporter_registers_it_when_their_personas_are_there(
    app, someone
):
    ghaderi = someone("social_leader", region=ARBAB, name="فاطمه قادری")
    supporter = someone("supporter", region="tehran/tehran", role_region=None, kind="cultural")
    member = someone(region=ARBAB)
    admin = someone("admin", region="tehran/tehran", role_region=None)

    members = {"social_leader": ghaderi.id, "supporter": supporter.id, "member": member.id, "admin": admin.id}
    _run_demo(app, members)

    with app.app_context():
        centre = get_db().session.scalar(select(Centre))
        assert (centre.leader_id, centre.registered_by_id) == (ghaderi.id, supporter.id)


def test_without_the_cores_demo_the_centre_is_still_registered(app, someone):
    _run_demo(
        app,
        {"member": someone(region=ARBAB).id, "admin": someone("admin", role_region=None).id},
    )

    with app.app_context():
        s = get_db().session
        assert s.scalar(select(func.count(Centre.id))) == 1
        assert s.scalar(select(func.count(Order.id))) == 0


def test_resalat_demo_loads_with_the_centre_its_cores_and_the_order(app):
    runner = app.test_cli_runner()
    with app.app_context():  # `resalat demo` gets its context from the `resalat` command itself
        loaded = runner.invoke(args=["demo"])
        personas = {persona.key: persona for _role, persona in vocabulary().personas()}
    assert loaded.exit_code == 0, loaded.output

    listed = runner.invoke(args=["centers", "list", "--json"])
    (centre,) = json.loads(listed.stdout)["items"]
    leader = personas.get("social_leader") or personas["member"]
    assert (centre["name"], centre["region"], centre["leader"]["mobile"]) == (
        "کانون همیاری الغدیر",
        ARBAB,
        leader.mobile,
    )
    # The cores plugin's demo makes 15 Al-Ghadir cores, one still a candidate: 14 can join.
    with app.app_context():
        s = get_db().session
        active = s.scalar(
            select(func.count(Core.id)).where(Core.name.like("%الغدیر%"), Core.status == "active")
        )
        order_id = s.scalar(select(Order.id))
    assert centre["cores"] == active > 0
    status = json.loads(runner.invoke(args=["centers", "order-status", str(order_id), "--json"]).stdout)
    assert (status["quantity"], status["allocated"], status["delivered"]) == (300, 190, 65)


def test_the_rows_at_size_grow_every_list_of_the_centre(app, someone, make_core):
    ghaderi = someone(region=ARBAB)
    admin = someone("admin", region="tehran/tehran", role_region=None)
    cores = {f"alghadir_{i}": make_core().id for i in range(1, 4)}
    members = {"member": ghaderi.id, "admin": admin.id}
    _run_demo(app, members, cores)

    with app.app_context():
        s = get_db().session
        world = World(s, members={key: s.get(Member, member_id) for key, member_id in members.items()})
        centre = s.scalar(select(Centre))
        before = len(services.centre_member_ids(s, centre))
        hooks.resalat_demo_rows(session=s, world=world, rows=3)
        s.commit()

        assert s.scalar(select(func.count(Centre.id)).where(Centre.leader_id == ghaderi.id)) == 4
        assert len(services.centre_member_ids(s, centre)) == before + 3
        linked = list(s.scalars(services.centre_cores_query(centre)))
        assert len(linked) == 6 and all(c.core.status == "active" and c.core.code for c in linked)
        orders = list(s.scalars(services.orders_query(centre)))
        newest, first = orders[0], orders[-1]
        shares = list(s.scalars(services.order_shares_query(newest)))
        first_shares = list(s.scalars(services.order_shares_query(first)))
        assert len(orders) == 4
        assert (newest.quantity, newest.allocated, newest.delivered) == (6, 6, 3)
        assert (first.quantity, first.allocated, first.delivered) == (306, 126, 68)
        assert [(x.status, x.quantity, x.delivered) for x in shares] == [("accepted", 2, 1)] * 3
        assert [(x.status, x.quantity, x.delivered) for x in first_shares[-3:]] == [("accepted", 2, 1)] * 3
        assert [len(services.deliveries_of(s, x)) for x in shares] == [1, 1, 1]
        # Each new core's leader is a new member of the centre, who may answer its share.
        leader = s.get(Member, shares[0].core.leader_id)
        assert leader.id in services.centre_member_ids(s, centre)
        mine = [x.id for x in s.scalars(services.my_shares_query(s, leader))]
        assert sorted(mine) == sorted([shares[0].id, first_shares[-3].id])
