"""A field's chain: drawn on the server, in the reader's language, public; the goods and fields API."""

from __future__ import annotations

import re

from resalat_core.sdk import to_persian_digits

ARBAB = "sistan-baluchestan/arbab"
API = "/api/v1/value_chain"


def test_the_clothing_chain_runs_from_wool_to_clothing_with_core_counts(client, make_core):
    make_core("clothing", ARBAB)
    make_core("clothing", ARBAB)
    make_core("hand_weaving", "yazd/ardakan")
    html = client.get("/value_chain/fields/clothing").get_data(as_text=True)
    assert 'data-testid="chain-svg"' in html
    svg = html[html.index("<svg") : html.index("</svg>")]
    for word in ("پشم", "پارچه‌ی دستباف", "پوشاک", "کاربافی"):
        assert word in svg
    assert f"هسته‌های فعال: {to_persian_digits('2')}" in svg
    assert not re.search(r">[^<]*[A-Za-z0-9][^<]*</text>", svg)  # no Latin letter or digit drawn
    assert html.count('data-testid="chain-core"') == 2

    english = client.get("/value_chain/fields/clothing", headers={"Accept-Language": "en"})
    assert english.status_code == 200


def test_an_unknown_field_is_a_404(client):
    assert client.get("/value_chain/fields/nothing").status_code == 404
    assert client.get(f"{API}/fields/nothing/chain").status_code == 404


def test_the_chain_and_the_fields_in_the_api(client, make_core):
    make_core("saffron", "kerman/pariz")
    chain = client.get(f"{API}/fields/saffron/chain").json
    codes = {(n["kind"], n["code"]) for n in chain["nodes"]}
    assert {
        ("good", "saffron_bulbs"),
        ("field", "saffron"),
        ("good", "saffron"),
        ("good", "packaged_saffron"),
    } <= codes
    assert {"source": "field:saffron", "target": "good:saffron"} in chain["edges"]
    fields = client.get(f"{API}/fields?per_page=100").json
    saffron = next(f for f in fields["items"] if f["code"] == "saffron")
    assert saffron["active_cores"] == 1 and saffron["inputs"] == ["saffron_bulbs"]
    goods = client.get(f"{API}/goods?per_page=2").json
    assert len(goods["items"]) == 2 and goods["meta"]["total"] > 10


def test_the_overview_lists_every_field_and_my_cores(someone, make_core):
    leader = someone(region=ARBAB)
    make_core("clothing", ARBAB, leader=leader.id, name="هسته‌ی پوشاک من")
    html = leader.web.get("/value_chain/").get_data(as_text=True)
    assert 'data-testid="my-cores"' in html and "هسته‌ی پوشاک من" in html
    assert "نیاز دارد: پارچه‌ی دستباف، پارچه" in html
