"""Reports go to the social leader of the post's region, who hides (the post disappears for all
but its author and the moderators, with a note to the author) or restores; a moderator of another
region is refused and nothing changes. "Ask me": the experts a plugin names see the question, and
their comments are its answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from resalat_rasan.models import OPEN, RasanPost, RasanReport
from sqlalchemy import select

from resalat_core.testing import ResalatClient, token_client, work

from .conftest import signed_in

FIXTURES = Path(__file__).parent / "fixtures"
ARBAB = "sistan-baluchestan/arbab"


def _ids(page: dict) -> list[int]:
    return [p["id"] for p in page["items"]]


@pytest.fixture
def reported(app, make_member):
    """A post written in Arbab and reported by a neighbour: (author, reporter, post id)."""
    author = make_member(region=ARBAB, name="نویسنده")
    reporter = make_member(region=ARBAB, name="همسایه")
    post = token_client(app, author).post("/api/v1/rasan/posts", json={"text": "سود تضمینی ماهی بیست درصد"})
    post_id = post.get_json()["id"]
    answer = token_client(app, reporter).post(
        f"/api/v1/rasan/posts/{post_id}/report", json={"reason": "کلاهبرداری"}
    )
    assert answer.status_code == 201, answer.get_json()
    return author, reporter, post_id


def test_the_region_s_moderator_hides_a_post_and_only_its_author_and_moderators_see_it(
    app, make_member, reported
):
    author, reporter, post_id = reported
    moderator = token_client(app, make_member("admin", region=ARBAB, name="مدیر ارباب"))
    queue = moderator.get("/api/v1/rasan/moderation").get_json()
    assert [item["post"]["id"] for item in queue["items"]] == [post_id] and queue["items"][0]["reports"] == 1
    refused = moderator.post(f"/api/v1/rasan/moderation/{post_id}", json={"action": "hide", "note": ""})
    assert refused.status_code == 400
    hidden = moderator.post(
        f"/api/v1/rasan/moderation/{post_id}", json={"action": "hide", "note": "وعده‌ی سود ممنوع است"}
    )
    assert hidden.status_code == 200 and hidden.get_json()["hidden"] is True
    other = token_client(app, reporter)
    assert other.get(f"/api/v1/rasan/posts/{post_id}").status_code == 404
    assert post_id not in _ids(other.get("/api/v1/rasan/feed").get_json())
    assert other.get("/api/v1/rasan/search", query_string={"q": "سود"}).get_json()["items"] == []
    assert signed_in(app, reporter).get(f"/rasan/posts/{post_id}").status_code == 404
    mine = signed_in(app, author).get(f"/rasan/posts/{post_id}").get_data(as_text=True)
    assert 'data-testid="rasan-hidden-note"' in mine and "وعده‌ی سود ممنوع است" in mine
    assert moderator.get(f"/api/v1/rasan/posts/{post_id}").status_code == 200
    assert moderator.get("/api/v1/rasan/moderation").get_json()["items"] == []
    restored = moderator.post(f"/api/v1/rasan/moderation/{post_id}", json={"action": "restore"})
    assert restored.get_json()["hidden"] is False
    assert other.get(f"/api/v1/rasan/posts/{post_id}").status_code == 200


def test_a_moderator_of_another_region_is_refused_and_nothing_changes(app, make_member, reported):
    _author, _reporter, post_id = reported
    zanjan = make_member("admin", region="zanjan/gorg-tappeh", name="مدیر زنجان")
    api = token_client(app, zanjan)
    assert api.get("/api/v1/rasan/moderation").get_json()["items"] == []
    refused = api.post(f"/api/v1/rasan/moderation/{post_id}", json={"action": "hide", "note": "پاک شود"})
    assert refused.status_code == 403
    assert (
        "region" in refused.get_json()["error"]["message"]
        or refused.get_json()["error"]["code"] == "outside_region"
    )
    page = signed_in(app, zanjan).form(
        f"/rasan/moderation/{post_id}", {"action": "hide", "note": "پاک شود"}, token_from="/rasan/"
    )
    assert page.status_code == 403
    with work(app) as s:
        post = s.get(RasanPost, post_id)
        assert post.hidden is False and post.hidden_note is None
        assert list(s.scalars(select(RasanReport.status))) == [OPEN]


def test_the_social_leader_of_arbab_moderates_from_the_page(app, make_member, reported):
    pytest.importorskip("resalat_leaders")
    _author, _reporter, post_id = reported
    leader = signed_in(app, make_member("social_leader", region=ARBAB, name="فاطمه قادری"))
    queue = leader.get("/rasan/moderation").get_data(as_text=True)
    assert 'data-testid="rasan-report"' in queue
    done = leader.form(
        f"/rasan/moderation/{post_id}",
        {"action": "hide", "note": "کلاهبرداری"},
        token_from=f"/rasan/posts/{post_id}",
    )
    assert done.status_code == 302
    with work(app) as s:
        assert s.get(RasanPost, post_id).hidden is True
    plain = signed_in(app, make_member(region=ARBAB))
    assert plain.get("/rasan/moderation").status_code == 403


def test_a_member_reports_once_and_never_their_own_post(app, api_as, reported):
    author, reporter, post_id = reported
    again = token_client(app, reporter).post(
        f"/api/v1/rasan/posts/{post_id}/report", json={"reason": "دوباره"}
    )
    assert again.status_code == 201
    own = token_client(app, author).post(f"/api/v1/rasan/posts/{post_id}/report", json={"reason": "خودم"})
    assert own.status_code == 400
    assert (
        api_as("member").post(f"/api/v1/rasan/posts/{post_id}/report", json={"reason": " "}).status_code
        == 400
    )
    with work(app) as s:
        assert len(list(s.scalars(select(RasanReport.id)))) == 1


@pytest.fixture
def with_experts(app, make_member, make_app, monkeypatch):
    """The app with a test plugin answering ``resalat_ask_me_experts`` (as M-Maher will)."""
    monkeypatch.syspath_prepend(str(FIXTURES))
    from resalat_fixture_experts import ANSWER, ASKED, plugin

    built = make_app(extra_plugins={"fixture_experts": plugin})
    enabled = built.test_cli_runner().invoke(args=["modules", "enable", "fixture_experts", "--all"])
    assert enabled.exit_code == 0, enabled.output
    built.test_client_class = ResalatClient
    ANSWER.clear()
    ASKED.clear()
    return built, ANSWER, ASKED


def test_ask_me_shows_the_question_to_the_experts_and_their_comments_are_answers(with_experts, make_member):
    app, answer, asked = with_experts
    asker = make_member(name="مریم")
    expert = make_member(region="yazd/ardakan", name="بافنده")
    second = make_member(name="دومی")
    # Two answers for one member, the asker among them, and an unknown id: merged and cleaned.
    answer.extend(
        [
            {"member_id": expert, "title": "بافنده‌ی کرباس"},
            {"member_id": expert, "title": "تکرار"},
            {"member_id": asker, "title": "خود پرسنده"},
            {"member_id": 2147483000, "title": "ناشناس"},
            {"member_id": second, "title": "کارشناس دوم"},
        ]
    )
    api = token_client(app, asker)
    made = api.post(
        "/api/v1/rasan/posts",
        json={"text": "برای کاربافی چه دستگاهی لازم است؟", "kind": "question", "field": "hand_weaving"},
    ).get_json()
    assert asked[0]["field"] == "hand_weaving" and asked[0]["limit"] == 20
    expert_api = token_client(app, expert)
    inbox = expert_api.get("/api/v1/rasan/questions").get_json()
    assert _ids(inbox) == [made["id"]]
    assert token_client(app, second).get("/api/v1/rasan/questions").get_json()["meta"]["total"] == 1
    assert api.get("/api/v1/rasan/questions").get_json()["items"] == []
    home = signed_in(app, expert).get("/").get_data(as_text=True)
    assert "/rasan/questions" in home
    reply = expert_api.post(
        f"/api/v1/rasan/posts/{made['id']}/comments", json={"text": "دستگاه پارچه‌بافی سنتی"}
    )
    assert reply.get_json()["is_answer"] is True
    chat = token_client(app, make_member()).post(
        f"/api/v1/rasan/posts/{made['id']}/comments", json={"text": "من هم می‌خواهم بدانم"}
    )
    assert chat.get_json()["is_answer"] is False
    comments = api.get(f"/api/v1/rasan/posts/{made['id']}/comments").get_json()["items"]
    assert [c["is_answer"] for c in comments] == [True, False]
    page = signed_in(app, asker).get(f"/rasan/posts/{made['id']}").get_data(as_text=True)
    assert 'data-testid="rasan-answer"' in page


def test_an_unknown_field_is_refused(api_as):
    api = api_as("member")
    refused = api.post("/api/v1/rasan/posts", json={"text": "پرسش", "kind": "question", "field": "nothing"})
    assert refused.status_code == 400 and refused.get_json()["error"]["fields"]["field"]
