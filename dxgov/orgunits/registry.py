"""Turn the package's rows into unit and succession records (pure: no ORM, no I/O).

Legacy keys in the conversion table are "<province>_<district>_<ward>" (the ward part
empty for the five island districts that had no communes); current units are keyed by
"<province>" and "<province>/<ward>".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

# The 63-province structure began when Hà Tây joined Hà Nội on 1 August 2008. The
# legacy set describes units as they stood on 30 June 2025; earlier commune changes
# are not in the source data.
LEGACY_VALID_FROM = date(2008, 8, 1)
LEGACY_VALID_TO = date(2025, 6, 30)
CURRENT_VALID_FROM = date(2025, 7, 1)

UnitKey = tuple[str, str, date]  # (level, code, valid_from)


@dataclass(frozen=True)
class UnitRecord:
    level: str
    code: str
    name: str
    short_name: str
    unit_type: str
    parent: UnitKey | None
    valid_from: date
    valid_to: date | None
    latitude: float | None
    longitude: float | None
    area_km2: float | None = None

    @property
    def key(self) -> UnitKey:
        return (self.level, self.code, self.valid_from)


@dataclass(frozen=True)
class SuccessionRecord:
    predecessor: UnitKey
    successor: UnitKey
    is_partial: bool
    is_default: bool


def _province_type(name: str) -> str:
    return "Thành phố" if name.startswith("Thành phố") else "Tỉnh"


def current_units(rows: Iterable[Mapping[str, Any]]) -> list[UnitRecord]:
    units: dict[UnitKey, UnitRecord] = {}
    for row in rows:
        province = UnitRecord(
            level="province",
            code=row["provinceCode"],
            name=row["province"],
            short_name=row["provinceShort"],
            unit_type=_province_type(row["province"]),
            parent=None,
            valid_from=CURRENT_VALID_FROM,
            valid_to=None,
            latitude=row["provinceLat"],
            longitude=row["provinceLon"],
        )
        units.setdefault(province.key, province)
        commune = UnitRecord(
            level="commune",
            code=row["wardCode"],
            name=row["ward"],
            short_name=row["wardShort"],
            unit_type=row["wardType"],
            parent=province.key,
            valid_from=CURRENT_VALID_FROM,
            valid_to=None,
            latitude=row["wardLat"],
            longitude=row["wardLon"],
            area_km2=row["wardAreaKm2"],
        )
        units[commune.key] = commune
    return list(units.values())


def legacy_units(rows: Iterable[Mapping[str, Any]]) -> list[UnitRecord]:
    units: dict[UnitKey, UnitRecord] = {}
    for row in rows:
        province = UnitRecord(
            level="province",
            code=row["provinceCode"],
            name=row["province"],
            short_name=row["provinceShort"],
            unit_type=_province_type(row["province"]),
            parent=None,
            latitude=row["provinceLat"],
            longitude=row["provinceLon"],
            valid_from=LEGACY_VALID_FROM,
            valid_to=LEGACY_VALID_TO,
        )
        units.setdefault(province.key, province)
        district = UnitRecord(
            level="district",
            code=row["districtCode"],
            name=row["district"],
            short_name=row["districtShort"],
            unit_type=row["districtType"],
            parent=province.key,
            latitude=row["districtLat"],
            longitude=row["districtLon"],
            valid_from=LEGACY_VALID_FROM,
            valid_to=LEGACY_VALID_TO,
        )
        units.setdefault(district.key, district)
        if row["wardCode"]:  # island districts had no communes
            commune = UnitRecord(
                level="commune",
                code=row["wardCode"],
                name=row["ward"],
                short_name=row["wardShort"],
                unit_type=row["wardType"],
                parent=district.key,
                latitude=row["wardLat"],
                longitude=row["wardLon"],
                valid_from=LEGACY_VALID_FROM,
                valid_to=LEGACY_VALID_TO,
            )
            units[commune.key] = commune
    return list(units.values())


def successions(
    current: Iterable[Mapping[str, Any]],
    legacy: Iterable[Mapping[str, Any]],
    table: Mapping[str, Any],
) -> list[SuccessionRecord]:
    """Link each legacy province and commune (or island district) to its successor(s)."""
    new_province: dict[str, UnitKey] = {}
    new_commune: dict[tuple[str, str], UnitKey] = {}
    for row in current:
        new_province[row["provinceKey"]] = ("province", row["provinceCode"], CURRENT_VALID_FROM)
        new_commune[(row["provinceKey"], row["wardKey"])] = (
            "commune",
            row["wardCode"],
            CURRENT_VALID_FROM,
        )
    old_province: dict[str, UnitKey] = {}
    old_local: dict[str, UnitKey] = {}
    for row in legacy:
        old_province[row["provinceKey"]] = ("province", row["provinceCode"], LEGACY_VALID_FROM)
        local_key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}"
        if row["wardCode"]:
            old_local[local_key] = ("commune", row["wardCode"], LEGACY_VALID_FROM)
        else:
            old_local[local_key] = ("district", row["districtCode"], LEGACY_VALID_FROM)

    links: list[SuccessionRecord] = []
    for new_key, old_keys in table["DICT_PROVINCE"].items():
        for old_key in old_keys:
            links.append(
                SuccessionRecord(old_province[old_key], new_province[new_key], False, True)
            )
    for province_key, wards in table["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            for old_key in old_keys:
                successor = new_commune[(province_key, ward_key)]
                links.append(SuccessionRecord(old_local[old_key], successor, False, True))
    for province_key, divided in table["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, parts in divided.items():
            for part in parts:
                successor = new_commune[(province_key, part["newWardKey"])]
                links.append(
                    SuccessionRecord(
                        old_local[old_key], successor, True, bool(part["isDefaultNewWard"])
                    )
                )
    return links
