"""The value chain's rules, one face for pages, the API, the CLI and the demo.

No Flask here, and nothing commits: the caller's transaction decides. Goods are codes (built-in
ones named by lazy texts, added ones by their two stored names); a field's inputs and outputs are
the administrator's row or the built-in default; distances follow the region tree (same place,
same county where the tree has one, same province, elsewhere).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import force_locale
from resalat_bazaar import services as bazaar
from resalat_cores import services as cores
from resalat_guides import services as guides
from sqlalchemy import Select, and_, case, func, or_, select, update
from sqlalchemy.orm import Session, aliased, joinedload

from resalat_core.sdk import (
    BadInput,
    Conflict,
    Day,
    Member,
    NotAllowed,
    NotFound,
    Number,
    Page,
    Region,
    Words,
    _,
    _l,
    area_of,
    can,
    current_language,
    get_region,
    ids_under,
    normalize_text,
    notify,
    paginate,
    today_in_iran,
    utcnow,
)
from resalat_value_chain import plugin
from resalat_value_chain.goods import BUILTIN, BUILTIN_GOODS, DEFAULT_FIELD_GOODS
from resalat_value_chain.messages import NEED_ANSWERED, NEED_POSTED
from resalat_value_chain.models import (
    CLOSED,
    CODE_MAX,
    DECLINED,
    MADE,
    NAME_MAX,
    NOTE_MAX,
    OPEN,
    QUANTITY_MAX,
    UNIT_MAX,
    Answer,
    FieldGoods,
    Good,
    Need,
    Suggestion,
)

Core = cores.Core

# Who may do what (declared in hooks.resalat_permissions with the roles that hold them).
LINK = "value_chain.link"  # see a core's matches, make or decline suggested links: guides, social leaders
ADMIN = "value_chain.admin"  # goods and fields' inputs and outputs: administrators
POST_NEED = "value_chain.post_need"  # post needs: organisations and administrators

DISTANCE_LABELS = {
    0: _l("Same place"),
    1: _l("Same county"),
    2: _l("Same province"),
    3: _l("Elsewhere"),
}
NEED_STATUS_LABELS = {OPEN: _l("Open"), CLOSED: _l("Closed")}
SUGGESTION_STATUS_LABELS = {OPEN: _l("Open"), MADE: _l("Made"), DECLINED: _l("Declined")}

_CODE_RE = re.compile(rf"^[a-z][a-z0-9_]{{1,{CODE_MAX - 1}}}$")


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31


def _check(errors: dict[str, Any]) -> None:
    if errors:
        raise BadInput(_("Please correct the marked fields."), fields=errors)


# --- goods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoodView:
    """A good as people read it: its code, its name in the reader's language, its M-Bazar categories."""

    code: str
    name_fa: str | None
    name_en: str | None
    lazy_name: Any
    categories: tuple[str, ...]
    builtin: bool

    @property
    def name(self) -> str:
        if self.lazy_name is not None:
            return str(self.lazy_name)
        return (self.name_en if current_language() == "en" else self.name_fa) or self.code

    def name_in(self, lang: str) -> str:
        if self.lazy_name is not None:
            with force_locale(lang):
                return str(self.lazy_name)
        return (self.name_en if lang == "en" else self.name_fa) or self.code


def _builtin_view(code: str) -> GoodView:
    g = BUILTIN[code]
    return GoodView(code, None, None, g.name, g.categories, True)


def all_goods(session: Session) -> list[GoodView]:
    """Every good: the built-in ones, then those administrators added (one query)."""
    added = session.scalars(select(Good).order_by(Good.id)).all()
    return [_builtin_view(g.code) for g in BUILTIN_GOODS] + [
        GoodView(g.code, g.name_fa, g.name_en, None, tuple(g.categories or ()), False) for g in added
    ]


def goods_by_code(session: Session) -> dict[str, GoodView]:
    return {g.code: g for g in all_goods(session)}


def get_good(session: Session, code: Any, field: str = "good") -> GoodView:
    """A good by its code; BadInput naming ``field`` when there is none."""
    found = goods_by_code(session).get(code.strip().lower()) if isinstance(code, str) else None
    if found is None:
        message = _("Choose a good from the list.")
        raise BadInput(message, fields={field: message}, code="unknown_good")
    return found


