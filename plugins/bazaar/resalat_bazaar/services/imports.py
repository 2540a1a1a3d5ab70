"""Importing a booth's catalogue from a CSV file: every row checked first, all rows or none."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from resalat_bazaar.models import Booth, Product
from resalat_bazaar.services.catalogue import category_tree
from resalat_bazaar.services.seller import apply_product, product_fields, require_seller
from resalat_core.sdk import BadInput, FieldReader, Member, _, join_words

CSV_COLUMNS = ("title", "category", "price", "stock", "unit", "kind", "programmes", "description")
CSV_REQUIRED = ("title", "category", "price", "stock")


class ImportRefused(BadInput):
    """Some rows are wrong: ``rows`` lists (line number, message) for every one of them."""

    def __init__(self, rows: list[tuple[int, str]]) -> None:
        super().__init__(
            _("%(n)s rows have errors; nothing was imported.", n=len(rows)),
            fields={f"line {line}": message for line, message in rows},
            code="bad_rows",
        )
        self.rows = rows


def read_csv(text: str) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) for every data row; the header names the columns (any order)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        raise BadInput(
            _("The first line must name the columns; missing: %(names)s.", names=join_words(missing)),
            code="bad_header",
        )
    unknown = [h for h in header if h and h not in CSV_COLUMNS]
    if unknown:
        raise BadInput(_("Unknown columns: %(names)s.", names=join_words(unknown)), code="bad_header")
    reader.fieldnames = header
    rows = []
    for row in reader:
        if not any((v or "").strip() for k, v in row.items() if k):
            continue
        rows.append((reader.line_num, {k: (v or "").strip() for k, v in row.items() if k}))
    return rows


def import_products(
    session: Session,
    booth: Booth,
    actor: Member,
    rows: list[tuple[int, dict[str, str]]],
    progress: Callable[[int], None] | None = None,
) -> list[Product]:
    """Add every row (prices in tomans) as a product of ``booth``, or none: all rows are checked
    first, and every bad one is reported with its line number (ImportRefused)."""
    require_seller(actor, booth)
    tree = category_tree(session)
    bad: list[tuple[int, str]] = []
    checked: list[dict[str, Any]] = []
    for line, row in rows:
        typed = FieldReader()
        data = {
            **row,
            "price": typed.money(row.get("price"), "price", allow_zero=True),
            "stock": typed.count(row.get("stock"), "stock"),
        }
        try:
            checked.append(typed.run(lambda data=data: product_fields(tree, data, product=None)))
        except BadInput as exc:
            detail = "; ".join(f"{k}: {v}" for k, v in exc.form_errors().items() if k != "_form")
            bad.append((line, detail))
        if progress:
            progress(1)
    if bad:
        raise ImportRefused(bad)
    if not checked:
        raise BadInput(_("The file has no products."), code="empty_file")
    made = []
    with session.begin_nested():
        for clean in checked:
            product = Product(booth_id=booth.id, booth=booth, listed=clean.pop("listed", True))
            apply_product(tree, product, clean)
            session.add(product)
            made.append(product)
            if progress:
                progress(1)
        session.flush()
    return made
