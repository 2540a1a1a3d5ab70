"""The demo world holds the brochure's example cores, most approved, and shares them with other plugins."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from resalat_cores import demo
from resalat_cores.models import Core
from sqlalchemy import select

from resalat_core.sdk import Member, Region, get_db, get_region


def test_the_demo_loads_the_example_cores(app, run):
    with app.app_context():  # `resalat demo` gets its context from the `resalat` command itself
        loaded = app.test_cli_runner().invoke(args=["demo"])
    assert loaded.exit_code == 0, loaded.output

    with app.app_context():
        s = get_db().session
        cores = {c.name: c for c in s.scalars(select(Core))}
        jafar = cores["هسته‌ی دام سبک جعفر قراجه‌لو"]
        asipour = cores["هسته‌ی کاربافان زهرا آسی‌پور"]
        samiei = cores["هسته‌ی کاشت و برداشت زعفران سمیعی"]
        clothing = [c for c in cores.values() if c.region.code == "sistan-baluchestan/arbab"]

        # Every example core is there (other plugins' demos may add cores of their own).
        assert len(demo.CORES) == 22 and {c.name for c in demo.CORES} <= set(cores)
        # The core-leader persona's core; the guides plugin's tests check that its guide approved it.
        assert (jafar.code, jafar.leader.mobile) == ("ZNJ-LIVESTOCK-000001", "09120000003")
        assert jafar.approved_by is not None
        assert (asipour.region.code, asipour.field.code, asipour.code) == (
            "yazd/ardakan",
            "hand_weaving",
            "YZD-HAND_WEAVING-000001",
        )
        assert sorted(m.relation for m in samiei.members) == [
            "child",
            "child",
            "leader",
            "parent",
            "relative",
            "spouse",
        ]
        assert len(clothing) == 15 and len({c.leader_id for c in clothing}) == 15
        assert sorted(c.status for c in cores.values()).count("candidate") == 3
        # The new leaders can sign in with the demo password like every persona.
        assert s.scalar(select(Member).where(Member.name == "زهرا آسی‌پور")).mobile.startswith("0913210")

    queue = run("cores", "list", "--status", "candidate", "--region", "zanjan", "--json")
    assert [c["name"] for c in json.loads(queue.stdout)["items"]] == ["هسته‌ی لبنیات محلی مریم احمدی"]


@dataclass
class StandInWorld:
    """What the host's demo World offers a plugin: personas, regions by code, and extras."""

    session: Any
    members: dict[str, Member] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)

    def region(self, code: str) -> Region:
        return get_region(self.session, code)


def test_other_plugins_find_the_cores_by_short_key(app, make_member):
    personas = {
        "admin": make_member("admin", role_region=None),
        "core_leader": make_member(name="جعفر قراجه‌لو"),
        "member": make_member(name="مریم احمدی"),
    }
    with app.app_context():
        s = get_db().session
        world = StandInWorld(session=s, members={k: s.get(Member, v) for k, v in personas.items()})
        from resalat_cores import hooks

        hooks.resalat_demo(session=s, world=world)
        s.commit()
        made = world.extras["cores"]

        assert {
            "gharajehlou",
            "samiei",
            "asipour",
            "andisheh_sabz",
            "safarnia",
            "sharifinia",
            "ahmadi",
        } <= set(made)
        assert [f"alghadir_{n}" for n in range(1, 16)] == sorted(
            (k for k in made if k.startswith("alghadir_")), key=lambda k: int(k.split("_")[1])
        )
        assert made["gharajehlou"].leader_id == personas["core_leader"]
        assert made["alghadir_1"].status == "active" and made["alghadir_15"].status == "candidate"


def test_the_rows_at_size_grow_every_list_with_whole_cores(app, make_member):
    personas = {
        "admin": make_member("admin", role_region=None),
        "core_leader": make_member(name="جعفر قراجه‌لو"),
        "member": make_member(name="مریم احمدی"),
    }
    with app.app_context():
        s = get_db().session
        world = StandInWorld(session=s, members={k: s.get(Member, v) for k, v in personas.items()})
        from resalat_cores import hooks, services

        hooks.resalat_demo(session=s, world=world)
        s.flush()
        jafar, maryam = world.members["core_leader"], world.members["member"]
        first = world.extras["cores"]["gharajehlou"]
        before = (len(services.cores_of_member(s, jafar)), len(services.cores_of_member(s, maryam)))
        people, steps = len(first.members), len(first.history)

        hooks.resalat_demo_rows(session=s, world=world, rows=3)
        s.commit()
        s.expire_all()

        led = services.cores_of_member(s, jafar)
        hers = services.cores_of_member(s, maryam)
        assert (len(led), len(hers)) == (before[0] + 3, before[1] + 3)
        new = led[:3]  # newest first
        assert [c.code for c in new] == [f"ZNJ-LIVESTOCK-00000{n}" for n in (4, 3, 2)]
        assert all(c.status == "active" and c.members_count == 2 for c in new)
        assert [[h.to_status for h in c.history] for c in new] == [["candidate", "active"]] * 3
        assert {c.status for c in hers[:3]} == {"candidate"} and all(c.code is None for c in hers[:3])
        first = s.get(Core, first.id)
        assert (len(first.members), len(first.history)) == (people + 3, steps + 4)
        assert first.history[-1].to_status == first.status == "active"
        # Twice over (``resalat demo --rows`` run again), the people's national codes stay unique.
        hooks.resalat_demo_rows(session=s, world=world, rows=2)
        s.commit()
