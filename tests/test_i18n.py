"""Persian first: every message of the host and every plugin has a Persian translation, compiled."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]


def packages() -> list[Path]:
    found = [ROOT / "resalat_core"]
    found += sorted(
        p for p in (ROOT / "plugins").glob("*/resalat_*") if p.is_dir() and not p.name.endswith(".egg-info")
    )
    return found


def extracted(package: Path) -> set[str]:
    ids: set[str] = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(str(package), METHODS, keywords=KEYWORDS):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


@pytest.mark.parametrize("package", packages(), ids=lambda p: p.name)
def test_every_message_has_a_persian_translation(package: Path) -> None:
    messages = extracted(package)
    if not messages:
        pytest.skip(f"{package.name} has no translatable messages")
    po_path = package / "translations" / "fa" / "LC_MESSAGES" / "messages.po"
    assert po_path.is_file(), f"{package.name}: run scripts/i18n to create {po_path.relative_to(ROOT)}"
    with po_path.open("rb") as fh:
        catalog = read_po(fh)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and (m.string if isinstance(m.string, str) else all(m.string))
    }
    missing = sorted(messages - translated)
    assert not missing, f"{package.name}: untranslated (run scripts/i18n, then translate): {missing}"


def _key(value: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    """Plural messages come as lists from one reader and tuples from the other."""
    return value if isinstance(value, str) else tuple(value)


@pytest.mark.parametrize("package", packages(), ids=lambda p: p.name)
def test_compiled_catalog_matches_its_source(package: Path) -> None:
    po_path = package / "translations" / "fa" / "LC_MESSAGES" / "messages.po"
    if not po_path.is_file():
        pytest.skip(f"{package.name} has no catalog")
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.is_file(), f"{package.name}: compile the catalog with scripts/i18n"
    with po_path.open("rb") as fh:
        source = {_key(m.id): _key(m.string) for m in read_po(fh) if m.id and m.string}
    with mo_path.open("rb") as fh:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(fh) if m.id}
    assert compiled == source, f"{package.name}: messages.mo is stale; run scripts/i18n"


def test_a_plugin_page_reads_its_own_wording_and_host_pages_the_hosts(make_app, monkeypatch):
    """Two catalogs may word one message id differently; each page reads its owner's."""
    monkeypatch.syspath_prepend(str(ROOT / "tests" / "fixtures"))
    from resalat_fixture_words import plugin

    app = make_app(extra_plugins={"fixture_words": plugin})
    with app.app_context():
        from resalat_core.plugins.activation import set_module

        session = app.extensions["resalat"].db.session()
        set_module(session, "fixture_words", enabled=True)
        session.commit()
    client = app.test_client()
    assert "ورود به میز آزمایشی" in client.get("/fixture_words/").get_data(as_text=True)
    login = client.get("/auth/login").get_data(as_text=True)
    assert "ورود به میز آزمایشی" not in login
    assert "ورود به ام‌رسالت" in login


def test_one_message_id_has_one_persian_wording_in_every_catalogue() -> None:
    """A page reads every catalogue; one English id worded two ways would read by chance."""
    from resalat_core.catalogs import wordings

    clashes = {
        msgid: by_package
        for msgid, by_package in wordings(packages()).items()
        if len(set(by_package.values())) > 1
    }
    assert clashes == {}, "reuse one wording, or give the other sense a pgettext context"


def test_extraction_fails_loudly_on_a_template_it_cannot_read(tmp_path: Path) -> None:
    from resalat_core.catalogs import ExtractionError, extract

    package = tmp_path / "resalat_broken"
    (package / "templates" / "broken").mkdir(parents=True)
    (package / "__init__.py").write_text('from resalat_core.sdk import _l\n\nTITLE = _l("Broken")\n')
    (package / "templates" / "broken" / "page.html").write_text("{% if %}{{ _('Never read') }}")
    with pytest.raises(ExtractionError, match="page.html"):
        extract(package)


def test_templates_using_the_do_extension_are_extracted(tmp_path: Path) -> None:
    from resalat_core.catalogs import extract

    package = tmp_path / "resalat_pager"
    (package / "templates" / "pager").mkdir(parents=True)
    (package / "templates" / "pager" / "page.html").write_text(
        "{% set args = {} %}{% do args.update(page=2) %}<a>{{ _('Next') }}</a>"
    )
    assert [m.id for m in extract(package) if m.id] == ["Next"]


def test_a_request_holds_its_catalogue_yet_force_locale_still_writes_another_language(app) -> None:
    # The catalogue is found once a request (held with its locale); a message for another member
    # (an SMS, a notification in their language) is written under force_locale all the same.
    from flask_babel import force_locale

    from resalat_core.i18n import gettext, template_gettext

    with app.test_request_context("/"):
        assert gettext("Home") == "خانه"
        with force_locale("en"):
            assert gettext("Home") == "Home" and str(template_gettext("Home")) == "Home"
        assert gettext("Home") == "خانه"
