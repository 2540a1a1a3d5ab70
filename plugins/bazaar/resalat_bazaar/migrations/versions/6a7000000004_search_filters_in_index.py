"""bazaar: the search index carries what a search filters on, and joined spellings

Revision ID: 6a7000000004
Revises: 6a7000000003
Create Date: 2026-12-07 07:00:00

On PostgreSQL the index table ``bazaar_products_fts`` gains the columns a search narrows by
(visible, price, category, booth, region), kept by triggers on products and booths, so one table
answers a search's count and its page of ids with the GIN index and no join over a million
products. On both databases ``search_text`` gains the joined form of each pair of adjacent words
(``کتاب خانه`` -> ``zzکتابخانه``, marked so a word's prefix does not scan the pairs), so a word typed joined finds it typed spaced or with a ZWNJ.
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6a7000000004"
down_revision: str | Sequence[str] | None = "6a7000000003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_WORD = re.compile(r"[^\W_]+")

# A product's province (its booth's place's parent, or the place itself) and top category: a
# search narrowed to a province or a top category asks one value, not an IN list (GIN reads the
# words again for each value of a list). Places and categories are two levels deep.
PLACES = (
    "(SELECT id, coalesce(parent_id, id) AS province_id FROM regions) r, "
    "(SELECT id, coalesce(parent_id, id) AS top FROM bazaar_categories) c"
)
PG_DOCUMENT = (
    "setweight(to_tsvector('simple', {p}.search_title), 'A') || "
    "setweight(to_tsvector('simple', {p}.search_text), 'B') || "
    "bazaar_search_prefixes({p}.search_title || ' ' || {p}.search_text)"
)
# Each word's beginnings of 2 to 12 letters as lexemes of their own, marked 'pp' (no positions):
# a query word is then matched as a prefix by two exact lookups (the word, or 'pp' and the word)
# instead of GIN's partial match, which here cost 12 times as much and again for each value of a
# filter's IN list. Joined pairs ('zz') get none: they are matched whole.
PREFIXES = (
    "CREATE OR REPLACE FUNCTION bazaar_search_prefixes(words text) RETURNS tsvector "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ "
    "SELECT coalesce(array_to_tsvector(array_agg(DISTINCT 'pp' || left(u.lexeme, k))), ''::tsvector) "
    "FROM unnest(to_tsvector('simple', words)) u, "
    "generate_series(2, least(length(u.lexeme) - 1, 12)) k "
    "WHERE u.lexeme NOT LIKE 'zz%' $$"
)
PG_OLD_DOCUMENT = (
    "setweight(to_tsvector('simple', {p}.search_title), 'A') || "
    "setweight(to_tsvector('simple', {p}.search_text), 'B')"
)
PG_SYNC = (
    "CREATE OR REPLACE FUNCTION bazaar_products_fts_sync() RETURNS trigger LANGUAGE plpgsql AS $$ "  # noqa: S608 (constants only)
    "BEGIN "
    # A change of price or listing alone leaves the words as they were: no tsvector to rebuild.
    "IF TG_OP = 'UPDATE' AND NEW.search_title IS NOT DISTINCT FROM OLD.search_title "
    "AND NEW.search_text IS NOT DISTINCT FROM OLD.search_text THEN "
    "UPDATE bazaar_products_fts f SET visible = NEW.listed AND NOT NEW.hidden "
    "AND b.status = 'open' AND NOT b.hidden, price = NEW.price, category_id = NEW.category_id, "
    "booth_id = NEW.booth_id, region_id = b.region_id, province_id = r.province_id, "
    "category_top = c.top FROM bazaar_booths b, " + PLACES + " "
    "WHERE b.id = NEW.booth_id AND r.id = b.region_id AND c.id = NEW.category_id "
    "AND f.product_id = NEW.id; "
    "RETURN NULL; "
    "END IF; "
    "INSERT INTO bazaar_products_fts (product_id, document, visible, price, category_id, booth_id, "
    "region_id, province_id, category_top) SELECT NEW.id, " + PG_DOCUMENT.format(p="NEW") + ", "
    "NEW.listed AND NOT NEW.hidden AND b.status = 'open' AND NOT b.hidden, NEW.price, "
    "NEW.category_id, NEW.booth_id, b.region_id, r.province_id, c.top FROM bazaar_booths b, "
    + PLACES
    + " WHERE b.id = NEW.booth_id AND r.id = b.region_id AND c.id = NEW.category_id "
    "ON CONFLICT (product_id) DO UPDATE SET document = EXCLUDED.document, visible = EXCLUDED.visible, "
    "price = EXCLUDED.price, category_id = EXCLUDED.category_id, booth_id = EXCLUDED.booth_id, "
    "region_id = EXCLUDED.region_id, province_id = EXCLUDED.province_id, "
    "category_top = EXCLUDED.category_top; "
    "RETURN NULL; "
    "END $$",
    "DROP TRIGGER IF EXISTS bazaar_products_fts_sync ON bazaar_products",
    "CREATE TRIGGER bazaar_products_fts_sync AFTER INSERT OR UPDATE OF search_title, search_text, "
    "price, category_id, booth_id, listed, hidden ON bazaar_products "
    "FOR EACH ROW EXECUTE FUNCTION bazaar_products_fts_sync()",
    "CREATE OR REPLACE FUNCTION bazaar_booths_fts_sync() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN "
    "UPDATE bazaar_products_fts f SET visible = p.listed AND NOT p.hidden "
    "AND NEW.status = 'open' AND NOT NEW.hidden, region_id = NEW.region_id, "
    "province_id = (SELECT coalesce(parent_id, id) FROM regions WHERE id = NEW.region_id) "
    "FROM bazaar_products p WHERE p.booth_id = NEW.id AND f.product_id = p.id; "
    "RETURN NULL; "
    "END $$",
    "CREATE TRIGGER bazaar_booths_fts_sync AFTER UPDATE OF status, hidden, region_id ON bazaar_booths "
    "FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.hidden IS DISTINCT FROM NEW.hidden "
    "OR OLD.region_id IS DISTINCT FROM NEW.region_id) EXECUTE FUNCTION bazaar_booths_fts_sync()",
)
# The whole index from the products, set-wise (the migration's backfill, and `bazaar reindex`).
PG_REBUILD = (
    "DELETE FROM bazaar_products_fts",
    "INSERT INTO bazaar_products_fts (product_id, document, visible, price, category_id, booth_id, "  # noqa: S608 (constants only)
    "region_id, province_id, category_top) SELECT p.id, " + PG_DOCUMENT.format(p="p") + ", "
    "p.listed AND NOT p.hidden AND b.status = 'open' AND NOT b.hidden, p.price, p.category_id, "
    "p.booth_id, b.region_id, r.province_id, c.top FROM bazaar_products p "
    "JOIN bazaar_booths b ON b.id = p.booth_id, " + PLACES + " "
    "WHERE r.id = b.region_id AND c.id = p.category_id",
)
PG_OLD_SYNC = (
    "DROP TRIGGER IF EXISTS bazaar_booths_fts_sync ON bazaar_booths",
    "DROP FUNCTION IF EXISTS bazaar_booths_fts_sync()",
    "DROP TRIGGER IF EXISTS bazaar_products_fts_sync ON bazaar_products",
    "CREATE OR REPLACE FUNCTION bazaar_products_fts_sync() RETURNS trigger LANGUAGE plpgsql AS $$ "  # noqa: S608 (constants only)
    "BEGIN "
    "INSERT INTO bazaar_products_fts (product_id, document) VALUES (NEW.id, "
    + PG_OLD_DOCUMENT.format(p="NEW")
    + ") ON CONFLICT (product_id) DO UPDATE SET document = EXCLUDED.document; "
    "RETURN NULL; "
    "END $$",
    "CREATE TRIGGER bazaar_products_fts_sync AFTER INSERT OR UPDATE OF search_title, search_text "
    "ON bazaar_products FOR EACH ROW EXECUTE FUNCTION bazaar_products_fts_sync()",
)


INDEX = (
    "CREATE INDEX bazaar_products_fts_search ON bazaar_products_fts "
    "USING gin (document, province_id, region_id, category_top, category_id, booth_id) WHERE visible"
)


def joined_pairs(key: str) -> str:
    """Each pair of adjacent words written joined (a copy of fulltext.joined_pairs, frozen here)."""
    words = _WORD.findall(key)
    return " ".join("zz" + a + b for a, b in zip(words, words[1:], strict=False))


def _with_pairs(search_title: str, search_text: str) -> str:
    return " ".join(p for p in (search_text, joined_pairs(search_title), joined_pairs(search_text)) if p)


def _add_pairs(bind: sa.engine.Connection, batch: int = 5000) -> None:
    products = sa.table(
        "bazaar_products",
        sa.column("id", sa.Integer),
        sa.column("search_title", sa.String),
        sa.column("search_text", sa.Text),
    )
    update = (
        products.update()
        .where(products.c.id == sa.bindparam("pid"))
        .values(search_text=sa.bindparam("new_text"))
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(products.c.id, products.c.search_title, products.c.search_text)
            .where(products.c.id > last)
            .order_by(products.c.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        changes = [
            {"pid": r.id, "new_text": _with_pairs(r.search_title or "", r.search_text or "")} for r in rows
        ]
        bind.execute(update, changes)
        last = rows[-1].id


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        # The FTS5 triggers keep the index in step with the new search_text.
        _add_pairs(bind)
        return
    op.execute("DROP TRIGGER IF EXISTS bazaar_products_fts_sync ON bazaar_products")
    _add_pairs(bind)
    op.execute(
        "ALTER TABLE bazaar_products_fts ADD COLUMN visible boolean NOT NULL DEFAULT false, "
        "ADD COLUMN price bigint, ADD COLUMN category_id integer, ADD COLUMN booth_id integer, "
        "ADD COLUMN region_id integer, ADD COLUMN province_id integer, ADD COLUMN category_top integer"
    )
    op.execute("DROP INDEX IF EXISTS bazaar_products_fts_document")
    op.execute(PREFIXES)
    for statement in PG_REBUILD:
        op.execute(statement)
    # btree_gin (a contrib extension shipped with PostgreSQL) lets one GIN index hold the words and
    # the place, category and booth, so the index alone narrows a filtered search to its matches;
    # only visible products are in it. Prices are checked on the rows it finds.
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    op.execute(INDEX)
    for statement in PG_SYNC:
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS bazaar_products_fts_search")
        op.execute("CREATE INDEX bazaar_products_fts_document ON bazaar_products_fts USING gin (document)")
        for statement in PG_OLD_SYNC:
            op.execute(statement)
        op.execute(
            "ALTER TABLE bazaar_products_fts DROP COLUMN visible, DROP COLUMN price, "
            "DROP COLUMN category_id, DROP COLUMN booth_id, DROP COLUMN region_id, DROP COLUMN province_id, "
            "DROP COLUMN category_top"
        )
        op.execute("DELETE FROM bazaar_products_fts")
        op.execute(
            "INSERT INTO bazaar_products_fts (product_id, document) SELECT p.id, "  # noqa: S608 (constants)
            + PG_OLD_DOCUMENT.format(p="p")
            + " FROM bazaar_products p"
        )
        op.execute("DROP FUNCTION IF EXISTS bazaar_search_prefixes(text)")
    # The joined pairs stay in search_text: harmless to the old search, gone at the next reindex.
