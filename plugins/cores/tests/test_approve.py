"""A reviewer approves the candidates of their area, and each approved core receives a unique core ID."""

from __future__ import annotations

import re
import threading

import pytest
from resalat_cores import services
from resalat_cores.models import Core
from resalat_cores.services import review

from resalat_core.sdk import Conflict, Digits, Member, NotAllowed, get_db, get_region, has_role

CODE_RE = re.compile(r"^[A-Z]{3}-[A-Z_]+-[0-9]{6}$")


def test_zanjans_admin_approves_jafars_core_and_issues_its_core_id(client_as, make_member, new_core, core_of):
    reviewer = client_as("admin", region="zanjan/zanjan")
    core_id = new_core(make_member(name="جعفر قراجه‌لو"), field="livestock", region="zanjan/gorg-tappeh")

    response = reviewer.form(f"/cores/{core_id}/approve", {}, token_from="/cores/queue")

    assert response.status_code == 302
    core = core_of(core_id)
    assert core["code"] == "ZNJ-LIVESTOCK-000001"
    assert core["status"] == "active"
    assert core["approved_by_id"] == reviewer.member_id
    assert core["history"][-1] == ("candidate", "active", "", reviewer.member_id)
    page = reviewer.get(f"/cores/{core_id}").get_data(as_text=True)
    # The core ID's digits follow the page's language, as every number does.
    shown = re.sub(r'href="[^"]*"', "", page)  # an address is not read; it keeps Latin digits
    assert "ZNJ-LIVESTOCK-۰۰۰۰۰۱" in shown and "000001" not in shown
    reviewer.get("/lang/en")
    assert "ZNJ-LIVESTOCK-000001" in reviewer.get(f"/cores/{core_id}").get_data(as_text=True)


def test_core_ids_count_per_province_and_field(db, make_member, new_core, core_of):
    admin = make_member("admin", role_region=None)
    leader = make_member()
    first = new_core(leader, field="livestock", region="zanjan/gorg-tappeh", approve_by=admin)
    second = new_core(leader, field="livestock", region="zanjan/abhar", approve_by=admin)
    saffron = new_core(leader, field="saffron", region="zanjan", approve_by=admin)
    yazd = new_core(leader, field="hand_weaving", region="yazd/ardakan", approve_by=admin)

    codes = [core_of(c)["code"] for c in (first, second, saffron, yazd)]

    assert codes == [
        "ZNJ-LIVESTOCK-000001",
        "ZNJ-LIVESTOCK-000002",
        "ZNJ-SAFFRON-000001",
        "YZD-HAND_WEAVING-000001",
    ]
    assert all(CODE_RE.match(code) for code in codes)


def test_every_province_has_its_own_three_letter_abbreviation(db):
    from resalat_core.sdk import Region

    with db() as s:
        provinces = s.query(Region).filter(Region.parent_id.is_(None)).all()
        abbreviations = {p.code: services.province_abbreviation(p) for p in provinces}

    assert len(provinces) == 31
    assert set(abbreviations) == set(services.PROVINCE_ABBREVIATIONS)
    assert len(set(abbreviations.values())) == 31
    assert all(re.fullmatch(r"[A-Z]{3}", a) for a in abbreviations.values())


def test_a_serial_taken_by_a_concurrent_approval_is_skipped_not_duplicated(
    db, make_member, new_core, core_of, monkeypatch
):
    admin = make_member("admin", role_region=None)
    leader = make_member()
    taken = new_core(leader, approve_by=admin)
    late = new_core(leader)
    # The first count answers as if the other approval had not committed yet: serial 1 again.
    real = review._next_serial
    answers = iter([1])
    monkeypatch.setattr(review, "_next_serial", lambda s, prefix: next(answers, None) or real(s, prefix))

    with db() as s:
        services.approve_core(s, s.get(Core, late), actor=s.get(Member, admin))

    assert core_of(taken)["code"] == "ZNJ-LIVESTOCK-000001"
    assert core_of(late)["code"] == "ZNJ-LIVESTOCK-000002"
    assert core_of(late)["history"][-1][1] == "active"


