"""Persian full-text search over the catalogue: one ``SearchIndex`` interface, two backends.

Both index the same two columns of ``bazaar_products``, ``search_title`` and ``search_text``,
which the services fill with ``search_key()`` of the title and of the rest: so Arabic ي/ك, ZWNJ,
diacritics and digits are folded once, in Python, the same way for the text and for the query.
The database keeps its index in step by triggers (created by the migration), so every write path
(pages, API, CSV import, a bulk INSERT) is indexed without the services remembering to.

- SQLite: an FTS5 table ``bazaar_products_fts`` over the products table (external content),
  ranked with bm25, the title weighing four times the rest.
- PostgreSQL: a table ``bazaar_products_fts`` (product id, tsvector with the title at weight A and
  the rest at B, ``simple`` configuration) with a GIN index, ranked with ``ts_rank_cd``.

Every query word is matched as a prefix (``زعفر`` finds ``زعفران``), and all words must match.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from sqlalchemy import Float, Integer, text
from sqlalchemy.orm import Session

from resalat_core.sdk import is_sqlite, search_key

TABLE = "bazaar_products_fts"
MAX_TERMS = 8
# Letters and digits of any script; everything else (punctuation, underscores) separates words.
_WORD = re.compile(r"[^\W_]+")


def terms_of(query: str | None) -> list[str]:
    """The words of a query, folded like the index: 'زعفرانِ  قائنات' -> ['زعفران', 'قاینات']."""
    return _WORD.findall(search_key(query or ""))[:MAX_TERMS]


class SearchIndex(Protocol):
    """A full-text index of the products."""

    name: str

    def matches(self, terms: list[str]) -> Any:
        """A subquery of (product_id, rank) for the products matching every term; higher rank first."""

    def matching_ids(self, terms: list[str]) -> Any:
        """The ids of the products matching every term, unscored (for ``IN``)."""

    def rebuild(self, session: Session) -> None:
        """Rebuild the whole index from the products' search columns."""


class SqliteFts5Index:
    name = "sqlite-fts5"

    def matches(self, terms: list[str]) -> Any:
        return (
            text(
                "SELECT rowid AS product_id, -bm25(bazaar_products_fts, 4.0, 1.0) AS rank "
                "FROM bazaar_products_fts WHERE bazaar_products_fts MATCH :fts_query"
            )
            .bindparams(fts_query=self._query(terms))
            .columns(product_id=Integer, rank=Float)
            .subquery("fts")
        )

    @staticmethod
    def _query(terms: list[str]) -> str:
        # Each term is quoted (so no word is read as an FTS5 operator) and made a prefix.
        return " AND ".join('"{}"*'.format(t.replace('"', '""')) for t in terms)

    def matching_ids(self, terms: list[str]) -> Any:
        return (
            text("SELECT rowid FROM bazaar_products_fts WHERE bazaar_products_fts MATCH :fts_ids")
            .bindparams(fts_ids=self._query(terms))
            .columns(rowid=Integer)
        )

    def rebuild(self, session: Session) -> None:
        session.execute(text("INSERT INTO bazaar_products_fts (bazaar_products_fts) VALUES ('rebuild')"))


class PostgresTsvectorIndex:
    name = "postgresql-tsvector"

    @staticmethod
    def _query(terms: list[str]) -> str:
        # Terms hold only letters and digits (see terms_of), so they need no tsquery quoting.
        return " & ".join(f"{t}:*" for t in terms)

    def matches(self, terms: list[str]) -> Any:
        return (
            text(
                "SELECT f.product_id AS product_id, ts_rank_cd(f.document, q.query) AS rank "
                "FROM bazaar_products_fts f, to_tsquery('simple', :fts_query) AS q(query) "
                "WHERE f.document @@ q.query"
            )
            .bindparams(fts_query=self._query(terms))
            .columns(product_id=Integer, rank=Float)
            .subquery("fts")
        )

    def matching_ids(self, terms: list[str]) -> Any:
        return (
            text(
                "SELECT product_id FROM bazaar_products_fts WHERE document @@ to_tsquery('simple', :fts_ids)"
            )
            .bindparams(fts_ids=self._query(terms))
            .columns(product_id=Integer)
        )

    def rebuild(self, session: Session) -> None:
        session.execute(text("DELETE FROM bazaar_products_fts"))
        session.execute(
            text(
                "INSERT INTO bazaar_products_fts (product_id, document) SELECT p.id, "
                "setweight(to_tsvector('simple', p.search_title), 'A') || "
                "setweight(to_tsvector('simple', p.search_text), 'B') FROM bazaar_products p"
            )
        )


def index_for(session: Session) -> SearchIndex:
    """The backend for the session's database."""
    return SqliteFts5Index() if is_sqlite(session.get_bind()) else PostgresTsvectorIndex()
