"""A claim's photos: accepted and shown to the claimant and the region's insurer only; a file too
large, a "photo" that is really a web page, too many photos: each refused clearly, nothing kept."""

from __future__ import annotations

import io
import re

from PIL import Image
from resalat_bimeh.models import Claim, ClaimFile
from sqlalchemy import func, select

from resalat_core.sdk import StoredFile, format_date, today_in_iran
from resalat_core.testing import ResalatClient, token_client, work


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (120, 90, 40)).save(out, "PNG")
    return out.getvalue()


def signed_in(app, member_id) -> ResalatClient:
    app.test_client_class = ResalatClient
    return app.test_client().sign_in(member_id)


def _form(app, client, url):
    html = client.get(url).get_data(as_text=True)
    with app.test_request_context():
        today = format_date(today_in_iran())
    return {
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1),
        "key": re.search(r'name="key" value="([^"]+)"', html).group(1),
        "description": "یک رأس بره در سیلاب تلف شد.",
        "loss_on": today,
        "amount": "۵٬۰۰۰٬۰۰۰",
    }


def _counts(app):
    with work(app) as s:
        return (
            s.scalar(select(func.count(Claim.id))),
            s.scalar(select(func.count(ClaimFile.id))),
            s.scalar(select(func.count(StoredFile.id))),
        )


def test_a_photo_is_kept_with_the_claim_and_served_only_to_who_may_read_it(app, world, make_member):
    policy_id = world.buy("livestock", heads=3)
    client = signed_in(app, world.member)
    url = f"/bimeh/policies/{policy_id}/claim"
    data = _form(app, client, url)
    data["photos"] = [(io.BytesIO(png()), "bare.png")]
    answer = client.post(url, data=data, content_type="multipart/form-data")
    assert answer.status_code == 302
    with work(app) as s:
        claim = s.scalar(select(Claim))
        link = s.scalar(select(ClaimFile))
        stored = s.get(StoredFile, link.file_id)
        assert stored.kind == "image" and not stored.public and stored.owner_id == world.member
        claim_id, file_id = claim.id, stored.id
    page = client.get(f"/bimeh/claims/{claim_id}").get_data(as_text=True)
    assert f"/bimeh/claims/{claim_id}/files/{file_id}?thumb=1" in page
    photo = f"/bimeh/claims/{claim_id}/files/{file_id}"
    assert client.get(photo).status_code == 200
    insurer = signed_in(app, world.insurer)
    shown = insurer.get(photo)
    assert shown.status_code == 200 and shown.headers["X-Content-Type-Options"] == "nosniff"
    assert insurer.get(photo + "?thumb=1").status_code == 200
    assert signed_in(app, make_member(name="غریبه")).get(photo).status_code == 404
    tehran = signed_in(app, make_member("bimeh_insurer", region="tehran/tehran"))
    assert tehran.get(photo).status_code == 404


def test_a_web_page_named_jpg_or_a_file_too_large_is_refused_and_nothing_is_kept(app, world):
    policy_id = world.buy("livestock", heads=3)
    client = signed_in(app, world.member)
    url = f"/bimeh/policies/{policy_id}/claim"
    before = _counts(app)
    data = _form(app, client, url)
    data["photos"] = [(io.BytesIO(b"<html><script>alert(1)</script></html>"), "lamb.jpg")]
    answer = client.post(url, data=data, content_type="multipart/form-data")
    assert answer.status_code == 400
    assert _counts(app) == before
    app.config["RESALAT"]["files_max_bytes"] = 2048
    try:
        data = _form(app, client, url)
        data["photos"] = [(io.BytesIO(png()), "big.png")]
        answer = client.post(url, data=data, content_type="multipart/form-data")
    finally:
        app.config["RESALAT"].pop("files_max_bytes")
    assert answer.status_code == 400
    assert _counts(app) == before
    data = _form(app, client, url)
    data["photos"] = [(io.BytesIO(png()), f"{n}.png") for n in range(6)]
    answer = client.post(url, data=data, content_type="multipart/form-data")
    assert answer.status_code == 400 and "حداکثر ۵ عکس" in answer.get_data(as_text=True)
    assert _counts(app) == before


def test_a_claim_that_is_refused_keeps_no_photo(app, world):
    policy_id = world.buy("livestock", heads=3)
    client = signed_in(app, world.member)
    url = f"/bimeh/policies/{policy_id}/claim"
    before = _counts(app)
    data = _form(app, client, url)
    data["loss_on"] = "1390/01/01"
    data["photos"] = [(io.BytesIO(png()), "lamb.png")]
    assert client.post(url, data=data, content_type="multipart/form-data").status_code == 400
    assert _counts(app) == before


def test_the_api_takes_photo_tokens_of_ones_own_uploads_only(app, world, make_member):
    policy_id = world.buy("livestock", heads=3)
    api = token_client(app, world.member)
    up = api.post(
        "/api/v1/files", data={"file": (io.BytesIO(png()), "lamb.png")}, content_type="multipart/form-data"
    )
    assert up.status_code == 201, up.get_json()
    token = up.get_json()["token"]
    other = token_client(app, make_member(name="دیگری"))
    theirs = other.post(
        "/api/v1/files", data={"file": (io.BytesIO(png()), "x.png")}, content_type="multipart/form-data"
    )
    with app.test_request_context():
        today = today_in_iran().isoformat()
    body = {"description": "یک رأس تلف شد", "loss_on": today, "amount_rials": 1_000_000}
    refused = api.post(
        f"/api/v1/bimeh/policies/{policy_id}/claims",
        json={**body, "photos": [theirs.get_json()["token"]]},
        headers={"Idempotency-Key": "p1"},
    )
    assert refused.status_code == 400
    done = api.post(
        f"/api/v1/bimeh/policies/{policy_id}/claims",
        json={**body, "photos": [token]},
        headers={"Idempotency-Key": "p2"},
    )
    assert done.status_code == 201 and done.get_json()["photos"] == 1