def add_good(
    session: Session, *, code: Any, name_fa: Any, name_en: Any, categories: Iterable[Any] = ()
) -> Good:
    """An administrator's good: a new code, both names, M-Bazar category codes (known ones)."""
    errors: dict[str, Any] = {}
    text = code.strip().lower() if isinstance(code, str) else ""
    if not _CODE_RE.match(text):
        errors["code"] = _("Use 2 to 40 lower-case English letters, digits or _, starting with a letter.")
    elif text in goods_by_code(session):
        errors["code"] = _("A good with this code already exists.")
    names = {}
    for name, value in (("name_fa", name_fa), ("name_en", name_en)):
        names[name] = normalize_text(value) if isinstance(value, str) else ""
        if not names[name]:
            errors[name] = _("Required.")
        elif len(names[name]) > NAME_MAX:
            errors[name] = _("At most %(max)d characters.", max=NAME_MAX)
    known = {c.code for c in bazaar.categories(session)}
    wanted = [c.strip() for c in categories if isinstance(c, str) and c.strip()]
    if any(c not in known for c in wanted):
        errors["categories"] = _("Choose categories from the list.")
    _check(errors)
    good = Good(code=text, name_fa=names["name_fa"], name_en=names["name_en"], categories=sorted(set(wanted)))
    session.add(good)
    session.flush()
    return good


# --- fields' inputs and outputs ---------------------------------------------------------------


@dataclass(frozen=True)
class FieldIO:
    field: Any  # the cores plugin's Field
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    customised: bool


def field_goods(session: Session) -> dict[str, FieldIO]:
    """Every field of the cores registry with its inputs and outputs: two queries."""
    rows = {r.field_code: r for r in session.scalars(select(FieldGoods))}
    found: dict[str, FieldIO] = {}
    for f in cores.fields(session):
        row = rows.get(f.code)
        if row is not None:
            found[f.code] = FieldIO(f, tuple(row.inputs or ()), tuple(row.outputs or ()), True)
        else:
            ins, outs = DEFAULT_FIELD_GOODS.get(f.code, ((), ()))
            found[f.code] = FieldIO(f, ins, outs, False)
    return found


def get_field_io(session: Session, code: Any) -> FieldIO:
    found = field_goods(session).get(code) if isinstance(code, str) else None
    if found is None:
        raise NotFound(_("No such field."), code="unknown_field")
    return found


def set_field_goods(
    session: Session, actor: Member | None, code: Any, *, inputs: Iterable[Any], outputs: Iterable[Any]
) -> FieldIO:
    """An administrator sets a field's inputs and outputs (goods' codes); every unknown one is named."""
    io = get_field_io(session, code)
    known = goods_by_code(session)
    errors: dict[str, Any] = {}
    lists: dict[str, list[str]] = {}
    for name, values in (("inputs", inputs), ("outputs", outputs)):
        codes = [v.strip().lower() for v in values if isinstance(v, str) and v.strip()]
        if any(c not in known for c in codes):
            errors[name] = _("Choose goods from the list.")
        lists[name] = list(dict.fromkeys(codes))
    if not errors and not lists["inputs"] and not lists["outputs"]:
        errors["outputs"] = _("Choose at least one good the field needs or makes.")
    _check(errors)
    row = session.get(FieldGoods, io.field.code)
    if row is None:
        row = FieldGoods(field_code=io.field.code)
        session.add(row)
    row.inputs = lists["inputs"]
    row.outputs = lists["outputs"]
    row.updated_at = utcnow()
    row.updated_by_id = actor.id if actor is not None else None
    session.flush()
    return get_field_io(session, io.field.code)


def fields_making(ios: dict[str, FieldIO], good: str) -> list[int]:
    return [io.field.id for io in ios.values() if good in io.outputs]


def fields_needing(ios: dict[str, FieldIO], good: str) -> list[int]:
    return [io.field.id for io in ios.values() if good in io.inputs]


# --- distance ----------------------------------------------------------------------------------


def province_of(region: Region) -> int:
    return region.province_id


def distance(here: Region, there: Region) -> int:
    """0 same place, 1 same county (a common parent below the province), 2 same province, 3 elsewhere."""
    if here.id == there.id:
        return 0
    if (
        here.parent_id is not None
        and here.parent_id == there.parent_id
        and here.parent is not None
        and here.parent.parent_id is not None
    ):
        return 1
    if province_of(here) == province_of(there):
        return 2
    return 3


