"""From candidate to core: the guide registers the candidate's core in the registry (and may approve
it at once), or links the core they registered themselves; the booth comes after."""

from __future__ import annotations

from resalat_cores import services as cores
from resalat_guides import services

from resalat_core.sdk import Member, to_persian_digits


def _url(candidate_id: int, what: str = "") -> str:
    return f"/guides/candidates/{candidate_id}{what}"


def _core(db, core_id):
    with db() as s:
        core = s.get(cores.Core, core_id)
        return (
            core.name,
            core.leader_id,
            core.field.code,
            core.region.code,
            core.status,
            core.code,
            core.existed_before,
        )


def test_a_member_candidates_core_is_registered_and_approved_at_once(
    db, guide, make_member, person_of, record, candidate_of
):
    jafar_id = make_member(region="zanjan/gorg-tappeh", name="جعفر قراجه‌لو")
    jafar = person_of(jafar_id)
    candidate = record(
        guide.member_id,
        name=jafar["name"],
        field="livestock",
        intent="grow",
        **{k: jafar[k] for k in ("national_code", "mobile")},
    )

    answer = guide.form(
        _url(candidate, "/core"),
        {"core_name": "دام سبک قراجه‌لو", "description": "اصلاح نژاد", "approve": "1"},
        token_from=_url(candidate),
    )

    assert answer.status_code == 302
    stored = candidate_of(candidate)
    assert (stored.status, stored.member_id) == ("core_registered", jafar_id)
    name, leader, field, region, status, code, existed = _core(db, stored.core_id)
    assert (name, leader, field, region, status, existed) == (
        "دام سبک قراجه‌لو",
        jafar_id,
        "livestock",
        "zanjan/gorg-tappeh",
        "active",
        True,
    )
    assert code.startswith("ZNJ-LIVESTOCK-")
    page = guide.get(_url(candidate)).get_data(as_text=True)
    assert to_persian_digits(code) in page and "هسته ثبت شد" in page
    assert 'data-testid="core-form"' not in page  # registered once only


def test_without_approval_the_core_waits_for_its_core_id(
    db, guide, make_member, person_of, record, candidate_of
):
    maryam = person_of(make_member(name="مریم احمدی"))
    candidate = record(
        guide.member_id, intent="start", field="food", **{k: maryam[k] for k in ("national_code", "mobile")}
    )

    guide.form(_url(candidate, "/core"), {"core_name": "لبنیات محلی احمدی"}, token_from=_url(candidate))

    stored = candidate_of(candidate)
    *_, status, code, existed = _core(db, stored.core_id)
    assert (stored.status, status, code, existed) == ("core_registered", "candidate", None, False)
    assert "در انتظار تأیید" in guide.get(_url(candidate)).get_data(as_text=True)


def test_a_candidate_who_is_not_a_member_must_register_first(guide, record, snapshot, candidate_of):
    candidate = record(guide.member_id, name="حسن یوسفی")
    before = snapshot()

    answer = guide.form(
        _url(candidate, "/core"), {"core_name": "زنبورداری یوسفی"}, token_from=_url(candidate)
    )

    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "هنوز عضو ام‌رسالت نیست" in html
    mobile = candidate_of(candidate).mobile
    assert to_persian_digits(mobile[:4]) + "•••" + to_persian_digits(mobile[-4:]) in html
    assert snapshot() == before


def test_a_mobile_that_belongs_to_someone_else_is_caught(guide, make_member, person_of, record, snapshot):
    someone = person_of(make_member())
    candidate = record(guide.member_id, mobile=someone["mobile"])  # a national code nobody has
    before = snapshot()

    answer = guide.form(_url(candidate, "/core"), {"core_name": "هسته"}, token_from=_url(candidate))

    assert answer.status_code == 400
    assert "کد ملی دیگری دارد" in answer.get_data(as_text=True)
    assert snapshot() == before


def test_the_registry_refusing_the_core_name_is_shown_on_the_form(
    guide, make_member, person_of, record, snapshot
):
    member = person_of(make_member())
    candidate = record(guide.member_id, **{k: member[k] for k in ("national_code", "mobile")})
    before = snapshot()

    answer = guide.form(_url(candidate, "/core"), {"core_name": ""}, token_from=_url(candidate))

    assert answer.status_code == 400
    assert 'id="e-core_name"' in answer.get_data(as_text=True)
    assert snapshot() == before


