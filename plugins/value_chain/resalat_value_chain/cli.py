"""`resalat value_chain`: goods, fields' inputs and outputs, suggestions, needs."""

from __future__ import annotations

import sys
from typing import Any

import click
from flask.cli import AppGroup

from resalat_core.sdk import cli_errors, db_session, echo_json, json_option, paginate
from resalat_value_chain import services
from resalat_value_chain.schemas import jalali

value_chain = AppGroup(
    "value_chain", help="Value chain: goods, fields' inputs and outputs, suggestions, needs."
)


@value_chain.command("goods")
@json_option
@cli_errors
def list_goods(as_json: bool) -> None:
    """Every good, built-in ones first, with its M-Bazar categories."""
    rows = [
        {
            "code": g.code,
            "name_fa": g.name_in("fa"),
            "name_en": g.name_in("en"),
            "categories": list(g.categories),
        }
        for g in services.all_goods(db_session())
    ]
    if as_json:
        echo_json({"items": rows})
        return
    for r in rows:
        click.echo(f"{r['code']:<20} {r['name_en']}  [{', '.join(r['categories'])}]")


@value_chain.command("add-good")
@click.argument("code")
@click.option("--fa", "name_fa", required=True, help="The Persian name.")
@click.option("--en", "name_en", required=True, help="The English name.")
@click.option("--category", "categories", multiple=True, help="An M-Bazar category code (repeat).")
@json_option
@cli_errors
def add_good(code: str, name_fa: str, name_en: str, categories: tuple[str, ...], as_json: bool) -> None:
    """Add a good with both names and the M-Bazar categories where it is sold."""
    session = db_session()
    good = services.add_good(session, code=code, name_fa=name_fa, name_en=name_en, categories=categories)
    session.commit()
    if as_json:
        echo_json(
            {
                "code": good.code,
                "name_fa": good.name_fa,
                "name_en": good.name_en,
                "categories": good.categories,
            }
        )
    else:
        click.echo(f"added {good.code}")


def _field_row(io: services.FieldIO) -> dict[str, Any]:
    return {
        "code": io.field.code,
        "inputs": list(io.inputs),
        "outputs": list(io.outputs),
        "customised": io.customised,
    }


@value_chain.command("fields")
@json_option
@cli_errors
def list_fields(as_json: bool) -> None:
    """Every field of the cores registry with the goods it needs and makes."""
    rows = [_field_row(io) for io in services.field_goods(db_session()).values()]
    if as_json:
        echo_json({"items": rows})
        return
    for r in rows:
        click.echo(f"{r['code']:<16} {', '.join(r['inputs']) or '-'} -> {', '.join(r['outputs']) or '-'}")


@value_chain.command("set-field")
@click.argument("code")
@click.option("--inputs", default="", help="Comma-separated codes of the goods the field needs.")
@click.option("--outputs", default="", help="Comma-separated codes of the goods the field makes.")
@json_option
@cli_errors
def set_field(code: str, inputs: str, outputs: str, as_json: bool) -> None:
    """Set a field's inputs and outputs (replacing the built-in default)."""
    session = db_session()
    io = services.set_field_goods(session, None, code, inputs=inputs.split(","), outputs=outputs.split(","))
    session.commit()
    if as_json:
        echo_json(_field_row(io))
    else:
        click.echo(f"{io.field.code}: {', '.join(io.inputs) or '-'} -> {', '.join(io.outputs) or '-'}")


@value_chain.command("suggest")
@click.option(
    "--region", "region_code", default="", help="Only cores of this region (a province takes in its places)."
)
@json_option
@cli_errors
def suggest(region_code: str, as_json: bool) -> None:
    """Compute suggested links: for each active core's inputs, the nearest cores making them."""
    session = db_session()
    targets = services.suggestion_targets(session, region_code or None)
    with click.progressbar(length=max(len(targets), 1), label="suggesting", file=sys.stderr) as bar:
        created = services.compute_suggestions(session, targets=targets, progress=bar.update)
    session.commit()
    if as_json:
        echo_json({"cores": len(targets), "created": created})
    else:
        click.echo(f"{created} new suggestions for {len(targets)} cores")


@value_chain.command("needs")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1))
@click.option("--per-page", default=50, show_default=True, type=click.IntRange(1, 500))
@json_option
@cli_errors
def list_needs(page: int, per_page: int, as_json: bool) -> None:
    """Organisations' open needs, soonest deadline first."""
    session = db_session()
    result = paginate(session, services.open_needs_query(), page, per_page)
    counts = services.answer_counts(session, result.items)
    rows = [
        {
            "id": n.id,
            "good": n.good_code,
            "quantity": n.quantity,
            "unit": n.unit,
            "region": n.region.code if n.region else None,
            "deadline": jalali(n.deadline),
            "owner": n.owner.name,
            "answers": counts.get(n.id, 0),
        }
        for n in result.items
    ]
    if as_json:
        echo_json({"items": rows, "meta": result.meta()})
        return
    if not rows:
        click.echo("no open needs")
        return
    for r in rows:
        click.echo(
            f"{r['id']:>5}  {r['quantity']} {r['unit']} {r['good']}  from {r['region'] or 'anywhere'}  "
            f"by {r['deadline']}  {r['answers']} answers"
        )