def test_approvals_at_the_same_moment_all_get_different_core_ids(app, make_member, new_core, core_of):
    admin = make_member("admin", role_region=None)
    leader = make_member()
    core_ids = [new_core(leader) for _ in range(6)]
    start = threading.Barrier(len(core_ids))
    errors: list[BaseException] = []

    def approve(core_id: int) -> None:
        try:
            with app.app_context():
                session = get_db().session()
                core = session.get(Core, core_id)
                actor = session.get(Member, admin)
                session.commit()
                start.wait(timeout=10)
                services.approve_core(session, core, actor=actor)
                session.commit()
        except BaseException as exc:  # noqa: BLE001 (reported below, in the test's thread)
            errors.append(exc)

    threads = [threading.Thread(target=approve, args=(c,)) for c in core_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert errors == []
    codes = sorted(core_of(c)["code"] for c in core_ids)
    assert codes == [f"ZNJ-LIVESTOCK-{n:06d}" for n in range(1, 7)]


def test_two_reviewers_approving_one_core_at_once_approve_it_once(app, make_member, new_core, core_of):
    reviewers = [make_member("admin", region="zanjan/zanjan") for _ in range(2)]
    core_id = new_core(make_member())
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(reviewer_id: int) -> None:
        with app.app_context():
            session = get_db().session()
            core, actor = session.get(Core, core_id), session.get(Member, reviewer_id)
            session.commit()
            start.wait(timeout=10)
            try:
                services.approve_core(session, core, actor=actor)
                session.commit()
                outcomes.append("approved")
            except Conflict:
                session.rollback()
                outcomes.append("conflict")

    threads = [threading.Thread(target=approve, args=(g,)) for g in reviewers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(outcomes) == ["approved", "conflict"]
    core = core_of(core_id)
    assert core["code"] == "ZNJ-LIVESTOCK-000001"
    assert [h[1] for h in core["history"]] == ["candidate", "active"]


def test_approving_twice_is_a_conflict_that_changes_nothing(
    client_as, make_member, new_core, snapshot, api_as
):
    reviewer = client_as("admin", region="zanjan/zanjan")
    core_id = new_core(make_member(), approve_by=reviewer.member_id)
    before = snapshot()

    page = reviewer.form(f"/cores/{core_id}/approve", {}, token_from="/cores/queue")
    api = api_as("admin", region="zanjan/zanjan").post(f"/api/v1/cores/{core_id}/approve")

    assert page.status_code == 409
    assert "ZNJ-LIVESTOCK-۰۰۰۰۰۱" in page.get_data(as_text=True)
    assert api.status_code == 409
    assert api.get_json()["error"]["code"] == "already_approved"
    assert snapshot() == before


def test_a_reviewer_cannot_approve_outside_their_area(
    client_as, api_as, make_member, member_info, new_core, snapshot, run
):
    reviewer = client_as("admin", region="zanjan/zanjan")
    core_id = new_core(make_member(region="yazd/ardakan"), field="hand_weaving", region="yazd/ardakan")
    before = snapshot()

    page = reviewer.form(f"/cores/{core_id}/approve", {}, token_from="/cores/queue")
    api = api_as("admin", region="zanjan/zanjan").post(f"/api/v1/cores/{core_id}/approve")
    cli = run("cores", "approve", core_id, "--by", member_info(reviewer.member_id).mobile)

    assert page.status_code == 403
    assert api.status_code == 403
    assert api.get_json()["error"]["code"] == "forbidden"
    assert cli.exit_code == 1
    assert "Only a guide of this core's area" in cli.output
    assert snapshot() == before


def test_the_service_itself_refuses_a_plain_member(db, make_member, new_core, snapshot):
    core_id = new_core(make_member())
    neighbour = make_member("core_leader")
    before = snapshot()

    with pytest.raises(NotAllowed), db() as s:
        services.approve_core(s, s.get(Core, core_id), actor=s.get(Member, neighbour))

    assert snapshot() == before


def test_an_approved_leader_becomes_a_core_leader_there_and_is_told(
    app, db, make_member, new_core, monkeypatch
):
    told = []
    # What the SDK's notify() would hand to the notifications plugin, where it is switched on.
    monkeypatch.setattr(review, "notify", lambda member, message: told.append((member.id, message)))
    leader_id = make_member()
    admin = make_member("admin", role_region=None)
    core_id = new_core(leader_id, approve_by=admin)

    with db() as s:
        leader = s.get(Member, leader_id)
        core = s.get(Core, core_id)
        assert has_role(leader, "core_leader", core.region)
        assert not has_role(leader, "core_leader", get_region(s, "yazd/ardakan"))
    ((member_id, message),) = told
    assert member_id == leader_id
    assert (message.source, message.kind.kind, message.url) == ("cores", "core.approved", f"/cores/{core_id}")
    assert message.params["code"] == "ZNJ-LIVESTOCK-000001"
    # Kept as a code whose digits are the reader's: the leader reads it in Persian digits.
    assert isinstance(message.params["code"], Digits)
    with app.test_request_context("/"):
        assert message.body == "شناسه‌ی هسته: ZNJ-LIVESTOCK-۰۰۰۰۰۱"


def test_the_reviewers_queue_lists_only_candidates_of_their_area(client_as, make_member, new_core):
    reviewer = client_as("admin", region="zanjan/zanjan")
    mine = new_core(make_member(), name="هسته‌ی گرگ‌تپه")
    new_core(
        make_member(region="yazd/ardakan"), name="هسته‌ی اردکان", region="yazd/ardakan", field="hand_weaving"
    )

    html = reviewer.get("/cores/queue").get_data(as_text=True)

    assert "هسته‌ی گرگ‌تپه" in html
    assert "هسته‌ی اردکان" not in html
    assert f'data-id="{mine}"' in html
    assert 'data-testid="approve"' in html


def test_a_plain_member_has_no_queue(client_as):
    assert client_as().get("/cores/queue").status_code == 403