def _nearest_first(here: Region, region_id: Any, parent_id: Any) -> Any:
    """An ORDER BY term: same place, then same parent, then same province, then elsewhere."""
    province = here.province_id
    whens: list[Any] = [(region_id == here.id, 0)]
    if here.parent_id is not None and here.parent is not None and here.parent.parent_id is not None:
        whens.append((parent_id == here.parent_id, 1))
    whens.append((or_(region_id == province, parent_id == province), 2))
    return case(*whens, else_=3)


# --- a core's suppliers and buyers --------------------------------------------------------------


def may_see_core(session: Session, member: Any, core: Any) -> bool:
    """Its leader, a guide or social leader of its area, an administrator there."""
    if member is None or getattr(member, "is_anonymous", True):
        return False
    return core.leader_id == member.id or can(LINK, core.region, member=member)


def core_for(session: Session, member: Any, core_id: int) -> Any:
    """A core ``member`` may see the matches of; another's looks exactly like a missing one."""
    core = session.get(Core, core_id) if _is_id(core_id) else None
    if core is None or core.status != cores.ACTIVE or not may_see_core(session, member, core):
        raise NotFound(_("No such core among those you may see."), code="unknown_core")
    return core


def _core_place(*path: Any) -> Any:
    """Load a listed core's province with its place (a list names both), not one by one."""
    if path:
        return joinedload(*path).joinedload(Core.region).joinedload(Region.parent)
    return joinedload(Core.region).joinedload(Region.parent)


def cores_query(session: Session, core: Any, field_ids: Sequence[int]) -> Select[Any]:
    """Active cores of ``field_ids`` but ``core`` itself, nearest first."""
    place = aliased(Region)
    return (
        select(Core)
        .options(_core_place())
        .join(place, Core.region_id == place.id)
        .where(Core.status == cores.ACTIVE, Core.field_id.in_(list(field_ids) or [-1]), Core.id != core.id)
        .order_by(_nearest_first(core.region, Core.region_id, place.parent_id), Core.name, Core.id)
    )


def booths_query(session: Session, core: Any, good: GoodView) -> Select[Any]:
    """Open booths with listed products in the good's categories (or under them), nearest first."""
    codes = set(good.categories)
    tree = bazaar.categories(session) if codes else []
    category_ids = [c.id for c in tree if c.code in codes]
    parents = set(category_ids)
    # A category includes those under it (one level: M-Bazar's tree is two deep).
    category_ids += [c.id for c in tree if c.parent_id in parents]
    Booth, Product = bazaar.Booth, bazaar.Product
    place = aliased(Region)
    selling = select(Product.booth_id).where(
        Product.category_id.in_(category_ids or [-1]), Product.listed.is_(True), Product.hidden.is_(False)
    )
    stmt = (
        select(Booth)
        .options(joinedload(Booth.region).joinedload(Region.parent))
        .join(place, Booth.region_id == place.id)
        .where(Booth.id.in_(selling), Booth.status == bazaar.BOOTH_OPEN, Booth.hidden.is_(False))
        .order_by(_nearest_first(core.region, Booth.region_id, place.parent_id), Booth.name, Booth.id)
    )
    if core is not None:
        stmt = stmt.where(or_(Booth.core_id.is_(None), Booth.core_id != core.id))
    return stmt


def needs_for_good_query(core: Any, good: str) -> Select[Any]:
    """Open needs of organisations for ``good`` from the core's place, its province or nationwide."""
    region = core.region
    wanted = {region.id, region.province_id}
    if region.parent_id is not None:
        wanted.add(region.parent_id)
    return (
        _needs()
        .where(
            Need.status == OPEN,
            Need.good_code == good,
            Need.deadline >= today_in_iran(),
            or_(Need.region_id.is_(None), Need.region_id.in_(sorted(wanted))),
        )
        .order_by(Need.deadline, Need.id)
    )


@dataclass
class Matches:
    """One good of a core's page: the cores (and booths or needs) on the other side, a page each."""

    good: GoodView
    side: str  # "input": suppliers of it; "output": buyers of it
    cores: Page[Any]
    booths: Page[Any] | None
    needs: Page[Any] | None


