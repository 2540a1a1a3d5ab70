"""The loan-to-points ratio sets the longest term: the table's edges, its absence, and its configuration."""

from __future__ import annotations

import pytest
from resalat_deposits import services

from resalat_core.sdk import BadInput, Member

from .conftest import days

M = 10_000_000


@pytest.fixture
def saver(funded, history, t0):
    """A member whose points are exactly 100M rials (a deposit kept for longer than the window)."""
    member = funded()
    history(member, [(t0 - days(400), 100 * M)])
    return member


def term(db, member_id: int, amount: int):
    with db() as s:
        return services.max_term_for(s, s.get(Member, member_id), amount)


@pytest.mark.parametrize(
    ("amount", "months"),
    [
        (1, 60),
        (20 * M, 60),  # exactly 20% -> 60
        (20 * M + 10_000, 48),  # 20.01% -> 48
        (40 * M, 48),
        (40 * M + 1, 36),
        (60 * M, 36),
        (80 * M, 24),
        (80 * M + 1, 12),
        (100 * M, 12),  # exactly 100% -> 12
        (100 * M + 1, None),
        (101 * M, None),  # 101% -> no term
    ],
)
def test_the_term_table_edges(db, saver, amount, months):
    assert term(db, saver, amount) == months


def test_no_deposit_no_term(db, funded):
    assert term(db, funded(5 * M), 1) is None


def test_points_received_from_a_relative_count_for_the_term(db, saver, person, app):
    from resalat_core.testing import PASSWORD

    wife = person()
    with app.test_request_context(), db() as s:
        giver = s.get(Member, saver)
        services.give_points(
            s,
            giver,
            mobile=wife.mobile,
            national_code=wife.national_code,
            relation="spouse",
            amount=50 * M,
            password=PASSWORD,
            key="gift",
        )
    assert term(db, wife.id, 10 * M) == 60
    assert term(db, wife.id, 50 * M) == 12
    assert term(db, saver, 50 * M) == 12  # the giver's points fell to 50M too


def test_used_points_shorten_the_term(db, saver):
    with db() as s:
        services.use_points(s, s.get(Member, saver), 50 * M, reference="loan:1")
    assert term(db, saver, 30 * M) == 36  # 60% of the 50M left (it was 30%: 48 months)


def test_the_table_is_configuration(db, saver, settings):
    assert term(db, saver, 30 * M) == 48
    settings(term_table=[[50, 36], [100, 18]])
    assert term(db, saver, 30 * M) == 36
    assert term(db, saver, 60 * M) == 18
    settings(term_table=[[12.5, 72], [100, 12]])
    assert term(db, saver, 125_000_000) == 72  # 12.5% of 1,000,000,000 rials
    assert term(db, saver, 125_000_001) == 12


@pytest.mark.parametrize("bad", [0, -5, "x", None, True])
def test_a_bad_amount_is_refused(db, saver, bad):
    with pytest.raises(BadInput):
        term(db, saver, bad)
