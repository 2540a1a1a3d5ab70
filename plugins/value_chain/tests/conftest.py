"""Fixtures for the value chain tests: cores along the clothing and saffron chains, in known places.

Each fixture works in an app context and a transaction of its own (the host's ``work``), committed
before it returns, the way another request would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from resalat_cores.services import approve_core, ensure_default_fields, register_core

from resalat_core.sdk import Member
from resalat_core.testing import ResalatClient, token_client, work

ARBAB = "sistan-baluchestan/arbab"
API = "/api/v1/value_chain"


@dataclass
class Someone:
    """A member with an API client (bearer token) and a page client, both signed in as them."""

    id: int
    api: ResalatClient
    web: ResalatClient
    mobile: str


@pytest.fixture
def someone(app: Flask, make_member: Any) -> Callable[..., Someone]:
    """``someone("guide", region=ARBAB)``: a new member (``make_member``'s arguments), both clients."""

    def make(role: str | None = None, **kwargs: Any) -> Someone:
        member_id = make_member(role, **kwargs)
        api = token_client(app, member_id)
        # A token's first use stamps it (one write a minute): done here, so counts compare alike.
        api.get(f"{API}/goods")
        web: ResalatClient = app.test_client()  # type: ignore[assignment]
        web.sign_in(member_id)
        with work(app) as s:
            mobile = s.get(Member, member_id).mobile
        return Someone(member_id, api, web, mobile)

    return make


@pytest.fixture
def admin(someone: Callable[..., Someone]) -> Someone:
    return someone("admin", role_region=None)


@pytest.fixture
def make_core(app: Flask, admin: Someone, make_member: Any) -> Callable[..., int]:
    """``make_core("clothing", ARBAB)``: an approved core led by a new member (or ``leader``); its id."""

    def make(field: str, region: str, *, leader: int | None = None, name: str = "هسته‌ی آزمایشی") -> int:
        leader_id = leader or make_member(region=region)
        with work(app) as s:
            ensure_default_fields(s)
            core = register_core(
                s,
                leader=s.get(Member, leader_id),
                name=name,
                field=field,
                region=region,
                existed_before=True,
            )
            approve_core(s, core, actor=s.get(Member, admin.id))
            return int(core.id)

    return make


@pytest.fixture
def leader_of(app: Flask) -> Callable[[int], int]:
    def find(core_id: int) -> int:
        from resalat_cores.services import Core

        with work(app) as s:
            return int(s.get(Core, core_id).leader_id)

    return find