def core_matches(
    session: Session, core: Any, good_code: Any, *, page: int = 1, per_page: int = 20, other_page: int = 1
) -> Matches:
    """For an input good: cores whose field makes it and booths selling it; for an output good: cores
    whose field needs it and organisations' open needs. A fixed number of queries whatever the size."""
    ios = field_goods(session)
    io = ios.get(core.field.code)
    inputs = io.inputs if io else ()
    outputs = io.outputs if io else ()
    if good_code in (None, "") and (inputs or outputs):
        # No good chosen: the field's first, as the core's page opens on it.
        good_code = (*inputs, *outputs)[0]
    good = get_good(session, good_code)
    if good.code in inputs:
        found = paginate(session, cores_query(session, core, fields_making(ios, good.code)), page, per_page)
        booths = paginate(session, booths_query(session, core, good), other_page, per_page)
        return Matches(good, "input", found, booths, None)
    if good.code in outputs:
        found = paginate(session, cores_query(session, core, fields_needing(ios, good.code)), page, per_page)
        needs = paginate(session, needs_for_good_query(core, good.code), other_page, per_page)
        return Matches(good, "output", found, None, needs)
    message = _("This good is neither an input nor an output of the core's field.")
    raise BadInput(message, fields={"good": message}, code="unknown_good")


def _link_entity() -> Any:
    # The guides' link model, reached through its public query rather than its models module.
    return guides.area_links_query(guides.GuideScope(member=None, area=None)).column_descriptions[0]["entity"]


def core_links(session: Session, core: Any, limit: int = 50) -> list[Any]:
    """The guides' links of ``core``, either way, pending and accepted ones first: one query."""
    Link = _link_entity()
    stmt = guides.area_links_query(guides.GuideScope(member=None, area=None)).where(
        or_(Link.source_core_id == core.id, Link.target_core_id == core.id)
    )
    return list(session.scalars(stmt.limit(limit)).unique())


def linked_core_ids(session: Session, core: Any) -> set[int]:
    """The cores linked with ``core`` (pending or accepted), either way: one query."""
    Link = _link_entity()
    rows = session.execute(
        select(Link.source_core_id, Link.target_core_id).where(
            or_(Link.source_core_id == core.id, Link.target_core_id == core.id),
            Link.status != "declined",
        )
    ).all()
    return {s if t == core.id else t for s, t in rows}


# --- suggestions --------------------------------------------------------------------------------


def suggestion_targets(session: Session, region: Any = None) -> list[Any]:
    """The active cores of ``region`` and under it (everywhere when None): whom suggestions are for."""
    stmt = select(Core).where(Core.status == cores.ACTIVE).order_by(Core.id)
    if region not in (None, ""):
        try:
            place = region if isinstance(region, Region) else get_region(session, region)
        except (BadInput, NotFound):
            message = _("Choose a place from the list.")
            raise BadInput(message, fields={"region": message}) from None
        stmt = stmt.where(Core.region_id.in_(ids_under(session, [place])))
    return list(session.scalars(stmt))


def compute_suggestions(
    session: Session,
    region: Any = None,
    *,
    targets: list[Any] | None = None,
    per_input: int | None = None,
    progress: Any = None,
) -> int:
    """Suggest, for every active core (of ``region`` and under it, or everywhere), the nearest
    ``per_input`` active cores making each of its inputs. A pair and good already suggested (open,
    made or declined) or already linked by a guide is not suggested again. Returns how many are new."""
    per_input = int(per_input or plugin.setting("suggestions_per_input"))
    ios = field_goods(session)
    if targets is None:
        targets = suggestion_targets(session, region)
    seen = {
        (s, t, g)
        for s, t, g in session.execute(
            select(Suggestion.source_core_id, Suggestion.target_core_id, Suggestion.good_code)
        )
    }
    Link = _link_entity()
    linked = {
        (s, t)
        for s, t in session.execute(
            select(Link.source_core_id, Link.target_core_id).where(Link.status != "declined")
        )
    }
    made = 0
    for target in targets:
        io = ios.get(target.field.code)
        for good in io.inputs if io else ():
            sources = session.scalars(
                cores_query(session, target, fields_making(ios, good)).limit(per_input * 3)
            )
            kept = 0
            for source in sources:
                if kept >= per_input:
                    break
                if (source.id, target.id, good) in seen or (source.id, target.id) in linked:
                    continue
                session.add(
                    Suggestion(
                        source_core_id=source.id,
                        target_core_id=target.id,
                        source_region_id=source.region_id,
                        target_region_id=target.region_id,
                        good_code=good,
                        distance=distance(target.region, source.region),
                        status=OPEN,
                    )
                )
                seen.add((source.id, target.id, good))
                kept += 1
                made += 1
        if progress is not None:
            progress(1)
    session.flush()
    return made


