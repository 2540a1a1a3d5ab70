"""`resalat bazaar`: import a catalogue from CSV, rebuild the search index, complete orders due."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from resalat_bazaar import services
from resalat_bazaar.fulltext import index_for
from resalat_core.sdk import (
    BadInput,
    Member,
    _,
    cli_errors,
    db_session,
    echo_json,
    get_member,
    json_option,
    utcnow,
)

bazaar = AppGroup("bazaar", help="M-Bazar: import products, rebuild the search index, complete orders due.")


@bazaar.command("import-products")
@click.argument("booth_id", type=int)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--as",
    "actor",
    default=None,
    help="The booth owner's mobile or national code (default: the booth's owner).",
)
@json_option
@cli_errors
def import_products(booth_id: int, file: str, actor: str | None, as_json: bool) -> None:
    """Add the products in FILE (CSV, UTF-8) to the booth BOOTH_ID, all or none.

    The first line names the columns: title, category (a code such as saffron, or an id), price
    (tomans), stock, and optionally unit, kind (goods or service), programmes (livestock, solar
    ... separated by '|' or spaces) and description. Every row is checked first; if any is wrong,
    every wrong row is listed with its line number and nothing is imported.
    """
    session = db_session()
    booth = services.get_booth(session, booth_id)
    owner = get_member(session, actor) if actor else session.get(Member, booth.owner_id)
    if owner is None or owner.id != booth.owner_id:
        raise BadInput(_("Only the booth's owner may add products to it."))
    raw = click.open_file(file, "rb").read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadInput(_("The file is not UTF-8 text; save it as CSV UTF-8 and try again.")) from None
    rows = services.read_csv(text)
    # Two passes over the rows (check, then write); the bar goes to stderr so --json stays clean.
    with click.progressbar(length=2 * len(rows), label="importing", file=sys.stderr) as bar:
        try:
            made = services.import_products(session, booth, owner, rows, progress=bar.update)
        except services.ImportRefused as exc:
            session.rollback()
            bar.render_finish()
            if as_json:
                echo_json(
                    {"imported": 0, "errors": [{"line": line, "message": msg} for line, msg in exc.rows]}
                )
                sys.exit(1)
            raise  # cli_errors lists every bad row ("line 3: price: ...") and exits 1
    session.commit()
    if as_json:
        echo_json({"imported": len(made), "booth_id": booth.id, "product_ids": [p.id for p in made]})
    else:
        click.echo(f"{len(made)} products added to booth {booth.id} ({booth.name})")


@bazaar.command("reindex")
@json_option
@cli_errors
def reindex(as_json: bool) -> None:
    """Recompute every product's search text and rebuild the search index."""
    session = db_session()
    total = services.count_products(session)
    with click.progressbar(length=total, label="reindexing", file=sys.stderr) as bar:
        done = services.reindex(session, progress=bar.update)
    session.commit()
    backend = index_for(session).name
    if as_json:
        echo_json({"products": done, "backend": backend})
    else:
        click.echo(f"{done} products indexed ({backend})")


@bazaar.command("complete-due")
@json_option
@cli_errors
def complete_due(as_json: bool) -> None:
    """Complete the orders sent more than auto_complete_days ago that their buyers have not
    confirmed, and pay their sellers. Meant for a scheduler (daily); safe to run twice."""
    session = db_session()
    now = utcnow()
    due = services.due_count(session, now)
    with click.progressbar(length=due, label="completing", file=sys.stderr) as bar:
        done = services.complete_due(session, now, progress=bar.update)
    session.commit()
    if as_json:
        echo_json({"completed": len(done), "order_ids": done})
    else:
        click.echo(f"{len(done)} orders completed and paid to their sellers")


@bazaar.command("categories")
@json_option
@cli_errors
def categories(as_json: bool) -> None:
    """List the category tree (codes are what the CSV's category column takes)."""
    session = db_session()
    tree = services.category_tree(session)
    session.commit()
    rows = [
        {
            "id": c.id,
            "code": c.code,
            "parent": tree.by_id[c.parent_id].code if c.parent_id else None,
            "name_fa": c.name_fa,
            "name_en": c.name_en,
            "depth": depth,
        }
        for depth, c in tree.flat()
    ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{'  ' * row['depth']}{row['code']:<24} {row['name_en']}")
