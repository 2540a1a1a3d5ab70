"""Hiding a post (and showing it again) writes one audit entry by the moderator; a refused one none."""

from __future__ import annotations

from resalat_core.sdk import Member
from resalat_core.testing import audit_entries, token_client, work

from .test_moderation_and_ask import ARBAB, reported  # noqa: F401 (the fixture)


def moderation(app) -> list[tuple]:
    return [
        (e["action"], e["subject"], e["actor_id"], e["region_id"], e["after"])
        for e in audit_entries(app)
        if e["action"].startswith("rasan.")
    ]


def test_a_hidden_and_restored_post_is_written_once_each(app, make_member, reported):  # noqa: F811
    author, _reporter, post_id = reported
    moderator_id = make_member("admin", region=ARBAB, name="مدیر ارباب")
    moderator = token_client(app, moderator_id)
    url = f"/api/v1/rasan/moderation/{post_id}"
    assert moderator.post(url, json={"action": "hide", "note": ""}).status_code == 400
    elsewhere = token_client(app, make_member("admin", region="zanjan/gorg-tappeh"))
    assert elsewhere.post(url, json={"action": "hide", "note": "پاک شود"}).status_code == 403
    assert moderator.post(url, json={"action": "hide", "note": "وعده‌ی سود ممنوع است"}).status_code == 200
    assert moderator.post(url, json={"action": "restore"}).status_code == 200
    assert moderator.post(url, json={"action": "restore"}).status_code == 200  # not hidden: nothing
    with work(app) as s:
        region = s.get(Member, author).region_id
    subject = f"rasan_post:{post_id}"
    assert moderation(app) == [
        ("rasan.post_hidden", subject, moderator_id, region, {"hidden": True}),
        ("rasan.post_restored", subject, moderator_id, region, {"hidden": False}),
    ]
