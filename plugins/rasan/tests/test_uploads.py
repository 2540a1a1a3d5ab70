"""A post's photos: accepted and shown, or refused with a clear message and nothing stored when
there are too many, one is too large, or one named .jpg is not a picture (an HTML page, a script)."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from resalat_rasan.models import RasanPost, RasanPostPhoto
from sqlalchemy import func, select

from resalat_core.sdk import StoredFile
from resalat_core.testing import token_client, work

from .conftest import signed_in


@pytest.fixture(autouse=True)
def storage(app, tmp_path):
    """Files go to a folder of this test (the host's storage, as its own tests set it)."""
    from resalat_core.sdk import LocalStorage

    app.extensions["resalat_files"] = LocalStorage(tmp_path / "files")
    yield
    app.extensions.pop("resalat_files", None)


def picture(size: tuple[int, int] = (800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


def _counts(app) -> tuple[int, int, int]:
    with work(app) as s:
        return (
            s.scalar(select(func.count(RasanPost.id))) or 0,
            s.scalar(select(func.count(RasanPostPhoto.id))) or 0,
            s.scalar(select(func.count(StoredFile.id))) or 0,
        )


def _compose(client, text: str, files: list[tuple[bytes, str]]):
    data = {"text": text, "csrf_token": client.csrf_token("/rasan/new")}
    data["photos"] = [(io.BytesIO(body), name) for body, name in files]
    return client.post("/rasan/new", data=data, content_type="multipart/form-data")


def test_a_post_with_photos_shows_them_in_the_feed(app, make_member):
    member = make_member()
    client = signed_in(app, member)
    answer = _compose(client, "بره‌های امسال", [(picture(), "a.png"), (picture((2400, 1600)), "b.jpg")])
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    assert _counts(app) == (1, 2, 2)
    feed = client.get("/rasan/").get_data(as_text=True)
    assert feed.count('data-testid="rasan-photo"') == 2
    api = token_client(app, make_member()).get("/api/v1/rasan/feed").get_json()
    assert api["items"] == [] or all(p["url"].startswith("/files/") for p in api["items"][0]["photos"])
    # The photos are readable by another member (public with the post).
    with work(app) as s:
        token = s.scalar(select(StoredFile.token))
    assert signed_in(app, make_member()).get(f"/files/{token}/thumb").status_code == 200


@pytest.mark.parametrize(
    ("body", "name", "code"),
    [
        (b"<html><script>alert(1)</script></html>", "photo.jpg", "file_type"),
        (b"#!/bin/sh\nrm -rf /\n", "photo.jpg", "file_type"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "broken.png", "file_broken"),
    ],
)
def test_an_unsafe_or_broken_file_is_refused_and_nothing_is_stored(app, make_member, body, name, code):
    client = signed_in(app, make_member())
    answer = _compose(client, "با عکس", [(picture(), "ok.png"), (body, name)])
    assert answer.status_code == 400
    assert 'data-testid="form-error"' in answer.get_data(as_text=True)
    assert _counts(app) == (0, 0, 0)


def test_a_photo_over_the_size_limit_is_refused_and_nothing_is_stored(app, make_member, monkeypatch):
    from resalat_rasan import plugin

    monkeypatch.setitem(plugin.settings, "photo_max_bytes", 2000)
    client = signed_in(app, make_member())
    answer = _compose(client, "عکس بزرگ", [(picture((1200, 900)), "big.png")])
    assert answer.status_code == 400
    assert _counts(app) == (0, 0, 0)


def test_more_than_four_photos_are_refused(app, make_member):
    client = signed_in(app, make_member())
    answer = _compose(client, "پنج عکس", [(picture((40, 40)), f"{n}.png") for n in range(5)])
    assert answer.status_code == 400
    assert _counts(app) == (0, 0, 0)


def test_the_api_takes_photos_uploaded_first_and_only_the_caller_s(app, make_member):
    owner, other = make_member(), make_member()
    api = token_client(app, owner)
    up = api.post(
        "/api/v1/files", data={"file": (io.BytesIO(picture()), "p.png")}, content_type="multipart/form-data"
    ).get_json()
    made = api.post("/api/v1/rasan/posts", json={"text": "با عکس", "photos": [up["token"]]})
    assert made.status_code == 201 and len(made.get_json()["photos"]) == 1
    stolen = token_client(app, other).post(
        "/api/v1/rasan/posts", json={"text": "دزدی", "photos": [up["token"]]}
    )
    assert stolen.status_code == 400 and stolen.get_json()["error"]["fields"]["photos"]
    assert (
        api.post("/api/v1/rasan/posts", json={"text": "x", "photos": ["a", "b", "c", "d", "e"]}).status_code
        == 400
    )
