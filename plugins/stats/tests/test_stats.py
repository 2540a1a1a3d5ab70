"""The stats story: snapshots of every keyed figure, read back by province and Jalali period."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from resalat_stats import services
from resalat_stats.models import NATIONWIDE, Snapshot
from resalat_stats.periods import Period, parse_period, period_of
from sqlalchemy import func, select

from resalat_core.sdk import BadInput, today_in_iran
from resalat_core.testing import ResalatClient

PAGE = "/stats/"
API = "/api/v1/stats/figures"
MakeClient = Callable[..., ResalatClient]


@pytest.fixture
def public(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Visitors see the probe's ``members`` figure only."""
    shown = ["stats_probe.members"]
    monkeypatch.setattr(services, "public_names", lambda: shown)
    return shown


def refresh(app: Flask, day: date | None = None) -> dict[str, int]:
    with app.app_context():
        session = app.extensions["resalat"].db.session
        found = services.refresh(session, day)
        session.commit()
        return found


def probe_rows(app: Flask, scope: int = NATIONWIDE) -> dict[tuple[date, str], int]:
    with app.app_context():
        session = app.extensions["resalat"].db.session
        rows = session.scalars(
            select(Snapshot).where(Snapshot.plugin == "stats_probe", Snapshot.scope_id == scope)
        )
        return {(r.day, r.key): r.value for r in rows}


def province_id(app: Flask, code: str = "zanjan") -> int:
    from resalat_core.sdk import get_region

    with app.app_context():
        return int(get_region(app.extensions["resalat"].db.session, code).id)


# --- periods -------------------------------------------------------------------------------------


def test_periods_are_jalali_months_seasons_and_years() -> None:
    azar = parse_period("1405-09")
    assert (azar.code, azar.name("fa"), azar.name("en")) == ("1405-09", "آذر ۱۴۰۵", "Azar 1405")
    assert azar.first_day == date(2026, 11, 22) and azar.last_day == date(2026, 12, 21)
    assert azar.previous().code == "1405-08" and parse_period("1405-12").next().code == "1406-01"
    autumn = parse_period("1405-S3")
    assert (autumn.name("fa"), autumn.first_day, autumn.last_day) == (
        "پاییز ۱۴۰۵",
        date(2026, 9, 23),
        date(2026, 12, 21),
    )
    assert autumn.previous().code == "1405-S2" and parse_period("1405-S1").previous().code == "1404-S4"
    assert parse_period("1405").previous() == Period(1404, 1, 12)
    assert period_of(date(2026, 12, 6), "season").code == "1405-S3"
    for bad in ("", "1405-13", "1405-S5", "14050", "abc", "0999", "1405-00"):
        with pytest.raises(BadInput):
            parse_period(bad)


# --- snapshots -----------------------------------------------------------------------------------


def test_a_refresh_keeps_keyed_figures_nationwide_and_in_each_province(
    app: Flask, _probe_values: dict[str, int]
) -> None:
    _probe_values.update(members=7, lent_rials=5_000_000)
    found = refresh(app)
    today = today_in_iran()
    assert found["scopes"] == 1 + 31 or found["scopes"] > 1
    assert probe_rows(app) == {(today, "members"): 7, (today, "lent_rials"): 5_000_000}
    # A province's area is the province and every place under it: the probe scales by its size.
    zanjan = probe_rows(app, province_id(app))
    assert zanjan[(today, "members")] > 7
    with app.app_context():
        session = app.extensions["resalat"].db.session
        money = session.scalar(select(Snapshot.money).where(Snapshot.key == "lent_rials").limit(1))
        labels = session.execute(
            select(Snapshot.label_fa, Snapshot.label_en).where(Snapshot.key == "members").limit(1)
        ).one()
    assert money is True
    assert labels == ("آمارهای اصلی", "Headline figures")


def test_the_same_day_again_replaces_that_days_rows(app: Flask, _probe_values: dict[str, int]) -> None:
    _probe_values.update(members=7, gone=1)
    refresh(app)
    _probe_values.clear()
    _probe_values.update(members=9)
    refresh(app)
    assert probe_rows(app) == {(today_in_iran(), "members"): 9}


def test_a_plugin_that_fails_is_left_out_and_the_rest_is_kept(
    app: Flask, _probe_values: dict[str, int]
) -> None:
    from resalat_fixture_stats_probe import BROKEN

    _probe_values.update(members=7)
    refresh(app, today_in_iran() - timedelta(days=1))
    BROKEN.append(True)
    found = refresh(app)
    assert found["scopes"] > 1
    assert probe_rows(app) == {(today_in_iran() - timedelta(days=1), "members"): 7}


def test_a_period_shows_its_last_snapshot_and_the_change_since_the_one_before(
    app: Flask, _probe_values: dict[str, int]
) -> None:
    azar, aban = parse_period("1405-09"), parse_period("1405-08")
    for day, value in (
        (aban.first_day, 3),
        (aban.last_day, 5),
        (azar.first_day, 6),
        (azar.first_day + timedelta(days=3), 8),
    ):
        _probe_values.update(members=value)
        refresh(app, day)
    with app.app_context():
        session = app.extensions["resalat"].db.session
        rows = services.table(session, None, azar, everything=True, lang="fa")
        (row,) = [r for r in rows if r.name == "stats_probe.members"]
        assert (row.value, row.previous, row.change, row.label) == (8, 5, 3, "آمارهای اصلی")
        earlier = services.table(session, None, aban.previous(), everything=True)
        assert [r for r in earlier if r.plugin == "stats_probe"] == []
        (series,) = services.history(session, None, azar, ["stats_probe.members"], count=3)
        assert [v for _p, v in series.points] == [None, 5, 8]


