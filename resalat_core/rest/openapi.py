"""One OpenAPI document for the host and every loaded plugin, built from the API views' metadata."""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import Flask
from marshmallow import Schema, fields

from resalat_core import __version__
from resalat_core.access import access_of
from resalat_core.pagination import MAX_PAGE
from resalat_core.rest.core import DOC_ATTR, MAX_BIG_ID

_CONVERTER = re.compile(r"<(?:(?P<conv>[a-z]+):)?(?P<name>\w+)>")


class ErrorDetail(Schema):
    code = fields.String(required=True, metadata={"example": "bad_input"})
    message = fields.String(required=True)
    fields = fields.Dict(keys=fields.String(), values=fields.Raw())  # type: ignore[assignment]


class Error(Schema):
    error = fields.Nested(ErrorDetail, required=True)


def _path_and_params(rule: str) -> tuple[str, list[dict[str, Any]]]:
    params = []
    for match in _CONVERTER.finditer(rule):
        if match.group("conv") == "int":
            # The routing matches only the database's row ids (64-bit at most); anything else is a 404.
            schema: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": MAX_BIG_ID}
        else:
            schema = {"type": "string"}
        params.append({"name": match.group("name"), "in": "path", "required": True, "schema": schema})
    return _CONVERTER.sub(lambda m: "{" + m.group("name") + "}", rule), params


def _schema_name(schema: Any) -> str:
    """A component name: ``Region`` for the host's schemas, ``<plugin>.Name`` for a plugin's."""
    schema_cls = resolve_schema_cls(schema)
    assert isinstance(schema_cls, type)  # one schema here, never a list of them
    name = schema_cls.__name__.removesuffix("Schema") or schema_cls.__name__
    if schema_cls.__module__.split(".")[0] != "resalat_core":
        name = f"{schema_cls.__module__.split('.')[0].removeprefix('resalat_')}.{name}"
    return name


def build_openapi(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="M-Resalat API",
        version=__version__,
        openapi_version="3.0.3",
        # Nested schemas are registered by apispec itself: same names as ref() below gives.
        plugins=[MarshmallowPlugin(schema_name_resolver=_schema_name)],
        info={
            "description": "The API of the Resalat super-app: the host and every installed plugin. "
            "Authenticate with `Authorization: Bearer <token>` (`resalat members token`). "
            'Errors are `{"error": {"code", "message", "fields"}}`.',
        },
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", schema=Error)
    seen_schemas: set[str] = {"Error"}

    def ref(schema_cls: type[Schema]) -> str:
        name = _schema_name(schema_cls)
        # Already there if an earlier schema nested it (MemberSchema nests RegionSchema).
        if name not in seen_schemas and name not in spec.components.schemas:
            spec.components.schema(name, schema=schema_cls)
            seen_schemas.add(name)
        return name

    max_per_page = int(app.config["RESALAT"].get("max_per_page", 100))
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions.get(rule.endpoint)
        doc = getattr(view, DOC_ATTR, None)
        if doc is None:
            continue
        path, params = _path_and_params(rule.rule)
        access = access_of(view) or {}  # type: ignore[arg-type]
        blueprint = rule.endpoint.split(".")[0]
        # By owner, not by splitting "<plugin>_api" at "_": plugin names may hold "_" themselves.
        default_tag = app.extensions["resalat"].blueprint_owner.get(blueprint, blueprint)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op: dict[str, Any] = {
                "summary": doc["summary"],
                "operationId": f"{rule.endpoint}.{method.lower()}",
                "tags": doc["tags"] or [default_tag],
                "parameters": list(params),
                "responses": _errors(
                    access, method, with_body=doc["body"] is not None or bool(doc.get("upload"))
                ),
            }
            if view.__doc__:
                op["description"] = view.__doc__.strip()
            # Open to anyone, against the document's default below, or signed in.
            op["security"] = [] if access.get("kind") == "public" else [{"bearer": []}]
            for name, description in doc["query"].items():
                op["parameters"].append(
                    {
                        "name": name,
                        "in": "query",
                        "required": False,
                        "description": description,
                        "schema": {"type": "string"},
                    }
                )
            if doc["paginated"]:
                op["parameters"] += [
                    {
                        "name": "page",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                    },
                    {
                        "name": "per_page",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": max_per_page},
                    },
                ]
            if doc["idempotent"]:
                op["parameters"].append(
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string", "maxLength": 200},
                    }
                )
            if doc["body"] is not None and method in {"POST", "PUT", "PATCH"}:
                op["requestBody"] = {"required": True, "content": _json(ref(doc["body"]))}
            if doc.get("upload") and method in {"POST", "PUT", "PATCH"}:
                op["requestBody"] = _multipart(doc["upload"])
            ok: dict[str, Any] = {"description": "OK"}
            if doc["response"] is not None:
                item = {"$ref": f"#/components/schemas/{ref(doc['response'])}"}
                if doc["paginated"]:
                    schema: dict[str, Any] = {
                        "type": "object",
                        "properties": {
                            "items": {"type": "array", "items": item},
                            "meta": {"$ref": f"#/components/schemas/{ref(doc['meta'])}"},
                        },
                    }
                elif doc["many"]:
                    schema = {"type": "array", "items": item}
                else:
                    schema = item
                ok["content"] = {"application/json": {"schema": schema}}
            op["responses"][str(doc["status"])] = ok
            paths.setdefault(path, {})[method.lower()] = op
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    app.extensions["resalat"].plugins.pm.hook.resalat_openapi(spec=spec)
    document = spec.to_dict()
    # Signed in by default; each public operation says so with an empty security list.
    document["security"] = [{"bearer": []}]
    return document


def _multipart(fields: dict[str, str]) -> dict[str, Any]:
    """A ``multipart/form-data`` body: ``"file"`` fields are uploads (required), others plain."""
    properties: dict[str, Any] = {}
    for name, kind in fields.items():
        if kind == "file":
            properties[name] = {"type": "string", "format": "binary"}
        else:
            properties[name] = {"type": kind}
    required = [name for name, kind in fields.items() if kind == "file"]
    schema = {"type": "object", "properties": properties, "required": required}
    return {"required": True, "content": {"multipart/form-data": {"schema": schema}}}


_ERRORS = {
    "400": "Bad input: the error's fields name what to correct",
    "401": "Not signed in",
    "403": "Not allowed: a permission, a role or an area the caller does not hold",
    "404": "Not found, not visible to the caller, or switched off in the caller's region",
    "409": "In conflict with the current state, or an Idempotency-Key reused or still in progress",
    "413": "The body is too large",
    "414": "The address is too long",
    "429": "Too many attempts: wait and try again",
}


def _errors(access: dict[str, Any], method: str, *, with_body: bool) -> dict[str, Any]:
    """Every error an operation can answer, each with the error envelope.

    Any route can be refused as bad input, forbidden (a module or a region check inside the
    service), missing (switched off for the region), too long or throttled; only a signed-in
    route can be 401; only a write can conflict with the state or carry too large a body.
    """
    statuses = ["400", "403", "404", "414", "429"]
    if access.get("kind") != "public":
        statuses.append("401")
    if method in {"POST", "PUT", "PATCH", "DELETE"} or with_body:
        statuses += ["409", "413"]
    answers = {s: {"description": _ERRORS[s], "content": _json("Error")} for s in sorted(statuses)}
    if access.get("kind") == "permission":
        answers["403"]["description"] = f"Needs the permission {access['permission']}"
    return answers


def _json(name: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}
