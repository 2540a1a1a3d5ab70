"""The whole journey once, through the API: 300 garments ordered, shared among cores, delivered."""

from __future__ import annotations

API = "/api/v1/centers"


def test_the_alghadir_centre_shares_300_garments_among_its_cores_until_they_are_delivered(
    alghadir, order_state, jalali
):
    ghaderi = alghadir.ghaderi.api
    first, second, third = alghadir.cores

    created = ghaderi.post(
        f"{API}/{alghadir.id}/orders",
        json={
            "customer": "پوشاک نگین، زاهدان",
            "item": "مانتو",
            "unit": "دست",
            "quantity": 300,
            "due_date": jalali(40),
            "unit_price": "450,000",
        },
    )
    assert created.status_code == 201, created.get_json()
    order = created.get_json()
    assert (order["status"], order["remaining"], order["unit_price_rials"]) == ("open", 300, 4_500_000)

    given = ghaderi.post(
        f"{API}/orders/{order['id']}/shares",
        json={
            "shares": [
                {"core": first.id, "quantity": 100, "due_date": jalali(30)},
                {"core": second.code, "quantity": "۱۰۰", "due_date": jalali(30, persian=True)},
                {"core": third.id, "quantity": 100, "due_date": jalali(40)},
            ]
        },
    )
    assert given.status_code == 201, given.get_json()
    shares = {s["core"]["id"]: s["id"] for s in given.get_json()["items"]}
    assert given.get_json()["order"]["remaining"] == 0

    for core in alghadir.cores:
        answered = core.leader.api.post(f"{API}/shares/{shares[core.id]}/accept")
        assert answered.status_code == 200, answered.get_json()
        assert answered.get_json()["status"] == "accepted"
    assert order_state(order["id"])["status"] == "in_progress"

    for core in alghadir.cores:
        for quantity in (60, 40):
            delivered = core.leader.api.post(
                f"{API}/shares/{shares[core.id]}/deliver", json={"quantity": quantity}
            )
            assert delivered.status_code == 201, delivered.get_json()

    final = ghaderi.get(f"{API}/orders/{order['id']}").get_json()
    assert (final["status"], final["delivered"], final["percent_delivered"]) == ("delivered", 300, 100)
    assert sorted((p["core"]["id"], p["delivered"]) for p in final["progress"]) == sorted(
        (core.id, 100) for core in alghadir.cores
    )