# --- the page ------------------------------------------------------------------------------------


def test_a_visitor_sees_the_public_figures_in_persian_with_charts(
    app: Flask, client: ResalatClient, _probe_values: dict[str, int], public: list[str]
) -> None:
    _probe_values.update(members=1234, secret=42)
    refresh(app)
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-key="stats_probe.members"' in html and 'data-key="stats_probe.secret"' not in html
    assert "۱٬۲۳۴" in html and 'data-testid="chart-stats_probe.members"' in html


def test_an_admin_sees_every_figure_of_their_area_only(
    app: Flask, client_as: MakeClient, _probe_values: dict[str, int], public: list[str]
) -> None:
    _probe_values.update(members=1, secret=42)
    refresh(app)
    regional = client_as("admin", region="zanjan/zanjan")
    assert 'data-key="stats_probe.secret"' in regional.get(PAGE, query_string={"region": "zanjan"}).get_data(
        as_text=True
    )
    # Outside the area, and nationwide, a regional admin reads what visitors read.
    for region in ("tehran", ""):
        html = regional.get(PAGE, query_string={"region": region}).get_data(as_text=True)
        assert 'data-key="stats_probe.secret"' not in html and 'data-key="stats_probe.members"' in html
    national = client_as("admin", role_region=None)
    assert 'data-key="stats_probe.secret"' in national.get(PAGE).get_data(as_text=True)


def test_bad_choices_are_refused_with_a_clear_message(client: ResalatClient) -> None:
    for query in ({"region": "atlantis"}, {"period": "1405-13"}, {"period": "<b>"}):
        page = client.get(PAGE, query_string=query)
        assert page.status_code == 400, query
        assert client.get(API, query_string=query).status_code == 400
    assert client.get(API, query_string={"kind": "week"}).status_code == 400


def test_an_empty_period_says_so(client: ResalatClient) -> None:
    html = client.get(PAGE, query_string={"period": "1390"}).get_data(as_text=True)
    assert 'data-testid="stats-empty"' in html


def test_the_page_costs_the_same_queries_for_few_and_many_figures(
    app: Flask, client: ResalatClient, _probe_values: dict[str, int], count_queries: Any, public: list[str]
) -> None:
    def cost(figures: int) -> int:
        _probe_values.clear()
        _probe_values.update({f"f{n}": n for n in range(figures)}, members=1)
        public[1:] = [f"stats_probe.f{n}" for n in range(figures)]
        for back in range(3):
            refresh(app, today_in_iran() - timedelta(days=31 * back))
        with count_queries() as q:
            assert client.get(PAGE).status_code == 200
        return q.count

    assert cost(2) == cost(12)


# --- the API and the CLI -------------------------------------------------------------------------


def test_the_api_lists_figures_a_page_at_a_time(
    app: Flask, client: ResalatClient, api_as: MakeClient, _probe_values: dict[str, int], public: list[str]
) -> None:
    _probe_values.update(members=3, secret=4)
    refresh(app)
    body = client.get(API).get_json()
    assert [i["key"] for i in body["items"]] == ["members"]
    admin = api_as("admin", role_region=None)
    body = admin.get(API, query_string={"per_page": 1}).get_json()
    assert body["meta"]["per_page"] == 1 and body["meta"]["total"] >= 2
    zanjan = client.get(API, query_string={"region": "zanjan/zanjan"}).get_json()
    assert zanjan["items"][0]["value"] > 3  # a place's code means its province
    periods = client.get("/api/v1/stats/periods", query_string={"kind": "season"}).get_json()
    assert periods["items"][0]["code"] == period_of(today_in_iran(), "season").code


def test_the_api_is_in_the_openapi_document(client: ResalatClient) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/stats/figures" in paths and "/api/v1/stats/periods" in paths


def test_the_cli_refreshes_and_reports(app: Flask, _probe_values: dict[str, int]) -> None:
    _probe_values.update(members=5)
    runner = app.test_cli_runner()
    done = runner.invoke(args=["stats", "refresh", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["figures"] >= 1
    report = runner.invoke(args=["stats", "report", "--region", "zanjan", "--json"])
    assert report.exit_code == 0, report.output
    body = json.loads(report.stdout)
    assert body["region"] == "zanjan" and any(i["key"] == "members" for i in body["items"])
    text = runner.invoke(args=["stats", "report"])
    assert "stats_probe.members" in text.output
    bad = runner.invoke(args=["stats", "report", "--period", "1405-13"])
    assert bad.exit_code == 1
    with app.app_context():
        count = app.extensions["resalat"].db.session.scalar(select(func.count()).select_from(Snapshot))
    assert count and count > 0


def test_switched_off_it_answers_404(app: Flask, client: ResalatClient) -> None:
    assert client.get(PAGE).status_code == 200
    assert app.test_cli_runner().invoke(args=["modules", "disable", "stats", "--all"]).exit_code == 0
    assert client.get(PAGE).status_code == 404
    assert client.get(API).status_code == 404
