"""Points go to first-degree relatives only, signed with a password, once per key, never below zero."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from resalat_deposits import services
from resalat_deposits.models import PointsMovement
from sqlalchemy import func, select

from resalat_core.sdk import BadInput, Conflict, Member, _, get_db
from resalat_core.testing import PASSWORD

from .conftest import days

M = 10_000_000


@pytest.fixture
def family(history, person, t0):
    """Ali, with 60M rials of points from a deposit kept all window long, and Zahra, his wife."""
    ali, zahra = person(name="علی رضایی"), person(name="زهرا رضایی")
    history(ali.id, [(t0 - days(400), 60 * M)])
    return ali, zahra


def give(db, giver_id: int, **fields: Any) -> PointsMovement:
    with db() as s:
        return services.give_points(s, s.get(Member, giver_id), **fields)


def form(recipient, **more: Any) -> dict[str, Any]:
    data = {
        "mobile": recipient.mobile,
        "national_code": recipient.national_code,
        "relation": "spouse",
        "amount": 20 * M,
        "password": PASSWORD,
        "key": "k1",
    }
    data.update(more)
    return data


def test_ali_gives_his_wife_points_and_both_breakdowns_show_it(db, family, points, app):
    ali, zahra = family
    with app.test_request_context():
        give(db, ali.id, **form(zahra))
    a, z = points(ali.id), points(zahra.id)
    assert (a.average, a.given, a.available) == (60 * M, 20 * M, 40 * M)
    assert (z.average, z.received, z.available) == (0, 20 * M, 20 * M)


def test_both_are_told_in_their_own_language(db, family, app, monkeypatch):
    ali, zahra = family
    told: list[tuple[int, Any]] = []
    monkeypatch.setattr(services, "notify", lambda member, message: told.append((member.id, message)))
    with app.test_request_context():
        give(db, ali.id, **form(zahra))
        titles = {member_id: (m.title, m.body) for member_id, m in told}
    # Only this plugin's notifications, by their declared kinds.
    assert {(m.source, m.kind.kind) for _id, m in told} == {
        ("deposits", "points.received"),
        ("deposits", "points.given"),
    }
    assert titles[zahra.id] == (
        "علی رضایی به شما امتیاز وام داد",
        "امتیازی معادل میانگین ۲۰٬۰۰۰٬۰۰۰ تومان به عنوان همسر به شما منتقل شد.",
    )
    assert titles[ali.id][0] == "امتیاز شما به زهرا رضایی منتقل شد"


def test_the_same_key_gives_once_and_a_changed_form_under_it_is_a_conflict(db, family, points, app):
    ali, zahra = family
    with app.test_request_context():
        first = give(db, ali.id, **form(zahra)).id
        assert give(db, ali.id, **form(zahra)).id == first
        with pytest.raises(Conflict):
            give(db, ali.id, **form(zahra, amount=21 * M))
    assert points(ali.id).given == 20 * M


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"relation": "brother"}, "relation"),
        ({"relation": ""}, "relation"),
        ({"amount": 60 * M + 1}, "amount"),
        ({"amount": 0}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"password": ""}, "password"),
        ({"password": "not-my-password"}, "password"),
        ({"mobile": "0912"}, "mobile"),
        ({"national_code": "0000000001"}, "national_code"),
        ({"key": ""}, "key"),
    ],
)
def test_bad_gifts_are_refused_with_a_message_on_the_field_and_change_nothing(
    db, family, snapshot, app, change, field
):
    ali, zahra = family
    before = snapshot()
    with app.test_request_context(), pytest.raises(BadInput) as refused:
        give(db, ali.id, **form(zahra, **change))
    assert field in refused.value.fields
    assert str(refused.value.fields[field])
    assert snapshot() == before


def test_mobile_and_national_code_must_be_the_same_member(db, family, person, snapshot, app):
    ali, zahra = family
    stranger = person(name="غریبه")
    before = snapshot()
    with app.test_request_context(), pytest.raises(BadInput) as refused:
        give(db, ali.id, **form(zahra, national_code=stranger.national_code))
    assert "national_code" in refused.value.fields
    assert snapshot() == before


def test_no_one_gives_points_to_themselves(db, family, snapshot, app):
    ali, _zahra = family
    before = snapshot()
    with app.test_request_context():
        with pytest.raises(BadInput) as refused:
            give(db, ali.id, **form(ali))
        assert refused.value.fields["national_code"] == _("You cannot give points to yourself.")
    assert snapshot() == before


def test_received_points_can_be_given_on_and_all_available_can_go(db, family, person, points, app):
    ali, zahra = family
    child = person(name="حسین رضایی")
    with app.test_request_context():
        give(db, ali.id, **form(zahra, amount=60 * M))
        give(db, zahra.id, **form(child, relation="child", amount=60 * M, key="z1"))
    assert [points(x.id).available for x in (ali, zahra, child)] == [0, 0, 60 * M]


def test_eight_gifts_race_for_the_last_points_and_available_never_goes_negative(
    app, db, family, person, points
):
    ali, _zahra = family
    names = ("حسین", "حسن", "مهدی", "فاطمه", "زینب", "رضا", "سارا", "مریم")
    relatives = [person(name=f"{n} رضایی") for n in names]
    barrier = threading.Barrier(len(relatives))
    outcomes: list[Any] = [None] * len(relatives)

    def run(i: int) -> None:
        with app.test_request_context():
            session = get_db().session()
            try:
                barrier.wait(timeout=30)
                services.give_points(
                    session,
                    session.get(Member, ali.id),
                    **form(relatives[i], relation="child", amount=25 * M, key=f"race-{i}"),
                )
                session.commit()
                outcomes[i] = "given"
            except BadInput as exc:
                session.rollback()
                outcomes[i] = exc.code
            except BaseException as exc:  # noqa: BLE001 (reported by the assertion below)
                session.rollback()
                outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(relatives))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    # 60M of points: two gifts of 25M fit, the third would go below zero.
    assert sorted(map(str, outcomes)) == ["given"] * 2 + ["not_enough_points"] * 6, outcomes
    p = points(ali.id)
    assert (p.given, p.available) == (50 * M, 10 * M)
    with db() as s:
        assert (
            s.scalar(select(func.sum(PointsMovement.amount)).where(PointsMovement.kind == "received"))
            == 50 * M
        )
