"""The hooks the supporters plugin offers: what an introduced member may do next with an introduction.

A plugin that answers without requiring this one marks its answers ``@hookimpl(optionalhook=True)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from resalat_core.sdk import hookspec

if TYPE_CHECKING:
    from resalat_core.sdk import Member, NavItem


@hookspec
def resalat_introduction_next_steps(introduction: Any, viewer: Member) -> list[NavItem]:
    """Links to what ``viewer`` may do next with ``introduction``, shown on its page as buttons.

    When: as the introduction's page is shown (to its supporter or its member); only plugins
    active in the introduced member's region are asked. Arguments: ``introduction`` (a
    ``resalat_supporters.models.Introduction``: ``id``, ``status``, ``member_id``, ``amount``,
    ``core``), ``viewer`` the member reading the page. Transaction: the page's, read only. Return
    ``NavItem`` values (a title and a url) or an empty list. An exception fails the page.

    Example::

        @hookimpl(optionalhook=True)
        def resalat_introduction_next_steps(introduction, viewer):
            if viewer.id == introduction.member_id and introduction.status == "introduced":
                return [NavItem(_l("Ask for this loan"), url_for("loans.new", introduction=introduction.id))]
            return []
    """
