"""The vouchers' pages: my vouchers, a voucher with its QR code, giving one on, issuing a batch,
an organisation's people, and a booth charging a voucher it scanned. Money moves only after the
person confirms what they read back."""

from __future__ import annotations

import uuid
from typing import Any

import segno
from flask import Blueprint, render_template, request, url_for
from markupsafe import Markup
from resalat_bazaar.services import PROGRAMME_LABELS, Booth, category_name, category_tree
from sqlalchemy import select

from resalat_core.sdk import (
    BadInput,
    FieldReader,
    NotAllowed,
    _,
    _l,
    chosen_id,
    current_language,
    db_session,
    handle_form,
    join_words,
    login_required,
    me,
    paginate,
    region_choices,
)

from . import plugin, services
from .models import BY_ADMIN, BY_ORGANISATION, BY_SUPPORTER, Voucher

bp = Blueprint(plugin.name, __name__, url_prefix=f"/{plugin.name}")

KIND_LABELS = {
    BY_ADMIN: _l("As an administrator, from the vouchers' budget"),
    BY_SUPPORTER: _l("As a supporter, from my main account"),
    BY_ORGANISATION: _l("As an organisation, from my main account"),
}


def masked(name: str) -> str:
    """A name with all but the first letter of each word hidden, for a stranger to read."""
    return " ".join(word[:1] + "*" * max(len(word) - 1, 1) for word in name.split())


def qr_svg(text: str) -> Markup:
    """The QR code of ``text`` as inline SVG, drawn here (no image from elsewhere)."""
    code = segno.make(text, error="m")
    # segno draws the modules and escapes the title itself: the SVG holds nothing a person typed.
    return Markup(  # noqa: S704
        code.svg_inline(scale=5, border=2, dark="#000", light="#fff", title=_("The voucher's QR code"))
    )


def _my_booths(member: Any) -> list[Booth]:
    return list(db_session().scalars(select(Booth).where(Booth.owner_id == member.id).order_by(Booth.id)))


@bp.get("/")
@login_required
def index() -> Any:
    """The member's vouchers, newest first, and the ways in for issuers and booths."""
    member = me()
    page = paginate(db_session(), services.vouchers_query(member))
    return render_template(
        "vouchers/index.html",
        plugin=plugin,
        page=page,
        kinds=services.issuer_kinds(member),
        has_booth=bool(_my_booths(member)),
        organisation=BY_ORGANISATION in services.issuer_kinds(member),
    )


def _where(voucher: Voucher) -> list[str]:
    """Where the voucher may be spent, in the reader's words."""
    session = db_session()
    batch = voucher.batch
    lines = []
    if batch.categories:
        tree = category_tree(session).by_code
        names = [category_name(tree[c]) for c in batch.categories if c in tree]
        lines.append(_("Only for: %(what)s", what=join_words(names)))
    if batch.programmes:
        lines.append(
            _(
                "Only products of the programmes: %(what)s",
                what=join_words(PROGRAMME_LABELS.get(p, p) for p in batch.programmes),
            )
        )
    if batch.booths:
        names = list(
            session.scalars(select(Booth.name).where(Booth.id.in_(batch.booths)).order_by(Booth.name))
        )
        lines.append(_("Only at the booths: %(what)s", what=join_words(names)))
    if batch.regions:
        choices = dict(region_choices(session, current_language(), within=batch.regions))
        lines.append(_("Only in: %(what)s", what=join_words(label.strip() for label in choices.values())))
    if not lines:
        lines.append(_("Anywhere in M-Bazar, and at any booth that scans it."))
    return lines


@bp.get("/<int:voucher_id>")
@login_required
def voucher(voucher_id: int) -> Any:
    """One voucher: its balance, where it may be spent, its QR code for a booth, its uses."""
    return _voucher_page(voucher_id, errors={}, status=200)


def _voucher_page(voucher_id: int, errors: dict[str, str], status: int, confirm: Any = None) -> Any:
    session = db_session()
    found = services.own_voucher(session, me(), voucher_id)
    scan = url_for(".charge_form", code=found.code, _external=True)
    return render_template(
        "vouchers/voucher.html",
        plugin=plugin,
        voucher=found,
        where=_where(found),
        uses=paginate(session, services.uses_query(found)),
        qr=qr_svg(scan) if found.usable else None,
        errors=errors,
        mobile=request.form.get("mobile", "") if request.method == "POST" else "",
        confirm=confirm,
    ), status


@bp.post("/<int:voucher_id>/gift")
@login_required
def gift(voucher_id: int) -> Any:
    """Give the voucher on: first read back to whom, then, confirmed, give it."""
    form = request.form
    session = db_session()
    if not form.get("confirmed"):
        found = services.own_voucher(session, me(), voucher_id)
        try:
            recipient = _gift_recipient(session, found, form.get("mobile", ""))
        except BadInput as exc:
            return _voucher_page(voucher_id, exc.form_errors(), exc.status)
        return _voucher_page(voucher_id, {}, 200, confirm=recipient)
    return handle_form(
        lambda s: services.give_voucher(s, me(), voucher_id, form.get("mobile", "")),
        again=lambda errors, status: _voucher_page(voucher_id, errors, status),
        to=url_for(".index"),
        done=_("The voucher is given."),
    )


def _gift_recipient(session: Any, found: Voucher, mobile: str) -> Any:
    """Check a gift without giving (the same checks as the service, in a savepoint undone)."""
    nested = session.begin_nested()
    try:
        given = services.give_voucher(session, me(), found.id, mobile)
        name = given.holder.name
    finally:
        nested.rollback()
    session.expire_all()
    return masked(name)


