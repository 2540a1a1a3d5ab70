"""The value chain's pages: the chains of fields, a core's suppliers and buyers, suggestions, needs, admin."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from resalat_cores import services as cores
from resalat_guides import services as guides

from resalat_core.sdk import (
    BadInput,
    FieldReader,
    Number,
    _,
    _l,
    can,
    current_language,
    db_session,
    flash_back,
    handle_form,
    login_required,
    me,
    page_args,
    paginate,
    parse_jalali_date,
    permission_required,
    public,
    region_choices,
    to_latin_digits,
    today_in_iran,
)
from resalat_value_chain import chain as chain_module
from resalat_value_chain import services
from resalat_value_chain.models import OPEN
from resalat_value_chain.svg import chain_svg

bp = Blueprint("value_chain", __name__, url_prefix="/value_chain")


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "distance_labels": services.DISTANCE_LABELS,
        "need_status": services.NEED_STATUS_LABELS,
        "distance": services.distance,
        "link_status": guides.LINK_STATUS_LABELS,
    }


def read_day(value: Any, field: str = "deadline") -> Any:
    """A Jalali date as typed (any digits); None when left empty."""
    text = to_latin_digits(value.strip()) if isinstance(value, str) else ""
    if not text:
        return None
    if len(text) >= 4 and text[:4].isdecimal() and not 1300 <= int(text[:4]) <= 1499:
        message = _("Enter the date in the Persian calendar, like 1404/05/20.")
        raise BadInput(message, fields={field: message})
    return parse_jalali_date(text, field=field)


# --- overview and chains -----------------------------------------------------------------------


@bp.get("/")
@login_required
def index() -> Any:
    """The fields and their chains, and what this member may do here."""
    session = db_session()
    member = me()
    led = [c for c in cores.cores_led_by(session, member) if c.status == cores.ACTIVE]
    goods = services.goods_by_code(session)

    def names(codes: tuple[str, ...]) -> list[str]:
        return [goods[c].name for c in codes if c in goods]

    return render_template(
        "value_chain/index.html",
        rows=[(io, names(io.inputs), names(io.outputs)) for io in services.field_goods(session).values()],
        led=led,
        needs_waiting=services.count_of(session, services.needs_for_leader_query(session, member))
        if led
        else 0,
        may_link=can(services.LINK, member=member),
        may_post=services.may_post_need(member),
        is_admin=can(services.ADMIN, member=member),
    )


@bp.get("/fields/<code>")
@public
def field_chain(code: str) -> Any:
    """A field's chain, drawn, and its active cores (public: the same cores the cores plugin's
    public search shows, and a chain is what anyone deciding what to make should read)."""
    session = db_session()
    chain = chain_module.chain_of(session, code)
    page, per_page = page_args()
    return render_template(
        "value_chain/chain.html",
        chain=chain,
        svg=chain_svg(chain),
        cores=paginate(session, chain_module.field_cores_query(chain.field), page, per_page),
        field_name=chain.field.name_en if current_language() == "en" else chain.field.name_fa,
    )


# --- a core's suppliers and buyers --------------------------------------------------------------


@bp.get("/cores/<int:core_id>")
@login_required
def core(core_id: int) -> Any:
    session = db_session()
    found = services.core_for(session, me(), core_id)
    io = services.field_goods(session).get(found.field.code)
    inputs = list(io.inputs) if io else []
    outputs = list(io.outputs) if io else []
    goods = services.goods_by_code(session)
    chosen = request.args.get("good") or next(iter(inputs + outputs), None)
    page, per_page = page_args()
    other = page_args({"page": request.args.get("other", 1), "per_page": per_page})[0]
    matches = (
        services.core_matches(session, found, chosen, page=page, per_page=per_page, other_page=other)
        if chosen
        else None
    )
    return render_template(
        "value_chain/core.html",
        core=found,
        inputs=[goods[c] for c in inputs if c in goods],
        outputs=[goods[c] for c in outputs if c in goods],
        matches=matches,
        linked=services.linked_core_ids(session, found),
        links=services.core_links(session, found),
    )


# --- suggestions --------------------------------------------------------------------------------


@bp.get("/suggestions")
@permission_required(services.LINK)
def suggestions() -> Any:
    session = db_session()
    page, per_page = page_args()
    area = services.suggestions_area(session, me())
    return render_template(
        "value_chain/suggestions.html",
        page=paginate(session, services.suggestions_query(area), page, per_page),
        goods=services.goods_by_code(session),
    )


@bp.post("/suggestions/<int:suggestion_id>/make")
@permission_required(services.LINK)
def make_suggestion(suggestion_id: int) -> Any:
    back = url_for("value_chain.suggestions")
    return handle_form(
        lambda s: services.make_suggestion(s, me(), suggestion_id),
        again=flash_back(back),
        to=back,
        done=_l("The link was suggested to the other core's leader."),
    )


@bp.post("/suggestions/<int:suggestion_id>/decline")
@permission_required(services.LINK)
def decline_suggestion(suggestion_id: int) -> Any:
    back = url_for("value_chain.suggestions")
    return handle_form(
        lambda s: services.decline_suggestion(s, me(), suggestion_id),
        again=flash_back(back),
        to=back,
        done=_l("The suggestion was declined; it will not be suggested again."),
    )


# --- needs --------------------------------------------------------------------------------------


@bp.get("/needs")
@login_required
def needs() -> Any:
    """Needs the member's cores can answer, and the needs the member posted."""
    session = db_session()
    member = me()
    page, per_page = page_args()
    for_me = paginate(session, services.needs_for_leader_query(session, member), page, per_page)
    mine = (
        paginate(session, services.my_needs_query(member), 1, per_page)
        if services.may_post_need(member)
        else None
    )
    return render_template(
        "value_chain/needs.html",
        for_me=for_me,
        mine=mine,
        counts=services.answer_counts(session, [*(mine.items if mine else [])]),
        goods=services.goods_by_code(session),
        may_post=services.may_post_need(member),
    )


