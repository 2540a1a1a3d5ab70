"""M-Bazar's part of the demo world: the example cores' booths, their goods, and a few orders.

Booths are opened for the cores the cores plugin made (``world.extras["cores"]``, skipped when
missing) and for the core-leader persona; one supplier of solar kits is registered here. Orders
go through the real cart, checkout and transitions, so their money sits in escrow or reached
the seller exactly as it would. Every product gets the picture of its kind that ships in
``demo_photos/`` (drawn by ``scripts/draw_demo_photos.py``), stored through the real photo service.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from importlib import resources
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from resalat_bazaar import services
from resalat_bazaar.models import ProductProgramme
from resalat_bazaar.services.money import PURCHASE, escrow_account
from resalat_bazaar.services.search import index_text
from resalat_core.sdk import (
    Member,
    Registration,
    TransferSpec,
    main_account,
    module_active,
    national_code_with_check_digit,
    register_member,
    system_account,
    transfer,
    transfer_linked,
    utcnow,
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
        "andisheh_sabz",
        "andisheh_sabz",
        None,
        "زعفران اندیشه سبز پاریز",
        "kerman/pariz",
        ["post", "pickup"],
        "زعفران پاریز سیرجان از مزرعه تا بسته‌بندی، و پیاز زعفران برای کشت تازه.",
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

# booth key -> (title, category, price in tomans, stock, unit, programmes, description, photo);
# the photo names a picture in demo_photos/ (drawn by scripts/draw_demo_photos.py). Other plugins'
# demos pick some goods by position (the first of Safarnia's is hay, the last a lamb; Asipour's
# first is karbas and third yarn; Sharifinia's first honey), so new goods go after those.
PRODUCTS: dict[str, tuple[tuple[str, str, int, int, str, tuple[str, ...], str, str], ...]] = {
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
            "saffron_jar",
        ),
        (
            "زعفران نگین ۱۰ گرمی",
            "saffron",
            980_000,
            40,
            "piece",
            (),
            "رشته‌های بلند نگین، بی‌پوشال.",
            "saffron_tin",
        ),
        (
            "پیاز زعفران درشت برای کاشت",
            "saffron_corms",
            90_000,
            500,
            "kg",
            ("agriculture",),
            "پیاز گزینش‌شده‌ی ۸ گرم به بالا، مناسب کاشت تابستان.",
            "saffron_corms",
        ),
        (
            "گل زعفران تازه‌ی چیده‌شده",
            "saffron",
            2_500_000,
            30,
            "kg",
            (),
            "گل زعفرانِ چیده‌شده در سحرگاه همان روز، برای جداکردن کلاله در خانه.",
            "saffron_flowers",
        ),
    ),
    "andisheh_sabz": (
        (
            "زعفران پوشال پاریز نیم‌مثقالی",
            "saffron",
            230_000,
            150,
            "piece",
            (),
            "زعفران پوشال پاریز سیرجان در قوطی فلزی نیم‌مثقالی.",
            "saffron_tin",
        ),
        (
            "زعفران سرگل پاریز در شیشه‌ی ۵ گرمی",
            "saffron",
            1_050_000,
            60,
            "piece",
            (),
            "سرگل خشک‌شده به روش سنتی، در شیشه‌ی دربسته با برچسب تاریخ برداشت.",
            "saffron_jar",
        ),
        (
            "گلبرگ زعفران خشک برای دمنوش",
            "food",
            150_000,
            80,
            "piece",
            (),
            "گلبرگ بنفش خشک‌شده‌ی گل زعفران، بسته‌ی ۱۰۰ گرمی برای دمنوش.",
            "saffron_flowers",
        ),
        (
            "پیاز زعفران پاریز",
            "saffron_corms",
            85_000,
            800,
            "kg",
            ("agriculture",),
            "پیاز زعفران از مزرعه‌های پاریز، ضدعفونی‌شده و آماده‌ی کاشت.",
            "saffron_corms",
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
            "karbas_cloth",
        ),
        (
            "رومیزی کاربافی طرح سنتی",
            "karbas",
            650_000,
            15,
            "piece",
            (),
            "رومیزی ۱۲۰ در ۱۲۰ با نقش بته.",
            "tablecloth",
        ),
        (
            "نخ پنبه‌ی رنگرزی طبیعی",
            "yarn_dyes",
            120_000,
            200,
            "kg",
            ("textiles",),
            "نخ پنبه‌ی رنگ‌شده با روناس و پوست انار، برای بافندگان.",
            "yarn_skeins",
        ),
        (
            "گلیم دست‌باف اردکان",
            "handicrafts",
            8_500_000,
            3,
            "piece",
            (),
            "گلیم ۱۵۰ در ۲۰۰ سانتی‌متر با نقش لوزی، پشم و رنگ گیاهی.",
            "kilim",
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
            "sheep",
        ),
        ("بز شیری سانن", "goats", 14_000_000, 6, "head", ("livestock",), "بز شیری اصلاح‌نژادشده.", "goat"),
        (
            "پشم شسته‌ی گوسفند",
            "wool_fibre",
            60_000,
            300,
            "kg",
            ("textiles",),
            "پشم شسته و خشک‌شده برای ریسندگی.",
            "wool",
        ),
        (
            "نخ پشمی دست‌ریس",
            "yarn_dyes",
            180_000,
            90,
            "kg",
            ("textiles",),
            "نخ پشم گوسفندان هسته، دست‌ریس در رنگ‌های طبیعی پشم.",
            "wool_yarn",
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
            "hay",
        ),
        ("جو دامی", "feed", 15_000, 3_000, "kg", ("livestock",), "جو تمیزشده برای خوراک دام.", "feed_sacks"),
        (
            "آبشخور فلزی گالوانیزه",
            "husbandry_equipment",
            4_500_000,
            15,
            "piece",
            ("livestock",),
            "آبشخور دومتری ورق گالوانیزه با پایه، برای آغل.",
            "trough",
        ),
        (
            "بره‌ی نر پرواری",
            "sheep",
            9_500_000,
            20,
            "head",
            ("livestock",),
            "بره‌ی شش‌ماهه برای پروار.",
            "lambs",
        ),
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
            "honey_jar",
        ),
        (
            "موم طبیعی زنبور",
            "honey",
            400_000,
            25,
            "kg",
            ("beekeeping",),
            "موم ذوب‌شده برای ساخت شان.",
            "beeswax",
        ),
        (
            "کندوی لانگستروت با قاب",
            "beekeeping_equipment",
            3_200_000,
            10,
            "set",
            ("beekeeping",),
            "کندوی ده‌قابی چوبی با کف و درپوش.",
            "beehive",
        ),
        (
            "شان عسل طبیعی",
            "honey",
            900_000,
            30,
            "kg",
            (),
            "شان عسل دست‌نخورده از کندوهای ارزنفود.",
            "honeycomb",
        ),
    ),
    "alghadir": (
        (
            "پیراهن بلوچی سوزن‌دوزی",
            "clothing",
            2_400_000,
            8,
            "piece",
            (),
            "دوخت و سوزن‌دوزی دست زنان ارباب.",
            "baluch_dress",
        ),
        (
            "سوزن‌دوزی بلوچ قاب‌شده",
            "handicrafts",
            1_100_000,
            5,
            "piece",
            (),
            "تابلوی ۳۰ در ۴۰ سانتی‌متر.",
            "embroidery_frame",
        ),
        (
            "شال سوزن‌دوزی بلوچ",
            "handicrafts",
            1_600_000,
            10,
            "piece",
            (),
            "شال زرشکی با نوار سوزن‌دوزی نقش لوزی.",
            "embroidered_shawl",
        ),
        (
            "روپوش مدرسه",
            "clothing",
            1_250_000,
            120,
            "piece",
            (),
            "روپوش مدرسه در اندازه‌های گوناگون، دوخت هسته‌های پوشاک الغدیر.",
            "uniforms",
        ),
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
            "solar_kit",
        ),
        (
            "پنل خورشیدی ۵۰۰ وات",
            "solar_kits",
            9_800_000,
            30,
            "piece",
            ("solar",),
            "پنل تک‌کریستال با ضمانت.",
            "solar_panel",
        ),
        (
            "نصب کیت خورشیدی در محل",
            "repair",
            6_000_000,
            20,
            "job",
            ("solar",),
            "نصب، سیم‌کشی و راه‌اندازی.",
            "solar_roof",
        ),
    ),
}


def demo_photo(name: str) -> bytes:
    """The bytes of a picture shipped in the package's ``demo_photos`` (drawn, not photographed)."""
    return (resources.files("resalat_bazaar") / "demo_photos" / f"{name}.webp").read_bytes()


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
        for title, category, price, stock, unit, programmes, text, photo in PRODUCTS[key]:
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
            services.add_product_photo(session, product, owner, demo_photo(photo))
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