# --- issuing --------------------------------------------------------------------------------------


def _read_batch(form: Any, read: FieldReader) -> dict[str, Any]:
    return {
        "kind": form.get("kind", ""),
        "title": form.get("title", ""),
        "amount": read.money(form.get("amount"), "amount"),
        "expires_on": read.day(form.get("expires_on"), "expires_on"),
        "mobiles": [line for line in form.get("mobiles", "").replace(",", "\n").splitlines() if line.strip()],
        "categories": form.getlist("categories"),
        "booths": [
            b
            for b in (chosen_id(x) for x in form.get("booths", "").replace("،", ",").split(",") if x.strip())
            if b
        ]
        if form.get("booths", "").strip()
        else [],
        "regions": form.getlist("regions"),
        "programmes": form.getlist("programmes"),
    }


def _issue_page(errors: dict[str, str], status: int, checked: Any = None) -> Any:
    session = db_session()
    member = me()
    kinds = services.issuer_kinds(member)
    if not kinds:
        raise NotAllowed(_("Only administrators, supporters and organisations issue vouchers."))
    page = paginate(session, services.batches_query(member))
    tree = category_tree(session)
    values = request.form if request.method == "POST" else {}
    return render_template(
        "vouchers/issue.html",
        plugin=plugin,
        kinds=[(k, KIND_LABELS[k]) for k in kinds],
        page=page,
        left=services.batch_left(session, [b.id for b in page.items]),
        categories=[(c.code, category_name(c)) for c in tree.children(None)],
        programmes=[(code, str(label)) for code, label in PROGRAMME_LABELS.items()],
        regions=region_choices(session, current_language()),
        values=values,
        chosen=lambda name: request.form.getlist(name) if request.method == "POST" else [],
        errors=errors,
        checked=checked,
        key=values.get("key") or uuid.uuid4().hex,
    ), status


@bp.get("/issue")
@login_required
def issue_form() -> Any:
    """The issue form for administrators, supporters and organisations, and their batches."""
    return _issue_page({}, 200)


@bp.post("/issue")
@login_required
def issue() -> Any:
    """Check the batch and read it back; confirmed, pay for it and issue the vouchers."""
    form = request.form
    read = FieldReader()
    data = _read_batch(form, read)
    if not form.get("confirmed"):
        try:
            checked = read.run(lambda: services.check_batch(db_session(), me(), **data))
        except BadInput as exc:
            return _issue_page(exc.form_errors(), exc.status)
        return _issue_page({}, 200, checked=checked)
    return handle_form(
        lambda s: read.run(lambda: services.issue_batch(s, me(), key=form.get("key", ""), **data)),
        again=lambda errors, status: _issue_page(errors, status),
        to=url_for(".issue_form"),
        done=_("The vouchers are issued."),
    )


@bp.get("/people")
@login_required
def people() -> Any:
    """An organisation's people: the members it may give vouchers to."""
    return _people_page({}, 200)


def _people_page(errors: dict[str, str], status: int) -> Any:
    member = me()
    if BY_ORGANISATION not in services.issuer_kinds(member):
        raise NotAllowed(_("Only an organisation keeps a list of its people."))
    page = services.people_of(db_session(), member)
    return render_template("vouchers/people.html", plugin=plugin, page=page, errors=errors), status


@bp.post("/people")
@login_required
def add_person() -> Any:
    form = request.form
    if form.get("remove"):
        person_id = chosen_id(form.get("remove")) or 0
        return handle_form(
            lambda s: services.remove_person(s, me(), person_id),
            again=lambda errors, status: _people_page(errors, status),
            to=url_for(".people"),
            done=_("Removed from your people."),
        )
    return handle_form(
        lambda s: services.add_person(s, me(), form.get("mobile", "")),
        again=lambda errors, status: _people_page(errors, status),
        to=url_for(".people"),
        done=_("Added to your people."),
    )


# --- a booth charges a voucher ----------------------------------------------------------------------


def _charge_page(errors: dict[str, str], status: int, preview: Any = None, code: str = "") -> Any:
    member = me()
    booths = _my_booths(member)
    values = request.form if request.method == "POST" else {}
    return render_template(
        "vouchers/charge.html",
        plugin=plugin,
        booths=booths,
        values=values,
        code=values.get("code", code),
        errors=errors,
        preview=preview,
        holder=masked(preview.voucher.holder.name) if preview is not None else "",
        key=values.get("key") or uuid.uuid4().hex,
    ), status


@bp.get("/charge")
@login_required
def charge_form() -> Any:
    """A booth's page to charge a voucher: the code as scanned (the QR code opens it filled)."""
    return _charge_page({}, 200, code=request.args.get("code", "")[:40])


@bp.post("/charge")
@login_required
def charge() -> Any:
    """Check the voucher and the amount and read them back; confirmed, charge it."""
    form = request.form
    read = FieldReader()
    amount = read.money(form.get("amount"), "amount")
    booth_id = chosen_id(form.get("booth"))
    if not form.get("confirmed"):
        try:
            preview = read.run(
                lambda: services.preview_charge(db_session(), me(), booth_id, form.get("code"), amount)
            )
        except BadInput as exc:
            return _charge_page(exc.form_errors(), exc.status)
        return _charge_page({}, 200, preview=preview)
    return handle_form(
        lambda s: read.run(
            lambda: services.charge(s, me(), booth_id, form.get("code"), amount, key=form.get("key", ""))
        ),
        again=lambda errors, status: _charge_page(errors, status),
        to=url_for(".charge_form"),
        done=_("The voucher is charged; the money is in your main account."),
    )
