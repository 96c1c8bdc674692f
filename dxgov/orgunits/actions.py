"""Writes to the unit and agency registry."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction

from dxgov.audit.models import EventType
from dxgov.audit.record import changes, record
from dxgov.core.text import fold
from dxgov.orgunits import agencies as agency_data
from dxgov.orgunits import registry, source
from dxgov.orgunits.models import Agency, OrgUnit, Succession

_LEVEL_ORDER = {"province": 0, "district": 1, "commune": 2}
_UNIT_FIELDS = (
    "name",
    "short_name",
    "unit_type",
    "parent_id",
    "valid_to",
    "latitude",
    "longitude",
    "area_km2",
    "search_text",
)
_AGENCY_FIELDS = (
    "name",
    "name_en",
    "short_name",
    "kind",
    "parent_id",
    "orgunit_id",
    "valid_from",
    "valid_to",
    "successor_id",
    "path",
    "search_text",
)


@dataclass
class LoadResult:
    units_created: int = 0
    units_updated: int = 0
    links_created: int = 0
    links_updated: int = 0
    links_deleted: int = 0
    agencies_created: int = 0
    agencies_updated: int = 0
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(value for key, value in asdict(self).items() if key != "totals")


def _apply(obj: Any, values: dict[str, Any], names: tuple[str, ...]) -> bool:
    """Set the given fields on obj; True when anything differed."""
    changed = False
    for name in names:
        if getattr(obj, name) != values[name]:
            setattr(obj, name, values[name])
            changed = True
    return changed


def _sync_units(units: list[registry.UnitRecord], result: LoadResult) -> dict[Any, int]:
    existing = {(u.level, u.code, u.valid_from): u for u in OrgUnit.objects.all()}
    ids = {key: unit.pk for key, unit in existing.items()}
    for level in sorted(_LEVEL_ORDER, key=_LEVEL_ORDER.__getitem__):
        to_create: list[OrgUnit] = []
        to_update: list[OrgUnit] = []
        for rec in (r for r in units if r.level == level):
            values = {
                "name": rec.name,
                "short_name": rec.short_name,
                "unit_type": rec.unit_type,
                "parent_id": ids[rec.parent] if rec.parent else None,
                "valid_to": rec.valid_to,
                "latitude": rec.latitude,
                "longitude": rec.longitude,
                "area_km2": rec.area_km2,
                "search_text": fold(rec.name),
            }
            unit = existing.get(rec.key)
            if unit is None:
                to_create.append(
                    OrgUnit(level=rec.level, code=rec.code, valid_from=rec.valid_from, **values)
                )
            elif _apply(unit, values, _UNIT_FIELDS):
                to_update.append(unit)
        OrgUnit.objects.bulk_create(to_create, batch_size=2000)
        OrgUnit.objects.bulk_update(to_update, _UNIT_FIELDS, batch_size=2000)
        result.units_created += len(to_create)
        result.units_updated += len(to_update)
        ids.update(
            {(u.level, u.code, u.valid_from): u.pk for u in OrgUnit.objects.filter(level=level)}
        )
    return ids


def _sync_links(
    links: list[registry.SuccessionRecord], ids: dict[Any, int], result: LoadResult
) -> None:
    existing = {(s.predecessor_id, s.successor_id): s for s in Succession.objects.all()}
    wanted: set[tuple[int, int]] = set()
    to_create: list[Succession] = []
    to_update: list[Succession] = []
    for link in links:
        pair = (ids[link.predecessor], ids[link.successor])
        wanted.add(pair)
        values = {"is_partial": link.is_partial, "is_default": link.is_default}
        current = existing.get(pair)
        if current is None:
            to_create.append(Succession(predecessor_id=pair[0], successor_id=pair[1], **values))
        elif _apply(current, values, ("is_partial", "is_default")):
            to_update.append(current)
    stale = [s.pk for pair, s in existing.items() if pair not in wanted]
    Succession.objects.bulk_create(to_create, batch_size=2000)
    Succession.objects.bulk_update(to_update, ["is_partial", "is_default"], batch_size=2000)
    Succession.objects.filter(pk__in=stale).delete()
    result.links_created, result.links_updated = len(to_create), len(to_update)
    result.links_deleted = len(stale)


def _sync_agencies(
    records: list[agency_data.AgencyRecord], unit_ids: dict[Any, int], result: LoadResult
) -> None:
    paths = agency_data.with_paths(records)
    ids = dict(Agency.objects.values_list("code", "pk"))
    created: set[str] = set()
    # Create missing agencies parents first (by depth); successors are linked afterwards.
    for depth in sorted({path.count("/") for path in paths.values()}):
        batch = [
            Agency(
                code=rec.code,
                name=rec.name,
                kind=rec.kind,
                path=paths[rec.code],
                parent_id=ids[rec.parent] if rec.parent else None,
            )
            for rec in records
            if rec.code not in ids and paths[rec.code].count("/") == depth
        ]
        Agency.objects.bulk_create(batch, batch_size=2000)
        codes = [agency.code for agency in batch]
        created.update(codes)
        ids.update(Agency.objects.filter(code__in=codes).values_list("code", "pk"))
    existing = {agency.code: agency for agency in Agency.objects.all()}
    to_update: list[Agency] = []
    for rec in records:
        values = {
            "name": rec.name,
            "name_en": rec.name_en,
            "short_name": rec.short_name,
            "kind": rec.kind,
            "parent_id": ids[rec.parent] if rec.parent else None,
            "orgunit_id": unit_ids[rec.orgunit] if rec.orgunit else None,
            "valid_from": rec.valid_from,
            "valid_to": rec.valid_to,
            "successor_id": ids[rec.successor] if rec.successor else None,
            "path": paths[rec.code],
            "search_text": fold(f"{rec.name} {rec.code}"),
        }
        if _apply(existing[rec.code], values, _AGENCY_FIELDS):
            to_update.append(existing[rec.code])
    Agency.objects.bulk_update(to_update, _AGENCY_FIELDS, batch_size=2000)
    result.agencies_created = len(created)
    result.agencies_updated = len([a for a in to_update if a.code not in created])


@transaction.atomic
def load_orgunits(*, acting_user: Any = None) -> LoadResult:
    """Bring the registry in line with the package data; running it twice changes nothing."""
    current_rows, legacy_rows = source.current_rows(), source.legacy_rows()
    units = registry.current_units(current_rows) + registry.legacy_units(legacy_rows)
    links = registry.successions(current_rows, legacy_rows, source.conversion_table())
    agencies = agency_data.central_agencies() + agency_data.territorial_agencies(units, links)

    result = LoadResult()
    unit_ids = _sync_units(units, result)
    _sync_links(links, unit_ids, result)
    _sync_agencies(agencies, unit_ids, result)
    result.totals = {
        "units": OrgUnit.objects.count(),
        "successions": Succession.objects.count(),
        "agencies": Agency.objects.count(),
    }
    if result.changed:
        record(
            event_type=EventType.ORGUNITS_LOADED,
            acting_user=acting_user,
            target_type="orgunits.registry",
            target_id="vietnamadminunits",
            data={"changes": asdict(result)},
        )
    return result


@transaction.atomic
def update_agency_contact(
    *, acting_user: Any, agency: Agency, email: str, phone: str, address: str
) -> Agency:
    """Change an agency's contact details (who to write to about its tasks and reports)."""
    old = {"email": agency.email, "phone": agency.phone, "address": agency.address}
    new = {"email": email.strip(), "phone": phone.strip(), "address": address.strip()}
    if old == new:
        return agency
    for name, value in new.items():
        setattr(agency, name, value)
    agency.full_clean()
    agency.save(update_fields=list(new))
    record(
        event_type=EventType.AGENCY_UPDATED,
        acting_user=acting_user,
        target=agency,
        agency_id=agency.pk,
        data=changes(old, new),
    )
    return agency
