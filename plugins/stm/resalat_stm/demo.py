"""M-ST's part of the demo world: a tariff, Zanjan's operator, Jafar's lambs delivered with their
code (the order completed), Maryam's wool waiting nearby as an open job and her yarn on its way,
and a consignment."""

from __future__ import annotations

from typing import Any

from resalat_bazaar import services as bazaar
from sqlalchemy.orm import Session

from resalat_core.sdk import ResalatError, main_account, system_account, transfer

from . import OPTION, TOMAN, services
from .models import APPROVED, CREATED, Operator, OperatorArea

# (origin province, destination province, up to grams, price in tomans): Zanjan's own lanes and
# the lambs' lane from North Khorasan; other pairs fall back to the default bands of the settings.
TARIFF = [
    (origin, destination, grams, tomans)
    for origin, destination, prices in (
        ("zanjan", "zanjan", (50_000, 120_000, 350_000, 1_000_000)),
        ("khorasan-north", "zanjan", (150_000, 350_000, 900_000, 2_500_000)),
        ("zanjan", "tehran", (90_000, 220_000, 600_000, 1_800_000)),
        ("tehran", "zanjan", (90_000, 220_000, 600_000, 1_800_000)),
    )
    for grams, tomans in zip((5_000, 30_000, 200_000, 1_000_000), prices, strict=True)
]
ADDRESS_JAFAR = "زنجان، گرگ‌تپه، دامداری قراجه‌لو"
ADDRESS_MARYAM = "زنجان، گرگ‌تپه، کوچه‌ی مسجد، پلاک ۱۲"


def _say(text: str) -> None:
    print(f"stm demo: {text}")  # noqa: T201 (the demo command's own output)


def _fund(session: Session, member: Any, tomans: int, key: str) -> None:
    transfer(
        session,
        key,
        system_account(session, "cash_in"),
        main_account(session, member),
        tomans * TOMAN,
        "admin_adjustment",
    )


def _buy(session: Session, buyer: Any, product: Any, quantity: int, key: str, address: str) -> Any:
    with session.begin_nested():
        bazaar.set_cart_quantity(session, buyer, product.id, quantity)
        request = bazaar.CheckoutRequest(key=key, delivery={product.booth_id: OPTION}, address=address)
        return bazaar.checkout(session, buyer, request).orders[0]


def _operator(session: Session, world: Any) -> Operator | None:
    member = world.members.get("stm_operator")
    if member is None:
        return None
    found = services.operator_of(session, member)
    if found is None:
        found = Operator(member_id=member.id, region_id=member.region_id, vehicle="pickup", capacity_kg=1500)
        found.areas = [OperatorArea(region_id=world.region("zanjan").id)]
        session.add(found)
        session.flush()
    if found.status != APPROVED:
        services.set_status(session, found, APPROVED, world.members.get("guide"))
    return found


def load(session: Session, world: Any) -> None:
    services.import_tariff(
        session,
        [
            {"origin": o, "destination": d, "max_grams": str(g), "price_rials": str(t * TOMAN)}
            for o, d, g, t in TARIFF
        ],
    )
    operator = _operator(session, world)
    products = (world.extras.get("bazaar") or {}).get("products") or {}
    jafar, maryam = world.members.get("core_leader"), world.members.get("member")
    made: dict[str, Any] = {"operator": operator}
    try:
        if operator is not None and jafar is not None and products.get("safarnia"):
            lamb = products["safarnia"][-1]
            seller = lamb.booth.owner
            services.set_parcel(session, seller, lamb.id, 35_000, "bulky")
            _fund(session, jafar, 25_000_000, "demo:stm:fund:jafar")
            order = _buy(session, jafar, lamb, 2, "demo:stm:lambs", ADDRESS_JAFAR)
            shipment = services.plan_shipment(session, order)
            if shipment is not None and shipment.status == CREATED:
                member = operator.member
                services.accept(session, member, shipment.id)
                services.move(session, member, shipment.id, "pickup")
                services.move(session, member, shipment.id, "transit", "جاده‌ی بجنورد به زنجان")
                services.deliver(session, member, shipment.id, shipment.code)
            made["delivered"] = shipment
        if maryam is not None and products.get("gharajehlou"):
            wool = next((p for p in products["gharajehlou"] if p.unit == "kg"), products["gharajehlou"][-1])
            _fund(session, maryam, 2_000_000, "demo:stm:fund:maryam")
            order = _buy(session, maryam, wool, 5, "demo:stm:wool", ADDRESS_MARYAM)
            made["open"] = services.plan_shipment(session, order)
            # Hand-spun yarn already picked up by the operator and on the road to her.
            kilos = [p for p in products["gharajehlou"] if p.unit == "kg"]
            if operator is not None and len(kilos) > 1:
                order = _buy(session, maryam, kilos[-1], 3, "demo:stm:yarn", ADDRESS_MARYAM)
                shipment = services.plan_shipment(session, order)
                if shipment is not None and shipment.status == CREATED:
                    services.accept(session, operator.member, shipment.id)
                    services.move(session, operator.member, shipment.id, "pickup")
                    services.move(session, operator.member, shipment.id, "transit", "جاده‌ی گرگ‌تپه به روستا")
                made["on_its_way"] = shipment
        guide = world.members.get("guide")
        if (
            guide is not None
            and services.open_consignment(
                session, world.region("zanjan/gorg-tappeh").id, world.region("zanjan/zanjan").id
            )
            is None
        ):
            made["consignment"] = services.open_new_consignment(
                session, guide, "zanjan/gorg-tappeh", "zanjan/zanjan", "بار هفتگی هسته‌های گرگ‌تپه به شهر زنجان"
            )
    except ResalatError as exc:
        _say(f"part of the demo was refused: {exc.message}")
    world.extras["stm"] = made
