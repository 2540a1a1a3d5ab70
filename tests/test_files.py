"""Stored files: an upload is checked by what it is, re-encoded when a picture, kept once, read
only by who may, and served so that the browser runs nothing in it."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from resalat_core.errors import BadInput
from resalat_core.files.models import StoredFile
from resalat_core.files.services import owned_files, store_upload
from resalat_core.files.storage import LocalStorage
from resalat_core.members.models import Member
from resalat_core.testing import token_client, work


@pytest.fixture
def storage(app, tmp_path):
    """Files go to a folder of this test, to see what was (not) written."""
    found = LocalStorage(tmp_path / "files")
    app.extensions["resalat_files"] = found
    yield found
    app.extensions.pop("resalat_files", None)


def picture(fmt: str = "PNG", size: tuple[int, int] = (2400, 1200), exif: bool = False) -> bytes:
    image = Image.new("RGB", size, (30, 120, 200))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "دوربین"  # Make
        data[0x8825] = {2: (35.0, 40.0, 0.0)}  # GPSInfo: where the photo was taken
        image.save(out, fmt, exif=data)
    else:
        image.save(out, fmt)
    return out.getvalue()


def _upload(client, data: bytes, name: str = "photo.png", **form):
    return client.post(
        "/api/v1/files", data={"file": (io.BytesIO(data), name), **form}, content_type="multipart/form-data"
    )


def _stored(app) -> int:
    with work(app) as s:
        return s.scalar(select(func.count(StoredFile.id))) or 0


def test_a_photo_is_re_encoded_resized_and_read_only_by_its_owner(app, make_member, storage):
    owner, other = make_member(), make_member()
    made = _upload(token_client(app, owner), picture("JPEG", exif=True), "سفر.jpg")
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert (body["kind"], body["content_type"], body["width"], body["height"]) == (
        "image",
        "image/jpeg",
        1600,
        800,
    )
    assert body["name"] == "سفر.jpg" and body["public"] is False

    mine = token_client(app, owner).get(body["url"])
    assert mine.status_code == 200 and mine.mimetype == "image/jpeg"
    assert mine.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in mine.headers["Content-Security-Policy"]
    assert mine.headers["Content-Disposition"].startswith("inline")
    kept = Image.open(io.BytesIO(mine.data))
    assert kept.size == (1600, 800) and not kept.getexif()  # where it was taken is not kept
    thumb = Image.open(io.BytesIO(token_client(app, owner).get(body["thumb_url"]).data))
    assert max(thumb.size) == 480
    again = token_client(app, owner).get(body["url"], headers={"If-None-Match": mine.headers["ETag"]})
    assert again.status_code == 304

    # A private file is nobody else's business, not even that it exists.
    assert token_client(app, other).get(body["url"]).status_code == 404
    assert app.test_client().get(body["url"]).status_code == 404
    assert app.test_client().get("/files/no-such-token").status_code == 404


def test_a_public_file_is_read_by_anyone_and_cached(app, make_member, storage):
    body = _upload(token_client(app, make_member()), picture(), public="true").get_json()
    read = app.test_client().get(body["url"])
    assert read.status_code == 200 and "immutable" in read.headers["Cache-Control"]


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "empty.jpg", "file_empty"),
        (b"<html><script>alert(1)</script></html>", "photo.jpg", "file_type"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "broken.png", "file_type"),
        (b"MZ\x90\x00" + b"\x00" * 64, "program.jpg", "file_type"),
        (b"%PDF-1.4\n1 0 obj << /OpenAction << /JS (app.alert(1)) >> >>\n%%EOF\n", "a.pdf", "file_unsafe"),
        (b"%PDF-1.4\n1 0 obj << >> endobj\n", "cut.pdf", "file_broken"),
    ],
)
def test_what_is_not_a_safe_photo_or_pdf_is_refused_and_nothing_is_kept(
    app, make_member, storage, data, name, code
):
    refused = _upload(token_client(app, make_member()), data, name)
    assert refused.status_code == 400
    error = refused.get_json()["error"]
    assert error["code"] == code and error["fields"]["file"]
    assert not any("a" <= ch.lower() <= "z" for ch in error["message"])  # in Persian, the member's language
    assert _stored(app) == 0
    assert not storage.root.exists() or not any(storage.root.rglob("*.*"))


def test_a_file_over_the_limit_is_refused(app, make_member, storage):
    app.config["RESALAT"]["files_max_bytes"] = 2048
    try:
        refused = _upload(token_client(app, make_member()), picture(size=(800, 800)))
    finally:
        app.config["RESALAT"].pop("files_max_bytes")
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "file_too_large"
    assert "۲" in refused.get_json()["error"]["message"]  # "at most 2 KB", in Persian digits
    assert _stored(app) == 0


def test_a_body_past_the_request_limit_gets_413(app, make_member, storage):
    limit = app.config["MAX_CONTENT_LENGTH"]
    refused = _upload(token_client(app, make_member()), b"\xff\xd8\xff" + b"\x00" * limit)
    assert refused.status_code == 413
    assert _stored(app) == 0


def test_a_plain_pdf_is_kept_and_served_as_a_download(app, make_member, storage):
    owner = make_member()
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    body = _upload(token_client(app, owner), pdf, "report.pdf").get_json()
    assert body["kind"] == "pdf"
    read = token_client(app, owner).get(body["url"])
    assert read.mimetype == "application/pdf" and read.data == pdf
    assert read.headers["Content-Disposition"].startswith("attachment")


def test_a_plugin_names_its_members_uploads_by_token(app, make_member, storage):
    owner, other = make_member(), make_member()
    mine = _upload(token_client(app, owner), picture()).get_json()["token"]
    theirs = _upload(token_client(app, other), picture(size=(64, 64))).get_json()["token"]
    with work(app) as s:
        member = s.get(Member, owner)
        [found] = owned_files(s, member, [mine], public=True)
        assert found.public is True
        for tokens, code in (
            ([theirs], "unknown_file"),
            ([mine, mine], "unknown_file"),
            (["x"] * 11, "too_many_files"),
        ):
            with pytest.raises(BadInput) as refused:
                owned_files(s, member, tokens)
            assert refused.value.code == code
        with pytest.raises(BadInput):
            owned_files(s, member, [mine], kinds=("pdf",))


def test_a_member_may_upload_only_so_many_files_a_day(app, make_member, storage):
    owner = make_member()
    app.config["RESALAT"]["files_per_day"] = 2
    try:
        with work(app) as s:
            member = s.get(Member, owner)
            for _ in range(2):
                store_upload(s, ("a.png", picture(size=(40, 40))), owner=member, purpose="test.photo")
            with pytest.raises(BadInput) as refused:
                store_upload(s, ("a.png", picture(size=(40, 40))), owner=member, purpose="test.photo")
    finally:
        app.config["RESALAT"].pop("files_per_day")
    assert refused.value.code == "file_quota"
    assert _stored(app) == 2


def test_the_same_picture_twice_is_kept_once_in_the_storage(app, make_member, storage):
    client = token_client(app, make_member())
    first = _upload(client, picture()).get_json()
    second = _upload(client, picture()).get_json()
    assert first["token"] != second["token"]
    assert len([p for p in storage.root.rglob("*.jpg")]) == 2  # the picture and its thumbnail


def test_a_picture_is_served_as_wide_as_a_phone_asks_made_once(app, make_member, storage):
    owner = make_member()
    body = _upload(token_client(app, owner), picture("JPEG"), public="true").get_json()
    reader = app.test_client()

    narrow = reader.get(body["url"] + "?w=480")
    assert narrow.status_code == 200 and narrow.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(narrow.data)).size == (480, 240)
    assert len(narrow.data) < len(reader.get(body["url"]).data)
    assert "immutable" in narrow.headers["Cache-Control"]
    # Made once, with Pillow, and kept beside the picture in the file store.
    variants = [p.name for p in storage.root.rglob("*_w480.jpg")]
    assert len(variants) == 1
    assert reader.get(body["url"] + "?w=480").data == narrow.data
    # Another width is served at the next one up, so the variants stay few.
    assert Image.open(io.BytesIO(reader.get(body["url"] + "?w=500").data)).width == 800
    # Wider than every width: the widest (the picture itself is its address without ?w=).
    assert Image.open(io.BytesIO(reader.get(body["url"] + "?w=9000").data)).width == 1200
    for bad in ("abc", "0", "-5", "99999"):
        refused = reader.get(body["url"] + f"?w={bad}")
        assert refused.status_code == 400, bad


def test_a_pictures_srcset_names_each_width_it_is_served_at(app, make_member, storage):
    from resalat_core.files.services import file_srcset

    body = _upload(token_client(app, make_member()), picture("JPEG"), public="true").get_json()
    with app.test_request_context(), work(app) as s:
        stored = s.scalar(select(StoredFile).where(StoredFile.token == body["token"]))
        srcset = file_srcset(stored)
    token = body["token"]
    assert srcset == (
        f"/files/{token}?w=320 320w, /files/{token}?w=480 480w, /files/{token}?w=800 800w, "
        f"/files/{token}?w=1200 1200w, /files/{token} 1600w"
    )
