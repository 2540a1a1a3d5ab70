"""Rasan's "ask me" with M-Maher installed: a question reaches the members who list its skill,
and only them. Needs both plugins; skipped when either is missing (the host's tests run alone too)."""

from __future__ import annotations

import pytest

pytest.importorskip("resalat_maher")
pytest.importorskip("resalat_rasan")

from resalat_maher import services as maher  # noqa: E402

from resalat_core.sdk import Member  # noqa: E402
from resalat_core.testing import token_client, work  # noqa: E402


def test_a_question_reaches_who_lists_its_skill(app, make_member):
    weaver = make_member(region="yazd/ardakan", name="زهرا بافنده")
    herder = make_member(region="yazd/ardakan", name="حسن دامدار")
    asker = make_member(region="yazd/ardakan", name="مریم پرسنده")
    with work(app) as s:
        maher.save_skill(
            s, s.get(Member, weaver), name="کاربافی سنتی", field="hand_weaving", level="master", years=12
        )
        maher.save_skill(
            s, s.get(Member, herder), name="پرورش بره", field="livestock", level="skilled", years=5
        )

    asked = token_client(app, asker).post(
        "/api/v1/rasan/posts",
        json={
            "text": "نخ پنبه‌ای برای رومیزی بهتر است یا ابریشم؟",
            "kind": "question",
            "field": "hand_weaving",
        },
    )
    assert asked.status_code == 201, asked.get_json()
    question = asked.get_json()["id"]

    inbox = token_client(app, weaver).get("/api/v1/rasan/questions").get_json()
    assert [p["id"] for p in inbox["items"]] == [question]
    assert token_client(app, herder).get("/api/v1/rasan/questions").get_json()["items"] == []
    assert token_client(app, asker).get("/api/v1/rasan/questions").get_json()["items"] == []
