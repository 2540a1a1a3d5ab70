"""bazaar: categories, booths, products (with photos and loan programmes), carts, checkouts, orders,
and the products' full-text search index

Revision ID: 6a701412e59c
Revises:
Create Date: 2026-11-29 14:57:32

The search index is not an ORM table (its name holds ``_fts``, so the drift check leaves it out):
on SQLite an FTS5 table over bazaar_products (external content) kept in step by three triggers;
on PostgreSQL a table of tsvectors with a GIN index, kept in step by a trigger function. Both are
fed from bazaar_products.search_title / search_text, which the services fill with search_key().
A later migration that rebuilds bazaar_products on SQLite (batch mode) must create the triggers
again: SQLite drops a table's triggers with it.

Categories are not seeded here: services.ensure_categories adds them on first use.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6a701412e59c"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = ("bazaar",)
# The host's wallet (checkouts and orders name the accounts that paid), which comes after the
# host's first revision, and the cores plugin's first (a booth may link a core).
depends_on: str | Sequence[str] | None = ("c0de00000002", "c0e500000001")

SQLITE_FTS = (
    "CREATE VIRTUAL TABLE bazaar_products_fts USING fts5("
    "search_title, search_text, content='bazaar_products', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER bazaar_products_fts_insert AFTER INSERT ON bazaar_products BEGIN "
    "INSERT INTO bazaar_products_fts (rowid, search_title, search_text) "
    "VALUES (new.id, new.search_title, new.search_text); END",
    "CREATE TRIGGER bazaar_products_fts_delete AFTER DELETE ON bazaar_products BEGIN "
    "INSERT INTO bazaar_products_fts (bazaar_products_fts, rowid, search_title, search_text) "
    "VALUES ('delete', old.id, old.search_title, old.search_text); END",
    "CREATE TRIGGER bazaar_products_fts_update AFTER UPDATE OF search_title, search_text ON bazaar_products "
    "BEGIN "
    "INSERT INTO bazaar_products_fts (bazaar_products_fts, rowid, search_title, search_text) "
    "VALUES ('delete', old.id, old.search_title, old.search_text); "
    "INSERT INTO bazaar_products_fts (rowid, search_title, search_text) "
    "VALUES (new.id, new.search_title, new.search_text); END",
)
SQLITE_FTS_DROP = (
    "DROP TRIGGER IF EXISTS bazaar_products_fts_update",
    "DROP TRIGGER IF EXISTS bazaar_products_fts_delete",
    "DROP TRIGGER IF EXISTS bazaar_products_fts_insert",
    "DROP TABLE IF EXISTS bazaar_products_fts",
)
PG_FTS = (
    "CREATE TABLE bazaar_products_fts ("
    "product_id integer PRIMARY KEY REFERENCES bazaar_products (id) ON DELETE CASCADE, "
    "document tsvector NOT NULL)",
    "CREATE INDEX bazaar_products_fts_document ON bazaar_products_fts USING gin (document)",
    "CREATE OR REPLACE FUNCTION bazaar_products_fts_sync() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN "
    "INSERT INTO bazaar_products_fts (product_id, document) VALUES (NEW.id, "
    "setweight(to_tsvector('simple', NEW.search_title), 'A') || "
    "setweight(to_tsvector('simple', NEW.search_text), 'B')) "
    "ON CONFLICT (product_id) DO UPDATE SET document = EXCLUDED.document; "
    "RETURN NULL; "
    "END $$",
    "CREATE TRIGGER bazaar_products_fts_sync AFTER INSERT OR UPDATE OF search_title, search_text "
    "ON bazaar_products FOR EACH ROW EXECUTE FUNCTION bazaar_products_fts_sync()",
)
PG_FTS_DROP = (
    "DROP TRIGGER IF EXISTS bazaar_products_fts_sync ON bazaar_products",
    "DROP FUNCTION IF EXISTS bazaar_products_fts_sync()",
    "DROP TABLE IF EXISTS bazaar_products_fts",
)


def _search_index(statements_sqlite: Sequence[str], statements_pg: Sequence[str]) -> None:
    bind = op.get_bind()
    for statement in statements_sqlite if bind.dialect.name == "sqlite" else statements_pg:
        op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "bazaar_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("name_fa", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["bazaar_categories.id"],
            name=op.f("fk_bazaar_categories_parent_id_bazaar_categories"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bazaar_categories")),
        sa.UniqueConstraint("code", name=op.f("uq_bazaar_categories_code")),
    )
    with op.batch_alter_table("bazaar_categories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bazaar_categories_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "bazaar_booths",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("core_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("photo", sa.String(length=80), nullable=True),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("delivery_options", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("hidden_reason", sa.String(length=500), nullable=True),
        sa.Column("hidden_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["core_id"], ["cores.id"], name=op.f("fk_bazaar_booths_core_id_cores")),
        sa.ForeignKeyConstraint(["owner_id"], ["members.id"], name=op.f("fk_bazaar_booths_owner_id_members")),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_bazaar_booths_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bazaar_booths")),
        sa.UniqueConstraint("core_id", name=op.f("uq_bazaar_booths_core_id")),
    )
    with op.batch_alter_table("bazaar_booths", schema=None) as batch_op:
        batch_op.create_index("ix_bazaar_booths_owner_id_id", ["owner_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bazaar_booths_region_id"), ["region_id"], unique=False)

    op.create_table(
        "bazaar_checkouts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("funding", sa.String(length=16), nullable=False),
        sa.Column("earmarked_account_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["buyer_id"], ["members.id"], name=op.f("fk_bazaar_checkouts_buyer_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["earmarked_account_id"],
            ["wallet_accounts.id"],
            name=op.f("fk_bazaar_checkouts_earmarked_account_id_wallet_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bazaar_checkouts")),
        sa.UniqueConstraint("buyer_id", "key", name=op.f("uq_bazaar_checkouts_buyer_id_key")),
    )
    op.create_table(
        "bazaar_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checkout_id", sa.Integer(), nullable=False),
        sa.Column("buyer_id", sa.Integer(), nullable=False),
        sa.Column("booth_id", sa.Integer(), nullable=False),
        sa.Column("seller_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("paid_main", sa.BigInteger(), nullable=False),
        sa.Column("paid_earmarked", sa.BigInteger(), nullable=False),
        sa.Column("earmarked_account_id", sa.Integer(), nullable=True),
        sa.Column("delivery", sa.String(length=16), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("tracking", sa.String(length=120), nullable=False),
        sa.Column("cancel_reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("shipped_at", sa.DateTime(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "paid_main >= 0 AND paid_earmarked >= 0 AND paid_main + paid_earmarked = total",
            name=op.f("ck_bazaar_orders_paid_in_full"),
        ),
        sa.CheckConstraint("total > 0", name=op.f("ck_bazaar_orders_total_positive")),
        sa.ForeignKeyConstraint(
            ["booth_id"], ["bazaar_booths.id"], name=op.f("fk_bazaar_orders_booth_id_bazaar_booths")
        ),
        sa.ForeignKeyConstraint(["buyer_id"], ["members.id"], name=op.f("fk_bazaar_orders_buyer_id_members")),
        sa.ForeignKeyConstraint(
            ["checkout_id"],
            ["bazaar_checkouts.id"],
            name=op.f("fk_bazaar_orders_checkout_id_bazaar_checkouts"),
        ),
        sa.ForeignKeyConstraint(
            ["earmarked_account_id"],
            ["wallet_accounts.id"],
            name=op.f("fk_bazaar_orders_earmarked_account_id_wallet_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["members.id"], name=op.f("fk_bazaar_orders_seller_id_members")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bazaar_orders")),
    )
    with op.batch_alter_table("bazaar_orders", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bazaar_orders_booth_id_created_at", ["booth_id", "created_at"], unique=False
        )
        batch_op.create_index("ix_bazaar_orders_buyer_id_id", ["buyer_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bazaar_orders_checkout_id"), ["checkout_id"], unique=False)
        batch_op.create_index("ix_bazaar_orders_seller_id_status", ["seller_id", "status"], unique=False)
        batch_op.create_index("ix_bazaar_orders_status_shipped_at", ["status", "shipped_at"], unique=False)

    op.create_table(
        "bazaar_products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booth_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("hidden_reason", sa.String(length=500), nullable=True),
        sa.Column("hidden_at", sa.DateTime(), nullable=True),
        sa.Column("search_title", sa.String(length=320), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("price > 0", name=op.f("ck_bazaar_products_price_positive")),
        sa.CheckConstraint("stock >= 0", name=op.f("ck_bazaar_products_stock_not_negative")),
        sa.ForeignKeyConstraint(
            ["booth_id"], ["bazaar_booths.id"], name=op.f("fk_bazaar_products_booth_id_bazaar_booths")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["bazaar_categories.id"],
            name=op.f("fk_bazaar_products_category_id_bazaar_categories"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bazaar_products")),
    )
    with op.batch_alter_table("bazaar_products", schema=None) as batch_op:
        batch_op.create_index("ix_bazaar_products_booth_id_id", ["booth_id", "id"], unique=False)
        batch_op.create_index("ix_bazaar_products_category_id_price", ["category_id", "price"], unique=False)

    op.create_table(
        "bazaar_cart_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_bazaar_cart_items_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_bazaar_cart_items_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["bazaar_products.id"],
            name=op.f("fk_bazaar_cart_items_product_id_bazaar_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bazaar_cart_items")),
        sa.UniqueConstraint(
            "member_id", "product_id", name=op.f("uq_bazaar_cart_items_member_id_product_id")
        ),
    )
    with op.batch_alter_table("bazaar_cart_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bazaar_cart_items_product_id"), ["product_id"], unique=False)

    op.create_table(
        "bazaar_order_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["members.id"], name=op.f("fk_bazaar_order_events_actor_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["bazaar_orders.id"],
            name=op.f("fk_bazaar_order_events_order_id_bazaar_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bazaar_order_events")),
    )
    with op.batch_alter_table("bazaar_order_events", schema=None) as batch_op:
        batch_op.create_index("ix_bazaar_order_events_order_id_id", ["order_id", "id"], unique=False)

    op.create_table(
        "bazaar_order_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_bazaar_order_items_quantity_positive")),
        sa.CheckConstraint("unit_price > 0", name=op.f("ck_bazaar_order_items_unit_price_positive")),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["bazaar_categories.id"],
            name=op.f("fk_bazaar_order_items_category_id_bazaar_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["bazaar_orders.id"],
            name=op.f("fk_bazaar_order_items_order_id_bazaar_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["bazaar_products.id"],
            name=op.f("fk_bazaar_order_items_product_id_bazaar_products"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bazaar_order_items")),
    )
    with op.batch_alter_table("bazaar_order_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bazaar_order_items_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bazaar_order_items_product_id"), ["product_id"], unique=False)

    op.create_table(
        "bazaar_product_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["bazaar_products.id"],
            name=op.f("fk_bazaar_product_photos_product_id_bazaar_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bazaar_product_photos")),
    )
    with op.batch_alter_table("bazaar_product_photos", schema=None) as batch_op:
        batch_op.create_index(
            "ix_bazaar_product_photos_product_id_position", ["product_id", "position"], unique=False
        )

    op.create_table(
        "bazaar_product_programmes",
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("programme", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["bazaar_products.id"],
            name=op.f("fk_bazaar_product_programmes_product_id_bazaar_products"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("product_id", "programme", name=op.f("pk_bazaar_product_programmes")),
    )

    _search_index(SQLITE_FTS, PG_FTS)


def downgrade() -> None:
    _search_index(SQLITE_FTS_DROP, PG_FTS_DROP)
    op.drop_table("bazaar_product_programmes")
    with op.batch_alter_table("bazaar_product_photos", schema=None) as batch_op:
        batch_op.drop_index("ix_bazaar_product_photos_product_id_position")

    op.drop_table("bazaar_product_photos")
    with op.batch_alter_table("bazaar_order_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bazaar_order_items_product_id"))
        batch_op.drop_index(batch_op.f("ix_bazaar_order_items_order_id"))

    op.drop_table("bazaar_order_items")
    with op.batch_alter_table("bazaar_order_events", schema=None) as batch_op:
        batch_op.drop_index("ix_bazaar_order_events_order_id_id")

    op.drop_table("bazaar_order_events")
    with op.batch_alter_table("bazaar_cart_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bazaar_cart_items_product_id"))

    op.drop_table("bazaar_cart_items")
    with op.batch_alter_table("bazaar_products", schema=None) as batch_op:
        batch_op.drop_index("ix_bazaar_products_category_id_price")
        batch_op.drop_index("ix_bazaar_products_booth_id_id")

    op.drop_table("bazaar_products")
    with op.batch_alter_table("bazaar_orders", schema=None) as batch_op:
        batch_op.drop_index("ix_bazaar_orders_status_shipped_at")
        batch_op.drop_index("ix_bazaar_orders_seller_id_status")
        batch_op.drop_index(batch_op.f("ix_bazaar_orders_checkout_id"))
        batch_op.drop_index("ix_bazaar_orders_buyer_id_id")
        batch_op.drop_index("ix_bazaar_orders_booth_id_created_at")

    op.drop_table("bazaar_orders")
    op.drop_table("bazaar_checkouts")
    with op.batch_alter_table("bazaar_booths", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bazaar_booths_region_id"))
        batch_op.drop_index("ix_bazaar_booths_owner_id_id")

    op.drop_table("bazaar_booths")
    with op.batch_alter_table("bazaar_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bazaar_categories_parent_id"))

    op.drop_table("bazaar_categories")
