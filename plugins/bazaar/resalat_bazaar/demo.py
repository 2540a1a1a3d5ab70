"""M-Bazar's part of the demo world: the example cores' booths, their goods, and a few orders.

Booths are opened for the cores the cores plugin made (``world.extras["cores"]``, skipped when
missing) and for the core-leader persona; one supplier of solar kits is registered here. Orders
go through the real cart, checkout and transitions, so their money sits in escrow or reached
the seller exactly as it would.
"""

from __future__ import annotations

import io
from typing import Any

from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from resalat_bazaar import services
from resalat_core.sdk import (
    Member,
    Registration,
    main_account,
    module_active,
    national_code_with_check_digit,
    register_member,
    system_account,
    transfer,
)

DEMO_PASSWORD = "resalat-1404"  # noqa: S105 (the demo personas' published password)
TOMAN = 10

# (booth key, core key or None, owner persona or None, name, region, delivery, description)
BOOTHS = (
    (
        "samiei",
        "samiei",
        None,
        "زعفران سمیعی قائنات",
        "khorasan-south/qaen",
        ["pickup", "post"],
        "زعفران سرگل و نگین از مزرعه‌ی خانوادگی سمیعی؛ پیاز زعفران برای هسته‌هایی که تازه کشت می‌کنند.",
    ),
    (
        "asipour",
        "asipour",
        None,
        "کاربافی آسی‌پور اردکان",
        "yazd/ardakan",
        ["post", "mst"],
        "کرباس و رومیزی دست‌باف با دستگاه‌های سنتی اردکان، و نخ پنبه برای بافندگان.",
    ),
    (
        "gharajehlou",
        "gharajehlou",
        "core_leader",
        "دام سبک قراجه‌لو",
        "zanjan/gorg-tappeh",
        ["pickup", "mst"],
        "گوسفند افشاری و بز اصلاح‌نژادشده، پشم و علوفه‌ی مرغوب از گرگ‌تپه.",
    ),
    (
        "safarnia",
        "safarnia",
        None,
        "دامداری صفرنیا بند یغمور",
        "khorasan-north/band-yaghmour",
        ["pickup", "mst"],
        "بره و بز شیری، یونجه و جو برای دامداران.",
    ),
    (
        "sharifinia",
        None,
        None,
        "عسل شریفی‌نیا ارزنفود",
        "hamadan/arzanfud",
        ["post", "pickup"],
        "عسل طبیعی کوهستان الوند و موم و تجهیزات زنبورداری.",
    ),
    (
        "alghadir",
        "alghadir_1",
        None,
        "دوخت بلوچ الغدیر",
        "sistan-baluchestan/arbab",
        ["post"],
        "پوشاک و سوزن‌دوزی بلوچ از هسته‌های کانون همیاری الغدیر روستای ارباب.",
    ),
    (
        "solar",
        None,
        "solar_supplier",
        "انرژی پاک زنجان",
        "zanjan/zanjan",
        ["mst", "post"],
        "کیت‌های خورشیدی خانگی برای وام‌های نیروگاه خورشیدی، با نصب.",
    ),
)