def suggestions_area(session: Session, member: Member) -> list[int] | None:
    """Where ``member`` makes or declines suggestions (None: nationwide, []: nowhere)."""
    return area_of(session, member, LINK)


def suggestions_query(area: list[int] | None, *, status: str = OPEN) -> Select[Any]:
    """Suggestions whose source core lies in ``area`` (a guide links from their area), nearest first."""
    stmt = (
        select(Suggestion)
        .options(_core_place(Suggestion.source), _core_place(Suggestion.target))
        .where(Suggestion.status == status)
    )
    if area is not None:
        stmt = stmt.where(Suggestion.source_region_id.in_(area or [-1]))
    return stmt.order_by(Suggestion.distance, Suggestion.id)


def _suggestion_for(session: Session, member: Member, suggestion_id: int) -> Suggestion:
    area = suggestions_area(session, member)
    found = session.get(Suggestion, suggestion_id) if _is_id(suggestion_id) else None
    if found is None or (area is not None and found.source_region_id not in area):
        raise NotFound(_("No such suggestion in your area."), code="unknown_suggestion")
    return found


def _claim(session: Session, suggestion: Suggestion, member: Member, status: str) -> None:
    """Open → ``status`` in one conditional UPDATE: of two racing answers one wins, the other is a 409."""
    done: Any = session.execute(
        update(Suggestion)
        .where(Suggestion.id == suggestion.id, Suggestion.status == OPEN)
        .values(status=status, decided_by_id=member.id, decided_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if not done.rowcount:
        raise Conflict(_("This suggestion was already answered."), code="already_answered")
    session.refresh(suggestion)


def make_suggestion(session: Session, member: Member, suggestion_id: int, *, note: str = "") -> Suggestion:
    """Make the suggested link a guides' link (its target core's leader then accepts or declines it)."""
    suggestion = _suggestion_for(session, member, suggestion_id)
    good = goods_by_code(session).get(suggestion.good_code)
    _claim(session, suggestion, member, MADE)
    # The guides' link keeps its product as text: the good's Persian name, as a guide would type it.
    product = good.name_in("fa") if good else suggestion.good_code
    link = guides.suggest_link(
        session,
        guides.GuideScope(member=member, area=[suggestion.source_region_id]),
        source=suggestion.source_core_id,
        target=suggestion.target_core_id,
        product=product,
        note=note,
    )
    suggestion.link_id = link.id
    session.flush()
    return suggestion


def decline_suggestion(session: Session, member: Member, suggestion_id: int) -> Suggestion:
    """Decline: the pair is not suggested again for this good."""
    suggestion = _suggestion_for(session, member, suggestion_id)
    _claim(session, suggestion, member, DECLINED)
    return suggestion


# --- organisations' needs -----------------------------------------------------------------------


def may_post_need(member: Any) -> bool:
    return member is not None and not getattr(member, "is_anonymous", True) and can(POST_NEED, member=member)


def _matching_cores_query(
    good: str, region_id: int | None, field_ids: Sequence[int], session: Session
) -> Select[Any]:
    stmt = select(Core).where(Core.status == cores.ACTIVE, Core.field_id.in_(list(field_ids) or [-1]))
    if region_id is not None:
        stmt = stmt.where(Core.region_id.in_(ids_under(session, [region_id])))
    return stmt.order_by(Core.id)


def post_need(
    session: Session,
    actor: Member,
    *,
    good: Any,
    quantity: int | None,
    unit: Any,
    region: Any = None,
    deadline: date | None,
    description: Any = "",
) -> Need:
    """Post a need; every matching core's leader (its field makes the good, in the region) is told."""
    if not may_post_need(actor):
        raise NotAllowed(_("Only an organisation or an administrator may post a need."))
    errors: dict[str, Any] = {}
    found = None
    try:
        found = get_good(session, good)
    except BadInput as exc:
        errors.update(exc.fields)
    if quantity is None:
        errors.setdefault("quantity", _("Required."))
    elif isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= QUANTITY_MAX:
        errors["quantity"] = _("Enter a whole number between %(low)d and %(high)d.", low=1, high=QUANTITY_MAX)
    unit_text = normalize_text(unit) if isinstance(unit, str) else ""
    if not unit_text:
        errors["unit"] = _("Required.")
    elif len(unit_text) > UNIT_MAX:
        errors["unit"] = _("At most %(max)d characters.", max=UNIT_MAX)
    place = None
    if region not in (None, ""):
        try:
            place = region if isinstance(region, Region) else get_region(session, region)
        except (BadInput, NotFound):
            errors["region"] = _("Choose a place from the list.")
    if deadline is None:
        errors.setdefault("deadline", _("Required."))
    elif deadline < today_in_iran():
        errors["deadline"] = _("The deadline cannot be in the past.")
    text = normalize_text(description) if isinstance(description, str) else ""
    if len(text) > NOTE_MAX:
        errors["description"] = _("At most %(max)d characters.", max=NOTE_MAX)
    _check(errors)
    assert found is not None and deadline is not None and isinstance(quantity, int)
    need = Need(
        owner_id=actor.id,
        good_code=found.code,
        quantity=quantity,
        unit=unit_text,
        region_id=place.id if place is not None else None,
        deadline=deadline,
        description=text,
        status=OPEN,
    )
    session.add(need)
    session.flush()
    told: set[int] = set()
    ios = field_goods(session)
    for core in session.scalars(
        _matching_cores_query(found.code, need.region_id, fields_making(ios, found.code), session)
    ):
        if core.leader_id in told or core.leader_id == actor.id:
            continue
        told.add(core.leader_id)
        notify(
            core.leader,
            NEED_POSTED(
                url=f"/value_chain/needs/{need.id}",
                owner=actor.name,
                good=Words(found.lazy_name) if found.lazy_name is not None else found.name_fa or found.code,
                quantity=Number(quantity),
                unit=unit_text,
                due=Day(deadline),
            ),
        )
    need.told = len(told)
    session.flush()
    return need


def get_need(session: Session, need_id: int) -> Need:
    need = session.get(Need, need_id) if _is_id(need_id) else None
    if need is None:
        raise NotFound(_("No such need."), code="unknown_need")
    return need


def may_manage_need(member: Any, need: Need) -> bool:
    if member is None or getattr(member, "is_anonymous", True):
        return False
    return need.owner_id == member.id or can(ADMIN, member=member)


def _needs() -> Select[Any]:
    """Needs for a list: each names its place with its province, loaded here, not one by one."""
    return select(Need).options(joinedload(Need.region).joinedload(Region.parent))


def my_needs_query(member: Member) -> Select[Any]:
    return _needs().where(Need.owner_id == member.id).order_by(Need.id.desc())


def open_needs_query() -> Select[Any]:
    return (
        select(Need)
        .where(Need.status == OPEN, Need.deadline >= today_in_iran())
        .order_by(Need.deadline, Need.id)
    )


def answerable_cores(session: Session, member: Any, need: Need) -> list[Any]:
    """The active cores ``member`` leads whose field makes the need's good, in its region: one query
    for the cores, two for the fields."""
    if member is None or getattr(member, "is_anonymous", True):
        return []
    ios = field_goods(session)
    stmt = select(Core).where(
        Core.leader_id == member.id,
        Core.status == cores.ACTIVE,
        Core.field_id.in_(fields_making(ios, need.good_code) or [-1]),
    )
    if need.region_id is not None:
        stmt = stmt.where(
            or_(Core.region_id == need.region_id, Core.region.has(Region.parent_id == need.region_id))
        )
    return list(session.scalars(stmt.order_by(Core.id)))


def needs_for_leader_query(session: Session, member: Member) -> Select[Any]:
    """Open needs the cores ``member`` leads can answer (good and place), soonest deadline first."""
    ios = field_goods(session)
    led = [c for c in cores.cores_led_by(session, member) if c.status == cores.ACTIVE]
    conditions = []
    for core in led:
        io = ios.get(core.field.code)
        if not io or not io.outputs:
            continue
        places = sorted({core.region_id, core.region.province_id})
        conditions.append(
            and_(Need.good_code.in_(io.outputs), or_(Need.region_id.is_(None), Need.region_id.in_(places)))
        )
    stmt = _needs().where(Need.status == OPEN, Need.deadline >= today_in_iran())
    stmt = stmt.where(or_(*conditions)) if conditions else stmt.where(Need.id == -1)
    return stmt.order_by(Need.deadline, Need.id)


def answers_query(need: Need) -> Select[Any]:
    stmt = select(Answer).options(_core_place(Answer.core))
    return stmt.where(Answer.need_id == need.id).order_by(Answer.id)


def answer_need(
    session: Session, member: Member, need_id: int, *, core: Any, quantity: int | None, note: Any = ""
) -> Answer:
    """A core leader answers "we can supply": a second answer of the same core replaces its first.
    A closed need or one past its deadline refuses (409) and nothing changes."""
    need = get_need(session, need_id)
    if need.status != OPEN:
        raise Conflict(_("This need is closed: it takes no more answers."), code="need_closed")
    if need.deadline < today_in_iran():
        raise Conflict(
            _(
                "The deadline of this need (%(due)s) has passed: it takes no more answers.",
                due=Day(need.deadline),
            ),
            code="need_past_deadline",
        )
    errors: dict[str, Any] = {}
    mine = {c.id: c for c in answerable_cores(session, member, need)}
    chosen = None
    ref = core
    if isinstance(ref, str) and ref.strip().isdecimal():
        ref = int(ref.strip())
    if _is_id(ref):
        chosen = mine.get(ref)
    if chosen is None:
        errors["core"] = (
            _("Choose one of your cores that makes this good.")
            if mine
            else _("None of the cores you lead makes this good in the place it is needed from.")
        )
    if quantity is None:
        errors["quantity"] = _("Required.")
    elif isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= QUANTITY_MAX:
        errors["quantity"] = _("Enter a whole number between %(low)d and %(high)d.", low=1, high=QUANTITY_MAX)
    text = normalize_text(note) if isinstance(note, str) else ""
    if len(text) > NOTE_MAX:
        errors["note"] = _("At most %(max)d characters.", max=NOTE_MAX)
    _check(errors)
    assert chosen is not None and isinstance(quantity, int)
    answer = session.scalar(select(Answer).where(Answer.need_id == need.id, Answer.core_id == chosen.id))
    if answer is None:
        answer = Answer(need_id=need.id, core_id=chosen.id, member_id=member.id, quantity=quantity, note=text)
        session.add(answer)
    else:
        answer.quantity, answer.note, answer.member_id, answer.created_at = (
            quantity,
            text,
            member.id,
            utcnow(),
        )
    session.flush()
    good = goods_by_code(session).get(need.good_code)
    notify(
        need.owner,
        NEED_ANSWERED(
            url=f"/value_chain/needs/{need.id}",
            core=chosen.name,
            good=Words(good.lazy_name)
            if good and good.lazy_name is not None
            else (good.name_fa if good else need.good_code),
            quantity=Number(quantity),
            unit=need.unit,
        ),
    )
    return answer


def close_need(session: Session, member: Member, need_id: int) -> Need:
    """The organisation (or an administrator) closes its need: no more answers."""
    need = get_need(session, need_id)
    if not may_manage_need(member, need):
        raise NotFound(_("No such need."), code="unknown_need")
    done: Any = session.execute(
        update(Need)
        .where(Need.id == need.id, Need.status == OPEN)
        .values(status=CLOSED, closed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if not done.rowcount:
        raise Conflict(_("This need is already closed."), code="need_closed")
    session.refresh(need)
    return need


def answer_counts(session: Session, needs: Sequence[Need]) -> dict[int, int]:
    ids = [n.id for n in needs]
    if not ids:
        return {}
    return dict(
        session.execute(
            select(Answer.need_id, func.count()).where(Answer.need_id.in_(ids)).group_by(Answer.need_id)
        ).all()
    )


def waiting_for(session: Session, member: Member) -> int:
    """Open suggestions in ``member``'s area (for the tile's badge): one query, none without the role."""
    area = suggestions_area(session, member)
    if area == []:
        return 0
    return (
        session.scalar(select(func.count()).select_from(suggestions_query(area).order_by(None).subquery()))
        or 0
    )


def count_of(session: Session, stmt: Select[Any]) -> int:
    """How many rows ``stmt`` would give: one query."""
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
