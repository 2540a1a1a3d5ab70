"""The audit trail: each audited act writes one entry in its own transaction, nobody edits or
deletes one (PostgreSQL's trigger), and the admins' page reads it within their area."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jdatetime
import pytest
from flask import Flask
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from resalat_core.audit.models import AuditEntry
from resalat_core.audit.services import UnknownAuditAction, audit
from resalat_core.members.models import Member
from resalat_core.members.services import grant_role, revoke_role
from resalat_core.regions.services import get_region
from resalat_core.testing import PASSWORD, ResalatClient, counting_queries, work

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def entries(app: Flask, action: str | None = None) -> list[AuditEntry]:
    with work(app) as s:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        found = list(s.scalars(query))
        s.expunge_all()
        return found


def signed_in(app: Flask, member_id: int) -> ResalatClient:
    app.test_client_class = ResalatClient
    client = app.test_client()
    assert isinstance(client, ResalatClient)
    return client.sign_in(member_id)


def member(app: Flask, member_id: int) -> Member:
    with work(app) as s:
        found = s.get(Member, member_id)
        assert found is not None
        s.expunge(found)
        return found


# --- writing -----------------------------------------------------------------------------------


def test_a_sign_in_and_a_failed_one_are_written_with_the_member_and_the_address(
    app: Flask, client: ResalatClient, make_member: Any
) -> None:
    who = member(app, make_member(region="zanjan/zanjan"))
    wrong = client.form("/auth/login", {"identifier": who.mobile, "password": "not-the-password"})
    assert wrong.status_code == 400
    nobody = client.form("/auth/login", {"identifier": "09120000000", "password": "x"})
    assert nobody.status_code == 400
    right = client.form("/auth/login", {"identifier": who.national_code, "password": PASSWORD})
    assert right.status_code == 302

    failed = entries(app, "core.sign_in_failed")
    assert [(e.subject, e.actor_id, e.region_id) for e in failed] == [
        (f"member:{who.id}", None, who.region_id),
        (None, None, None),  # an identifier that is no member's is not written down
    ]
    assert all(e.address == "127.0.0.1" for e in failed)
    [signed] = entries(app, "core.sign_in")
    assert (signed.subject, signed.actor_id, signed.region_id) == (f"member:{who.id}", who.id, who.region_id)


def test_role_grants_and_revocations_are_written_and_a_rolled_back_grant_leaves_none(
    app: Flask, make_member: Any
) -> None:
    who = make_member(region="zanjan/zanjan")
    with work(app) as s:
        target = s.get(Member, who)
        zanjan = get_region(s, "zanjan")
        grant_role(s, target, "admin", region=zanjan)
        assert revoke_role(s, target, "admin", region=zanjan) == 1
        assert revoke_role(s, target, "admin", region=zanjan) == 0  # nothing held: nothing written
        zanjan_id = zanjan.id
    granted = [e for e in entries(app, "core.role_granted") if e.subject == f"member:{who}"]
    assert [(e.region_id, e.after) for e in granted] == [(zanjan_id, {"role": "admin", "kind": None})]
    [revoked] = entries(app, "core.role_revoked")
    assert (revoked.subject, revoked.region_id, revoked.before) == (
        f"member:{who}",
        zanjan_id,
        {"role": "admin"},
    )

    before = len(entries(app))
    with app.app_context():
        s = app.extensions["resalat"].db.session()
        grant_role(s, s.get(Member, who), "admin", region=None)
        s.rollback()
    assert len(entries(app)) == before


def test_audit_refuses_an_undeclared_action_or_a_subject_that_is_no_reference(app: Flask) -> None:
    with work(app) as s:
        with pytest.raises(UnknownAuditAction):
            audit(s, "core.made_up")
        with pytest.raises(ValueError, match="reference"):
            audit(s, "core.sign_in", subject="the loan of Ali")
        with pytest.raises(TypeError):
            audit(s, "core.sign_in", after={"when": datetime.now()})
    assert entries(app) == []


@pytest.fixture
def gallery_app(make_app: Any, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.syspath_prepend(str(FIXTURES))
    from resalat_fixture_gallery import plugin as gallery

    built: Flask = make_app(extra_plugins={"gallery": gallery})
    return built


def test_module_switches_from_the_page_and_the_cli_are_written(gallery_app: Flask, make_member: Any) -> None:
    app = gallery_app
    admin_id = make_member("admin", region="tehran/tehran", role_region=None)
    admin = signed_in(app, admin_id)
    assert (
        admin.form("/admin/modules?region=zanjan", {"module": "gallery", "enabled": "0"}).status_code == 302
    )
    run = app.test_cli_runner().invoke(args=["modules", "enable", "gallery", "--region", "zanjan"])
    assert run.exit_code == 0, run.output
    refused = app.test_cli_runner().invoke(args=["modules", "enable", "sculpture", "--all"])
    assert refused.exit_code == 1

    switched = [e for e in entries(app) if e.action.startswith("core.module_")]
    with work(app) as s:
        zanjan = get_region(s, "zanjan").id
    assert [(e.action, e.subject, e.region_id, e.actor_id) for e in switched] == [
        ("core.module_off", "module:gallery", zanjan, admin_id),
        ("core.module_on", "module:gallery", zanjan, None),  # the CLI: the system
    ]


def test_an_entry_cannot_be_changed_or_deleted_on_postgresql(app: Flask, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    with work(app) as s:
        audit(s, "core.sign_in", actor=None)
    for statement in ("UPDATE audit_entries SET action = 'core.sign_in_failed'", "DELETE FROM audit_entries"):
        with work(app) as s, pytest.raises(DBAPIError, match="append-only"):
            s.execute(text(statement))
    assert [e.action for e in entries(app)] == ["core.sign_in"]


# --- reading -----------------------------------------------------------------------------------


def write(app: Flask, action: str, *, region: str | None, actor: int | None = None, **kw: Any) -> int:
    with work(app) as s:
        where = get_region(s, region).id if region else None
        return audit(s, action, region=where, actor=actor, address="10.0.0.1", **kw).id


def test_a_provincial_admin_reads_only_their_area_and_a_member_none(app: Flask, make_member: Any) -> None:
    village = write(app, "core.sign_in", region="zanjan/gorg-tappeh")
    write(app, "core.sign_in", region="tehran/tehran")
    write(app, "core.module_on", region=None, subject="module:fixture_world")
    zanjan_admin = signed_in(app, make_member("admin", region="zanjan/zanjan"))
    page = zanjan_admin.get("/admin/audit?event=core.sign_in")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('data-testid="audit-entry"') == 1
    assert "گرگ" in html or "Gorg" in html  # the village's name, not its id
    nationwide = signed_in(app, make_member("admin", region="tehran/tehran", role_region=None))
    assert (
        nationwide.get("/admin/audit?event=core.sign_in")
        .get_data(as_text=True)
        .count('data-testid="audit-entry"')
        == 2
    )
    assert signed_in(app, make_member()).get("/admin/audit").status_code == 403
    assert village


def test_the_filters_narrow_the_log_and_bad_ones_are_a_400_with_the_reason(
    app: Flask, make_member: Any
) -> None:
    admin_id = make_member("admin", region="tehran/tehran", role_region=None)
    actor = member(app, make_member(region="zanjan/zanjan"))
    write(app, "core.sign_in", region="zanjan/zanjan", actor=actor.id, subject=f"member:{actor.id}")
    write(app, "core.sign_in_failed", region="zanjan/zanjan", subject="loan:7")
    admin = signed_in(app, admin_id)

    def rows(query: str) -> int:
        answer = admin.get(f"/admin/audit?{query}")
        assert answer.status_code == 200, answer.get_data(as_text=True)
        return answer.get_data(as_text=True).count('data-testid="audit-entry"')

    assert rows(f"actor={actor.national_code}") == 1
    assert rows("event=core.sign_in_failed") == 1
    assert rows("subject=loan:7") == 1
    # The day as the log's filters read it: Iran's, which begins at 20:30 UTC (the machine's own
    # date made this test fail in the three and a half hours before UTC midnight).
    today = jdatetime.date.fromgregorian(date=datetime.now(ZoneInfo("Asia/Tehran")).date())
    tomorrow = today + timedelta(days=1)
    assert rows(f"since={today.strftime('%Y/%m/%d')}&event=core.sign_in_failed") == 1
    assert rows(f"since={tomorrow.strftime('%Y/%m/%d')}") == 0
    persian_today = today.strftime("%Y/%m/%d").translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert rows(f"until={persian_today}&event=core.sign_in_failed") == 1

    for query, field in (
        ("since=1404/13/01", "since"),
        ("actor=09129999999", "actor"),
        ("event=core.drop_everything", "event"),
        ("subject=<script>", "subject"),
        (f"since={tomorrow.strftime('%Y/%m/%d')}&until={today.strftime('%Y/%m/%d')}", "until"),
        ("page=0", "_form"),
    ):
        answer = admin.get(f"/admin/audit?{query}")
        assert answer.status_code == 400, query
        html = answer.get_data(as_text=True)
        assert 'data-testid="audit-entry"' not in html
        marker = 'data-testid="form-error"' if field == "_form" else f'id="e-{field}"'
        assert marker in html, query
    assert admin.get("/admin/audit.csv?since=nonsense").status_code == 400


def test_the_csv_holds_the_filtered_entries_in_utf8_with_a_bom(app: Flask, make_member: Any) -> None:
    admin_id = make_member("admin", region="tehran/tehran", role_region=None)
    actor = member(app, make_member(region="zanjan/zanjan", name="مریم رضایی"))
    write(app, "core.sign_in", region="zanjan/zanjan", actor=actor.id, after={"note": "=cmd"})
    write(app, "core.sign_in_failed", region="zanjan/zanjan")
    answer = signed_in(app, admin_id).get("/admin/audit.csv?event=core.sign_in")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/csv; charset=utf-8"
    body = answer.get_data()
    answer.close()
    assert body.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(lines) == 2  # the header and the one sign-in
    row = dict(zip(lines[0], lines[1], strict=True))
    values = list(row.values())
    assert "core.sign_in" in values and "مریم رضایی" in values and actor.mobile in values
    assert "10.0.0.1" in values
    assert '{"note": "=cmd"}' in values


def test_the_page_reads_fifty_entries_in_as_many_queries_as_five(app: Flask, make_member: Any) -> None:
    admin = signed_in(app, make_member("admin", region="tehran/tehran", role_region=None))
    regions = ["zanjan/zanjan", "zanjan/gorg-tappeh", "tehran/tehran"]

    def fill(n: int) -> None:
        for i in range(n):
            actor = make_member(region=regions[i % 3])
            write(app, "core.sign_in", region=regions[i % 3], actor=actor, subject=f"member:{actor}")
            write(app, "core.module_on", region=None, subject="module:fixture_world")

    def queries() -> int:
        with counting_queries(app) as counter:
            answer = admin.get("/admin/audit?per_page=100")
        assert answer.status_code == 200
        return counter.count

    fill(3)
    few = queries()
    fill(25)
    assert queries() == few


def test_the_cli_lists_and_exports_with_the_pages_filters(
    app: Flask, make_member: Any, tmp_path: Path
) -> None:
    import json

    who = member(app, make_member(region="zanjan/zanjan"))
    write(app, "core.sign_in", region="zanjan/zanjan", actor=who.id, subject=f"member:{who.id}")
    write(app, "core.sign_in", region="tehran/tehran")
    write(app, "core.sign_in_failed", region="zanjan/gorg-tappeh", after={"tries": 2})
    runner = app.test_cli_runner()

    listed = runner.invoke(args=["audit", "list", "--region", "zanjan", "--json"])
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)["entries"]
    # Newest first, only Zanjan and its places (the role grants of make_member are nationwide-free).
    assert [(r["action"], r["region"]) for r in rows if r["action"].startswith("core.sign_in")] == [
        ("core.sign_in_failed", "zanjan/gorg-tappeh"),
        ("core.sign_in", "zanjan/zanjan"),
    ]
    mine = json.loads(runner.invoke(args=["audit", "list", "--actor", who.national_code, "--json"]).output)
    assert [(r["actor"], r["subject"]) for r in mine["entries"]] == [(who.mobile, f"member:{who.id}")]

    for bad in (["--since", "1404/13/40"], ["--action", "core.nothing"], ["--region", "atlantis"]):
        refused = runner.invoke(args=["audit", "list", *bad])
        assert refused.exit_code == 1 and "Traceback" not in refused.output, refused.output

    target = tmp_path / "audit.csv"
    done = runner.invoke(args=["audit", "export", "--action", "core.sign_in_failed", "-o", str(target)])
    assert done.exit_code == 0, done.output
    raw = target.read_bytes()
    assert raw.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert lines[0][:3] == ["id", "at", "action"] and len(lines) == 2
    assert lines[1][2] == "core.sign_in_failed" and lines[1][7] == '{"tries": 2}'


@pytest.mark.browser
def test_an_admin_reads_the_trail_on_a_phone_as_cards_in_persian(
    app: Flask, make_member: Any, live_server: str, page: Any
) -> None:
    from resalat_core.testing import assert_accessible, layout_problems

    admin = member(app, make_member("admin", region="zanjan/zanjan", name="مدیر زنجان"))
    who = member(app, make_member(region="zanjan/gorg-tappeh", name="جعفر قراجه‌لو"))
    write(app, "core.sign_in", region="zanjan/gorg-tappeh", actor=who.id, subject=f"member:{who.id}")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server}/auth/login")
    page.fill("#f-identifier", admin.mobile)
    page.fill("#f-password", PASSWORD)
    with page.expect_navigation():
        page.click("form[action='/auth/login'] button[type=submit]")
    page.goto(f"{live_server}/admin")
    with page.expect_navigation():
        page.click("[data-testid=audit-link]")
    entry = page.locator("[data-testid=audit-entry]", has_text="جعفر قراجه‌لو")
    assert entry.count() == 1
    assert "جعفر قراجه‌لو" in entry.locator("[data-testid=audit-subject]").inner_text()
    text_shown = (
        page.locator("main").inner_text() if page.locator("main").count() else page.inner_text("body")
    )
    assert not any(c in text_shown for c in "0123456789"), text_shown  # Persian digits only
    assert "core.sign_in" not in text_shown
    # A card, not a row: the table's cells stack at phone width.
    assert entry.evaluate("e => getComputedStyle(e).display") != "table-row"
    assert layout_problems(page, 390) == []
    assert_accessible(page)

    page.fill("#f-since", "۱۴۰۴/۱۳/۰۱")
    with page.expect_navigation():
        page.click("[data-testid=apply-filter]")
    assert page.locator("#e-since").is_visible()
