"""`resalat members`: create members, give roles, issue API tokens."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from resalat_core.auth.services import issue_token
from resalat_core.cli import cli_errors, echo_json, json_option
from resalat_core.db import db_session
from resalat_core.members.services import (
    Registration,
    get_member,
    grant_role,
    register_member,
    revoke_role,
)
from resalat_core.regions.services import get_region

members = AppGroup("members", help="Members, roles and API tokens.")


def _member_json(member) -> dict:
    return {
        "id": member.id,
        "name": member.name,
        "mobile": member.mobile,
        "national_code": member.national_code,
        "region": member.region.code,
        "roles": [
            {"role": g.role, "region": g.region.code if g.region else None, "kind": g.kind}
            for g in member.roles
        ],
    }


@members.command("create")
@click.option("--national-code", required=True)
@click.option("--mobile", required=True)
@click.option("--name", required=True, help="Full name in Persian.")
@click.option("--region", required=True, help="Region code (see `resalat regions list`).")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@json_option
@cli_errors
def create(national_code: str, mobile: str, name: str, region: str, password: str, as_json: bool) -> None:
    """Register a member."""
    session = db_session()
    member = register_member(session, Registration(national_code, mobile, name, region, password))
    session.commit()
    if as_json:
        echo_json(_member_json(member))
    else:
        click.echo(f"member {member.id} created: {member.name} {member.mobile}")


@members.command("show")
@click.argument("identifier")
@json_option
@cli_errors
def show(identifier: str, as_json: bool) -> None:
    """Show a member by mobile or national code."""
    member = get_member(db_session(), identifier)
    data = _member_json(member)
    if as_json:
        echo_json(data)
        return
    click.echo(f"{data['id']}: {data['name']} {data['mobile']} {data['national_code']} ({data['region']})")
    for role in data["roles"]:
        kind = f" / {role['kind']}" if role["kind"] else ""
        click.echo(f"  {role['role']} in {role['region'] or 'all regions'}{kind}")


@members.command("grant")
@click.argument("identifier")
@click.argument("role")
@click.option("--region", default=None, help="Region code; nationwide if omitted.")
@click.option(
    "--kind",
    default=None,
    help="The kind, for roles held as one (a supporter: credit, technical ...).",
)
@cli_errors
def grant(identifier: str, role: str, region: str | None, kind: str | None) -> None:
    """Give a member a ROLE, nationwide or in a region."""
    session = db_session()
    member = get_member(session, identifier)
    grant_role(session, member, role, region=get_region(session, region) if region else None, kind=kind)
    session.commit()
    click.echo(f"{member.name}: {role} in {region or 'all regions'}")


@members.command("revoke")
@click.argument("identifier")
@click.argument("role")
@click.option("--region", default=None)
@cli_errors
def revoke(identifier: str, role: str, region: str | None) -> None:
    """Take a ROLE back from a member."""
    session = db_session()
    member = get_member(session, identifier)
    n = revoke_role(session, member, role, region=get_region(session, region) if region else None)
    session.commit()
    click.echo(f"{n} grant(s) removed")


@members.command("token")
@click.argument("identifier")
@click.option("--name", default="cli", show_default=True)
@click.option("--days", default=90, show_default=True, type=int)
@json_option
@cli_errors
def token(identifier: str, name: str, days: int, as_json: bool) -> None:
    """Issue a bearer token for the API (shown once)."""
    session = db_session()
    member = get_member(session, identifier)
    plain, tok = issue_token(session, member, name, days)
    session.commit()
    if as_json:
        echo_json({"token": plain, "member_id": member.id, "expires_at": tok.expires_at})
    else:
        click.echo(plain)