# --- many more rows: every list the demo's people see, grown by ``rows`` -------------------------

# Transfers made together in one call of the ledger while adding demo rows.
CHUNK = 250
DEMO_ADDRESS = "زنجان، گرگ‌تپه، کوچه‌ی مسجد، پلاک ۱۲"


def add_rows(session: Session, world: Any, rows: int) -> None:
    """``rows`` more products in every booth (with the photo and programmes of its first, so the
    search and the booth's pages show them as they show real ones), ``rows`` more booths on the
    market's list, ``rows`` more orders bought by each persona (placed, paid from the main
    account into escrow, the sellers' lists growing with them) and ``rows`` more lines in each
    persona's cart."""
    run = uuid.uuid4().hex[:12]
    people = list(world.members.values())
    _more_booths(session, people, rows)
    products = _more_products(session, rows)
    booths = {b.id: b for b in session.scalars(select(services.Booth).where(services.Booth.id.in_(products)))}
    for n, buyer in enumerate(people):
        # Each buyer from the booths in turn, never their own: every seller's list grows too.
        theirs = [booths[b] for b in sorted(products) if booths[b].owner_id != buyer.id]
        if not theirs:
            continue
        lines = [
            (theirs[(n + k) % len(theirs)], products[theirs[(n + k) % len(theirs)].id], k)
            for k in range(rows)
        ]
        add_orders(session, buyer, lines, key=f"demo-rows:{run}:{buyer.id}")
        # The cart from every booth in turn: what a cart asks per booth shows.
        _fill_cart(session, buyer, [products[theirs[k % len(theirs)].id][k] for k in range(rows)])


