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

Every query word of two letters or more is matched as a prefix (``زعفر`` finds ``زعفران``),
and all words must match.
A word written joined, spaced or with a ZWNJ is one word: ``search_text`` also holds each pair of
adjacent words joined (``کتاب خانه`` gives ``کتابخانه``), so the query ``کتابخانه`` finds the
spaced spelling; and each query word may also be met joined to its neighbour, so the query
``کتاب خانه`` (or ``کتاب‌خانه``, whose ZWNJ search_key makes a space) finds ``کتابخانه``.
A joined pair is matched whole (see joined_pairs for why), except for a search of one word that
finds nothing otherwise: then it may be the beginning of a pair, so ``کتابخا`` finds ``کتاب خانه``.

On PostgreSQL the index table also carries what a search narrows by (visible, price, category,
booth, region; triggers on products and booths keep them), so a search's count and its page of
ids come from that one table: no join over the catalogue before the page's twenty rows.
"""

from __future__ import annotations

import re
from typing import Any, Protocol

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    Integer,
    String,
    bindparam,
    column,
    func,
    literal_column,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import REGCONFIG, TSVECTOR
from sqlalchemy.orm import Session

from resalat_core.sdk import is_sqlite, search_key

TABLE = "bazaar_products_fts"
MAX_TERMS = 8
# Marks a pair of adjacent words written joined (see joined_pairs); search_key casefolds, so a
# buyer's query never holds it in capitals, and no Persian word starts with Latin letters.
JOINED = "zz"
# PostgreSQL only: a word's beginnings are indexed under this mark, up to PREFIX_MAX letters.
PREFIX = "pp"
PREFIX_MAX = 12
# Letters and digits of any script; everything else (punctuation, underscores) separates words.
_WORD = re.compile(r"[^\W_]+")

# PostgreSQL's index table, for statements that filter and order on it (see search.search).
FTS = table(
    TABLE,
    column("product_id", Integer),
    column("document", TSVECTOR),
    column("visible", Boolean),
    column("price", BigInteger),
    column("category_id", Integer),
    column("booth_id", Integer),
    column("region_id", Integer),
    column("province_id", Integer),
    column("category_top", Integer),
)


def terms_of(query: str | None) -> list[str]:
    """The words of a query, folded like the index: 'زعفرانِ  قائنات' -> ['زعفران', 'قاینات']."""
    return _WORD.findall(search_key(query or ""))[:MAX_TERMS]


def joined_pairs(key: str) -> str:
    """Each pair of adjacent words of a search key joined, marked: 'کتاب خانه ملی' -> 'zzکتابخانه zzخانهملی'.

    The mark keeps the pairs out of the words' prefixes: ``چادر:*`` would otherwise scan every
    pair that starts with چادر (hundreds of index entries), which cost PostgreSQL 40 times the
    plain prefix at a million products. A pair is therefore matched whole, not as a prefix.
    """
    words = _WORD.findall(key)
    return " ".join(JOINED + a + b for a, b in zip(words, words[1:], strict=False))


def alternatives(terms: list[str], *, half_joined: bool = False) -> list[list[tuple[str, bool]]]:
    """For each query word, the (form, as a prefix) that satisfy it.

    'کتاب خانه' -> [[('کتاب', True), ('zzکتاب', False), ('کتابخانه', True)], [('خانه', True),
    ('zzخانه', False), ('کتابخانه', True)]]: a product written کتابخانه has the joined word, one
    written کتاب خانه both words; and the query کتابخانه finds کتاب خانه by its marked pair.

    ``half_joined``: the marked pairs are matched as prefixes too, so the half-typed کتابخا finds
    کتاب خانه. Each word's pairs are many to scan (a common word starts a pair with each word it
    stands before), so the search asks for it only for one word that found nothing otherwise.
    """
    found = []
    for i, term in enumerate(terms):
        forms = [(term, True), (JOINED + term, half_joined)]
        if i > 0:
            forms.append((terms[i - 1] + term, True))
        if i + 1 < len(terms):
            forms.append((term + terms[i + 1], True))
        found.append(forms)
    return found


class SearchIndex(Protocol):
    """A full-text index of the products."""

    name: str

    def matches(self, terms: list[str], *, half_joined: bool = False) -> Any:
        """A subquery of (product_id, rank) for the products matching every term; higher rank first."""

    def matching_ids(self, terms: list[str], *, half_joined: bool = False) -> Any:
        """The ids of the products matching every term, unscored (for ``IN``)."""

    def rebuild(self, session: Session) -> None:
        """Rebuild the whole index from the products' search columns."""


