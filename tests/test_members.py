"""Region-scoped roles: who holds which permission where."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from resalat_core.errors import BadInput
from resalat_core.members import services
from resalat_core.members.models import Member, RoleGrant
from resalat_core.plugins.base import Permission
from resalat_core.regions.services import get_region

GUIDE_PERMISSION = "core.members.view"  # held by guides, social leaders and admins
ADMIN_PERMISSION = "core.modules.manage"  # admins only


@pytest.fixture
def registry(app):
    return app.extensions["resalat"].permissions


@pytest.fixture
def member_in(session, make_member):
    """A fresh member, loaded in the test's session: ``member_in('steward', role_region='zanjan')``."""

    def factory(role=None, **kwargs):
        return session.get(Member, make_member(role, **kwargs))

    return factory


def place(session, code):
    return get_region(session, code)


def holds(member, permission, session, registry, code):
    return services.can(member, permission, place(session, code) if code else None, registry)


def test_the_guide_permission_is_declared_for_guides(registry):
    # The other tests lean on this; if the host's permissions move, they must be re-aimed.
    assert "steward" in registry[GUIDE_PERMISSION].roles
    assert "steward" not in registry[ADMIN_PERMISSION].roles


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        ("zanjan", True),
        ("zanjan/zanjan", True),
        ("zanjan/abhar", True),
        ("tehran", False),
        ("tehran/varamin", False),
        (None, True),
    ],
)
def test_a_guide_of_zanjan_guides_zanjan_and_its_places_but_not_tehran(
    session, member_in, registry, where, expected
):
    guide = member_in("steward", region="zanjan/gorg-tappeh", role_region="zanjan")

    assert holds(guide, GUIDE_PERMISSION, session, registry, where) is expected


@pytest.mark.parametrize(
    ("where", "expected"),
    [("zanjan/abhar", True), ("zanjan/zanjan", False), ("zanjan", False), ("tehran", False)],
)
def test_a_guide_of_one_town_does_not_reach_the_rest_of_the_province(
    session, member_in, registry, where, expected
):
    guide = member_in("steward", region="zanjan/abhar", role_region="zanjan/abhar")

    assert holds(guide, GUIDE_PERMISSION, session, registry, where) is expected


def test_a_guide_does_not_hold_what_only_admins_hold(session, member_in, registry):
    guide = member_in("steward", role_region="zanjan")

    assert not holds(guide, ADMIN_PERMISSION, session, registry, "zanjan")
    assert not holds(guide, ADMIN_PERMISSION, session, registry, None)


def test_a_plain_member_holds_no_role_permission_anywhere(session, member_in, registry):
    member = member_in()

    assert not any(
        holds(member, name, session, registry, where)
        for name, perm in registry.items()
        if "member" not in perm.roles
        for where in (None, "zanjan", "tehran")
    )


def test_a_nationwide_admin_holds_every_permission_everywhere(session, member_in, registry):
    admin = member_in("admin", role_region=None)

    for name in registry:
        for where in (None, "tehran", "zanjan/abhar", "sistan-baluchestan"):
            assert holds(admin, name, session, registry, where), (name, where)


def test_an_admin_of_tehran_administers_tehran_only(session, member_in, registry):
    admin = member_in("admin", region="tehran/tehran", role_region="tehran")

    assert holds(admin, ADMIN_PERMISSION, session, registry, "tehran/varamin")
    assert not holds(admin, ADMIN_PERMISSION, session, registry, "zanjan")


def test_nobody_holds_a_permission_nobody_declared(session, member_in, registry):
    admin = member_in("admin", role_region=None)

    assert not services.can(admin, "core.nothing.declared", None, registry)


def test_a_permission_for_every_member_is_held_by_every_signed_in_member(session, member_in):
    registry = {"core.read": Permission("core.read", "Read", ("member",))}

    assert services.can(member_in(), "core.read", None, registry)
    assert not services.can(None, "core.read", None, registry)


def test_a_deactivated_admin_holds_nothing(session, member_in, registry):
    admin = member_in("admin", role_region=None)
    admin.is_active = False

    assert not holds(admin, ADMIN_PERMISSION, session, registry, None)


def test_a_supporter_needs_a_kind(session, member_in):
    member = member_in()

    with pytest.raises(BadInput) as refused:
        services.grant_role(session, member, "patron", region=place(session, "zanjan"))

    assert "kind" in refused.value.fields
    assert not services.has_role(member, "patron")