def _more_booths(session: Session, people: list[Member], rows: int) -> None:
    """``rows`` more booths on the market's list, opened as the first booth of someone who is not
    a persona was (no core: one booth per core), so that no persona's own lists change."""
    first = session.scalar(
        select(services.Booth)
        .where(services.Booth.owner_id.not_in([p.id for p in people]))
        .order_by(services.Booth.id)
    )
    if first is None:
        return
    session.execute(
        insert(services.Booth),
        [
            {
                "owner_id": first.owner_id,
                "name": f"{first.name} - شعبه‌ی {n + 2}",
                "description": first.description,
                "photo": first.photo,
                "region_id": first.region_id,
                "delivery_options": first.delivery_options,
                "status": first.status,
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
            for n in range(rows)
        ],
    )


def _more_products(session: Session, rows: int) -> dict[int, list[int]]:
    """``rows`` more products in every booth that has one, the newest; booth id -> their ids."""
    tree = services.category_tree(session)
    made: dict[int, list[int]] = {}
    firsts = session.scalars(
        select(services.Product)
        .where(
            services.Product.id.in_(select(func.min(services.Product.id)).group_by(services.Product.booth_id))
        )
        .order_by(services.Product.booth_id)
    ).all()
    for first in firsts:
        values = []
        for n in range(rows):
            fields = SimpleNamespace(
                title=f"{first.title} - بسته‌ی {n + 2}",
                description=first.description,
                category_id=first.category_id,
                search_title="",
                search_text="",
            )
            index_text(tree, fields)  # type: ignore[arg-type]  # the columns it reads and fills
            values.append(
                {
                    "booth_id": first.booth_id,
                    "category_id": first.category_id,
                    "kind": first.kind,
                    "title": fields.title,
                    "description": first.description,
                    "price": first.price,
                    "stock": max(first.stock, 10),
                    "unit": first.unit,
                    "search_title": fields.search_title,
                    "search_text": fields.search_text,
                    "created_at": utcnow(),
                    "updated_at": utcnow(),
                }
            )
        ids = list(
            session.scalars(
                insert(services.Product).returning(services.Product.id, sort_by_parameter_order=True), values
            )
        )
        if first.photos:
            # Photos are stored by their content: the same picture is one file for all of them.
            session.execute(
                insert(services.ProductPhoto),
                [{"product_id": i, "key": p.key, "position": p.position} for i in ids for p in first.photos],
            )
        if first.programmes:
            session.execute(
                insert(ProductProgramme),
                [{"product_id": i, "programme": code} for i in ids for code in first.programmes],
            )
        made[first.booth_id] = ids
    return made


def _fill_cart(session: Session, member: Member, product_ids: list[int]) -> None:
    have = set(
        session.scalars(select(services.CartItem.product_id).where(services.CartItem.member_id == member.id))
    )
    # As full as a member may fill it, never fuller (``CART_LINES_MAX``).
    room = max(0, services.CART_LINES_MAX - len(have))
    wanted = [p for p in dict.fromkeys(product_ids) if p not in have][:room]
    if wanted:
        session.execute(
            insert(services.CartItem),
            [{"member_id": member.id, "product_id": p, "quantity": 1, "added_at": utcnow()} for p in wanted],
        )


def add_orders(
    session: Session,
    buyer: Member,
    lines: list[tuple[Any, list[int], int]],
    *,
    key: str,
    pay_from: Any = None,
    method: str | None = None,
    purpose: str | None = None,
    parts: Callable[[int], list[tuple[Any, int, str]]] | None = None,
) -> list[Any]:
    """Demo rows: one placed order per ``(booth, product ids, n)`` of ``lines`` for ``buyer``, each
    of two products of the booth (the ``n``-th and the next; one when only one is given), as a
    checkout places it: its own checkout (key ``key:number``), items at the listed prices, the
    "placed" step, and its total moved into escrow.

    Paid from the buyer's main account (cash brought in first), or, with ``method``, by another
    plugin's way to pay from ``pay_from`` (an ``OrderPayment`` of ``purpose``, as
    ``resalat_payment_take`` answers), or from several accounts: ``parts(total)`` names each
    ``(account, amount, purpose)`` (an ``OrderPayment`` each, as a checkout records a split).
    Returns the orders in the order of ``lines``, flushed."""
    if not lines:
        return []
    ids = sorted(
        {pid for _booth, pids, n in lines for pid in (pids[n % len(pids)], pids[(n + 1) % len(pids)])}
    )
    found = {p.id: p for p in session.scalars(select(services.Product).where(services.Product.id.in_(ids)))}
    checkouts, orders = [], []
    for number, (booth, pids, n) in enumerate(lines):
        chosen = [found[pids[n % len(pids)]]] + ([found[pids[(n + 1) % len(pids)]]] if len(pids) > 1 else [])
        total = sum(p.price for p in chosen)
        checkouts.append(
            {"buyer_id": buyer.id, "key": f"{key}:{number}", "total": total, "funding": services.FUND_MAIN}
        )
        orders.append((booth, chosen, total))
    checkout_ids = list(
        session.scalars(
            insert(services.Checkout).returning(services.Checkout.id, sort_by_parameter_order=True), checkouts
        )
    )
    now = utcnow()
    order_ids = list(
        session.scalars(
            insert(services.Order).returning(services.Order.id, sort_by_parameter_order=True),
            [
                {
                    "checkout_id": checkout_id,
                    "buyer_id": buyer.id,
                    "booth_id": booth.id,
                    "seller_id": booth.owner_id,
                    "status": services.PLACED,
                    "total": total,
                    "paid_main": 0 if method else total,
                    "paid_earmarked": 0,
                    "paid_other": total if method else 0,
                    "delivery": next((o for o in booth.delivery_options if o != "mst"), "pickup"),
                    "address": DEMO_ADDRESS,
                    "created_at": now,
                    "updated_at": now,
                }
                for checkout_id, (booth, _chosen, total) in zip(checkout_ids, orders, strict=True)
            ],
        )
    )
    session.execute(
        insert(services.OrderItem),
        [
            {
                "order_id": order_id,
                "product_id": p.id,
                "category_id": p.category_id,
                "title": p.title,
                "unit": p.unit,
                "unit_price": p.price,
                "quantity": 1,
            }
            for order_id, (_booth, chosen, _total) in zip(order_ids, orders, strict=True)
            for p in chosen
        ],
    )
    session.execute(
        insert(services.OrderEvent),
        [
            {
                "order_id": i,
                "from_status": None,
                "to_status": services.PLACED,
                "actor_id": buyer.id,
                "at": now,
            }
            for i in order_ids
        ],
    )
    escrow = escrow_account(session)
    if not method:
        pay_from = main_account(session, buyer)
        transfer(
            session,
            f"bazaar:{key}:fund",
            system_account(session, "cash_in"),
            pay_from,
            sum(total for _b, _c, total in orders),
            "admin_adjustment",
        )
    split = parts or (lambda total: [(pay_from, total, (purpose if method else None) or PURCHASE)])
    paid = [
        (order_id, booth, split(total))
        for order_id, (booth, _chosen, total) in zip(order_ids, orders, strict=True)
    ]
    if method:
        session.execute(
            insert(services.OrderPayment),
            [
                {
                    "order_id": order_id,
                    "method": method,
                    "account_id": account.id,
                    "amount": amount,
                    "purpose": part_purpose if parts else purpose,
                    "created_at": now,
                }
                for order_id, _booth, shares in paid
                for account, amount, part_purpose in shares
            ],
        )
    specs = [
        TransferSpec(
            key=f"bazaar:order:{order_id}:pay:{f'other:{n}' if method else 'main'}",
            debit=account,
            credit=escrow,
            amount=amount,
            purpose=part_purpose,
            reference=f"bazaar:order:{order_id}",
            params={"order": order_id, "booth": booth.name},
        )
        for order_id, booth, shares in paid
        for n, (account, amount, part_purpose) in enumerate(shares)
    ]
    for start in range(0, len(specs), CHUNK):
        transfer_linked(session, specs[start : start + CHUNK], actor=buyer)
    return list(
        session.scalars(
            select(services.Order).where(services.Order.id.in_(order_ids)).order_by(services.Order.id)
        )
    )
