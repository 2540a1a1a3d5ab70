"""References kept in records ("loan:12") shown as named links, never as the raw code.

A plugin that stores a reference to another plugin's thing keeps the short form; when a page
shows it, the owning plugin names it through ``resalat_reference``. With no plugin to answer
(the owner is not installed), the reference is still written in words with its number.
"""

from __future__ import annotations

import re

from flask import current_app
from markupsafe import Markup, escape

from resalat_core.i18n import gettext
from resalat_core.plugins.base import Reference

_REFERENCE = re.compile(r"^(?P<kind>[a-z_][a-z0-9_]*):(?P<ident>\d{1,18})$")


def describe(reference: str | None) -> Reference | None:
    """The name (and page) of ``reference``; None for an empty one."""
    if not reference:
        return None
    found = _REFERENCE.match(reference.strip())
    if found is None:
        return Reference(name=gettext("a record"))
    ident = int(found["ident"])
    hook = current_app.extensions["resalat"].plugins.pm.hook
    answer = hook.resalat_reference(kind=found["kind"], ident=ident)
    if answer is not None:
        return answer
    return Reference(name=gettext("record no. %(number)s", number=ident))


def link(reference: str | None) -> Markup:
    """``reference`` as a link with its name (or its name alone when it has no page)."""
    named = describe(reference)
    if named is None:
        return Markup("")
    if named.url:
        return Markup('<a href="{}">{}</a>').format(named.url, str(named.name))
    return escape(str(named.name))
