"""Loan products and programmes: their ranges, fixed fee, what they need and what their money may buy."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from resalat_bazaar import services as bazaar
from sqlalchemy import select
from sqlalchemy.orm import Session

from resalat_core.sdk import NotFound, _
from resalat_loans import setting
from resalat_loans.models import CODE_MAX, NAME_MAX, LoanProduct
from resalat_loans.services.checks import check_rials, check_whole, invalid

DEFAULT_FEE_BPS = 200
MAX_INSTALMENTS = 120
FLAGS = {
    "requires_note": True,
    "social_guarantee_accepted": False,
    "uses_points": True,
    "introduction_required": False,
    "active": True,
}


def _codes(value: Any) -> list[str]:
    """Category or programme codes, each once, in order."""
    items: Iterable[Any] = [] if value is None else [value] if isinstance(value, str) else value
    return sorted({str(x).strip() for x in items if str(x).strip()})


def _spend_rules(
    data: dict[str, Any], existing: LoanProduct | None, programme: str | None, errors: dict[str, Any]
) -> dict[str, list[str]]:
    """What the loan's money may buy in M-Bazar: category codes, and programmes goods must carry.

    Codes only: M-Hesam and M-Bazar tell the member what they mean.
    """
    old = (existing.spend_rules or {}) if existing is not None else {}
    rules = {
        name: _codes(data[name] if data.get(name) is not None else old.get(name, []))
        for name in ("categories", "programmes")
    }
    if programme and programme not in rules["programmes"] and "programmes" not in data:
        rules["programmes"] = [programme]
    if any(p not in bazaar.PROGRAMMES for p in rules["programmes"]):
        errors["programmes"] = _("Choose from: %(values)s.", values=", ".join(bazaar.PROGRAMMES))
    if not rules["categories"] and not rules["programmes"]:
        errors["categories"] = _("Say what the loan may buy: categories or programmes.")
    return {k: v for k, v in rules.items() if v}


def _terms(current: Any, errors: dict[str, Any]) -> dict[str, Any]:
    """The product's ranges, fee, score and guarantors, each checked under its own field."""
    terms: dict[str, Any] = {
        "amount_min": check_rials(current("amount_min"), "amount_min", errors),
        "amount_max": check_rials(current("amount_max"), "amount_max", errors),
        "instalments_min": check_whole(
            current("instalments_min"), "instalments_min", errors, low=1, high=MAX_INSTALMENTS
        ),
        "instalments_max": check_whole(
            current("instalments_max"), "instalments_max", errors, low=1, high=MAX_INSTALMENTS
        ),
        "fee_bps": check_whole(current("fee_bps", DEFAULT_FEE_BPS), "fee_bps", errors, low=0, high=10_000),
        "min_score": check_whole(current("min_score", 0), "min_score", errors, low=0, high=1000),
        "guarantors_required": check_whole(
            current("guarantors_required", 0), "guarantors_required", errors, low=0, high=5
        ),
    }
    if None not in (terms["amount_min"], terms["amount_max"]) and terms["amount_max"] < terms["amount_min"]:
        errors["amount_max"] = _("The largest amount must not be below the smallest.")
    low, high = terms["instalments_min"], terms["instalments_max"]
    if low is not None and high is not None and high < low:
        errors["instalments_max"] = _("The most instalments must not be below the fewest.")
    cap = int(setting("max_fee_bps"))
    if terms["fee_bps"] is not None and terms["fee_bps"] > cap:
        errors["fee_bps"] = _(
            "The fee may be at most %(cap)s basis points (%(percent)s%%): it is a fee, never interest.",
            cap=cap,
            percent=cap // 100 if cap % 100 == 0 else cap / 100,
        )
    return terms


def save_product(session: Session, data: dict[str, Any]) -> LoanProduct:
    """Create or update (by ``code``) a loan product; BadInput naming every bad field.

    ``data`` holds typed values: rials, whole numbers, lists of codes, booleans; a key left out (or
    None) keeps what the product had. The fee is in basis points (200 = 2%) and may not pass the
    ``max_fee_bps`` setting (4%). Spend rules name M-Bazar category codes and programmes; a
    programme must be one M-Bazar knows.
    """
    errors: dict[str, Any] = {}
    code = str(data.get("code") or "").strip().lower()
    if not code or len(code) > CODE_MAX or not code.replace("_", "").replace("-", "").isalnum():
        errors["code"] = _("A code of letters, digits, - and _ (up to %(n)s).", n=CODE_MAX)
    existing = session.scalar(select(LoanProduct).where(LoanProduct.code == code)) if code else None

    def current(name: str, default: Any = None) -> Any:
        if name in data and data[name] is not None:
            return data[name]
        return getattr(existing, name) if existing is not None else default

    names = {}
    for name in ("name_fa", "name_en"):
        text = str(current(name, "") or "").strip()
        if not text or len(text) > NAME_MAX:
            errors[name] = _("Give a name of up to %(n)s characters.", n=NAME_MAX)
        names[name] = text
    programme = current("programme") or None
    if programme is not None and programme not in bazaar.PROGRAMMES:
        errors["programme"] = _("Choose one of: %(values)s.", values=", ".join(bazaar.PROGRAMMES))
    terms = _terms(current, errors)
    rules = _spend_rules(data, existing, programme, errors)
    if errors:
        raise invalid(errors)
    product = existing or LoanProduct(code=code)
    product.name_fa, product.name_en = names["name_fa"], names["name_en"]
    product.programme = programme
    for name, value in terms.items():
        setattr(product, name, value)
    for flag, default in FLAGS.items():
        setattr(product, flag, bool(current(flag, default)))
    product.spend_rules = rules
    if existing is None:
        session.add(product)
    session.flush()
    return product


def products(session: Session, *, active_only: bool = True) -> list[LoanProduct]:
    """The products, oldest first (only those offered to members unless ``active_only`` is False)."""
    stmt = select(LoanProduct).order_by(LoanProduct.id)
    if active_only:
        stmt = stmt.where(LoanProduct.active.is_(True))
    return list(session.scalars(stmt))


def get_product(session: Session, ref: int | str) -> LoanProduct:
    """A product by id or code; NotFound if there is none."""
    product = (
        session.get(LoanProduct, ref)
        if isinstance(ref, int)
        else session.scalar(select(LoanProduct).where(LoanProduct.code == str(ref)))
    )
    if product is None:
        raise NotFound(_("No such loan product."), code="unknown_product")
    return product
