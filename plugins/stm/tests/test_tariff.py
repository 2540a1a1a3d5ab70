"""The tariff: imported from CSV (every row checked, any bad row refuses the whole file), shown
for scripts, and pricing a quote; the default bands for provinces without rows."""

from __future__ import annotations

import json

import pytest
from resalat_stm import services
from resalat_stm.models import TariffRow
from sqlalchemy import func, select

from resalat_core.sdk import BadInput, get_region
from resalat_core.testing import work

GOOD = "origin,destination,max_grams,price_rials\nzanjan,tehran,5000,700000\nzanjan,tehran,30000,1900000\n"


def _run(app, *args: str):
    return app.test_cli_runner().invoke(args=["stm", "tariff", *args])


def _rows(app) -> int:
    with work(app) as s:
        return s.scalar(select(func.count(TariffRow.id))) or 0


def test_a_good_file_is_imported_and_shown_and_prices_quotes(app, tmp_path):
    path = tmp_path / "tariff.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = _run(app, "import", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"rows": 2, "added": 2, "updated": 0}
    # Again, with a new price: replaced, not doubled.
    path.write_text(GOOD.replace("700000", "750000"), encoding="utf-8")
    assert _run(app, "import", str(path)).exit_code == 0
    assert _rows(app) == 2
    shown = json.loads(_run(app, "show", "--json").stdout)
    assert {"origin": "zanjan", "destination": "tehran", "max_grams": 5000, "price_rials": 750000} in shown[
        "rows"
    ]
    with work(app) as s:
        found = services.price_for(
            s, get_region(s, "zanjan/gorg-tappeh"), get_region(s, "tehran/tehran"), 4000
        )
        assert (found.fee, found.from_matrix) == (750_000, True)
        # Heavier than the matrix's bands for this pair: refused, the defaults do not mix in.
        with pytest.raises(BadInput) as refused:
            services.price_for(s, get_region(s, "zanjan"), get_region(s, "tehran"), 31_000)
        assert refused.value.code == "too_heavy"
        other = services.price_for(s, get_region(s, "zanjan"), get_region(s, "fars"), 4000)
        assert (other.fee, other.from_matrix) == (1_200_000, False)


def test_bad_rows_are_reported_in_persian_and_nothing_is_imported(app, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "origin,destination,max_grams,price_rials\n"
        "zanjan,tehran,5000,700000\n"
        "atlantis,tehran,5000,700000\n"
        "zanjan,tehran,-4,abc\n"
        "zanjan,tehran,5000,800000\n",
        encoding="utf-8",
    )
    result = _run(app, "import", str(path))
    assert result.exit_code == 1
    # Each bad row by its line in the file (the header is line 1), in the user's language.
    assert all(f"Line {n}:" in result.output or f"سطر {n}" in result.output for n in (3, 4))
    assert ("Line 5" in result.output or "سطر ۵" in result.output) and "Line 2:" not in result.output
    assert "atlantis" in result.output
    assert _rows(app) == 0
    as_json = _run(app, "import", str(path), "--json")
    assert as_json.exit_code == 1
    assert json.loads(as_json.stdout)["error"]["code"] == "bad_rows"


def test_missing_columns_or_an_unreadable_file_are_refused(app, tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("from,to,price\nzanjan,tehran,1\n", encoding="utf-8")
    result = _run(app, "import", str(path))
    assert result.exit_code == 1 and "max_grams" in result.output
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    assert _run(app, "import", str(binary)).exit_code == 1
    assert _run(app, "import", str(tmp_path / "none.csv")).exit_code == 1
    assert _rows(app) == 0
