"""Read the administrative-unit data shipped by the `vietnamadminunits` package (MIT).

The package carries an SQLite file with the current (34-province) and legacy
(63-province) sets, with official codes and centroids, and a JSON conversion table
from legacy to current units. We read both as plain rows; nothing is typed by hand.
"""

from __future__ import annotations

import json
import sqlite3
from importlib import resources
from typing import Any

_CURRENT_COLUMNS = (
    "province, provinceShort, provinceCode, provinceKey, provinceLat, provinceLon, "
    "ward, wardShort, wardType, wardCode, wardKey, wardLat, wardLon, wardAreaKm2"
)
_LEGACY_COLUMNS = (
    "province, provinceShort, provinceCode, provinceKey, provinceLat, provinceLon, "
    "district, districtShort, districtType, districtCode, districtKey, districtLat, districtLon, "
    "ward, wardShort, wardType, wardCode, wardKey, wardLat, wardLon"
)


def _data_file(name: str) -> Any:
    return resources.files("vietnamadminunits").joinpath("data", name)


def _rows(sql: str) -> list[dict[str, Any]]:
    with resources.as_file(_data_file("dataset.db")) as path:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            conn.row_factory = sqlite3.Row
            return [dict(row) for row in conn.execute(sql)]
        finally:
            conn.close()


def current_rows() -> list[dict[str, Any]]:
    # Column lists are constants of this module; no outside input reaches the SQL.
    return _rows(f"SELECT {_CURRENT_COLUMNS} FROM admin_units ORDER BY provinceCode, wardCode")  # noqa: S608


def legacy_rows() -> list[dict[str, Any]]:
    return _rows(
        f"SELECT {_LEGACY_COLUMNS} FROM admin_units_legacy "  # noqa: S608
        "ORDER BY provinceCode, districtCode, wardCode"
    )


def conversion_table() -> dict[str, Any]:
    with _data_file("converter_2025.json").open(encoding="utf-8") as handle:
        table: dict[str, Any] = json.load(handle)
    return table
