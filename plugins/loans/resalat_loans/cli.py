"""`resalat loans`: the periodic run-due job, funding the loan fund, products and loans for scripts."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from resalat_core.sdk import (
    BadInput,
    _,
    cli_errors,
    db_session,
    echo_json,
    fund_command,
    json_option,
    plan_job,
    run_job,
    utcnow,
)
from resalat_loans import services
from resalat_loans.models import STATUSES, Instalment, Loan, LoanProduct
from resalat_loans.reading import codes

# The periodic job's code: `resalat jobs run loans.run_due` and Celery beat run the same chunks.
RUN_DUE = "loans.run_due"

loans = AppGroup("loans", help="Qard al-Hasan loans: the periodic job, the loan fund, products and loans.")


def product_dict(p: LoanProduct) -> dict[str, Any]:
    return {
        "code": p.code,
        "name_fa": p.name_fa,
        "name_en": p.name_en,
        "programme": p.programme,
        "amount_min": p.amount_min,
        "amount_max": p.amount_max,
        "instalments_min": p.instalments_min,
        "instalments_max": p.instalments_max,
        "fee_bps": p.fee_bps,
        "min_score": p.min_score,
        "requires_note": p.requires_note,
        "guarantors_required": p.guarantors_required,
        "social_guarantee_accepted": p.social_guarantee_accepted,
        "uses_points": p.uses_points,
        "introduction_required": p.introduction_required,
        "spend_rules": p.spend_rules,
        "active": p.active,
    }


@loans.command("run-due")
@click.option("--today", "on", default=None, help="Run as if today were this day (YYYY-MM-DD).")
@json_option
@cli_errors
def run_due(on: str | None, as_json: bool) -> None:
    """Remind of instalments falling due, move overdue loans through the buckets, call guarantees."""
    day = None
    if on:
        try:
            day = date.fromisoformat(on)
        except ValueError:
            raise BadInput(_("--today must be a day as YYYY-MM-DD."), fields={"today": on}) from None
    # The periodic job's chunks, run here one after the other (Celery workers take the same ones).
    now = utcnow()
    chunks = plan_job(RUN_DUE, now, day=day.isoformat() if day else None)
    with click.progressbar(length=max(len(chunks), 1), label="loans", file=sys.stderr) as bar:
        done = run_job(RUN_DUE, now=now, chunks=chunks, progress=bar.update)
    counts = {name: done.counts.get(name, 0) for name in services.DueResult().as_dict()}
    if as_json:
        echo_json(counts)
        return
    for name, value in counts.items():
        click.echo(f"{name}: {value}")


fund_command(
    loans,
    services.fund,
    json_key="loan_fund",
    label="loan fund",
    help="Bring AMOUNT rials into the loan fund from outside (cash in).",
)


@loans.command("products")
@click.option("--all", "show_all", is_flag=True, help="Include inactive products.")
@json_option
@cli_errors
def products(show_all: bool, as_json: bool) -> None:
    """The loan products and programmes."""
    found = services.products(db_session(), active_only=not show_all)
    if as_json:
        echo_json([product_dict(p) for p in found])
        return
    for p in found:
        click.echo(
            f"{p.code:<12} {p.amount_min:>14,}..{p.amount_max:<16,} {p.instalments_min}-{p.instalments_max} "
            f"fee {p.fee_bps / 100:g}%  score>={p.min_score}  {p.name_en}"
        )


@loans.command("product")
@click.argument("code")
@click.option("--name-fa")
@click.option("--name-en")
@click.option("--programme")
@click.option("--amount-min", type=int, help="rials")
@click.option("--amount-max", type=int, help="rials")
@click.option("--instalments-min", type=int)
@click.option("--instalments-max", type=int)
@click.option("--fee-bps", type=int, help="basis points: 200 = 2%")
@click.option("--min-score", type=int)
@click.option("--guarantors-required", type=int)
@click.option("--categories", help="M-Bazar category codes, comma-separated")
@click.option("--programmes", help="M-Bazar programmes, comma-separated")
@click.option("--requires-note/--no-note", default=None)
@click.option("--uses-points/--no-points", default=None)
@click.option("--social-guarantee/--no-social-guarantee", "social_guarantee_accepted", default=None)
@click.option("--introduction-required/--no-introduction", default=None)
@click.option("--active/--inactive", default=None)
@json_option
@cli_errors
def product(code: str, as_json: bool, **options: Any) -> None:
    """Create or change the product CODE (only the options given change)."""
    session = db_session()
    data = {k: v for k, v in options.items() if v is not None}
    for name in ("categories", "programmes"):
        if name in data:
            data[name] = codes(data[name])
    data["code"] = code
    saved = services.save_product(session, data)
    session.commit()
    if as_json:
        echo_json(product_dict(saved))
    else:
        click.echo(f"saved {saved.code}")


@loans.command("list")
@click.option("--status", type=click.Choice(STATUSES), default=None)
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10_000))
@json_option
@cli_errors
def list_loans(status: str | None, limit: int, as_json: bool) -> None:
    """Loans, newest first (or only those of one --status)."""
    session = db_session()
    stmt = select(Loan).order_by(Loan.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(Loan.status == status)
    found = list(session.scalars(stmt))
    paid = dict(
        session.execute(
            select(Instalment.loan_id, func.count(Instalment.paid_at))
            .where(Instalment.loan_id.in_([loan.id for loan in found]))
            .group_by(Instalment.loan_id)
        ).all()
    )
    rows = [
        {
            "id": loan.id,
            "member": {"id": loan.member_id, "name": loan.member.name},
            "product": loan.product.code,
            "status": loan.status,
            "bucket": loan.bucket,
            "amount": loan.amount,
            "fee": loan.fee,
            "instalments": loan.instalments,
            "instalments_paid": int(paid.get(loan.id, 0)),
            "created_at": loan.created_at.isoformat(),
        }
        for loan in found
    ]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("no loans")
    for r in rows:
        click.echo(
            f"{r['id']:>6}  {r['status']:<10} {r['bucket']:<8} {r['amount']:>14,} rials  "
            f"{r['instalments_paid']}/{r['instalments']}  {r['product']}  {r['member']['name']}"
        )
