"""The host's contract with its plugins, version 1: what a plugin declares, how it is refused,
and the edge every plugin's pages share."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from resalat_core.sdk_version import SDK_VERSION
from resalat_core.testing import ResalatClient

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(FIXTURES))


def cli(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=list(args))


def listing(app: Flask) -> dict[str, dict[str, Any]]:
    result = cli(app, "plugins", "list", "--json")
    assert result.exit_code == 0, result.output
    return {row["name"]: row for row in json.loads(result.output)}


def switch_on(app: Flask, *names: str) -> None:
    for name in names:
        result = cli(app, "modules", "enable", name, "--all")
        assert result.exit_code == 0, result.output


def signed_in(app: Flask, member_id: int) -> ResalatClient:
    app.test_client_class = ResalatClient
    client: ResalatClient = app.test_client()  # type: ignore[assignment]
    return client.sign_in(member_id)


# --- a plugin states the SDK it is written for ---------------------------------------------------


def test_a_plugin_written_for_another_sdk_is_refused_with_the_reason(make_app: Any, fixtures: None) -> None:
    from resalat_fixture_odd import from_the_future, unreadable_range

    app = make_app(extra_plugins={"future": from_the_future(), "vague": unreadable_range()})
    rows = listing(app)
    assert rows["future"]["status"] == "failed"
    assert f"written for SDK >=2,<3, and this host offers SDK {SDK_VERSION}" in rows["future"]["error"]
    assert rows["vague"]["status"] == "failed"
    assert "'one or two' is not a version range" in rows["vague"]["error"]
    shown = cli(app, "plugins", "list").output
    assert "future" in shown and "offers SDK" in shown


def test_every_plugin_in_the_repository_states_its_sdk_and_a_bounded_host() -> None:
    for folder in sorted((ROOT / "plugins").iterdir()):
        project = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        init = next(folder.glob("resalat_*/__init__.py")).read_text(encoding="utf-8")  # the package
        call = next(
            n
            for n in ast.walk(ast.parse(init))
            if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "Plugin"
        )
        keywords = {k.arg: k.value for k in call.keywords}
        assert "sdk" in keywords, folder.name
        assert "version" not in keywords, f"{folder.name}: the version is read from the pyproject"
        requires = ast.literal_eval(keywords["requires"]) if "requires" in keywords else ()
        deps = {re.split(r"[<>=!~ ]", d, maxsplit=1)[0]: d for d in project["dependencies"]}
        assert re.fullmatch(r"resalat>=[\d.]+,<[\d.]+", deps.get("resalat", "")), folder.name
        for required in requires:
            dist = f"resalat-{required.replace('_', '-')}"
            assert re.fullmatch(rf"{dist}>=[\d.]+,<[\d.]+", deps.get(dist, "")), (folder.name, dist)


def test_a_plugins_version_is_its_distributions(app: Flask) -> None:
    for name, row in listing(app).items():
        if row["entry_point"] == "(given)":
            continue
        dist = importlib.metadata.entry_points(group="resalat.plugins", name=name)
        assert row["version"] == next(iter(dist)).dist.version, name


# --- hooks: owned, declared, answered --------------------------------------------------------------


def test_a_plugins_own_hook_reaches_those_that_follow_it(
    make_app: Any, make_member: Any, fixtures: None
) -> None:
    from resalat_fixture_follow import follow_plugin
    from resalat_fixture_offer import plugin as offer
    from resalat_fixture_offer.hooks import ripen

    app = make_app(
        extra_plugins={
            "follower": follow_plugin("follower", requires=("offer",)),
            "stranger": follow_plugin("stranger"),
            "offer": offer,
        }
    )
    rows = listing(app)
    assert [rows[n]["status"] for n in ("offer", "follower", "stranger")] == ["loaded"] * 3
    switch_on(app, "offer", "follower", "stranger")
    with app.app_context():
        from resalat_core.members.models import Member

        member = app.extensions["resalat"].db.session().get(Member, make_member())
        assert sorted(ripen(member, "pomegranate")) == [
            "follower ate the pomegranate",
            "stranger saw the pomegranate",
        ]
        assert app.extensions["resalat"].plugins.hook_owner["resalat_offer_ripened"] == "offer"


def test_an_answer_to_a_hook_nobody_declares_is_refused_naming_it(make_app: Any, fixtures: None) -> None:
    from resalat_fixture_follow import follow_plugin
    from resalat_fixture_offer import plugin as offer

    app = make_app(extra_plugins={"offer": offer, "typo": follow_plugin("typo")})
    row = listing(app)["typo"]
    assert row["status"] == "failed"
    assert "resalat_offer_ripend, which no loaded plugin declares" in row["error"]
    assert "optionalhook=True" in row["error"]


def test_an_answer_that_does_not_fit_the_hook_is_refused(make_app: Any, fixtures: None) -> None:
    from resalat_fixture_follow import follow_plugin
    from resalat_fixture_offer import plugin as offer

    app = make_app(extra_plugins={"offer": offer, "misfit": follow_plugin("misfit", requires=("offer",))})
    row = listing(app)["misfit"]
    assert row["status"] == "failed"
    assert "colour" in row["error"]


def test_an_answer_to_an_absent_plugins_hook_waits_quietly_when_optional(
    make_app: Any, fixtures: None
) -> None:
    from resalat_fixture_follow import follow_plugin

    app = make_app(extra_plugins={"stranger": follow_plugin("stranger")})
    assert listing(app)["stranger"]["status"] == "loaded"


def _code_files() -> list[Path]:
    files = list((ROOT / "resalat_core").rglob("*.py"))
    files += list((ROOT / "plugins").glob("*/resalat_*/**/*.py"))
    return [p for p in files if "scaffold/template" not in p.as_posix()]


def declared_hooks() -> dict[str, tuple[str, ast.FunctionDef]]:
    """Every hook specification in the repository: name -> (owner, its definition)."""
    found: dict[str, tuple[str, ast.FunctionDef]] = {}
    specs = [("core", ROOT / "resalat_core" / "plugins" / "spec.py")]
    specs += [(p.parent.parent.name, p) for p in sorted((ROOT / "plugins").glob("*/resalat_*/hookspecs.py"))]
    for owner, path in specs:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("resalat_"):
                found[node.name] = (owner, node)
    return found


def _decorated_with(node: ast.FunctionDef, name: str) -> bool:
    for deco in node.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        if getattr(target, "id", None) == name or getattr(target, "attr", None) == name:
            return True
    return False


WIRING = {"resalat_blueprints", "resalat_cli", "resalat_permissions", "resalat_nav_items"}


def test_no_hook_is_dead() -> None:
    """Every hook has a caller, and an answer or a word on who will answer it (and not both);
    its docstring says when it is called, in which transaction, and what an exception does.

    Read from the source, so it holds whichever plugins are installed (the host alone too)."""
    files = _code_files()
    skip = ("spec.py", "hookspecs.py")
    callers = "\n".join(p.read_text(encoding="utf-8") for p in files if p.name not in skip)
    answers = "\n".join(
        p.read_text(encoding="utf-8")
        for p in files
        if "plugins" in p.relative_to(ROOT).parts[:1] and p.name != "hookspecs.py"
    )
    problems = []
    for hook, (owner, node) in sorted(declared_hooks().items()):
        if f'"{hook}"' not in callers and f".{hook}(" not in callers and f"hook.{hook}" not in callers:
            problems.append(f"{hook} ({owner}) is never called")
        answered = re.search(rf"^def {hook}\(", answers, re.M) is not None
        waiting = _decorated_with(node, "awaiting")
        if not answered and not waiting:
            problems.append(f"{hook} ({owner}) has no answer and says nothing of who will give one")
        if answered and waiting:
            problems.append(f"{hook} ({owner}) is answered but still says it awaits an answer")
        doc = ast.get_docstring(node) or ""
        if hook not in WIRING:
            for part in ("When:", "Transaction:", "xception"):
                if part not in doc:
                    problems.append(f"{hook} ({owner}): its docstring does not say {part.strip(':')!r}")
    assert problems == []


def test_an_answer_to_a_hook_of_a_plugin_not_required_is_marked_optional(app: Flask) -> None:
    """Else the plugin would fail to load wherever that other plugin is not installed."""
    manager = app.extensions["resalat"].plugins
    wrong = []
    for record in manager.loaded:
        if record.hooks is None or record.name.startswith("fixture"):
            continue
        reachable = {record.name, "core", *_requirements(manager, record.name)}
        for caller in manager.pm.get_hookcallers(record.hooks) or []:
            owner = manager.hook_owner.get(caller.name, "?")
            for impl in caller.get_hookimpls():
                if impl.plugin_name == record.name and owner not in reachable and not impl.optionalhook:
                    wrong.append(f"{record.name} answers {caller.name} of {owner} without optionalhook=True")
    assert wrong == []


def _requirements(manager: Any, name: str) -> set[str]:
    seen: set[str] = set()
    stack = list(manager.records[name].requires)
    while stack:
        req = stack.pop()
        if req not in seen:
            seen.add(req)
            stack.extend(manager.records[req].requires)
    return seen


# --- words a plugin declares ------------------------------------------------------------------------


def test_a_word_another_owner_declared_refuses_the_plugin(make_app: Any, fixtures: None) -> None:
    from resalat_fixture_odd import account_thief, role_thief

    rows = listing(make_app(extra_plugins={"thief": role_thief(), "banker": account_thief()}))
    assert rows["thief"]["status"] == "failed"
    assert "role 'steward' is already declared by fixture_world" in rows["thief"]["error"]
    assert rows["banker"]["status"] == "failed"
    assert "system account 'cash_in' is already declared by the host" in rows["banker"]["error"]


def test_the_host_keeps_only_its_own_words(app: Flask) -> None:
    from resalat_core.vocabulary import HOST, vocabulary

    with app.app_context():
        vocab = vocabulary()
        host_words = {space: name for (space, name), owner in vocab.owner.items() if owner == HOST}
    assert sorted(n for (s, n), o in vocab.owner.items() if o == HOST and s == "role") == ["admin", "member"]
    assert sorted(n for (s, n), o in vocab.owner.items() if o == HOST and s == "system account") == [
        "cash_in"
    ]
    assert host_words


def test_a_role_holds_the_permissions_it_names(app: Flask) -> None:
    # The test world's steward holds the host's core.members.view without the host naming it.
    assert "steward" in app.extensions["resalat"].permissions["core.members.view"].roles


def test_granting_an_undeclared_role_or_kind_is_refused(session: Any, make_member: Any) -> None:
    from resalat_core.errors import BadInput
    from resalat_core.members import services
    from resalat_core.members.models import Member

    member = session.get(Member, make_member())
    with pytest.raises(BadInput):
        services.grant_role(session, member, "astronaut")
    with pytest.raises(BadInput):
        services.grant_role(session, member, "patron", kind="cosmic")
    with pytest.raises(BadInput):
        services.grant_role(session, member, "steward", kind="credit")
    assert services.grant_role(session, member, "patron", kind="technical").kind == "technical"


# --- every way a member joins is heard -----------------------------------------------------------


def test_a_member_joining_is_heard_however_they_join(edge_app: Flask) -> None:
    from resalat_fixture_edge import JOINED

    from resalat_core.identity import national_code_with_check_digit
    from resalat_core.testing import Roles

    by_fixture = Roles(edge_app)()
    by_cli = cli(
        edge_app,
        "members",
        "create",
        "--national-code",
        national_code_with_check_digit("456000001"),
        "--mobile",
        "09124560001",
        "--name",
        "عضو خط فرمان",
        "--region",
        "zanjan/zanjan",
        "--password",
        "a-long-password",
    )
    assert by_cli.exit_code == 0, by_cli.output
    client = edge_app.test_client()
    page = client.get("/auth/register").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    registered = client.post(
        "/auth/register",
        data={
            "csrf_token": token,
            "national_code": national_code_with_check_digit("456000002"),
            "mobile": "09124560002",
            "name": "عضو صفحه",
            "region": "zanjan/zanjan",
            "password": "a-long-password",
            "confirm": "a-long-password",
        },
    )
    assert registered.status_code == 302
    assert len(JOINED) == 3 and JOINED[0] == by_fixture


# --- the request edge ------------------------------------------------------------------------------


def test_a_form_commits_and_redirects_or_shows_every_error_and_keeps_nothing(
    edge_app: Flask, make_member: Any
) -> None:
    from resalat_core.identity import national_code_with_check_digit
    from resalat_core.members.models import Member

    client = signed_in(edge_app, make_member())

    def post(n: int, refuse: str = "", name: str = "عضو تازه") -> Any:
        token = client.csrf_token("/")
        return client.post(
            "/edge/register",
            data={
                "csrf_token": token,
                "national_code": national_code_with_check_digit(f"45700000{n}"),
                "mobile": f"0912457000{n}",
                "name": name,
                "refuse": refuse,
            },
        )

    def count() -> int:
        with edge_app.app_context():
            from sqlalchemy import func, select

            return edge_app.extensions["resalat"].db.session().scalar(select(func.count(Member.id)))

    before = count()
    done = post(1)
    assert (done.status_code, done.location) == (302, "/edge/done")
    assert count() == before + 1
    bad = post(2, name="x")  # a name the member service refuses
    assert bad.status_code == 400 and "name" in bad.get_json()["errors"]
    assert bad.get_json()["errors"]["_form"]
    refused = post(3, refuse="drop")
    assert refused.status_code == 400 and refused.get_json()["errors"]["name"] == "Not this one."
    assert count() == before + 1
    kept = post(4, refuse="keep")
    assert kept.status_code == 400
    assert count() == before + 2  # refused, but what it wrote is kept, as it asked


def test_me_is_the_signed_in_member_and_refuses_a_stranger(edge_app: Flask, make_member: Any) -> None:
    member_id = make_member()
    assert signed_in(edge_app, member_id).get("/edge/me").get_json() == {"id": member_id}
    stranger = edge_app.test_client().get("/edge/anyone")
    assert stranger.status_code in (302, 401)


@pytest.mark.parametrize(
    ("sent", "rials"),
    [
        ("12,500", 125_000),
        ("۱۲٬۵۰۰ تومان", 125_000),
        ("12500.5", 125_005),
        (12500, 125_000),
        (" ۱۰ ", 100),
    ],
)
def test_an_amount_is_read_once_at_the_edge(edge_app: Flask, make_member: Any, sent: Any, rials: int) -> None:
    from resalat_core.auth.services import issue_token
    from resalat_core.members.models import Member

    member_id = make_member()
    with edge_app.app_context():
        session = edge_app.extensions["resalat"].db.session()
        plain, _token = issue_token(session, session.get(Member, member_id), "t")
        session.commit()
    answer = edge_app.test_client().post(
        "/api/v1/edge/amount", json={"amount": sent}, headers={"Authorization": f"Bearer {plain}"}
    )
    assert answer.get_json() == {"rials": rials}


@pytest.mark.parametrize(
    ("sent", "words"),
    [
        ("", "مبلغ را وارد کنید"),
        ("0", "بیشتر از صفر"),
        ("-5", "منفی"),
        ("1" + "0" * 30, "بیش از حد بزرگ"),
        (10**30, "بیش از حد بزرگ"),
        (True, "با رقم"),
        ("twelve", "با رقم"),
        (float("nan"), "با رقم"),
    ],
)
def test_a_bad_amount_is_named_by_the_field_the_client_sent(
    edge_app: Flask, make_member: Any, sent: Any, words: str
) -> None:
    from resalat_core.auth.services import issue_token
    from resalat_core.members.models import Member

    member_id = make_member()
    with edge_app.app_context():
        session = edge_app.extensions["resalat"].db.session()
        plain, _token = issue_token(session, session.get(Member, member_id), "t")
        session.commit()
    body = json.dumps({"amount": sent}) if sent == sent else '{"amount": NaN}'
    answer = edge_app.test_client().post(
        "/api/v1/edge/amount",
        data=body,
        headers={
            "Authorization": f"Bearer {plain}",
            "Content-Type": "application/json",
            "Accept-Language": "en",
        },
    )
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert list(error["fields"]) == ["amount"]  # as sent, not the service's amount_rials
    assert words in error["fields"]["amount"][0]  # in the member's language, Persian


def test_an_api_error_that_says_so_keeps_what_was_written(edge_app: Flask, make_member: Any) -> None:
    from sqlalchemy import func, select

    from resalat_core.auth.services import issue_token
    from resalat_core.identity import national_code_with_check_digit
    from resalat_core.members.models import Member

    with edge_app.app_context():
        session = edge_app.extensions["resalat"].db.session()
        plain, _token = issue_token(session, session.get(Member, make_member()), "t")
        session.commit()
        before = session.scalar(select(func.count(Member.id)))
    headers = {"Authorization": f"Bearer {plain}"}
    for n, refuse in enumerate(("drop", "keep"), start=5):
        body = {
            "national_code": national_code_with_check_digit(f"45700000{n}"),
            "mobile": f"0912457000{n}",
            "name": "عضو تازه",
            "refuse": refuse,
        }
        assert (
            edge_app.test_client().post("/api/v1/edge/register", json=body, headers=headers).status_code
            == 400
        )
    with edge_app.app_context():
        session = edge_app.extensions["resalat"].db.session()
        assert session.scalar(select(func.count(Member.id))) == before + 1  # only the kept one


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("12", 12), ("۱۲", 12), ("1,200", 1200), (" ۱٬۲۰۰ ", 1200), (7, 7), ("-3", -3), ("3-", -3)],
)
def test_a_count_is_read_in_any_digits(typed: Any, expected: int) -> None:
    from resalat_core.sdk import read_count

    assert read_count(typed, field="quantity") == expected


@pytest.mark.parametrize(
    ("typed", "kwargs"),
    [("", {}), ("1.5", {}), ("twelve", {}), (True, {}), ("0", {"minimum": 1}), ("101", {"maximum": 100})],
)
def test_a_bad_count_names_its_field(typed: Any, kwargs: dict[str, int]) -> None:
    from resalat_core.errors import BadInput
    from resalat_core.sdk import read_count

    with pytest.raises(BadInput) as refused:
        read_count(typed, field="quantity", **kwargs)
    assert list(refused.value.fields) == ["quantity"]


def test_a_caller_hears_who_gave_each_answer(make_app: Any, make_member: Any, fixtures: None) -> None:
    from resalat_fixture_follow import follow_plugin
    from resalat_fixture_offer import plugin as offer

    from resalat_core.sdk import hook_answers

    app = make_app(
        extra_plugins={
            "offer": offer,
            "follower": follow_plugin("follower", requires=("offer",)),
            "stranger": follow_plugin("stranger"),
        }
    )
    switch_on(app, "offer", "follower")  # the stranger stays off: it is not asked
    with app.app_context():
        from resalat_core.members.models import Member

        member = app.extensions["resalat"].db.session().get(Member, make_member())
        answers = hook_answers("resalat_offer_ripened", member, fruit="fig")
    assert answers == [("follower", "follower ate the fig")]


# --- the dashboard ---------------------------------------------------------------------------------


def test_the_dashboard_shows_each_plugins_figures_within_the_admins_area(
    edge_app: Flask, make_member: Any
) -> None:
    from resalat_fixture_edge import FAIL_STATS

    zanjani = make_member(region="zanjan/zanjan")
    make_member(region="tehran/tehran")
    admin_of_zanjan = make_member("admin", region="zanjan/zanjan")
    nationwide = make_member("admin", region="tehran/tehran", role_region=None)
    zanjan_page = signed_in(edge_app, admin_of_zanjan).get("/admin")
    assert zanjan_page.status_code == 200
    html = zanjan_page.get_data(as_text=True)
    section = html.split('data-testid="dashboard-edge"', 1)[1].split("</section>", 1)[0]
    # Zanjan holds the plain member and its admin; the nationwide admin counts everyone.
    assert "Members here" in section and ">۲<" in section.replace(" ", "")
    assert "۱٬۲۳۴ تومان" in section
    everyone = signed_in(edge_app, nationwide).get("/admin").get_data(as_text=True)
    assert ">۴<" in everyone.split('data-testid="dashboard-edge"', 1)[1].split("</section>", 1)[0].replace(
        " ", ""
    )
    assert signed_in(edge_app, zanjani).get("/admin").status_code == 403
    FAIL_STATS.append(True)
    without = signed_in(edge_app, nationwide).get("/admin")
    assert without.status_code == 200
    assert 'data-testid="dashboard-edge"' not in without.get_data(as_text=True)


# --- the console script and the package -------------------------------------------------------


def test_the_resalat_command_lives_in_the_host_package() -> None:
    dist = importlib.metadata.distribution("resalat")
    scripts = {ep.name: ep.value for ep in dist.entry_points if ep.group == "console_scripts"}
    assert scripts == {"resalat": "resalat_core.cli.main:main"}
    installed_tops = {f.parts[0] for f in dist.files or []}
    assert "cli.py" not in installed_tops


# --- every plugin's folder has the same rooms --------------------------------------------------

README_HEADINGS = [
    "## What a member can do",
    "## Pages",
    "## API",
    "## CLI",
    "## Settings",
    "## Hooks it implements",
    "## Hooks it offers",
    "## Data it owns",
]
ROOMS = ("__init__.py", "hooks.py", "models.py", "views.py", "api.py", "schemas.py", "cli.py", "demo.py")
LONGEST_MODULE = 900


@pytest.mark.parametrize("folder", sorted((ROOT / "plugins").iterdir()), ids=lambda p: p.name)
def test_every_plugin_has_the_same_rooms_of_a_readable_size(folder: Path) -> None:
    package = next(p for p in folder.glob("resalat_*") if not p.name.endswith(".egg-info"))
    readme = (folder / "README.md").read_text(encoding="utf-8")
    headings = [line for line in readme.splitlines() if line.startswith("## ")]
    assert headings == README_HEADINGS, folder.name
    assert readme.startswith(f"# resalat-{folder.name.replace('_', '-')}: "), folder.name
    missing = [room for room in ROOMS if not (package / room).is_file()]
    assert (package / "services.py").is_file() or (package / "services" / "__init__.py").is_file()
    assert missing == [], folder.name
    for module in package.rglob("*.py"):
        if "migrations" in module.parts:
            continue
        lines = module.read_text(encoding="utf-8").count("\n")
        assert lines <= LONGEST_MODULE, f"{module.relative_to(ROOT)} has {lines} lines"


def test_the_plugin_reference_says_what_the_code_says() -> None:
    from resalat_core.hookdocs import TARGET, render

    assert (ROOT / TARGET).read_text(encoding="utf-8") == render(), "run scripts/hook-docs"
