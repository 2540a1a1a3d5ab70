"""What a report's status, outcome, category and acts read as: pages, the API and the CLI share them."""

from __future__ import annotations

from resalat_core.sdk import Text, _l
from resalat_supervision.models import (
    CLOSE,
    CLOSED,
    DISMISS,
    DISMISSED,
    HIDDEN,
    HIDE,
    OPEN,
    OPENED,
    PRICE,
    QUALITY,
    RESOLVED,
    TAKE,
    UNDER_REVIEW,
    UNHIDE,
    WARN,
    WARNED,
)

STATUS_WORDS: dict[str, Text] = {
    OPEN: _l("open"),
    UNDER_REVIEW: _l("under review"),
    RESOLVED: _l("resolved"),
    CLOSED: _l("closed"),
}
OUTCOME_WORDS: dict[str, Text] = {
    WARNED: _l("seller warned"),
    HIDDEN: _l("hidden"),
    DISMISSED: _l("dismissed"),
}
CATEGORY_WORDS: dict[str, Text] = {PRICE: _l("price"), QUALITY: _l("quality")}
# A report's history, one line per step.
ACTION_WORDS: dict[str, Text] = {
    OPENED: _l("reported"),
    TAKE: _l("taken up for review"),
    WARN: _l("seller warned"),
    HIDE: _l("hidden"),
    UNHIDE: _l("shown again"),
    DISMISS: _l("dismissed"),
    CLOSE: _l("closed"),
}
# What a handler's buttons say.
ACT_TITLES: dict[str, Text] = {
    TAKE: _l("Take it up for review"),
    WARN: _l("Warn the seller"),
    HIDE: _l("Hide it"),
    UNHIDE: _l("Show it again"),
    DISMISS: _l("Dismiss"),
    CLOSE: _l("Close"),
}
# What the reporter is told came of their report.
DECISION_WORDS: dict[str, Text] = {
    WARN: _l("the seller was warned"),
    HIDE: _l("it was hidden from M-Bazar"),
    DISMISS: _l("it was dismissed after review"),
    CLOSE: _l("it was closed"),
}


def status_label(status: str) -> str:
    return str(STATUS_WORDS.get(status, status))


def outcome_label(outcome: str | None) -> str:
    return str(OUTCOME_WORDS.get(outcome or "", outcome or ""))


def category_label(category: str) -> str:
    return str(CATEGORY_WORDS.get(category, category))


def action_label(action: str) -> str:
    return str(ACTION_WORDS.get(action, action))


def act_title(action: str) -> str:
    return str(ACT_TITLES.get(action, action))
