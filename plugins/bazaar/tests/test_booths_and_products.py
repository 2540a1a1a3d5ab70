"""Booths (ساتِ) and their goods: opening with a core ID, prices in tomans, photos, hiding."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from resalat_bazaar import services
from resalat_bazaar.models import Booth, Product, ProductPhoto
from resalat_bazaar.services import access
from resalat_cores import services as cores

from resalat_core.sdk import BadInput, Member, NotAllowed, get_region, to_persian_digits

from .conftest import png, work

_names = iter(range(1, 1000))


@pytest.fixture
def core_of(app, make_member):
    """``core_of(leader_id, approve=True)``: a core the member leads; returns its core ID (or None)."""

    def make(leader_id: int, *, approve: bool = True) -> str | None:
        admin_id = make_member("admin", role_region=None)
        with work(app) as s:
            leader = s.get(Member, leader_id)
            core = cores.register_core(
                s,
                leader=leader,
                name=f"هسته‌ی زعفران سمیعی {next(_names)}",
                field="saffron",
                region=get_region(s, "khorasan-south/qaen"),
                existed_before=True,
            )
            if approve:
                cores.approve_core(s, core, actor=s.get(Member, admin_id))
            return core.code

    return make


def test_a_core_leader_opens_a_booth_for_an_active_core_by_its_id(app, client_as, core_of):
    samiei = client_as(region="khorasan-south/qaen")
    code = core_of(samiei.member_id)

    response = samiei.form(
        "/bazaar/booths/new",
        {
            "name": "زعفران سمیعی",
            "description": "زعفران سرگل از مزرعه‌ی خانوادگی",
            "core_code": code.lower(),  # any case
            "region": "",
            "delivery_options": ["pickup", "post"],
        },
    )

    assert response.status_code == 302
    with work(app) as s:
        booth = s.query(Booth).one()
        assert booth.core.code == code
        assert booth.region.code == "khorasan-south/qaen"  # the core's place by default
        assert booth.delivery_options == ["pickup", "post"]
    page = samiei.get(f"/bazaar/booths/{booth.id}").get_data(as_text=True)
    assert "زعفران سمیعی" in page and to_persian_digits(code) in page


def test_a_core_that_is_not_active_or_not_led_by_the_member_is_refused(app, make_member, core_of):
    leader, stranger = make_member(), make_member()
    candidate = core_of(leader, approve=False)
    active = core_of(leader)
    with work(app) as s:
        assert candidate is None  # a candidate has no core ID yet
        with pytest.raises(BadInput) as not_theirs:
            services.open_booth(
                s,
                s.get(Member, stranger),
                {"name": "غرفه", "core_code": active, "delivery_options": ["post"]},
            )
        assert "core_code" in not_theirs.value.fields
        with pytest.raises(BadInput) as unknown:
            services.open_booth(
                s,
                s.get(Member, leader),
                {"name": "غرفه", "core_code": "ZNJ-X-000999", "delivery_options": "post"},
            )
        assert "core_code" in unknown.value.fields
        services.open_booth(
            s, s.get(Member, leader), {"name": "غرفه", "core_code": active, "delivery_options": "post"}
        )
        with pytest.raises(BadInput) as twice:
            services.open_booth(
                s, s.get(Member, leader), {"name": "دومی", "core_code": active, "delivery_options": "post"}
            )
        assert "core_code" in twice.value.fields
        s.rollback()


def test_any_member_may_open_a_booth_without_a_core(app, make_member):
    member = make_member(region="hamadan/arzanfud")
    with work(app) as s:
        booth = services.open_booth(
            s, s.get(Member, member), {"name": "عسل ارزنفود", "delivery_options": ["post"]}
        )
        assert booth.core_id is None and booth.region.code == "hamadan/arzanfud"


def test_a_booth_needs_a_name_and_a_way_to_deliver(app, make_member):
    member = make_member()
    with pytest.raises(BadInput) as refused, work(app) as s:
        services.open_booth(
            s, s.get(Member, member), {"name": "", "delivery_options": ["camel"], "region": "x"}
        )
    assert {"name", "delivery_options", "region"} <= set(refused.value.fields)


def test_a_product_priced_in_tomans_is_stored_in_rials(app, client_as, make_shop):
    shop = make_shop([])
    owner = client_as()
    owner.sign_in(shop.owner_id)

    response = owner.form(
        f"/bazaar/booths/{shop.booth_id}/products/new",
        {
            "title": "زعفران سرگل",
            "category": "saffron",
            "price": "۴۵۰٬۰۰۰",
            "stock": "۱۲",
            "unit": "piece",
            "kind": "goods",
            "description": "یک مثقال",
            "programmes": ["agriculture"],
            "listed": "1",
        },
    )

    assert response.status_code == 302
    with work(app) as s:
        product = s.query(Product).one()
        assert (product.price, product.stock, product.programmes) == (4_500_000, 12, ["agriculture"])
    page = owner.get(response.headers["Location"]).get_data(as_text=True)
    assert "۴۵۰٬۰۰۰ تومان" in page


@pytest.mark.parametrize(
    ("field", "value"),
    [("price", "-1000"), ("price", "0"), ("price", "یک میلیون"), ("stock", "-3"), ("stock", "1.5")],
)
def test_bad_prices_and_stock_are_refused_and_nothing_is_added(app, client_as, make_shop, field, value):
    shop = make_shop([])
    owner = client_as()
    owner.sign_in(shop.owner_id)
    data = {"title": "عسل", "category": "honey", "price": "1000", "stock": "3", "unit": "kg", field: value}

    response = owner.form(f"/bazaar/booths/{shop.booth_id}/products/new", data)

    assert response.status_code == 400
    assert re.search(rf'id="f-{field}"[^>]*aria-invalid="true"', response.get_data(as_text=True), re.S)
    with work(app) as s:
        assert s.query(Product).count() == 0


def test_the_services_take_prices_in_whole_rials_only(app, make_shop):
    shop = make_shop([])
    data = {"title": "عسل", "category": "honey", "price": "1000", "stock": 3}
    with pytest.raises(BadInput) as refused, work(app) as s:
        services.create_product(s, services.get_booth(s, shop.booth_id), s.get(Member, shop.owner_id), data)
    assert set(refused.value.fields) == {"price"}


def test_the_product_form_shows_the_error_and_keeps_what_was_typed(app, client_as, make_shop):
    shop = make_shop([])
    owner = client_as()
    owner.sign_in(shop.owner_id)
    response = owner.form(
        f"/bazaar/booths/{shop.booth_id}/products/new",
        {"title": "عسل کوهستان", "category": "honey", "price": "-50000", "stock": "3", "unit": "kg"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "عسل کوهستان" in html and 'aria-invalid="true"' in html


def test_someone_elses_booth_and_product_answer_404(app, client_as, make_shop):
    shop = make_shop()
    other = client_as()
    product_id = shop.product_ids[0]
    assert other.get(f"/bazaar/booths/{shop.booth_id}/edit").status_code == 404
    assert other.get(f"/bazaar/products/{product_id}/edit").status_code == 404
    tampered = other.form(
        f"/bazaar/products/{product_id}/edit", {"title": "مال من", "price": "1"}, token_from="/bazaar/cart"
    )
    assert tampered.status_code == 404
    with work(app) as s:
        assert s.get(Product, product_id).title == "عسل طبیعی"


def test_a_photo_is_checked_resized_and_given_a_thumbnail(app, client_as, make_shop, photo_storage):
    shop = make_shop()
    owner = client_as()
    owner.sign_in(shop.owner_id)
    token = owner.csrf_token(f"/bazaar/products/{shop.product_ids[0]}/edit")

    response = owner.post(
        f"/bazaar/products/{shop.product_ids[0]}/photos",
        data={"csrf_token": token, "photo": (io.BytesIO(png(3000, 2000)), "honey.png")},
        content_type="multipart/form-data",
    )

    assert response.status_code == 302
    with work(app) as s:
        (photo,) = s.query(ProductPhoto).all()
        key = photo.key
    full = Image.open(io.BytesIO(photo_storage.read(f"{key}.jpg")))
    thumb = Image.open(io.BytesIO(photo_storage.read(f"{key}_t.jpg")))
    assert (full.format, max(full.size), max(thumb.size)) == ("JPEG", 1600, 400)
    served = owner.get(f"/bazaar/media/{key}_t.jpg")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert "immutable" in served.headers["Cache-Control"]
    assert owner.get("/bazaar/media/..%2F..%2Fetc%2Fpasswd").status_code == 404


@pytest.mark.parametrize(
    "upload",
    [
        b"%PDF-1.4 not a picture at all",
        b"GIF89a" + b"\x00" * 20,  # a header and nothing behind it
        b"",
    ],
)
def test_a_file_that_is_not_an_image_is_refused_clearly(app, make_shop, upload, photo_storage):
    shop = make_shop()
    with pytest.raises(BadInput) as refused, work(app) as s:
        product = services.get_product(s, shop.product_ids[0])
        services.add_product_photo(s, product, s.get(Member, shop.owner_id), upload)
    assert "photo" in refused.value.fields
    with work(app) as s:
        assert s.query(ProductPhoto).count() == 0
    assert not any(photo_storage.root.rglob("*.jpg")) if photo_storage.root.exists() else True


def test_a_photo_over_the_size_limit_is_refused(app, make_shop):
    shop = make_shop()
    app.config["RESALAT"]["bazaar_max_photo_bytes"] = 1000
    try:
        with pytest.raises(BadInput) as refused, work(app) as s:
            product = services.get_product(s, shop.product_ids[0])
            services.add_product_photo(s, product, s.get(Member, shop.owner_id), png())
    finally:
        app.config["RESALAT"].pop("bazaar_max_photo_bytes")
    assert refused.value.code == "image_too_large"


def test_the_upload_page_says_what_was_wrong(app, client_as, make_shop):
    shop = make_shop()
    owner = client_as()
    owner.sign_in(shop.owner_id)
    token = owner.csrf_token(f"/bazaar/products/{shop.product_ids[0]}/edit")
    response = owner.post(
        f"/bazaar/products/{shop.product_ids[0]}/photos",
        data={"csrf_token": token, "photo": (io.BytesIO(b"MZ\x90\x00 an exe"), "virus.jpg")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "جی‌پگ" in response.get_data(as_text=True)


def test_a_hidden_product_is_gone_for_others_but_its_owner_sees_why(app, client_as, client, make_shop):
    shop = make_shop([{"title": "عسل تقلبی"}])
    with work(app) as s:
        services.set_product_hidden(
            s, services.get_product(s, shop.product_ids[0]), True, reason="شکر افزوده"
        )
    owner = client_as()
    owner.sign_in(shop.owner_id)

    assert client.get(f"/bazaar/products/{shop.product_ids[0]}").status_code == 404
    assert client_as().get(f"/bazaar/products/{shop.product_ids[0]}").status_code == 404
    mine = owner.get(f"/bazaar/products/{shop.product_ids[0]}")
    assert mine.status_code == 200 and "شکر افزوده" in mine.get_data(as_text=True)
    booth_page = client.get(f"/bazaar/booths/{shop.booth_id}").get_data(as_text=True)
    assert "عسل تقلبی" not in booth_page


def test_a_hidden_booth_is_gone_for_others_but_its_owner_sees_why(app, client_as, client, make_shop):
    shop = make_shop([{"title": "عسل"}])
    with work(app) as s:
        services.set_booth_hidden(s, services.get_booth(s, shop.booth_id), True, reason="شکایت خریداران")
    owner = client_as()
    owner.sign_in(shop.owner_id)

    assert client.get(f"/bazaar/booths/{shop.booth_id}").status_code == 404
    assert client.get(f"/bazaar/products/{shop.product_ids[0]}").status_code == 404
    assert "شکایت خریداران" in owner.get(f"/bazaar/booths/{shop.booth_id}").get_data(as_text=True)


def test_hiding_needs_a_reason_and_an_administrator(app, client_as, make_shop):
    shop = make_shop()
    with pytest.raises(BadInput), work(app) as s:
        services.set_product_hidden(s, services.get_product(s, shop.product_ids[0]), True, reason=" ")
    admin = client_as("admin", role_region=None)
    member = client_as()
    url = f"/bazaar/admin/products/{shop.product_ids[0]}/hide"
    assert member.form(url, {"hidden": "1", "reason": "x"}, token_from="/bazaar/cart").status_code == 403
    done = admin.form(url, {"hidden": "1", "reason": "قیمت نادرست"}, token_from="/bazaar/cart")
    assert done.status_code == 302
    with work(app) as s:
        assert s.get(Product, shop.product_ids[0]).hidden_reason == "قیمت نادرست"


def test_a_regional_admin_may_not_hide_a_booth_elsewhere(app, client_as, make_shop):
    shop = make_shop(region="hamadan/arzanfud")
    zanjan_admin = client_as("admin", region="zanjan/zanjan")
    response = zanjan_admin.form(
        f"/bazaar/admin/booths/{shop.booth_id}/hide",
        {"hidden": "1", "reason": "x"},
        token_from="/bazaar/cart",
    )
    assert response.status_code == 403


def test_selling_can_be_withheld_from_a_member(app, make_member, monkeypatch):
    member = make_member()
    monkeypatch.setattr(access, "can", lambda *a, **k: False)
    with pytest.raises(NotAllowed), work(app) as s:
        services.open_booth(s, s.get(Member, member), {"name": "غرفه", "delivery_options": ["post"]})


def test_the_category_tree_is_seeded_for_suppliers_and_sellers(app):
    with work(app) as s:
        tree = services.category_tree(s)
        codes = {c.code for c in tree.rows}
        assert {
            "raw_materials",
            "equipment",
            "livestock",
            "feed",
            "saffron",
            "textiles",
            "honey",
            "solar_kits",
            "services",
        } <= codes
        sheep = tree.by_code["sheep"]
        assert [c.code for c in tree.chain(sheep)] == ["livestock", "sheep"]


def test_the_owner_edits_the_booth_and_gives_it_a_photo(app, client_as, make_shop, booth_of):
    shop = make_shop()
    owner = client_as()
    owner.sign_in(shop.owner_id)
    url = f"/bazaar/booths/{shop.booth_id}/edit"
    form = {
        "csrf_token": owner.csrf_token(url),
        "name": "عسل کوهستان الوند",
        "description": "برداشت تابستان",
        "region": "hamadan/arzanfud",
        "delivery_options": ["post"],
        "status": "open",
    }

    bad = owner.post(
        url, data={**form, "photo": (io.BytesIO(b"not a photo"), "x.jpg")}, content_type="multipart/form-data"
    )
    assert bad.status_code == 400 and "جی‌پگ" in bad.get_data(as_text=True)
    assert booth_of(shop.booth_id).name != "عسل کوهستان الوند"  # nothing saved

    good = owner.post(
        url, data={**form, "photo": (io.BytesIO(png()), "booth.png")}, content_type="multipart/form-data"
    )
    assert good.status_code == 302
    booth = booth_of(shop.booth_id)
    assert (booth.name, booth.delivery_options, booth.photo is not None) == (
        "عسل کوهستان الوند",
        ["post"],
        True,
    )


def test_my_booths_are_paged(app, make_member, client_as):
    client = client_as()
    with work(app) as s:
        owner = s.get(Member, client.member_id)
        for n in range(3):
            services.open_booth(s, owner, {"name": f"غرفه {n}", "delivery_options": ["post"]})
    first = client.get("/bazaar/mine?per_page=2")
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert html.count('data-testid="my-booth"') == 2 and "غرفه 0" in html and "غرفه 2" not in html
    assert "page=2" in html
    second = client.get("/bazaar/mine?per_page=2&page=2").get_data(as_text=True)
    assert second.count('data-testid="my-booth"') == 1 and "غرفه 2" in second
    assert client.get("/bazaar/mine?page=x").status_code == 400


def test_a_bad_page_number_is_told_in_the_readers_words(app, client_as):
    client = client_as()
    answer = client.get("/bazaar/mine?page=x")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "شمارهٔ صفحه باید عدد صحیح باشد" in html and "page باید" not in html
    assert client.get("/lang/en").status_code == 302
    assert "Page number must be a whole number" in client.get("/bazaar/mine?page=x").get_data(as_text=True)
