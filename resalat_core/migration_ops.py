"""Operations migrations share: widening 32-bit id columns to 64 bits on PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import text


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _retype(columns: Mapping[str, Sequence[str]], sql_type: str) -> None:
    # Imported here: the SDK names these for migrations, and a web worker should not load
    # Alembic (and Mako) only to start.
    from alembic import op

    bind = op.get_bind()
    # SQLite's INTEGER already holds 64 bits, and its rowid numbers rows past 2**31 by itself.
    if bind.dialect.name != "postgresql":
        return
    for table, names in columns.items():
        # One ALTER TABLE per table: PostgreSQL rewrites the table (and its indexes) once, keeping
        # every row; foreign keys between int and bigint columns stay valid (one btree family).
        alters = ", ".join(f"ALTER COLUMN {_quote(name)} TYPE {sql_type}" for name in names)
        op.execute(f"ALTER TABLE {_quote(table)} {alters}")
        for name in names:
            # A serial's (or an identity's) sequence is typed too: AS integer stops it at 2**31-1
            # whatever the column holds.
            sequence = bind.execute(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": _quote(table), "column": name},
            ).scalar()
            if sequence:
                op.execute(f"ALTER SEQUENCE {sequence} AS {sql_type}")


def widen_ids(columns: Mapping[str, Sequence[str]]) -> None:
    """Make ``{table: [column, ...]}`` BIGINT on PostgreSQL, with their sequences; no-op on SQLite.

    For a migration's ``upgrade``: give it a table's ``id`` and every column that refers to a
    widened id, as the models declare them with ``BigId``.
    """
    _retype(columns, "BIGINT")


def narrow_ids(columns: Mapping[str, Sequence[str]]) -> None:
    """The ``downgrade`` of ``widen_ids``: back to INTEGER (fails if a value no longer fits)."""
    _retype(columns, "INTEGER")
