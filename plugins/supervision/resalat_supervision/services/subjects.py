"""What a review or a report is about: M-Bazar's booths and products, and their titles in lists.

M-Bazar is reached only through ``resalat_bazaar.services`` (this plugin requires bazaar).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from resalat_bazaar import services as bazaar
from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from resalat_core.sdk import BadInput, _
from resalat_supervision.models import BOOTH, KINDS, PRODUCT, Report, Review

# Pages of the plugin, as paths: notifications and reputations carry them, no request needed.
PREFIX = "/supervision"


@dataclass(frozen=True)
class Subject:
    """A booth, or a product with its booth, as M-Bazar knows them."""

    kind: str
    id: int
    booth: Any
    product: Any = None

    @property
    def title(self) -> str:
        return self.product.title if self.product is not None else self.booth.name

    @property
    def hidden(self) -> bool:
        thing = self.product if self.product is not None else self.booth
        return bool(getattr(thing, "hidden", False))


def check_kind(kind: Any) -> str:
    """``kind`` if it is ``booth`` or ``product``; BadInput naming ``kind`` otherwise."""
    if kind not in KINDS:
        message = _("Choose a booth or a product.")
        raise BadInput(message, fields={"kind": message})
    return str(kind)


def get_subject(session: Session, kind: str, subject_id: int) -> Subject:
    """The booth or product ``subject_id``; NotFound if M-Bazar has no such thing."""
    check_kind(kind)
    if kind == PRODUCT:
        product = bazaar.get_product(session, subject_id)
        return Subject(PRODUCT, product.id, bazaar.get_booth(session, product.booth_id), product)
    booth = bazaar.get_booth(session, subject_id)
    return Subject(BOOTH, booth.id, booth)


def history_path(kind: str, subject_id: int) -> str:
    """The public page of a booth's or product's rating, reviews and reports."""
    return f"{PREFIX}/{kind}s/{subject_id}"


def product_titles(session: Session, product_ids: Iterable[int]) -> dict[int, str]:
    """Titles of these products, in one query (for lists that mix booths' and products' rows)."""
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    rows = session.execute(select(bazaar.Product.id, bazaar.Product.title).where(bazaar.Product.id.in_(ids)))
    return {pid: title for pid, title in rows}


def booth_names(session: Session, booth_ids: Iterable[int]) -> dict[int, str]:
    """Names of these booths, in one query."""
    ids = sorted(set(booth_ids))
    if not ids:
        return {}
    rows = session.execute(select(bazaar.Booth.id, bazaar.Booth.name).where(bazaar.Booth.id.in_(ids)))
    return {bid: name for bid, name in rows}


def subject_titles(session: Session, rows: Iterable[Review | Report]) -> dict[tuple[str, int], str]:
    """``{(kind, subject_id): title}`` for a list of reviews or reports: two queries at most."""
    rows = list(rows)
    products = product_titles(session, (r.subject_id for r in rows if r.kind == PRODUCT))
    booths = booth_names(session, (r.subject_id for r in rows if r.kind == BOOTH))
    titles = {(PRODUCT, k): v for k, v in products.items()}
    titles.update({(BOOTH, k): v for k, v in booths.items()})
    return titles


def about(model: type[Review] | type[Report], kind: str, subject_id: int) -> Any:
    """Rows about a subject: a booth takes in its products' rows too, a product only its own."""
    if kind == BOOTH:
        return model.booth_id == subject_id
    return and_(model.kind == PRODUCT, model.subject_id == subject_id)
