"""`resalat bazaar`: a catalogue imported from CSV all or nothing, the categories, the index."""

from __future__ import annotations

import json

from resalat_bazaar.models import Product

from .conftest import work

GOOD = """title,category,price,stock,unit,programmes,description
زعفران سرگل قائنات,saffron,"450,000",120,piece,,یک مثقال
گوسفند افشاری,sheep,۱۸٬۰۰۰٬۰۰۰,12,head,livestock,میش دوساله
نصب کیت خورشیدی,repair,6000000,20,job,solar|agriculture,
"""

BAD = """title,category,price,stock,unit
زعفران سرگل,saffron,450000,120,piece
,saffron,450000,1,piece
عسل,nope,-5,3,kg
پشم,wool_fibre,60000,-2,kg
کره,food,100000,5,barrel
"""


def run(app, *args):
    return app.test_cli_runner().invoke(args=["bazaar", *args])


def test_import_products_adds_every_row(app, make_shop, tmp_path):
    shop = make_shop([])
    path = tmp_path / "catalogue.csv"
    path.write_text("\ufeff" + GOOD, encoding="utf-8")  # as Excel saves "CSV UTF-8"

    result = run(app, "import-products", str(shop.booth_id), str(path), "--json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["imported"] == 3
    with work(app) as s:
        rows = {p.title: p for p in s.query(Product).all()}
        assert rows["گوسفند افشاری"].price == 180_000_000
        assert rows["نصب کیت خورشیدی"].programmes == ["agriculture", "solar"]
        assert rows["زعفران سرگل قائنات"].price == 4_500_000


def test_import_reports_every_bad_row_with_its_line_and_imports_nothing(app, make_shop, tmp_path):
    shop = make_shop([])
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")

    result = run(app, "import-products", str(shop.booth_id), str(path))

    assert result.exit_code == 1
    for line in (3, 4, 5, 6):
        assert f"line {line}:" in result.output
    assert "line 2:" not in result.output
    assert "4 rows have errors; nothing was imported." in result.output
    with work(app) as s:
        assert s.query(Product).count() == 0


def test_import_refuses_a_file_without_the_columns_or_for_a_missing_booth(app, make_shop, tmp_path):
    shop = make_shop([])
    path = tmp_path / "odd.csv"
    path.write_text("name,cost\nعسل,1\n", encoding="utf-8")
    assert run(app, "import-products", str(shop.booth_id), str(path)).exit_code == 1
    assert run(app, "import-products", "999999", str(path)).exit_code == 1
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("title,category,price,stock\ncaf\xe9,food,1,1\n".encode("latin-1"))
    result = run(app, "import-products", str(shop.booth_id), str(latin1))
    assert result.exit_code == 1 and "UTF-8" in result.output


def test_categories_are_listed_for_the_csv(app):
    result = run(app, "categories", "--json")
    assert result.exit_code == 0
    codes = {row["code"]: row["parent"] for row in json.loads(result.stdout)}
    assert codes["sheep"] == "livestock" and codes["saffron"] is None
