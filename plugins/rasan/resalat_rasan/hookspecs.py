"""The hooks Rasan offers other plugins: who can answer an "ask me" question."""

from __future__ import annotations

from typing import Any

from resalat_core.sdk import hookspec


@hookspec
def resalat_ask_me_experts(field: str | None, words: str, region_id: int, limit: int) -> list[dict[str, Any]]:
    """Members who can answer an "ask me" question.

    When: as a member asks a question on Rasan (its page, the API); only plugins active in the
    asker's region are asked. Arguments: ``field``, the code of the field of work the question is
    about (a cores field such as ``"saffron"``), or None; ``words``, the question's text;
    ``region_id``, the asker's region (prefer people near it); ``limit``, the most answers wanted.
    Return a list of ``{"member_id": int, "title": str}``: ``title`` says what the member knows,
    in the reader's language. Every plugin's answers are merged in load order, each member once
    (the first answer wins), never the asker, at most ``limit``; the question is shown in each
    one's "questions for you" inbox. Transaction: the question's, not yet committed; read only.
    An exception refuses the question (nothing of it is kept).

    Example::

        @hookimpl(optionalhook=True)
        def resalat_ask_me_experts(field, words, region_id, limit):
            return [{"member_id": s.member_id, "title": s.title} for s in skills(field, limit)]
    """