def test_a_supporter_of_one_kind_is_not_a_supporter_of_another(session, member_in):
    member = member_in()

    services.grant_role(session, member, "patron", region=place(session, "zanjan"), kind="credit")

    assert services.has_role(member, "patron", place(session, "zanjan/abhar"), kind="credit")
    assert not services.has_role(member, "patron", kind="technical")
    assert not services.has_role(member, "patron", place(session, "tehran"), kind="credit")


def test_only_supporters_have_a_kind(session, member_in):
    member = member_in()

    with pytest.raises(BadInput) as refused:
        services.grant_role(session, member, "steward", kind="credit")

    assert "kind" in refused.value.fields
    assert services.roles_of(member) == {"member"}


def test_an_unknown_role_is_refused_and_grants_nothing(session, member_in):
    member = member_in()

    with pytest.raises(BadInput) as refused:
        services.grant_role(session, member, "emperor")

    assert "role" in refused.value.fields
    assert "emperor" in str(refused.value.message)
    assert session.scalar(select(func.count(RoleGrant.id))) == 0


def test_granting_a_role_twice_keeps_one_grant(session, member_in):
    member = member_in()
    zanjan = place(session, "zanjan")

    first = services.grant_role(session, member, "steward", region=zanjan)
    again = services.grant_role(session, member, "steward", region=zanjan)

    assert first is again
    assert len(member.roles) == 1


def test_revoking_a_role_takes_its_permissions_away(session, member_in, registry):
    guide = member_in("steward", role_region="zanjan")

    removed = services.revoke_role(session, guide, "steward", region=place(session, "zanjan"))

    assert removed == 1
    assert not holds(guide, GUIDE_PERMISSION, session, registry, "zanjan")


def test_regions_where_lists_nationwide_first(session, member_in):
    member = member_in("steward", role_region="zanjan")
    services.grant_role(session, member, "steward")

    assert services.regions_where(member, ["steward"]) == [None, place(session, "zanjan").id]


def test_a_stewards_area_is_their_province_and_every_place_under_it(session, make_member, app):
    from resalat_core.members.services import area_of
    from resalat_core.regions.models import Region

    guide = session.get(Member, make_member("steward", region="zanjan/zanjan"))
    # The steward's role holds core.members.view (its Role says so): that is where they act.
    area = set(area_of(session, guide, "core.members.view"))
    zanjan = session.scalar(select(Region).where(Region.code == "zanjan"))
    places = set(session.scalars(select(Region.id).where(Region.parent_id == zanjan.id)))
    assert area == {zanjan.id} | places
    tehran = session.scalar(select(Region.id).where(Region.code == "tehran/tehran"))
    assert tehran not in area
    admin = session.get(Member, make_member("admin", role_region=None))
    assert area_of(session, admin, "core.members.view") is None  # nationwide
    plain = session.get(Member, make_member())
    assert area_of(session, plain, "core.members.view") == []  # nowhere


def test_one_hash_for_reuses_a_valid_hash_in_its_block_only() -> None:
    """The demo's people share one hash of the published password; nobody else ever does."""
    import threading

    from resalat_core.members.passwords import hash_password, one_hash_for, verify_password

    with one_hash_for("resalat-1404"):
        first, second = hash_password("resalat-1404"), hash_password("resalat-1404")
        other = hash_password("another-pass-1")
        seen: list[str] = []
        thread = threading.Thread(target=lambda: seen.append(hash_password("resalat-1404")))
        thread.start()
        thread.join()
    assert first == second and verify_password(first, "resalat-1404")
    assert not verify_password(first, "another-pass-1") and verify_password(other, "another-pass-1")
    assert seen[0] != first and verify_password(seen[0], "resalat-1404")  # a thread of its own
    assert hash_password("resalat-1404") != first  # after the block, a salt of its own again


def test_a_list_of_members_reads_no_roles_until_one_is_asked_for(
    session, make_member, count_queries, registry
):
    # A page of orders, posts or requests names many members and almost never their roles; reading
    # them with each member cost a query per path the statement reached members by, and more or
    # fewer as the people on the page had been read before.
    ids = [make_member("steward", role_region="zanjan") for _ in range(3)]
    session.commit()
    session.expunge_all()
    with count_queries() as q:
        members = list(session.scalars(select(Member).where(Member.id.in_(ids)).order_by(Member.id)))
        names = [(m.name, m.region.code) for m in members]
    assert q.count == 1 and len(names) == 3
    zanjan = place(session, "zanjan")
    with count_queries() as q:
        held = services.can(members[0], GUIDE_PERMISSION, zanjan, registry)
    assert held and q.count == 1  # this member's roles, when asked
