"""M-ST's part of the demo world: a tariff, Zanjan's operator, Jafar's lambs delivered with their
code (the order completed), Maryam's wool waiting nearby as an open job and her yarn on its way,
and a consignment."""

from __future__ import annotations

from typing import Any

from resalat_bazaar import services as bazaar
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from resalat_core.sdk import (
    ResalatError,
    add_demo_members,
    main_account,
    system_account,
    transfer,
    utcnow,
)

from . import OPTION, TOMAN, services
from .models import (
    APPROVED,
    ASSIGNED,
    C_LEFT,
    C_OPEN,
    CREATED,
    DELIVERED,
    IN_TRANSIT,
    Consignment,
    Operator,
    OperatorArea,
    Shipment,
    ShipmentEvent,
    TariffRow,
)

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


def add_rows(session: Session, world: Any, rows: int) -> None:
    """``rows`` more entries in every M-ST list the demo's people see.

    Shipments of the demo's seller to the administrator and to Maryam (each side's list), open
    jobs near the operator, the operator's running and done jobs, parcels of the demo consignment,
    consignments of Zanjan, events on the demo's shipments, tariff bands and operators who applied
    (each a member of Zanjan). A shipment names an order number M-Bazar does not hold: the rows
    are for counting the pages, and M-Bazar's own rows are its plugin's.
    """
    operator = session.scalar(select(Operator).where(Operator.status == APPROVED).order_by(Operator.id))
    sample = session.scalar(select(Shipment).order_by(Shipment.id))
    consignment = session.scalar(select(Consignment).order_by(Consignment.id))
    guide = world.members.get("guide")
    now = utcnow()
    if sample is not None:
        buyers = [m for k in ("admin", "member") if (m := world.members.get(k))]
        base = max(session.scalar(select(func.max(Shipment.order_id))) or 0, 10**12)
        shipments: list[dict[str, Any]] = []

        def add(status: str, buyer: Any, **kw: Any) -> None:
            shipments.append(
                {
                    "order_id": base + len(shipments) + 1,
                    "buyer_id": buyer.id,
                    "seller_id": sample.seller_id,
                    "booth_name": sample.booth_name,
                    "pickup_region_id": sample.pickup_region_id,
                    "dropoff_region_id": sample.dropoff_region_id,
                    "pickup_province_id": sample.pickup_province_id,
                    "dropoff_province_id": sample.dropoff_province_id,
                    "dropoff_address": sample.dropoff_address,
                    "weight_grams": sample.weight_grams,
                    "size": sample.size,
                    "fee": sample.fee,
                    "fee_account_id": sample.fee_account_id,
                    "status": status,
                    "code": f"{len(shipments) % 1_000_000:06d}",
                    "paid": True,
                    "created_at": now,
                    "updated_at": now,
                    "consignment_id": kw.get("consignment_id"),
                    "operator_id": kw.get("operator_id"),
                }
            )

        for n in range(rows):
            for buyer in buyers:
                add(CREATED, buyer)  # open jobs near the operator, too
            if operator is not None:
                add(ASSIGNED, buyers[n % len(buyers)], operator_id=operator.id)
                add(DELIVERED, buyers[n % len(buyers)], operator_id=operator.id)
            if consignment is not None:
                add(CREATED, buyers[n % len(buyers)], consignment_id=consignment.id)
        ids = list(session.scalars(insert(Shipment).returning(Shipment.id), shipments))
        events = [
            {"shipment_id": i, "from_status": None, "to_status": CREATED, "actor_id": None, "note": ""}
            for i in ids
        ]
        # The demo's own shipments: a long timeline each.
        for shipment_id in session.scalars(select(Shipment.id).where(Shipment.order_id < 10**12)):
            events += [
                {
                    "shipment_id": shipment_id,
                    "from_status": IN_TRANSIT,
                    "to_status": IN_TRANSIT,
                    "actor_id": operator.member_id if operator is not None else None,
                    "note": f"گزارش راه {n + 1}",
                }
                for n in range(rows)
            ]
        session.execute(insert(ShipmentEvent), events)
    if guide is not None:
        zanjan, gorg_tappeh = world.region("zanjan/zanjan"), world.region("zanjan/gorg-tappeh")
        session.execute(
            insert(Consignment),
            [
                {
                    "opened_by_id": guide.id,
                    "origin_id": gorg_tappeh.id,
                    "destination_id": zanjan.id,
                    "status": C_LEFT if n % 2 else C_OPEN,
                    "note": f"بار شماره‌ی {n + 1}",
                    "left_at": now if n % 2 else None,
                }
                for n in range(rows)
            ],
        )
        like = world.members.get("guide") or next(iter(world.members.values()))
        members = add_demo_members(session, like, rows, mobiles="091590", codes="890", name="باربر زنجانی")
        operators = list(
            session.scalars(
                insert(Operator).returning(Operator.id),
                [
                    {"member_id": m, "region_id": zanjan.id, "vehicle": "motorbike", "capacity_kg": 80}
                    for m in members
                ],
            )
        )
        session.execute(insert(OperatorArea), [{"operator_id": o, "region_id": zanjan.id} for o in operators])
    top = session.scalar(select(func.max(TariffRow.max_grams))) or 0
    zanjan_id = world.region("zanjan").id
    session.execute(
        insert(TariffRow),
        [
            {
                "origin_id": zanjan_id,
                "destination_id": zanjan_id,
                "max_grams": top + 1000 * (n + 1),
                "price": 1_000_000 * TOMAN + n * 1000 * TOMAN,
            }
            for n in range(rows)
        ],
    )
