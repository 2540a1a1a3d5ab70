"""Who may call a route: every view declares it with one of these decorators, and the host checks.

``public`` (anyone), ``login_required`` (any signed-in member), ``permission_required(name)``
(a member holding the permission somewhere; the view narrows it to a region with ``can``).
The app refuses to start if a view declares nothing, so no route is open by accident.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, redirect, request, url_for
from flask_login import current_user

from resalat_core.errors import NotAllowed, ResalatError
from resalat_core.i18n import _
from resalat_core.members import services as member_services
from resalat_core.regions.models import Region

F = TypeVar("F", bound=Callable[..., Any])
ACCESS_ATTR = "_resalat_access"


class Unauthenticated(ResalatError):
    status = 401
    code = "unauthenticated"


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def _deny_anonymous() -> Any:
    if is_api_request():
        raise Unauthenticated(_("Sign in first: send a bearer token in the Authorization header."))
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _mark(view: Callable[..., Any], kind: str, permission: str | None = None) -> None:
    setattr(view, ACCESS_ATTR, {"kind": kind, "permission": permission})


def public(view: F) -> F:
    """Anyone may call this view, signed in or not."""
    _mark(view, "public")
    return view


def login_required(view: F) -> F:
    """Any signed-in member may call this view."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return _deny_anonymous()
        return view(*args, **kwargs)

    _mark(wrapper, "member")
    return wrapper  # type: ignore[return-value]


def permission_required(permission: str) -> Callable[[F], F]:
    """Only members holding ``permission`` (in some region) may call this view."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return _deny_anonymous()
            if not can(permission):
                raise NotAllowed(_("You do not have permission to do this."))
            return view(*args, **kwargs)

        _mark(wrapper, "permission", permission)
        return wrapper  # type: ignore[return-value]

    return decorator


def permissions_registry() -> dict[str, Any]:
    return current_app.extensions["resalat"].permissions


def can(permission: str, region: Region | None = None, member: Any = None) -> bool:
    """Does the member (default: the current one) hold ``permission`` in ``region``?"""
    member = current_user if member is None else member
    return member_services.can(member, permission, region, permissions_registry())


def require(permission: str, region: Region | None = None) -> None:
    """Raise 403 unless the current member holds ``permission`` in ``region``."""
    if not can(permission, region):
        raise NotAllowed(_("You do not have permission to do this here."))


def access_of(view: Callable[..., Any]) -> dict[str, Any] | None:
    return getattr(view, ACCESS_ATTR, None)
