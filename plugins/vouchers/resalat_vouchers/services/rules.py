"""Where a voucher may be spent: the batch's categories, booths, regions and loan programmes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from resalat_bazaar.services import CategoryTree, category_tree
from sqlalchemy.orm import Session

from resalat_core.sdk import ids_under

from ..models import VoucherBatch


@dataclass
class Rules:
    """A reader of batches' rules that asks the database once per checkout, not once per item."""

    session: Session
    _tree: CategoryTree | None = None
    _regions: dict[int, set[int]] = field(default_factory=dict)

    @property
    def tree(self) -> CategoryTree:
        if self._tree is None:
            self._tree = category_tree(self.session)
        return self._tree

    def region_ok(self, batch: VoucherBatch, region_id: int) -> bool:
        if not batch.regions:
            return True
        if batch.id not in self._regions:
            self._regions[batch.id] = set(ids_under(self.session, batch.regions))
        return region_id in self._regions[batch.id]

    def booth_ok(self, batch: VoucherBatch, booth: Any) -> bool:
        """May the batch's vouchers be spent at this booth at all (its booth and region rules)?"""
        if batch.booths and booth.id not in {int(b) for b in batch.booths}:
            return False
        return self.region_ok(batch, booth.region_id)

    def item_ok(self, batch: VoucherBatch, category_id: int | None, programmes: Iterable[str]) -> bool:
        """May the batch's vouchers pay for an item of this category and these programmes?"""
        if batch.categories:
            category = self.tree.by_id.get(category_id) if category_id is not None else None
            path = {c.code for c in self.tree.chain(category)} if category is not None else set()
            if not path & set(batch.categories):
                return False
        return not batch.programmes or bool(set(batch.programmes) & set(programmes))

    def payable(
        self, batch: VoucherBatch, booth: Any, items: Iterable[tuple[int | None, list[str], int]]
    ) -> int:
        """Rials of one booth's items (category id, programmes, total) the voucher may pay for."""
        if not self.booth_ok(batch, booth):
            return 0
        return sum(
            total for category_id, programmes, total in items if self.item_ok(batch, category_id, programmes)
        )