# booth key -> (title, category, price in tomans, stock, unit, programmes, description)
PRODUCTS: dict[str, tuple[tuple[str, str, int, int, str, tuple[str, ...], str], ...]] = {
    "samiei": (
        # Typed with Arabic ي and ك on purpose: search still finds it by the Persian spelling.
        (
            "زعفران سرگل قائنات يك مثقالی",
            "saffron",
            450_000,
            120,
            "piece",
            (),
            "زعفران سرگل درجه‌یک، برداشت پاییز، بسته‌ی یک مثقالی (۴٫۶ گرم).",
        ),
        ("زعفران نگین ۱۰ گرمی", "saffron", 980_000, 40, "piece", (), "رشته‌های بلند نگین، بی‌پوشال."),
        (
            "پیاز زعفران درشت برای کاشت",
            "saffron_corms",
            90_000,
            500,
            "kg",
            ("agriculture",),
            "پیاز گزینش‌شده‌ی ۸ گرم به بالا، مناسب کاشت تابستان.",
        ),
    ),
    "asipour": (
        (
            "پارچه کرباس دست‌باف اردکان",
            "karbas",
            380_000,
            60,
            "meter",
            ("textiles",),
            "کرباس پنبه‌ای دست‌باف با عرض ۸۰ سانتی‌متر.",
        ),
        ("رومیزی کاربافی طرح سنتی", "karbas", 650_000, 15, "piece", (), "رومیزی ۱۲۰ در ۱۲۰ با نقش بته."),
        (
            "نخ پنبه‌ی رنگرزی طبیعی",
            "yarn_dyes",
            120_000,
            200,
            "kg",
            ("textiles",),
            "نخ پنبه‌ی رنگ‌شده با روناس و پوست انار، برای بافندگان.",
        ),
    ),
    "gharajehlou": (
        (
            "گوسفند افشاری آبستن",
            "sheep",
            18_000_000,
            12,
            "head",
            ("livestock",),
            "میش افشاری دوساله، واکسینه، با شناسنامه‌ی دام.",
        ),
        ("بز شیری سانن", "goats", 14_000_000, 6, "head", ("livestock",), "بز شیری اصلاح‌نژادشده."),
        (
            "پشم شسته‌ی گوسفند",
            "wool_fibre",
            60_000,
            300,
            "kg",
            ("textiles",),
            "پشم شسته و خشک‌شده برای ریسندگی.",
        ),
    ),
    "safarnia": (
        (
            "یونجه‌ی خشک بسته‌ای",
            "feed",
            12_000,
            4_000,
            "kg",
            ("livestock",),
            "یونجه‌ی چین دوم، بسته‌های ۲۵ کیلویی.",
        ),
        ("جو دامی", "feed", 15_000, 3_000, "kg", ("livestock",), "جو تمیزشده برای خوراک دام."),
        ("بره‌ی نر پرواری", "sheep", 9_500_000, 20, "head", ("livestock",), "بره‌ی شش‌ماهه برای پروار."),
    ),
    "sharifinia": (
        (
            "عسل طبیعی کوهستان الوند",
            "honey",
            700_000,
            80,
            "kg",
            (),
            "عسل چندگیاه بی‌تغذیه‌ی شکر، برداشت تابستان.",
        ),
        ("موم طبیعی زنبور", "honey", 400_000, 25, "kg", ("beekeeping",), "موم ذوب‌شده برای ساخت شان."),
        (
            "کندوی لانگستروت با قاب",
            "beekeeping_equipment",
            3_200_000,
            10,
            "set",
            ("beekeeping",),
            "کندوی ده‌قابی چوبی با کف و درپوش.",
        ),
    ),
    "alghadir": (
        ("پیراهن بلوچی سوزن‌دوزی", "clothing", 2_400_000, 8, "piece", (), "دوخت و سوزن‌دوزی دست زنان ارباب."),
        ("سوزن‌دوزی بلوچ قاب‌شده", "handicrafts", 1_100_000, 5, "piece", (), "تابلوی ۳۰ در ۴۰ سانتی‌متر."),
    ),
    "solar": (
        (
            "کیت خورشیدی خانگی ۲ کیلووات",
            "solar_kits",
            95_000_000,
            4,
            "set",
            ("solar",),
            "چهار پنل ۵۰۰ وات، اینورتر، باتری و سازه؛ مناسب وام نیروگاه خورشیدی خانگی.",
        ),
        ("پنل خورشیدی ۵۰۰ وات", "solar_kits", 9_800_000, 30, "piece", ("solar",), "پنل تک‌کریستال با ضمانت."),
        ("نصب کیت خورشیدی در محل", "repair", 6_000_000, 20, "job", ("solar",), "نصب، سیم‌کشی و راه‌اندازی."),
    ),
}

# Colours of the placeholder photos, by the top of each product's category.
_COLOURS = {
    "saffron": (196, 30, 58),
    "raw_materials": (166, 124, 82),
    "textiles": (222, 205, 170),
    "livestock": (120, 144, 96),
    "feed": (158, 180, 90),
    "honey": (232, 170, 40),
    "equipment": (110, 110, 120),
    "solar_kits": (40, 80, 150),
    "services": (60, 130, 140),
    "handicrafts": (150, 60, 110),
    "food": (200, 120, 60),
}


def _placeholder(colour: tuple[int, int, int], n: int) -> bytes:
    """A small generated picture (no photo of anyone's goods is bundled with the code)."""
    image = Image.new("RGB", (640, 480), colour)
    draw = ImageDraw.Draw(image)
    light = tuple(min(255, c + 60) for c in colour)
    for i in range(6):
        r = 40 + 30 * ((n + i) % 5)
        x, y = 80 + 90 * i, 120 + 40 * ((n * 3 + i) % 6)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=light)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _top(tree: services.CategoryTree, code: str) -> str:
    category = tree.by_code[code]
    return tree.chain(category)[0].code


def _solar_supplier(session: Session, world: Any) -> Member:
    member = register_member(
        session,
        Registration(
            national_code=national_code_with_check_digit("002300001"),
            mobile="09132300001",
            name="رضا خورشیدی",
            region="zanjan/zanjan",
            password=DEMO_PASSWORD,
        ),
    )
    world.members["solar_supplier"] = member
    return member


def _fund(session: Session, member: Member, tomans: int, key: str) -> None:
    """Cash a member brought in, put on their main account by the administrator."""
    transfer(
        session,
        key,
        system_account(session, "cash_in"),
        main_account(session, member),
        tomans * TOMAN,
        "admin_adjustment",
    )