def test_a_core_they_registered_themselves_is_linked_by_its_core_id(
    db, guide, make_member, person_of, record, make_core, candidate_of, snapshot
):
    leader_id = make_member(region="zanjan/abhar")
    leader = person_of(leader_id)
    core_id = make_core("zanjan/abhar", "hand_weaving", leader_id=leader_id)
    code = _core(db, core_id)[5]
    someone_elses = _core(db, make_core("zanjan/abhar", "hand_weaving"))[5]
    candidate = record(
        guide.member_id, region="zanjan/abhar", **{k: leader[k] for k in ("national_code", "mobile")}
    )
    before = snapshot()

    wrong = guide.form(_url(candidate, "/core"), {"core_code": someone_elses}, token_from=_url(candidate))
    unknown = guide.form(
        _url(candidate, "/core"), {"core_code": "ZNJ-NOTHING-000001"}, token_from=_url(candidate)
    )

    assert wrong.status_code == unknown.status_code == 400
    assert "راهبر این هسته این نامزد نیست" in wrong.get_data(as_text=True)
    assert "هیچ هسته‌ای این شناسه را ندارد" in unknown.get_data(as_text=True)
    assert snapshot() == before
    linked = guide.form(_url(candidate, "/core"), {"core_code": code.lower()}, token_from=_url(candidate))
    assert linked.status_code == 302
    assert (candidate_of(candidate).core_id, candidate_of(candidate).status) == (core_id, "core_registered")


def test_the_booth_opens_only_once_the_core_has_its_core_id(
    db, guide, make_member, person_of, record, act, candidate_of
):
    member = person_of(make_member())
    candidate = record(guide.member_id, **{k: member[k] for k in ("national_code", "mobile")})
    act(guide.member_id, candidate, services.register_candidate_core, core_name="هسته‌ی منتظر")

    waiting = guide.form(_url(candidate, "/status"), {"status": "booth_opened"}, token_from=_url(candidate))

    assert waiting.status_code == 400
    assert "هنوز شناسه ندارد" in waiting.get_data(as_text=True)
    with db() as s:
        admin = s.get(Member, make_member("admin", role_region=None))
        cores.approve_core(s, s.get(cores.Core, candidate_of(candidate).core_id), actor=admin)
    opened = guide.form(_url(candidate, "/status"), {"status": "booth_opened"}, token_from=_url(candidate))
    assert opened.status_code == 302
    assert candidate_of(candidate).status == "booth_opened"


def test_m_bazar_will_open_the_booth_through_one_seam(
    db, guide, make_member, person_of, record, act, candidate_of
):
    member = person_of(make_member())
    candidate = record(guide.member_id, **{k: member[k] for k in ("national_code", "mobile")})
    core_id = act(
        guide.member_id, candidate, services.register_candidate_core, core_name="هسته", approve=True
    )

    with db() as s:
        moved = services.booth_opened_for_core(s, core_id, actor=s.get(Member, guide.member_id))

    assert moved == 1
    assert candidate_of(candidate).status == "booth_opened"


def test_a_registered_or_dropped_candidate_cannot_get_a_second_core(
    guide, make_member, person_of, record, act, snapshot
):
    member = person_of(make_member())
    candidate = record(guide.member_id, **{k: member[k] for k in ("national_code", "mobile")})
    act(guide.member_id, candidate, services.register_candidate_core, core_name="هسته‌ی نخست")
    dropped = record(guide.member_id)
    act(guide.member_id, dropped, services.set_status, "dropped", reason="انصراف")
    before = snapshot()

    for target in (candidate, dropped):
        answer = guide.form(_url(target, "/core"), {"core_name": "هسته‌ی دوم"}, token_from=_url(target))
        assert answer.status_code == 400
        assert "فقط برای نامزد شناسایی‌شده یا مشاوره‌گرفته" in answer.get_data(as_text=True)
    assert snapshot() == before


def test_the_zanjan_guide_reviews_the_cores_of_their_area_in_the_cores_queue(guide, make_core, db):
    # The guide role holds the cores plugin's review permissions in the guide's area, and only there.
    mine = make_core("zanjan/gorg-tappeh", "livestock", approve=False, name="دام سبک قراجه‌لو")
    theirs = make_core("yazd/ardakan", "hand_weaving", approve=False, name="کاربافان آسی‌پور")

    queue = guide.get("/cores/queue").get_data(as_text=True)
    approved = guide.form(f"/cores/{mine}/approve", {}, token_from="/cores/queue")
    elsewhere = guide.form(f"/cores/{theirs}/approve", {}, token_from="/cores/queue")
    suspended = guide.form(f"/cores/{mine}/status", {"status": "suspended", "reason": "بازدید میدانی"})

    assert "دام سبک قراجه‌لو" in queue and "کاربافان آسی‌پور" not in queue
    assert (approved.status_code, elsewhere.status_code, suspended.status_code) == (302, 403, 302)
    assert _core(db, mine)[4:6] == ("suspended", "ZNJ-LIVESTOCK-000001")
    assert _core(db, theirs)[4:6] == ("candidate", None)
