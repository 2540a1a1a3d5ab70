"""The hooks M-Hesam offers: credit that other plugins hold open for a member, shown with their money.

A plugin that answers without requiring M-Hesam marks its answers ``@hookimpl(optionalhook=True)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from resalat_core.sdk import Text, hookspec

if TYPE_CHECKING:
    from resalat_core.sdk import Member


@dataclass(frozen=True)
class CreditLine:
    """A credit limit a plugin grants the member (pay later, instalments): what is used and free.

    ``title`` and ``note`` are lazy texts in the plugin's catalogue; amounts are whole rials;
    ``note`` says anything the member must know now ("frozen while an instalment is overdue");
    ``url`` is the plugin's page for it.
    """

    title: Text
    limit: int
    used: int
    url: str | None = None
    note: Text = ""
    frozen: bool = False

    def __post_init__(self) -> None:
        for name in ("limit", "used"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"credit line {name} must be whole rials, not {value!r}")

    @property
    def free(self) -> int:
        """What the member may still use (none while frozen)."""
        return 0 if self.frozen else max(self.limit - self.used, 0)


@hookspec
def resalat_credit_lines(member: Member) -> list[CreditLine]:
    """The credit limits the plugin holds open for ``member``, shown on M-Hesam's accounts page.

    When: each time the member opens M-Hesam (the page and the API's overview); only plugins
    active in the member's region are asked. Arguments: ``member``, the signed-in member.
    Transaction: the request's, read only; keep it to a query or two. Return a list of
    ``CreditLine`` (empty when the member has none). An exception is a 500 of the page.

    Example::

        @hookimpl(optionalhook=True)
        def resalat_credit_lines(member):
            limit = services.limit_of(object_session(member), member)
            return [CreditLine(_l("Pay later"), limit.total, limit.used, url_for("paylater.mine"))]
    """