def load_demo(session: Session, world: Any) -> None:
    cores = world.extras.get("cores") or {}
    if not isinstance(cores, dict):
        cores = {}
    tree = services.category_tree(session)
    booths: dict[str, Any] = {}
    products: dict[str, list[Any]] = {}
    photo_n = 0
    for key, core_key, persona, name, region, delivery, description in BOOTHS:
        core = cores.get(core_key) if core_key else None
        if persona == "solar_supplier":
            owner = _solar_supplier(session, world)
        elif persona is not None:
            owner = world.members.get(persona)
        elif core is not None:
            owner = core.leader
        elif key == "sharifinia":
            owner = _owner_by_name(session, "مهدی شریفی‌نیا")
        else:
            owner = None
        if owner is None:
            continue  # the cores plugin did not make this one
        data = {"name": name, "description": description, "region": region, "delivery_options": delivery}
        if core is not None and core.leader_id == owner.id and core.status == "active":
            data["core_code"] = core.code
        booth = services.open_booth(session, owner, data)
        booths[key] = booth
        products[key] = []
        for title, category, price, stock, unit, programmes, text in PRODUCTS[key]:
            product = services.create_product(
                session,
                booth,
                owner,
                {
                    "title": title,
                    "description": text,
                    "category": category,
                    "price": price * TOMAN,
                    "stock": stock,
                    "unit": unit,
                    "programmes": list(programmes),
                    "kind": "service" if unit == "job" else "goods",
                },
                tree=tree,
            )
            photo_n += 1
            colour = _COLOURS.get(_top(tree, category), (120, 120, 120))
            services.add_product_photo(session, product, owner, _placeholder(colour, photo_n))
            products[key].append(product)
    session.flush()
    world.extras["bazaar"] = {"booths": booths, "products": products}
    _demo_orders(session, world, booths, products)


def _owner_by_name(session: Session, name: str) -> Member | None:
    return session.scalar(select(Member).where(Member.name == name).limit(1))


def _buy(session: Session, buyer: Member, lines: list[tuple[Any, int]], key: str, **kw: Any) -> Any:
    for product, quantity in lines:
        services.set_cart_quantity(session, buyer, product.id, quantity)
    # The seller moves these orders herself, so none goes by a carrier (M-ST's demo sends its own).
    delivery = {
        product.booth_id: next((o for o in product.booth.delivery_options if o != "mst"), "pickup")
        for product, _q in lines
    }
    request = services.CheckoutRequest(
        key=key, delivery=delivery, address="زنجان، گرگ‌تپه، کوچه‌ی مسجد، پلاک ۱۲", **kw
    )
    return services.checkout(session, buyer, request).orders[0]


def _demo_orders(
    session: Session, world: Any, booths: dict[str, Any], products: dict[str, list[Any]]
) -> None:
    members = world.members
    # The host's member and the cores' leader: the demo needs no other plugin's personas.
    maryam, jafar = members.get("member"), members.get("core_leader")
    made: dict[str, Any] = {}
    if maryam is not None:
        _fund(session, maryam, 20_000_000, "demo:bazaar:fund:member")
        if "sharifinia" in products:
            order = _buy(session, maryam, [(products["sharifinia"][0], 2)], "demo:bazaar:honey")
            seller = order.booth.owner
            services.transition(session, order, "accept", seller)
            services.transition(session, order, "ship", seller, note="پست پیشتاز ۱۲۳۴۵۶")
            services.transition(session, order, "confirm", maryam)
            made["completed"] = order
        if "asipour" in products:
            order = _buy(session, maryam, [(products["asipour"][0], 3)], "demo:bazaar:karbas")
            seller = order.booth.owner
            services.transition(session, order, "accept", seller)
            services.transition(session, order, "ship", seller, note="پست پیشتاز ۶۵۴۳۲۱")
            made["shipped"] = order
        if "samiei" in products:
            made["placed"] = _buy(session, maryam, [(products["samiei"][0], 2)], "demo:bazaar:saffron")
    if jafar is not None and "safarnia" in products:
        _fund(session, jafar, 15_000_000, "demo:bazaar:fund:core_leader")
        # With the loans plugin on, Jafar's real livestock loan buys the feed and the lambs (its
        # demo); without it he pays the feed from his own account.
        if not module_active("loans", jafar):
            order = _buy(session, jafar, [(products["safarnia"][0], 200)], "demo:bazaar:feed")
            services.transition(session, order, "accept", order.booth.owner)
            made["accepted"] = order
    if jafar is not None and "solar" in products:
        order = _buy(session, jafar, [(products["solar"][1], 1)], "demo:bazaar:panel")
        seller = order.booth.owner
        for action in ("accept", "ship", "deliver"):
            services.transition(session, order, action, seller)
        made["delivered"] = order
    if maryam is not None and "samiei" in products:
        order = _buy(session, maryam, [(products["samiei"][1], 1)], "demo:bazaar:negin")
        services.transition(session, order, "cancel", maryam, reason="سفارش تکراری بود.")
        made["refunded"] = order
    world.extras["bazaar"]["orders"] = made
