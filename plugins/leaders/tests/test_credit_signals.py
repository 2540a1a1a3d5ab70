"""What Merat hears: social capital in place of collateral, from guarantees that still count."""

from __future__ import annotations

from datetime import timedelta

from resalat_leaders import hooks

from resalat_core.sdk import Member, Money, render


def test_merat_hears_the_sum_of_a_members_active_guarantees_as_one_signal(
    ghaderi, arbab_member, make_member, sign, signals_of
):
    zahra = arbab_member()
    zabol_leader = make_member("social_leader", region="sistan-baluchestan/zabol")
    first = sign(ghaderi.member_id, zahra.mobile, "50,000,000")
    second = sign(zabol_leader, zahra.mobile, "20,000,000")

    (signal,) = signals_of(zahra.id)

    assert (signal.kind, signal.value) == ("social_guarantee", 700_000_000)
    assert signal.reference == f"guarantees:{first.id},{second.id}"
    assert signal.params == {"count": 2, "leaders": 2}


def test_the_signal_is_declared_with_its_default_weight_and_reads_in_persian(app):
    (kind,) = hooks.resalat_credit_signal_kinds()

    assert (kind.kind, kind.points, kind.per, kind.cap, kind.money) == (
        "social_guarantee",
        15,
        100_000_000,  # rials: 10,000,000 tomans
        150,
        True,
    )
    with app.test_request_context():  # how Merat shows the line to a Persian reader
        line = render(kind.description, {"count": 2, "leaders": 2, "value": Money(700_000_000)})
    assert line == "ضمانت‌های اجتماعی فعال: ۲، از ۲ راهبر اجتماعی، روی هم تا سقف ۷۰٬۰۰۰٬۰۰۰ تومان"


def test_revoked_and_expired_guarantees_never_reach_merat(
    db, ghaderi, arbab_member, sign, signals_of, long_ago
):
    zahra, maryam = arbab_member(), arbab_member("مریم شهرکی")
    sign(ghaderi.member_id, zahra.mobile, "10,000,000", valid_until=long_ago, on=long_ago)
    revoked = sign(ghaderi.member_id, zahra.mobile, "20,000,000")
    from resalat_leaders import services

    with db() as s:
        services.revoke_guarantee(s, s.get(Member, ghaderi.member_id), revoked.id, reason="رفت")

    assert signals_of(zahra.id) == []
    assert signals_of(maryam.id) == []


def test_a_guarantee_counts_through_its_last_day(ghaderi, arbab_member, sign, signals_of):
    from resalat_leaders import services

    zahra = arbab_member()
    sign(ghaderi.member_id, zahra.mobile, "1,000", valid_until=services.today())

    assert [s.value for s in signals_of(zahra.id)] == [10_000]


def test_the_signal_costs_one_query_however_many_guarantees(
    app, db, ghaderi, arbab_member, make_member, sign, count_queries
):
    zahra = arbab_member()
    for _ in range(6):
        sign(make_member("social_leader", region="sistan-baluchestan/zabol"), zahra.mobile)

    with db() as s:
        member = s.get(Member, zahra.id)
        with count_queries() as q:
            (signal,) = hooks.resalat_credit_signals(member=member)

    assert q.count == 1
    assert signal.value == 6 * 10_000_000


def test_the_hook_answers_through_the_plugin_manager_with_other_plugins(app, db, ghaderi, arbab_member, sign):
    zahra = arbab_member()
    sign(ghaderi.member_id, zahra.mobile, "5,000")

    with db() as s:
        hook = app.extensions["resalat"].plugins.pm.hook.resalat_credit_signals
        answers = hook(member=s.get(Member, zahra.id))

    # Among whatever other plugins answer, this plugin's one signal is there.
    assert [x.value for answer in answers for x in (answer or []) if x.kind == "social_guarantee"] == [50_000]


def test_no_guarantee_no_signal_and_a_future_last_day_still_counts(ghaderi, arbab_member, sign, signals_of):
    from resalat_leaders import services

    zahra = arbab_member()
    assert signals_of(zahra.id) == []

    sign(ghaderi.member_id, zahra.mobile, "1,000", valid_until=services.today() + timedelta(days=1))

    assert len(signals_of(zahra.id)) == 1
