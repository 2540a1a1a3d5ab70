"""The host's CLI groups (db, demo, plugins, plugin, modules, members, regions) and their helpers."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any, TypeVar

import click
from flask import Flask

from resalat_core.errors import ResalatError

F = TypeVar("F", bound=Callable[..., Any])


def cli_errors(fn: F) -> F:
    """Turn a bad-input error into a clear message and exit code 1, with nothing changed."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from resalat_core.db import get_db

        try:
            return fn(*args, **kwargs)
        except ResalatError as exc:
            get_db().session.rollback()
            lines = [str(exc.message)]
            for field, problem in exc.fields.items():
                lines.append(f"  {field}: {problem}")
            raise click.ClickException("\n".join(lines)) from None

    return wrapper  # type: ignore[return-value]


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def json_option(fn: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")(fn)


def fund_command(
    group: click.Group, fund: Callable[..., int], *, json_key: str, label: str, help: str
) -> None:
    """Add ``fund AMOUNT --key K [--json]`` to ``group``: money into a plugin's fund from outside.

    ``fund(session, amount, key=key)`` moves it (once per key) and returns the fund's balance,
    printed as ``{json_key: balance}`` or ``"<label>: <balance> rials"``. The command's own
    session is committed after it, as every command's is.
    """
    from resalat_core.db import db_session

    @group.command("fund", help=help)
    @click.argument("amount", type=int)
    @click.option("--key", required=True, help="Moves the money once per key (retry safely).")
    @json_option
    @cli_errors
    def command(amount: int, key: str, as_json: bool) -> None:
        session = db_session()
        balance = fund(session, amount, key=key)
        session.commit()
        if as_json:
            echo_json({json_key: balance})
        else:
            click.echo(f"{label}: {balance:,} rials")


def register_host_commands(app: Flask) -> None:
    from resalat_core.cli import audit, db, demo, jobs, members, modules, plugins, regions, wallet

    for group in (
        db.db,
        demo.demo,
        plugins.plugins,
        plugins.plugin,
        modules.modules,
        members.members,
        regions.regions,
        wallet.wallet,
        audit.audit,
        jobs.group,
    ):
        app.cli.add_command(group)
