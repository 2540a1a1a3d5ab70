"""The demo: the Al-Ghadir centre of Arbab, its 15 clothing cores and an order of 300 garments."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from resalat_centers import hooks, services
from resalat_centers.models import Centre, CentreCore, Order, Share
from resalat_cores.services import Core
from sqlalchemy import func, select

from resalat_core.sdk import Member, get_db, get_region

ARBAB = "sistan-baluchestan/arbab"


@dataclass
class World:
    """What ``resalat demo`` hands each plugin: personas, places and what earlier plugins made."""

    session: Any
    members: dict[str, Any] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)

    def region(self, code: str) -> Any:
        return get_region(self.session, code)


def test_the_demo_builds_alghadir_with_its_15_cores_and_a_part_delivered_order(app, person, make_core):
    ghaderi = person("social_leader", region=ARBAB, name="فاطمه قادری")
    supporter = person("supporter", region="tehran/tehran", role_region=None, kind="cultural")
    cores = {f"alghadir_{i}": make_core().id for i in range(1, 16)}

    with app.app_context():
        s = get_db().session
        world = World(
            s, members={"social_leader": s.get(Member, ghaderi.id), "supporter": s.get(Member, supporter.id)}
        )
        world.extras["cores"] = {key: s.get(Core, core_id) for key, core_id in cores.items()}
        hooks.resalat_demo(session=s, world=world)
        s.commit()

        centre = s.scalar(select(Centre))
        assert (centre.name, centre.region.code, centre.leader_id, centre.registered_by_id) == (
            "کانون همیاری الغدیر",
            ARBAB,
            ghaderi.id,
            supporter.id,
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
        statuses = sorted(s.scalars(select(Share.status)))
        assert statuses == ["accepted"] * 4 + ["declined", "offered"]
        assert world.extras["centres"]["alghadir"].id == centre.id


def test_without_the_cores_demo_the_centre_is_still_registered(app, person):
    ghaderi = person("social_leader", region=ARBAB)
    supporter = person("supporter", region="tehran/tehran", role_region=None, kind="cultural")

    with app.app_context():
        s = get_db().session
        world = World(
            s, members={"social_leader": s.get(Member, ghaderi.id), "supporter": s.get(Member, supporter.id)}
        )
        hooks.resalat_demo(session=s, world=world)
        s.commit()
        assert s.scalar(select(func.count(Centre.id))) == 1
        assert s.scalar(select(func.count(Order.id))) == 0


def test_resalat_demo_loads_with_the_centre_its_cores_and_the_order(app):
    runner = app.test_cli_runner()
    with app.app_context():  # `resalat demo` gets its context from the `resalat` command itself
        loaded = runner.invoke(args=["demo"])
    assert loaded.exit_code == 0, loaded.output

    listed = runner.invoke(args=["centers", "list", "--json"])
    (centre,) = json.loads(listed.stdout)["items"]
    assert (centre["name"], centre["region"], centre["leader"]["mobile"]) == (
        "کانون همیاری الغدیر",
        ARBAB,
        "09120000004",
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
