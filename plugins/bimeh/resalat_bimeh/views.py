"""M-Bimeh's pages: products, a quote confirmed before buying, my policies and offers, a policy
with its instalments and claims, the claim form and page, the insurer's queue, the pool."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from resalat_loans import services as loans

from resalat_core.sdk import (
    BadInput,
    ResalatError,
    _l,
    area_of,
    db_session,
    handle_form,
    login_required,
    main_account,
    me,
    paginate,
    parse_jalali_date,
    permission_required,
    read_count,
    read_money,
)

from . import ASSESS, VIEW_POOL, plugin, services, setting
from .models import ACTIVE, PRODUCTS, WAITING

bp = Blueprint(plugin.name, __name__, url_prefix=f"/{plugin.name}")

QUOTE_FIELDS = ("offer", "loan", "amount", "heads", "choice", "core", "instalments", "renews")


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "policy_status": services.POLICY_STATUS_LABELS,
        "claim_status": services.CLAIM_STATUS_LABELS,
        "product_of": services.product,
        "status_now": services.status_now,
        "WAITING": WAITING,
        "ACTIVE": ACTIVE,
    }


@bp.get("/")
@login_required
def index() -> Any:
    """My offers, my policies (a loan policy's sum read live), and the way to the products."""
    session = db_session()
    member = me()
    page = paginate(session, services.policies_query(member))
    return render_template(
        "bimeh/index.html",
        offers=services.open_offers(session, member),
        page=page,
        sums=services.insured_sums(session, list(page.items)),
        today=services.today(),
    )


@bp.get("/products")
@login_required
def products() -> Any:
    """Every product with its price rule, term, terms and exclusions."""
    return render_template("bimeh/products.html", products=services.products())


def _quote_params(source: Any) -> dict[str, Any]:
    """What the member typed for a quote, read once at the edge (amounts in tomans)."""
    params: dict[str, Any] = {}
    for name in QUOTE_FIELDS:
        value = source.get(name)
        if value in (None, ""):
            continue
        if name == "amount":
            params[name] = read_money(value, field="amount")
        elif name == "choice":
            params[name] = read_money(value, unit="rial", field="choice")
        else:
            params[name] = read_count(value, field=name, minimum=1, maximum=2**31 - 1)
    return params


def _quote_page(product: str, source: Any, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    if product not in PRODUCTS:
        abort(404)
    session = db_session()
    member = me()
    errors = dict(errors or {})
    found = None
    raw = {name: source.get(name, "") for name in QUOTE_FIELDS}
    if not errors and any(source.get(name) for name in QUOTE_FIELDS):
        try:
            found = services.quote(session, member, product, **_quote_params(source))
        except ResalatError as exc:
            errors = exc.form_errors()
            status = exc.status if status == 200 else status
    running = (
        [loan for loan in loans.loans_of(session, member, 1, 50).items if loan.status == "disbursed"]
        if product == "loan_life"
        else []
    )
    led = []
    info = services.product(product)
    if info.rule.get("family"):
        from resalat_cores import services as cores

        led = cores.cores_of_member(session, member)
    balance = main_account(session, member).available
    return (
        render_template(
            "bimeh/quote.html",
            info=info,
            quote=found,
            errors=errors,
            values=raw,
            loans=running,
            cores=led,
            balance=balance,
            key=uuid.uuid4().hex,
            max_instalments=max(1, min(int(setting("max_instalments")), info.term_months)),
        ),
        status,
    )


@bp.get("/quote/<product>")
@login_required
def quote(product: str) -> Any:
    """The quote: sum, premium, term, terms and exclusions, then a confirmation; nothing moves yet."""
    return _quote_page(product, request.args)


@bp.post("/quote/<product>")
@login_required
def buy(product: str) -> Any:
    if product not in PRODUCTS:
        abort(404)

    def act(session: Any) -> Any:
        return services.buy(
            session, me(), key=request.form.get("key"), product=product, **_quote_params(request.form)
        )

    return handle_form(
        act,
        again=lambda errors, status: _quote_page(product, request.form, errors, status),
        to=lambda policy: url_for(".policy", policy_id=policy.id),
        done=_l("Your policy is issued and its first payment is made."),
    )


@bp.post("/offers/<int:offer_id>/decline")
@login_required
def decline(offer_id: int) -> Any:
    def again(errors: dict[str, str], _status: int) -> Any:
        flash(errors["_form"], "danger")
        return redirect(url_for(".index"))

    return handle_form(
        lambda session: services.decline_offer(session, me(), offer_id),
        again=again,
        to=url_for(".index"),
        done=_l("The offer is declined."),
    )


@bp.get("/policies/<int:policy_id>")
@login_required
def policy(policy_id: int) -> Any:
    """One policy: what it covers now, its people, instalments and claims, pay, claim, renew."""
    session = db_session()
    member = me()
    found = services.own_policy(session, member, policy_id)
    return render_template(
        "bimeh/policy.html",
        policy=found,
        covered=services.insured_sum(session, found),
        premiums=services.premiums_of(session, [found.id])[found.id],
        claims=paginate(session, services.policy_claims_query(found.id)),
        next_item=services.next_unpaid(found) if found.status == ACTIVE else None,
        why_no_claim=services.may_claim(found),
        renewable=services.renewable(session, found),
        paid=services.paid_on_policy(session, found.id),
    )


@bp.get("/policies/<int:policy_id>/pay")
@login_required
def confirm_pay(policy_id: int) -> Any:
    """The confirmation step of an instalment: what, from which account; nothing moves yet."""
    session = db_session()
    member = me()
    found = services.own_policy(session, member, policy_id)
    item = services.next_unpaid(found) if found.status == ACTIVE else None
    if item is None:
        flash(_l("Nothing is due on this policy."), "info")
        return redirect(url_for(".policy", policy_id=found.id))
    return render_template(
        "bimeh/pay.html", policy=found, item=item, balance=main_account(session, member).available
    )


@bp.post("/policies/<int:policy_id>/pay")
@login_required
def pay(policy_id: int) -> Any:
    def again(errors: dict[str, str], _status: int) -> Any:
        flash(errors["_form"], "danger")
        return redirect(url_for(".policy", policy_id=policy_id))

    return handle_form(
        lambda session: services.pay_premium(session, me(), policy_id, request.form.get("seq")),
        again=again,
        to=url_for(".policy", policy_id=policy_id),
        done=_l("The instalment is paid. Thank you."),
    )


def _claim_form(policy_id: int, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    session = db_session()
    found = services.own_policy(session, me(), policy_id)
    covered = services.insured_sum(session, found)
    return (
        render_template(
            "bimeh/claim_form.html",
            policy=found,
            covered=covered,
            left=covered
            if found.product == "loan_life"
            else covered - services.paid_on_policy(session, found.id),
            why_not=services.may_claim(found),
            errors=errors or {},
            values=request.form if request.method == "POST" else {},
            key=request.form.get("key") or uuid.uuid4().hex,
            max_photos=int(setting("max_photos")),
        ),
        status,
    )


@bp.get("/policies/<int:policy_id>/claim")
@login_required
def claim_form(policy_id: int) -> Any:
    """The claim form: what the policy still insures, the loss, its day, the amount, photos."""
    return _claim_form(policy_id)


@bp.post("/policies/<int:policy_id>/claim")
@login_required
def file_claim(policy_id: int) -> Any:
    def act(session: Any) -> Any:
        member = me()
        form = request.form
        errors: dict[str, str] = {}
        loss_on = None
        try:
            loss_on = parse_jalali_date(form.get("loss_on", ""), field="loss_on")
        except BadInput as exc:
            errors.update(exc.form_errors())
        amount: int | None = None
        found = services.own_policy(session, member, policy_id)
        if found.product != "loan_life":
            try:
                amount = read_money(form.get("amount"), field="amount")
            except BadInput as exc:
                errors.update(exc.form_errors())
        if errors:
            errors.pop("_form", None)
            raise BadInput(next(iter(errors.values())), fields=errors)
        uploads = request.files.getlist("photos")
        return services.file_claim(
            session,
            member,
            policy_id,
            key=form.get("key"),
            description=form.get("description"),
            loss_on=loss_on,
            amount=amount,
            files=lambda: services.stored_uploads(session, member, uploads),
        )

    return handle_form(
        act,
        again=lambda errors, status: _claim_form(policy_id, errors, status),
        to=lambda claim: url_for(".claim", claim_id=claim.id),
        done=_l("Your claim is filed. The insurer of your region will read it."),
    )


@bp.get("/claims/<int:claim_id>")
@login_required
def claim(claim_id: int) -> Any:
    """A claim, for its member and for an insurer of its region (who decides it here)."""
    session = db_session()
    viewer = me()
    found = services.claim_for(session, viewer, claim_id)
    assessing = found.status == WAITING and services.may_assess(session, viewer, found)
    return render_template(
        "bimeh/claim.html",
        claim=found,
        covered=services.insured_sum(session, found.policy),
        files=services.files_of(session, found),
        assessing=assessing,
        errors={},
        values={},
    )


@bp.post("/claims/<int:claim_id>/decide")
@permission_required(ASSESS)
def decide(claim_id: int) -> Any:
    form = request.form

    def act(session: Any) -> Any:
        amount = None
        if form.get("decision") == "part":
            amount = read_money(form.get("amount"), field="amount")
        return services.decide(
            session,
            me(),
            claim_id,
            decision=form.get("decision"),
            amount=amount,
            reason=form.get("reason", ""),
        )

    def again(errors: dict[str, str], status: int) -> Any:
        session = db_session()
        found = services.claim_for(session, me(), claim_id)
        return (
            render_template(
                "bimeh/claim.html",
                claim=found,
                covered=services.insured_sum(session, found.policy),
                files=services.files_of(session, found),
                assessing=found.status == WAITING,
                errors=errors,
                values=form,
            ),
            status,
        )

    return handle_form(
        act,
        again=again,
        to=url_for(".queue"),
        done=_l("The claim is decided and the member is told."),
    )


@bp.get("/claims/<int:claim_id>/files/<int:file_id>")
@login_required
def claim_file(claim_id: int, file_id: int) -> Any:
    """A claim's photo (``?thumb=1``: its thumbnail) or document, for the claimant or an insurer
    of its region, checked before a byte is served."""
    thumb = request.args.get("thumb") == "1"
    return services.serve_file(db_session(), me(), claim_id, file_id, thumb=thumb)


@bp.get("/queue")
@permission_required(ASSESS)
def queue() -> Any:
    """The insurer's claims: waiting ones, the oldest first; or those decided."""
    session = db_session()
    insurer = me()
    status = request.args.get("status", WAITING)
    if status not in services.CLAIM_STATUS_LABELS:
        status = WAITING
    page = paginate(session, services.queue_query(session, insurer, status))
    return render_template(
        "bimeh/queue.html",
        page=page,
        status=status,
    )


@bp.get("/pool")
@permission_required(VIEW_POOL)
def pool() -> Any:
    """The pool's balance, premiums in and claims out, policies and claims within the admin's area."""
    session = db_session()
    return render_template(
        "bimeh/pool.html", figures=services.figures(session, area_of(session, me(), VIEW_POOL))
    )
