"""The host's own API: the OpenAPI document, who I am and my data, regions, my modules, tokens."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from resalat_core.access import login_required, public
from resalat_core.auth import services as auth_services
from resalat_core.db import db_session
from resalat_core.errors import BadInput, TooManyAttempts
from resalat_core.i18n import _
from resalat_core.pagination import paginate
from resalat_core.plugins.activation import active_modules
from resalat_core.regions.models import Region
from resalat_core.rest.core import UtcDateTime, api_doc, dump, load
from resalat_core.rest.openapi import build_openapi

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class RegionSchema(Schema):
    id = fields.Integer()
    code = fields.String()
    name_fa = fields.String()
    name_en = fields.String()
    kind = fields.String()
    parent_id = fields.Integer(allow_none=True)


class RoleSchema(Schema):
    role = fields.String()
    region = fields.Function(lambda g: g.region.code if g.region else None)
    kind = fields.String(allow_none=True)


class MemberSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    mobile = fields.String()
    national_code = fields.String()
    language = fields.String()
    region = fields.Nested(RegionSchema)
    roles = fields.List(fields.Nested(RoleSchema))
    created_at = UtcDateTime()


class ModuleSchema(Schema):
    name = fields.String()
    version = fields.String()
    title = fields.Function(lambda plugin: str(plugin.title))


class TokenRequestSchema(Schema):
    identifier = fields.String(required=True, validate=validate.Length(min=1, max=40))
    password = fields.String(required=True, validate=validate.Length(min=1, max=200), load_only=True)
    name = fields.String(load_default="api", validate=validate.Length(min=1, max=80))
    days = fields.Integer(load_default=90, validate=validate.Range(min=1, max=365))


class TokenSchema(Schema):
    token = fields.String()
    name = fields.String()
    expires_at = UtcDateTime(allow_none=True)


@bp.get("/openapi.json")
@public
def openapi() -> Any:
    """The OpenAPI 3 document of the host and every loaded plugin."""
    return jsonify(build_openapi(current_app))


@bp.get("/me")
@api_doc(summary="The signed-in member", tags=["members"], response=MemberSchema)
@login_required
def me() -> Any:
    return dump(MemberSchema, current_user)


class DataSectionSchema(Schema):
    source = fields.String(metadata={"description": "who holds it: core (the host) or a plugin's name"})
    key = fields.String()
    title = fields.String()
    data = fields.Dict(keys=fields.String(), metadata={"description": "the section's records, plain JSON"})


class MemberDataSchema(Schema):
    member_id = fields.Integer()
    generated_at = fields.String(metadata={"description": "UTC, ISO 8601"})
    sections = fields.List(fields.Nested(DataSectionSchema))


@bp.get("/me/data")
@api_doc(
    summary="Everything the app holds about the signed-in member (the host's and every plugin's)",
    tags=["members"],
    response=MemberDataSchema,
)
@login_required
def my_data() -> Any:
    from resalat_core.account.services import member_data_json

    return dump(MemberDataSchema, member_data_json(db_session(), current_user._get_current_object()))


@bp.get("/regions")
@api_doc(
    summary="Provinces and places",
    tags=["regions"],
    response=RegionSchema,
    paginated=True,
    query={"parent": "a province code: list its places", "kind": "province, city, town or village"},
)
@public
def regions() -> Any:
    stmt = select(Region).order_by(Region.code)
    parent = request.args.get("parent")
    if parent:
        province = db_session().scalar(select(Region).where(Region.code == parent))
        if province is None:
            raise BadInput(_("No region has this code."), fields={"parent": _("No region has this code.")})
        stmt = stmt.where(Region.parent_id == province.id)
    kind = request.args.get("kind")
    if kind:
        if kind not in ("province", "city", "town", "village"):
            msg = _("Must be province, city, town or village.")
            raise BadInput(msg, fields={"kind": msg})
        stmt = stmt.where(Region.kind == kind)
    page = paginate(db_session(), stmt)
    return {"items": dump(RegionSchema, page.items, many=True), "meta": page.meta()}


@bp.get("/modules")
@api_doc(summary="The modules active in my region", tags=["modules"], response=ModuleSchema, many=True)
@login_required
def my_modules() -> Any:
    manager = current_app.extensions["resalat"].plugins
    return [dump(ModuleSchema, manager.plugin(name)) for name in active_modules(current_user)]


@bp.post("/auth/tokens")
@api_doc(
    summary="Exchange a mobile or national code and password for a bearer token",
    tags=["auth"],
    body=TokenRequestSchema,
    response=TokenSchema,
    status=201,
)
@public
def create_token() -> Any:
    data = load(TokenRequestSchema)
    session = db_session()
    cfg = current_app.config["RESALAT"]
    try:
        member = auth_services.authenticate(
            session,
            data["identifier"],
            data["password"],
            address=request.remote_addr or "",
            max_failures=int(cfg["login_max_failures"]),
            window=int(cfg["login_window_seconds"]),
        )
    except TooManyAttempts:
        session.rollback()
        raise
    except BadInput:
        session.commit()  # keep the failure for throttling
        raise
    plain, token = auth_services.issue_token(session, member, data["name"], data["days"])
    session.commit()
    return dump(TokenSchema, {"token": plain, "name": token.name, "expires_at": token.expires_at}), 201