def _need_form(values: Any = None, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    session = db_session()
    return render_template(
        "value_chain/need_form.html",
        values=values or {},
        errors=errors or {},
        goods=services.all_goods(session),
        regions=region_choices(session, current_language()),
    ), status


@bp.get("/needs/new")
@permission_required(services.POST_NEED)
def new_need() -> Any:
    return _need_form()


@bp.post("/needs/new")
@permission_required(services.POST_NEED)
def post_need() -> Any:
    form = request.form

    def act(s: Any) -> Any:
        read = FieldReader()
        quantity = read.count(form.get("quantity", ""), "quantity", required=False)
        deadline = read.collect(read_day, form.get("deadline", ""), "deadline")
        return read.run(
            lambda: services.post_need(
                s,
                me(),
                good=form.get("good", ""),
                quantity=quantity,
                unit=form.get("unit", ""),
                region=form.get("region", ""),
                deadline=deadline,
                description=form.get("description", ""),
            )
        )

    return handle_form(
        act,
        again=lambda errors, status: _need_form(form, errors, status),
        to=lambda need: url_for("value_chain.need", need_id=need.id),
        done=lambda need: _l(
            "Your need was posted; %(count)s core leaders were told.", count=Number(need.told)
        ),
    )


def _need_page(
    need_id: int, errors: dict[str, Any] | None = None, values: Any = None, status: int = 200
) -> Any:
    session = db_session()
    member = me()
    need = services.get_need(session, need_id)
    manager = services.may_manage_need(member, need)
    page, per_page = page_args()
    return render_template(
        "value_chain/need.html",
        need=need,
        good=services.goods_by_code(session).get(need.good_code),
        manager=manager,
        answers=paginate(session, services.answers_query(need), page, per_page) if manager else None,
        mine=services.answerable_cores(session, member, need) if need.status == OPEN else [],
        past=need.deadline < today_in_iran(),
        errors=errors or {},
        values=values or {},
    ), status


@bp.get("/needs/<int:need_id>")
@login_required
def need(need_id: int) -> Any:
    return _need_page(need_id)


@bp.post("/needs/<int:need_id>/answer")
@login_required
def answer(need_id: int) -> Any:
    services.get_need(db_session(), need_id)
    form = request.form

    def act(s: Any) -> Any:
        read = FieldReader()
        quantity = read.count(form.get("quantity", ""), "quantity", required=False)
        return read.run(
            lambda: services.answer_need(
                s, me(), need_id, core=form.get("core", ""), quantity=quantity, note=form.get("note", "")
            )
        )

    return handle_form(
        act,
        again=lambda errors, status: _need_page(need_id, errors, form, status),
        to=url_for("value_chain.need", need_id=need_id),
        done=_l("Your answer was sent to the organisation."),
    )


@bp.post("/needs/<int:need_id>/close")
@login_required
def close(need_id: int) -> Any:
    back = url_for("value_chain.need", need_id=need_id)
    services.get_need(db_session(), need_id)
    return handle_form(
        lambda s: services.close_need(s, me(), need_id),
        again=flash_back(back),
        to=back,
        done=_l("The need is closed."),
    )


# --- administration -----------------------------------------------------------------------------


def _goods_page(values: Any = None, errors: dict[str, Any] | None = None, status: int = 200) -> Any:
    from resalat_bazaar import services as bazaar

    session = db_session()
    return render_template(
        "value_chain/goods.html",
        goods=services.all_goods(session),
        categories=bazaar.categories(session),
        ios=list(services.field_goods(session).values()),
        values=values or {},
        errors=errors or {},
    ), status


@bp.get("/admin/goods")
@permission_required(services.ADMIN)
def goods() -> Any:
    return _goods_page()


@bp.post("/admin/goods")
@permission_required(services.ADMIN)
def add_good() -> Any:
    form = request.form
    return handle_form(
        lambda s: services.add_good(
            s,
            code=form.get("code", ""),
            name_fa=form.get("name_fa", ""),
            name_en=form.get("name_en", ""),
            categories=form.getlist("categories"),
        ),
        again=lambda errors, status: _goods_page(form, errors, status),
        to=url_for("value_chain.goods"),
        done=_l("The good was added."),
    )


def _field_page(
    code: str, values: Any = None, errors: dict[str, Any] | None = None, status: int = 200
) -> Any:
    session = db_session()
    io = services.get_field_io(session, code)
    chosen_in = values.getlist("inputs") if values is not None else list(io.inputs)
    chosen_out = values.getlist("outputs") if values is not None else list(io.outputs)
    return render_template(
        "value_chain/field_form.html",
        io=io,
        goods=services.all_goods(session),
        chosen_in=chosen_in,
        chosen_out=chosen_out,
        errors=errors or {},
    ), status


@bp.get("/admin/fields/<code>")
@permission_required(services.ADMIN)
def field_form(code: str) -> Any:
    return _field_page(code)


@bp.post("/admin/fields/<code>")
@permission_required(services.ADMIN)
def set_field(code: str) -> Any:
    form = request.form
    services.get_field_io(db_session(), code)
    return handle_form(
        lambda s: services.set_field_goods(
            s, me(), code, inputs=form.getlist("inputs"), outputs=form.getlist("outputs")
        ),
        again=lambda errors, status: _field_page(code, form, errors, status),
        to=url_for("value_chain.goods"),
        done=_l("The field's inputs and outputs were saved."),
    )