class SqliteFts5Index:
    name = "sqlite-fts5"

    def matches(self, terms: list[str], *, half_joined: bool = False) -> Any:
        return (
            text(
                "SELECT rowid AS product_id, -bm25(bazaar_products_fts, 4.0, 1.0) AS rank "
                "FROM bazaar_products_fts WHERE bazaar_products_fts MATCH :fts_query"
            )
            .bindparams(fts_query=self._query(terms, half_joined))
            .columns(product_id=Integer, rank=Float)
            .subquery("fts")
        )

    @staticmethod
    def _query(terms: list[str], half_joined: bool = False) -> str:
        # Each form is quoted (so no word is read as an FTS5 operator) and made a prefix.
        return " AND ".join(
            "("
            + " OR ".join(
                # One letter is matched whole, as on PostgreSQL (where its prefix would read every word).
                '"{}"{}'.format(f.replace('"', '""'), "*" if prefix and len(f) > 1 else "")
                for f, prefix in forms
            )
            + ")"
            for forms in alternatives(terms, half_joined=half_joined)
        )

    def matching_ids(self, terms: list[str], *, half_joined: bool = False) -> Any:
        return (
            text("SELECT rowid FROM bazaar_products_fts WHERE bazaar_products_fts MATCH :fts_ids")
            .bindparams(fts_ids=self._query(terms, half_joined))
            .columns(rowid=Integer)
        )

    def rebuild(self, session: Session) -> None:
        session.execute(text("INSERT INTO bazaar_products_fts (bazaar_products_fts) VALUES ('rebuild')"))


class PostgresTsvectorIndex:
    name = "postgresql-tsvector"

    @staticmethod
    def _form(form: str, prefix: bool) -> str:
        # The index holds each word's beginnings of 2 to PREFIX_MAX letters marked PREFIX (see the
        # migration 6a7000000004): a prefix is two exact lookups, not GIN's slow partial match.
        if not prefix or len(form) < 2:
            return form
        if len(form) > PREFIX_MAX or form.startswith(JOINED):
            # A long prefix has few words to scan; a marked pair has no indexed beginnings.
            return f"{form}:*"
        return f"{form} | {PREFIX}{form}"

    @classmethod
    def _query(cls, terms: list[str], half_joined: bool = False) -> str:
        # Terms hold only letters and digits (see terms_of), so they need no tsquery quoting.
        return " & ".join(
            "(" + " | ".join(cls._form(f, prefix) for f, prefix in forms) + ")"
            for forms in alternatives(terms, half_joined=half_joined)
        )

    def tsquery(self, terms: list[str], *, half_joined: bool = False) -> Any:
        """The query as a tsquery expression, for statements built on ``FTS``.

        The words are written into the statement, not sent as a parameter: a statement the driver
        has prepared (the fifth time its text is run) may get a generic plan, made without knowing
        the words, hence how many products they match; that plan cost a search twice its own.
        """
        words = bindparam(None, self._query(terms, half_joined), type_=String, literal_execute=True)
        return func.to_tsquery(literal_column("'simple'").cast(REGCONFIG), words)

    def matches(self, terms: list[str], *, half_joined: bool = False) -> Any:
        return (
            text(
                "SELECT f.product_id AS product_id, ts_rank_cd(f.document, q.query) AS rank "
                "FROM bazaar_products_fts f, to_tsquery('simple', :fts_query) AS q(query) "
                "WHERE f.document @@ q.query"
            )
            .bindparams(fts_query=self._query(terms, half_joined))
            .columns(product_id=Integer, rank=Float)
            .subquery("fts")
        )

    def matching_ids(self, terms: list[str], *, half_joined: bool = False) -> Any:
        return (
            text(
                "SELECT product_id FROM bazaar_products_fts WHERE document @@ to_tsquery('simple', :fts_ids)"
            )
            .bindparams(fts_ids=self._query(terms, half_joined))
            .columns(product_id=Integer)
        )

    def rebuild(self, session: Session) -> None:
        session.execute(text("DELETE FROM bazaar_products_fts"))
        # The migration's own statement (6a7000000004), so the two cannot drift apart.
        session.execute(text(_migration_rebuild()))


def _migration_rebuild() -> str:
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parent / "migrations" / "versions" / "6a7000000004_search_filters_in_index.py"
    spec = importlib.util.spec_from_file_location("bazaar_search_index_migration", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.PG_REBUILD[1])


def index_for(session: Session) -> SearchIndex:
    """The backend for the session's database."""
    return SqliteFts5Index() if is_sqlite(session.get_bind()) else PostgresTsvectorIndex()
