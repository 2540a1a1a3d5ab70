"""Fixtures for the M-Hesam tests: putting money in accounts and reading the ledger from outside."""

# Each works in an app context and a transaction of its own, committed before it returns, the way
# another request would (holding the ``session`` fixture across client requests would keep one
# SQLite write transaction open and lock the requests out).

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from resalat_hesam import services
from sqlalchemy import func, select

from resalat_core.sdk import Account, Member, Transfer, get_db, ledger


@contextmanager
def _work(app: Flask) -> Iterator[Any]:
    """The app context's own session, committed at the end, as a request or CLI command would.

    Not a second session: the host reads module activation through the context's session, and
    two sessions in one thread would wait on each other's SQLite write lock.
    """
    with app.app_context():
        session = get_db().session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@dataclass(frozen=True)
class Person:
    id: int
    mobile: str
    national_code: str
    name: str


@pytest.fixture
def person(app: Flask) -> Callable[[int], Person]:
    """``person(member_id)``: the member's identity, read once."""

    def read(member_id: int) -> Person:
        with app.app_context():
            m = get_db().session.get(Member, member_id)
            return Person(m.id, m.mobile, m.national_code, m.name)

    return read


@pytest.fixture
def fund(app: Flask) -> Callable[..., int]:
    """``fund(member_id, tomans)``: a committed cash top-up; returns the transfer id."""

    def top_up(member_id: int, tomans: int, key: str | None = None) -> int:
        with _work(app) as s:
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
        with _work(app) as s:
            return services.main_balance(s, s.get(Member, member_id))

    return read


@pytest.fixture
def ledger_snapshot(app: Flask) -> Callable[[], tuple[Any, ...]]:
    """Every account's balances and the number of transfers: equal snapshots mean nothing moved."""

    def snapshot() -> tuple[Any, ...]:
        with _work(app) as s:
            balances = s.execute(
                select(
                    Account.code, Account.posted, Account.pending_debits, Account.pending_credits
                ).order_by(Account.code)
            ).all()
            return tuple(map(tuple, balances)), s.scalar(select(func.count(Transfer.id)))

    return snapshot


@pytest.fixture
def earmark(app: Flask) -> Callable[..., int]:
    """``earmark(member_id, tomans, purposes=[...], expires_at=..., rules={...})``: a funded earmarked
    account, the way the loans plugin will open one; returns its id."""

    def open_one(
        member_id: int,
        tomans: int,
        *,
        purposes: Iterable[str] = ("bazaar_purchase",),
        expires_at: datetime | None = None,
        rules: dict[str, Any] | None = None,
        code: str | None = None,
    ) -> int:
        with _work(app) as s:
            member = s.get(Member, member_id)
            account = ledger.open_earmarked(
                s,
                member,
                code=code or f"test:loan:{member_id}:{_n()}",
                purpose="livestock_loan",
                name_fa="وام دام سبک",
                name_en="Light livestock loan",
                purposes=purposes,
                rules=rules,
                expires_at=expires_at,
            )
            fund_account = ledger.system_account(s, "loan_fund")
            ledger.transfer(
                s,
                f"test:fund:{account.id}",
                ledger.system_account(s, "cash_in"),
                fund_account,
                tomans * 10,
                "loan_funding",
            )
            ledger.transfer(
                s, f"test:disburse:{account.id}", fund_account, account, tomans * 10, "loan_disbursal"
            )
            return account.id

    return open_one


@pytest.fixture
def main_account_id(app: Flask) -> Callable[[int], int]:
    """``main_account_id(member_id)``: the id of the member's main account (opened if need be)."""

    def read(member_id: int) -> int:
        with _work(app) as s:
            return ledger.main_account(s, s.get(Member, member_id)).id

    return read


_TOKEN_RE = re.compile(r'name="token" value="([^"]+)"')


@pytest.fixture
def ask_to_send() -> Callable[..., Any]:
    """``ask_to_send(client, recipient, amount, note="")``: fill step 1; the confirmation page, with
    ``.token`` set to its signed confirmation (None if the page did not get that far)."""

    def ask(client: Any, recipient: str, amount: str, note: str = "") -> Any:
        response = client.form("/hesam/transfer", {"recipient": recipient, "amount": amount, "note": note})
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
