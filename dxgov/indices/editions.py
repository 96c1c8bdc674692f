"""The editions shipped with the repository (`indices/editions/*.json`) and their units, read
without the database (so `dxgov index list | show | check` run anywhere).

An edition's units come from the unit registry as `orgunits` has it (the `vietnamadminunits`
package's effective-dated provinces, with the 2025 successions) and from the agency list
(`orgunits.agencies`: ministries, effective-dated): the units in force on the edition's
`measured_on` day, spelled as the registry spells them, plus the edition's own aliases (the
name a unit bore that year: "Thừa Thiên Huế") and extra bodies (a research academy).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from dxgov.indices import definition
from dxgov.indices.definition import Edition
from dxgov.indices.matching import Candidate, UnitIndex
from dxgov.orgunits import agencies, registry, source

FOLDER = Path(__file__).resolve().parent / "editions"


class UnknownEdition(LookupError):
    pass


def files() -> dict[str, Path]:
    return {path.stem: path for path in sorted(FOLDER.glob("*.json"))}


def document(code: str) -> dict[str, object]:
    path = files().get(code)
    if path is None:
        raise UnknownEdition(code)
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def load(code: str) -> Edition:
    return definition.parse(document(code))


def load_all() -> list[Edition]:
    return [
        definition.parse(json.loads(path.read_text(encoding="utf-8"))) for path in files().values()
    ]


@dataclass(frozen=True)
class UnitRecord:
    code: str  # agency code where the unit is an agency ("UBND-T25", "BTC"), else the edition's
    name: str
    group: str
    ranked: bool
    orgunit_code: str = ""  # a province's registry code ("25")
    successor: str = ""  # as-was unit → its as-is unit's code (the 2025 merger)


def _day(text: str) -> date:
    return date.fromisoformat(text)


@cache
def _provinces() -> tuple[
    tuple[registry.UnitRecord, ...], tuple[registry.UnitRecord, ...], dict[str, str]
]:
    """(current provinces, legacy provinces, legacy code → current code) from the registry."""
    current_rows = source.current_rows()
    legacy_rows = source.legacy_rows()
    current = tuple(u for u in registry.current_units(current_rows) if u.level == "province")
    legacy = tuple(u for u in registry.legacy_units(legacy_rows) if u.level == "province")
    links = registry.successions(current_rows, legacy_rows, source.conversion_table())
    successor = {
        link.predecessor[1]: link.successor[1]
        for link in links
        if link.predecessor[0] == "province"
    }
    return current, legacy, successor


def province_units(day: date) -> list[UnitRecord]:
    """The provinces in force on `day`, as agencies (their People's Committees)."""
    current, legacy, successor = _provinces()
    if day >= registry.CURRENT_VALID_FROM:
        return [
            UnitRecord(agencies.province_committee_code(u.code), u.short_name, "", True, u.code)
            for u in current
        ]
    return [
        UnitRecord(
            agencies.province_committee_code(u.code, legacy=True),
            u.short_name,
            "",
            True,
            u.code,
            agencies.province_committee_code(successor[u.code]),
        )
        for u in legacy
    ]


def commune_units(day: date) -> list[UnitRecord]:
    """The communes in force on `day` (the current 3,321 from 1 July 2025), as their People's
    Committees; none before (the legacy communes have no agencies)."""
    if day < registry.CURRENT_VALID_FROM:
        return []
    return [
        UnitRecord(agencies.commune_committee_code(u.code), u.name, "", True, u.code)
        for u in registry.current_units(source.current_rows())
        if u.level == "commune"
    ]


def ministry_units(day: date) -> list[UnitRecord]:
    return [
        UnitRecord(record.code, record.name, "", True)
        for record in agencies.central_agencies()
        if record.kind == "ministry"
        and (record.valid_from is None or record.valid_from <= day)
        and (record.valid_to is None or record.valid_to >= day)
    ]


def units_of(edition: Edition, *, as_is: bool = False) -> list[UnitRecord]:
    """The edition's units: measured (as was), or, with `as_is`, the units its results are
    published over after a merger (its `as_is_on` day)."""
    spec = edition.units
    day = _day(spec.as_is_on if as_is and spec.as_is_on else spec.measured_on)
    if spec.set == "provinces":
        found = province_units(day)
    elif spec.set == "ministries":
        found = ministry_units(day)
    else:
        found = commune_units(day)
    skipped = set(spec.not_ranked)
    out = [
        UnitRecord(
            u.code,
            u.name,
            spec.group_of(u.code),
            u.code not in skipped,
            u.orgunit_code,
            u.successor,
        )
        for u in found
    ]
    out.extend(
        UnitRecord(code, name, group, code not in skipped) for code, name, group in spec.extra
    )
    return out


def unit_index(edition: Edition, *, as_is: bool = False) -> UnitIndex:
    """Names for matching: the registry's spelling, its full name and the edition's aliases
    (given by registry code for provinces, by unit code otherwise)."""
    aliases = dict(edition.units.aliases)
    candidates = []
    full_names = _full_names()
    for unit in units_of(edition, as_is=as_is):
        names = [*aliases.get(unit.code, ()), *aliases.get(unit.orgunit_code, ())]
        if unit.orgunit_code and (unit.orgunit_code, bool(unit.successor)) in full_names:
            names.append(full_names[(unit.orgunit_code, bool(unit.successor))])
        candidates.append(Candidate(unit.code, unit.name, tuple(names)))
    return UnitIndex(candidates)


@cache
def _full_names() -> dict[tuple[str, bool], str]:
    current, legacy, _successor = _provinces()
    names = {(u.code, False): u.name for u in current}
    names.update({(u.code, True): u.name for u in legacy})
    return names
