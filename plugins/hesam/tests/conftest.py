"""Fixtures for the M-Hesam tests: putting money in accounts and reading the ledger from outside."""

# Each works in an app context and a transaction of its own, committed before it returns, the way
# another request would (holding the ``session`` fixture across client requests would keep one
# SQLite write transaction open and lock the requests out).

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from resalat_hesam import services
from sqlalchemy import func, select

from resalat_core.sdk import (
    Account,
    Digits,
    Member,
    Transfer,
    main_account,
    open_earmarked,
    system_account,
    transfer,
)
from resalat_core.testing import Person, ResalatClient, work

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def member_of(app: Flask) -> Callable[[int], Person]:
    """``member_of(member_id)``: who a member made by ``client_as``/``make_member`` is (the host's
    ``Person``), read once."""

    def read(member_id: int) -> Person:
        with work(app) as s:
            m = s.get(Member, member_id)
            return Person(m.id, m.mobile, m.national_code, m.name, m.region.code)

    return read


@pytest.fixture
def fund(app: Flask) -> Callable[..., int]:
    """``fund(member_id, tomans)``: a committed cash top-up through M-Hesam; the transfer id."""

    def top_up(member_id: int, tomans: int, key: str | None = None) -> int:
        with work(app) as s:
            member = s.get(Member, member_id)
            sent = services.top_up(s, member, tomans * 10, key=key or f"test:{member_id}:{tomans}:{_n()}")
            return sent.transfer.id

    return top_up


_counter = iter(range(1, 10**9))


def _n() -> int:
    return next(_counter)


@pytest.fixture
def balance_of(app: Flask) -> Callable[[int], int]:
    """``balance_of(member_id)``: the main account's available rials, straight from the database."""

    def read(member_id: int) -> int:
        with work(app) as s:
            return services.main_balance(s, s.get(Member, member_id))

    return read


@pytest.fixture
def ledger_snapshot(app: Flask) -> Callable[[], tuple[Any, ...]]:
    """Every account's balances and the number of transfers: equal snapshots mean nothing moved."""

    def snapshot() -> tuple[Any, ...]:
        with work(app) as s:
            balances = s.execute(
                select(
                    Account.code, Account.posted, Account.pending_debits, Account.pending_credits
                ).order_by(Account.code)
            ).all()
            return tuple(map(tuple, balances)), s.scalar(select(func.count(Transfer.id)))

    return snapshot


@pytest.fixture
def earmark(app: Flask) -> Callable[..., int]:
    """``earmark(member_id, tomans, purposes=[...], expires_at=..., within=app)``: funded earmarked
    money, the way the loans plugin opens it; returns the account's id.

    Named by the purpose ``fixture_grant`` (grant no. 12) and funded from the host's ``cash_in``.
    In the ``grants`` app those purposes are declared and read as their plugin words them; in the
    plain app nobody declares them, so they read as the host's fallbacks.
    """

    def open_one(
        member_id: int,
        tomans: int,
        *,
        purposes: Iterable[str] = ("fixture_fair",),
        expires_at: datetime | None = None,
        code: str | None = None,
        within: Flask | None = None,
    ) -> int:
        with work(within or app) as s:
            member = s.get(Member, member_id)
            account = open_earmarked(
                s,
                member,
                code=code or f"test:grant:{member_id}:{_n()}",
                purpose="fixture_grant",
                params={"grant": Digits("12")},
                purposes=purposes,
                expires_at=expires_at,
            )
            transfer(
                s,
                f"test:grant:{account.id}",
                system_account(s, "cash_in"),
                account,
                tomans * 10,
                "admin_adjustment",
            )
            return account.id

    return open_one


@pytest.fixture
def grants(app: Flask, make_app: Any, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """An app with a test plugin that declares earmarked money's purposes and their words.

    It asks for ``app`` so the tables are emptied before, not after, the test plugin is switched on.
    """
    monkeypatch.syspath_prepend(str(FIXTURES))
    from resalat_fixture_hesamgrants import plugin

    built = make_app(extra_plugins={"fixture_grants": plugin})
    record = built.extensions["resalat"].plugins.records["fixture_grants"]
    assert record.status == "loaded", record.error
    result = built.test_cli_runner().invoke(args=["modules", "enable", "fixture_grants", "--all"])
    assert result.exit_code == 0, result.output
    return built


@pytest.fixture
def signed_in() -> Callable[[Flask, int], ResalatClient]:
    """``signed_in(app, member_id)``: a client of ``app`` signed in as the member."""

    def client(app: Flask, member_id: int) -> ResalatClient:
        app.test_client_class = ResalatClient
        made: ResalatClient = app.test_client()  # type: ignore[assignment]
        return made.sign_in(member_id)

    return client


@pytest.fixture
def main_account_id(app: Flask) -> Callable[[int], int]:
    """``main_account_id(member_id)``: the id of the member's main account (opened if need be)."""

    def read(member_id: int) -> int:
        with work(app) as s:
            return main_account(s, s.get(Member, member_id)).id

    return read


_TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')


@pytest.fixture
def ask_to_send() -> Callable[..., Any]:
    """``ask_to_send(client, recipient, amount, note="")``: fill step 1 and follow it to the
    confirmation page, with ``.token`` set to its signed confirmation (None if the page did not
    get that far: the form shown again with its errors)."""

    def ask(client: Any, recipient: str, amount: str, note: str = "") -> Any:
        response = client.form(
            "/hesam/transfer",
            {"recipient": recipient, "amount": amount, "note": note},
            follow_redirects=True,
        )
        match = _TOKEN_RE.search(response.get_data(as_text=True))
        response.token = match.group(1) if match else None
        return response

    return ask


@pytest.fixture
def confirm() -> Callable[..., Any]:
    """``confirm(client, token)``: submit the confirmation page as its button does."""

    def submit(client: Any, token: str, **kw: Any) -> Any:
        return client.form("/hesam/transfer/confirm", {"token": token}, token_from="/hesam/transfer", **kw)

    return submit
