"""A person in a real browser who counts the pages they load and the clicks and fills they make.

Every page loaded is read as ``tests/test_words_on_screen.py`` reads a Persian page (no Latin
letter or digit on screen) and measured at phone width (``layout_problems``); a page that answers
500 or says it is not found fails the journey at once, naming the step.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from resalat_core.testing import layout_problems

PHONE = 390


def _words_on_screen() -> Any:
    """The persona walk's module, for its reading of a Persian page (tests are no package)."""
    path = Path(__file__).resolve().parent.parent / "test_words_on_screen.py"
    spec = importlib.util.spec_from_file_location("_journey_words_on_screen", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


WORDS = _words_on_screen()


@dataclass
class Tally:
    """What one step of the journey cost the people in it."""

    name: str
    pages: int = 0
    clicks: int = 0
    fills: int = 0
    why: str = ""


@dataclass
class Journey:
    """The steps walked so far, the problems seen on their pages, and the table they make."""

    steps: list[Tally] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Latin words allowed on screen: the names of test-only plugins the host's tests load.
    excused: frozenset[str] = frozenset()

    @property
    def step(self) -> Tally:
        return self.steps[-1]

    def begin(self, name: str, why: str = "") -> None:
        self.steps.append(Tally(name, why=why))

    def table(self) -> str:
        lines = ["| step | pages | clicks | fills |", "|---|---:|---:|---:|"]
        for t in self.steps:
            lines.append(f"| {t.name} | {t.pages} | {t.clicks} | {t.fills} |")
        total = [sum(getattr(t, k) for t in self.steps) for k in ("pages", "clicks", "fills")]
        lines.append(f"| all | {total[0]} | {total[1]} | {total[2]} |")
        return "\n".join(lines)


class Walker:
    """One person's browser (a context of its own, 390 px wide), counted into ``journey``."""

    def __init__(self, browser: Any, base: str, journey: Journey, who: str) -> None:
        self.context = browser.new_context(locale="fa-IR", viewport={"width": PHONE, "height": 800})
        self.page = self.context.new_page()
        self.page.set_default_timeout(8000)
        self.base, self.journey, self.who = base, journey, who

    def close(self) -> None:
        self.context.close()

    # --- what the person does ----------------------------------------------------------------

    def open(self, path: str) -> Any:
        """Type an address (or follow a bookmark): one page."""
        response = self.page.goto(self.base + path, wait_until="load")
        self._read(response.status if response else 0)
        return response

    def click(self, target: Any, *, leaves: bool = True, refused: bool = False) -> None:
        """Click a link or a button (a locator, or a selector); ``leaves``: it loads a page.

        A form sent in the journey must be accepted: a page that comes back with a field's error
        or a refusal fails the step with the words the person reads, unless ``refused`` (then it
        must be refused)."""
        locator = self._locator(target)
        self.journey.step.clicks += 1
        if not leaves:
            locator.click()
            return
        with self.page.expect_navigation(wait_until="load") as nav:
            locator.click()
        response = nav.value
        self._read(response.status if response else 0)
        errors = self.page.locator(".invalid-feedback:visible, .alert-danger:visible")
        said = [e for e in errors.all_inner_texts() if e.strip()]
        where = f"[{self.journey.step.name} · {self.who}] {self.path()}"
        if refused:
            assert said, f"{where}: the form was accepted but should have been refused"
        else:
            assert not said, f"{where}: the form was refused: {said}"

    def link(self, text: str | re.Pattern[str], *, within: str = "body") -> None:
        """Click the (first visible) link whose words are ``text``."""
        self.click(self.page.locator(within).get_by_role("link", name=text).first)

    def button(self, text: str | re.Pattern[str], *, within: str = "body") -> None:
        """Press the (first) button whose words are ``text``: a form is sent."""
        self.click(self.page.locator(within).get_by_role("button", name=text).first)

    def tile(self, prefix: str) -> None:
        """From the home page, the sub-system's tile (whose address starts with ``prefix``)."""
        self.click(f'a.tile[href^="{prefix}"] >> nth=0')

    def href(self, prefix: str, *, within: str = "main") -> None:
        """Follow the first link on the page whose address starts with ``prefix``."""
        # Visible ones only: on a phone the top bar's links live in the bottom bar instead.
        self.click(self.page.locator(f'{within} a[href^="{prefix}"]:visible').first)

    def fill(self, target: Any, value: str) -> None:
        self.journey.step.fills += 1
        self._locator(target).fill(value)

    def choose(self, target: Any, value: str | None = None, *, label: str | None = None) -> None:
        """Pick an option of a select (by value or by its words)."""
        self.journey.step.fills += 1
        if label is not None:
            self._locator(target).select_option(label=label)
        else:
            self._locator(target).select_option(value)

    def choose_containing(self, target: Any, words: str) -> None:
        """Pick the first option of a select whose words hold ``words``."""
        self.journey.step.fills += 1
        select = self._locator(target)
        value = select.evaluate(
            "(s, words) => [...s.options].find(o => o.text.includes(words))?.value",
            words,
        )
        assert value, f"{self.who}: no option with «{words}» in {target}"
        select.select_option(value)

    def tick(self, target: Any) -> None:
        self.journey.step.fills += 1
        self._locator(target).check()

    def sign_in(self, identifier: str, password: str) -> None:
        self.open("/auth/login")
        self.fill("#f-identifier", identifier)
        self.fill("#f-password", password)
        self.click(self.page.locator("form button[type=submit]").last)
        assert "/auth/login" not in self.page.url, f"{self.who} could not sign in"

    # --- what the test reads -------------------------------------------------------------------

    def text(self, selector: str = "main") -> str:
        found = self.page.locator(selector)
        return found.first.inner_text() if found.count() else self.page.inner_text("body")

    def sees(self, *words: str) -> None:
        body = self.page.inner_text("body")
        for word in words:
            assert word in body, f"{self.who} does not see «{word}» on {self.page.url}:\n{body[:1500]}"

    def path(self) -> str:
        return self.page.url.removeprefix(self.base)

    def _locator(self, target: Any) -> Any:
        return self.page.locator(target) if isinstance(target, str) else target

    def _read(self, status: int) -> None:
        """A page was loaded: count it, and read it as a Persian reader at phone width."""
        self.journey.step.pages += 1
        where = f"[{self.journey.step.name} · {self.who}] {self.path()}"
        body = self.page.inner_text("body") if status else ""
        assert status < 500, f"{where} answered {status}:\n{body[:1000]}"
        assert status != 404, f"{where} is not found:\n{body[:1000]}"
        found = self.page.evaluate(WORDS._READ_PAGE)
        bad = [
            f"«{WORDS._snippet(t, w)}» ({w})"
            for t in found["texts"]
            for w in WORDS._latin_offences(t)
            if w not in self.journey.excused
        ]
        if bad:
            self.journey.problems.append(f"{where}: " + "; ".join(sorted(set(bad))))
        self.journey.problems.extend(f"{where}: {p}" for p in layout_problems(self.page, PHONE))
