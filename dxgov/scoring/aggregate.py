"""Counts and scores in the database: the full recompute (SQL), the incremental update (deltas),
procedure facts, roll-up by agency path and scoring.

* `dossier_cells(month)`: one GROUP BY over the month's dossiers gives every dossier numerator
  and denominator per agency (the SQL mirror of `rows.row_counts`); petitions, rare, are read
  and evaluated in Python (`rows.petition_counts`).
* `procedure_cells(month, agencies)`: the catalogue facts of each agency (`qd766.procedure_facts`
  summed over its procedures in scope) with the usage that 3.2 and 3.5b need, from
  `ProcedureUsage` (online dossiers and online payments per agency, month and procedure).
* `apply_changes(changes)`: the `after_batch` hook. Subtracts each old row's contribution, adds
  the new one, for the affected (agency, month) cells and usage rows, then re-scores the affected
  agencies and their ancestors for the affected months, quarters and years, in the batch's
  transaction.
* `rescore(...)`: rolls the cells up by agency path (a unit covers its subtree's dossiers; its
  procedure facts are its own) and writes `Score` rows.

Procedure scope: a ministry's own ministry-level procedures; a province's People's Committee:
province- and commune-level procedures (national or owned inside the province), with usage over
the whole province; a department: province-level ones; a commune: commune-level ones, each with
its own usage.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from dxgov.dossiers.models import Dossier, Procedure
from dxgov.orgunits.models import Agency, AgencyKind
from dxgov.scoring import periods, qd766, rows
from dxgov.scoring.models import CountsKind, MonthCounts, ProcedureUsage, Score
from dxgov.scoring.periods import Period
from dxgov.scoring.qd766 import COUNT_FIELDS, Counts

DOSSIER_TABLE = Dossier._meta.db_table
PROCEDURE_TABLE = Procedure._meta.db_table
GOVERNMENT = "CP"
RULESETS = (qd766.DEFAULT_RULESET,)


# --- SQL ----------------------------------------------------------------------------------


def _seconds_sql() -> str:
    if connection.vendor == "postgresql":
        return "FLOOR(EXTRACT(EPOCH FROM (d.end_at - d.received_at)))"
    # SQLite: milliseconds from the Julian days, then whole seconds (truncated, as the engine).
    return (
        "(CAST(ROUND((julianday(d.end_at) - julianday(d.received_at)) * 86400000) AS INTEGER)"
        " / 1000)"
    )


def _greatest(a: str, b: str) -> str:
    return f"GREATEST({a}, {b})" if connection.vendor == "postgresql" else f"MAX({a}, {b})"


def dossier_sql() -> str:
    """One row per agency: every dossier count of the month (params: as_of ×5, month)."""
    on_time = (
        "(NOT d.late_by_supplements AND (d.effective_due IS NULL OR "
        "(CASE WHEN d.end_at IS NOT NULL AND d.end_at <= %(as_of)s THEN d.end_at "
        "ELSE %(as_of)s END) <= d.effective_due))"
    )
    supplement_open = (
        "(d.supplement_requests = 1 AND "
        "CAST(d.status_history AS TEXT) NOT LIKE '%%supplement_completed%%')"
    )
    finished = f"(d.end_at IS NOT NULL AND d.end_at <= %(as_of)s AND NOT {supplement_open})"
    paper = "COALESCE(p.requires_paper_result, FALSE)"
    seconds = _greatest(f"{_seconds_sql()} - d.supplement_seconds", "0")

    def count(condition: str) -> str:
        return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"

    columns = {
        "dossiers_received": "COUNT(*)",
        "dossiers_synced": count("d.synced_to_dvcqg"),
        "dossiers_on_time": count(on_time),
        "dossiers_finished": count(finished),
        "processing_seconds": f"SUM(CASE WHEN {finished} THEN {seconds} ELSE 0 END)",
        "dossiers_online": count(f"d.channel = 2 AND (d.has_e_result OR NOT {paper})"),
        "dossiers_with_fees": count("d.fee_total > 0"),
        "dossiers_paid_online": count("d.fee_total > 0 AND d.paid_online IN (1, 2)"),
        "dossiers_paper_result": count(paper),
        "dossiers_e_result": count(f"{paper} AND d.has_e_result"),
        "dossiers_digitised": count("d.digitised AND d.has_e_result"),
        "dossiers_reused": count("d.digitised"),
        "dossiers_personal_store": count("d.from_personal_store"),
        "dossiers_population_data": count("d.uses_population_data"),
        "petitions": "SUM(d.petition_count)",
        "dossiers_late": count(f"NOT {on_time}"),
        "dossiers_complained": count("d.petition_count > 0 OR d.rating <= 2"),
    }
    select = ", ".join(f"{sql} AS {name}" for name, sql in columns.items())
    return (
        f"SELECT d.agency_id, {select} FROM {DOSSIER_TABLE} d "  # noqa: S608 (fixed names)
        f"LEFT JOIN {PROCEDURE_TABLE} p ON p.code = d.procedure_code "
        "WHERE d.received_month = %(month)s GROUP BY d.agency_id"
    )


SQL_FIELDS = (
    "dossiers_received",
    "dossiers_synced",
    "dossiers_on_time",
    "dossiers_finished",
    "processing_seconds",
    "dossiers_online",
    "dossiers_with_fees",
    "dossiers_paid_online",
    "dossiers_paper_result",
    "dossiers_e_result",
    "dossiers_digitised",
    "dossiers_reused",
    "dossiers_personal_store",
    "dossiers_population_data",
    "petitions",
    "dossiers_late",
    "dossiers_complained",
)


def _params(month: date) -> dict[str, Any]:
    as_of = connection.ops.adapt_datetimefield_value(periods.month_as_of(month))
    return {"as_of": as_of, "month": connection.ops.adapt_datefield_value(month)}


def dossier_cells(month: date, agency_ids: Iterable[int] | None = None) -> dict[int, Counts]:
    """The dossier counts of each agency with dossiers received in `month` (full recompute)."""
    sql = dossier_sql()
    params = _params(month)
    wanted = None if agency_ids is None else sorted(set(agency_ids))
    if wanted is not None:
        if not wanted:
            return {}
        sql = sql.replace(
            "WHERE d.received_month = %(month)s",
            "WHERE d.received_month = %(month)s AND d.agency_id IN ("
            + ", ".join(str(int(i)) for i in wanted)
            + ")",
        )
    cells: dict[int, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            cells[row[0]] = {
                name: int(value or 0) for name, value in zip(SQL_FIELDS, row[1:], strict=True)
            }
    as_of = periods.month_as_of(month)
    petitions = Dossier.objects.filter(received_month=month, petition_count__gt=0)
    if wanted is not None:
        petitions = petitions.filter(agency_id__in=wanted)
    for agency_id, items in petitions.values_list("agency_id", "petitions").iterator(2000):
        on_time, satisfied = rows.petition_counts(list(items or ()), as_of)
        cell = cells.setdefault(agency_id, {})
        cell["petitions_on_time"] = cell.get("petitions_on_time", 0) + on_time
        cell["petitions_satisfied"] = cell.get("petitions_satisfied", 0) + satisfied
    return {agency_id: Counts.from_dict(values) for agency_id, values in cells.items()}


def usage_rows(month: date) -> dict[tuple[int, str], tuple[int, int]]:
    """(agency, procedure) → (online dossiers, online payments) in `month`, from the dossiers."""
    sql = (
        "SELECT agency_id, procedure_code, "  # noqa: S608 (fixed names)
        "SUM(CASE WHEN channel = 2 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN fee_total > 0 AND paid_online IN (1, 2) THEN 1 ELSE 0 END) "
        f"FROM {DOSSIER_TABLE} WHERE received_month = %(month)s "
        "GROUP BY agency_id, procedure_code"
    )
    found: dict[tuple[int, str], tuple[int, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(month))
        for agency_id, code, online, paid in cursor.fetchall():
            if online or paid:
                found[(agency_id, code)] = (int(online or 0), int(paid or 0))
    return found


# --- units --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    id: int
    code: str
    kind: str  # ministry, province, department, commune
    path: str
    root_id: int  # the province's People's Committee or the ministry


def units() -> dict[int, Unit]:
    """Every current scored agency: ministries, provinces' People's Committees and below."""
    found: dict[int, Unit] = {}
    rows_ = (
        Agency.objects.current()
        .exclude(kind=AgencyKind.GOVERNMENT)
        .values_list("id", "code", "kind", "path")
        .order_by("path")
    )
    by_code: dict[str, int] = {}
    for agency_id, code, kind, path in rows_:
        by_code[code] = agency_id
        parts = [part for part in path.split("/") if part]
        if len(parts) < 2 or parts[0] != GOVERNMENT:
            continue
        root = by_code.get(parts[1])
        if root is None:
            continue
        if kind == AgencyKind.MINISTRY:
            unit_kind = "ministry"
        elif code == parts[1]:
            unit_kind = "province"
        elif kind == AgencyKind.DEPARTMENT:
            unit_kind = "department"
        else:
            unit_kind = "commune"
        found[agency_id] = Unit(agency_id, code, unit_kind, path, root)
    return found


def ancestors(unit: Unit, by_path: Mapping[str, int]) -> list[int]:
    parts = [part for part in unit.path.split("/") if part]
    found = []
    for depth in range(2, len(parts)):
        path = "/" + "/".join(parts[:depth]) + "/"
        if path in by_path:
            found.append(by_path[path])
    return found


# --- procedure facts ------------------------------------------------------------------------


def _infos() -> list[tuple[qd766.ProcedureInfo, int | None, str]]:
    """Active procedures as (info, owner agency id, owner path)."""
    result = []
    for procedure in Procedure.objects.filter(active=True).select_related("owner"):
        info = qd766.ProcedureInfo(
            code=procedure.code,
            level=procedure.level,  # type: ignore[arg-type]
            online_level=procedure.online_level,  # type: ignore[arg-type]
            has_fees=procedure.has_fees,
            fees_integrated=procedure.fees_integrated,
            requires_paper_result=procedure.requires_paper_result,
            applicant_type=procedure.applicant_type,  # type: ignore[arg-type]
            announced_on=procedure.announced_on,
            legal_basis_effective_on=procedure.legal_basis_effective_on,
            published_on=procedure.published_on,
            content_complete=procedure.content_complete,
            population_data_connected=procedure.population_data_connected,
            active=procedure.active,
        )
        owner_path = procedure.owner.path if procedure.owner else ""
        result.append((info, procedure.owner_id, owner_path))
    return result


def in_scope(
    unit: Unit, info: qd766.ProcedureInfo, owner_id: int | None, owner_path: str, root_path: str
) -> bool:
    if unit.kind == "ministry":
        return info.level == "ministry" and owner_id == unit.id
    if info.level == "ministry":
        return False
    if owner_id is not None and not owner_path.startswith(root_path):
        return False
    if unit.kind == "province":
        return True
    if unit.kind == "department":
        return info.level == "province" and (owner_id is None or owner_id == unit.id)
    return info.level == "commune"


def procedure_cells(
    month: date, wanted: Iterable[int], all_units: Mapping[int, Unit]
) -> dict[int, Counts]:
    """Catalogue facts of each wanted unit in `month`, with its procedures' usage."""
    wanted_units = [all_units[i] for i in wanted if i in all_units]
    if not wanted_units:
        return {}
    first, last = month, periods.month_end(month)
    infos = _infos()
    base = {
        info.code: qd766.procedure_facts(info, period_start=first, period_end=last)
        for info, _owner, _path in infos
    }
    paths = {u.id: u.path for u in all_units.values()}
    usage = _usage_codes(month, wanted_units, paths)
    cells: dict[int, Counts] = {}
    cache: dict[tuple[str, int, int | None], tuple[Counts, list[qd766.ProcedureInfo]]] = {}
    for unit in wanted_units:
        root_path = paths[unit.root_id]
        key = (
            unit.kind,
            unit.root_id,
            unit.id if unit.kind in ("ministry", "department") else None,
        )
        if key not in cache:
            chosen = [
                info for info, owner, path in infos if in_scope(unit, info, owner, path, root_path)
            ]
            cache[key] = (Counts.total(base[info.code] for info in chosen), chosen)
        total, chosen = cache[key]
        online_codes, paid_codes = usage.get(unit.id, (set(), set()))
        used = sum(
            1
            for info in chosen
            if info.online_level in ("partial", "full") and info.code in online_codes
        )
        paid = sum(1 for info in chosen if info.has_fees and info.code in paid_codes)
        if used or paid:
            values = total.as_dict()
            values["procedures_online_used"] += used
            values["procedures_paid_online"] += paid
            total = Counts.from_dict(values)
        cells[unit.id] = total
    return cells


def _usage_codes(
    month: date, wanted: list[Unit], paths: Mapping[int, str]
) -> dict[int, tuple[set[str], set[str]]]:
    """Per unit: procedure codes with an online dossier, and with an online payment (a province
    committee: over its whole province)."""
    provinces = {u.id: u.path for u in wanted if u.kind == "province"}
    own = [u.id for u in wanted if u.kind != "province"]
    found: dict[int, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    query = ProcedureUsage.objects.filter(month=month).filter(
        Q(online_dossiers__gt=0) | Q(online_payments__gt=0)
    )
    condition = Q(agency_id__in=own)
    for path in provinces.values():
        condition |= Q(agency__path__startswith=path)
    for agency_id, code, online, paid, path in query.filter(condition).values_list(
        "agency_id", "procedure_code", "online_dossiers", "online_payments", "agency__path"
    ):
        targets = [agency_id] if agency_id in own else []
        targets += [pid for pid, ppath in provinces.items() if path.startswith(ppath)]
        for target in targets:
            if online:
                found[target][0].add(code)
            if paid:
                found[target][1].add(code)
    return found


# --- storing cells ------------------------------------------------------------------------


def store_cells(month: date, kind: str, cells: Mapping[int, Counts], *, replace_all: bool) -> None:
    """Write cells of one month and kind (replace_all: drop the month's other cells of the kind)."""
    existing = MonthCounts.objects.filter(month=month, kind=kind)
    if replace_all:
        existing.delete()
    else:
        existing.filter(agency_id__in=list(cells)).delete()
    MonthCounts.objects.bulk_create(
        [
            MonthCounts(agency_id=agency_id, month=month, kind=kind, **counts.as_dict())
            for agency_id, counts in cells.items()
            if counts != Counts()
        ],
        batch_size=2000,
    )


def add_to_cells(month: date, kind: str, deltas: Mapping[int, Counts]) -> None:
    """Add deltas to existing cells (creating missing ones)."""
    existing = {
        cell.agency_id: cell
        for cell in MonthCounts.objects.filter(month=month, kind=kind, agency_id__in=list(deltas))
    }
    new, changed = [], []
    for agency_id, delta in deltas.items():
        cell = existing.get(agency_id)
        if cell is None:
            new.append(MonthCounts(agency_id=agency_id, month=month, kind=kind, **delta.as_dict()))
            continue
        for name in COUNT_FIELDS:
            setattr(cell, name, getattr(cell, name) + getattr(delta, name))
        changed.append(cell)
    MonthCounts.objects.bulk_create(new, batch_size=2000)
    MonthCounts.objects.bulk_update(changed, list(COUNT_FIELDS), batch_size=500)


def store_usage(month: date, usage: Mapping[tuple[int, str], tuple[int, int]]) -> None:
    ProcedureUsage.objects.filter(month=month).delete()
    ProcedureUsage.objects.bulk_create(
        [
            ProcedureUsage(
                agency_id=agency_id,
                month=month,
                procedure_code=code,
                online_dossiers=online,
                online_payments=paid,
            )
            for (agency_id, code), (online, paid) in usage.items()
        ],
        batch_size=5000,
    )


# --- roll-up and scores ---------------------------------------------------------------------


def _cells_for(months: list[date], agency_ids: Iterable[int] | None) -> Iterator[MonthCounts]:
    query = MonthCounts.objects.filter(month__in=months)
    if agency_ids is not None:
        query = query.filter(agency_id__in=list(agency_ids))
    return query.iterator(5000)


def rescore(
    targets: Iterable[tuple[int, Period]],
    *,
    all_units: Mapping[int, Unit] | None = None,
    rulesets: Iterable[str] = RULESETS,
) -> int:
    """Re-score each (agency, period): dossier counts over its subtree, procedure facts its own."""
    units_ = all_units or units()
    wanted: dict[Period, set[int]] = defaultdict(set)
    for agency_id, period in targets:
        if agency_id in units_:
            wanted[period].add(agency_id)
    if not wanted:
        return 0
    by_path = {u.path: u.id for u in units_.values()}
    ancestry = {u.id: ancestors(u, by_path) for u in units_.values()}
    # Load the cells of every involved root's subtree for every involved month once.
    roots = {units_[i].root_id for ids in wanted.values() for i in ids}
    subtree = [u.id for u in units_.values() if u.root_id in roots]
    months = sorted({m for period in wanted for m in period.months})
    dossiers: dict[tuple[int, date], Counts] = {}
    procedures: dict[tuple[int, date], Counts] = {}
    full = len(roots) * 3 > len({u.root_id for u in units_.values()})
    for cell in _cells_for(months, None if full else subtree):
        counts = Counts.from_dict({name: getattr(cell, name) for name in COUNT_FIELDS})
        (dossiers if cell.kind == CountsKind.DOSSIERS else procedures)[
            (cell.agency_id, cell.month)
        ] = counts
    # Dossier counts rolled up by path: each cell adds to its agency and its ancestors.
    rolled: dict[tuple[int, date], Counts] = {}
    for (agency_id, month), counts in dossiers.items():
        for target in (agency_id, *ancestry.get(agency_id, ())):
            key = (target, month)
            rolled[key] = rolled[key] + counts if key in rolled else counts
    now = timezone.now()
    written = 0
    for ruleset in rulesets:
        for period, agency_ids in wanted.items():
            objs = []
            for agency_id in agency_ids:
                total = Counts.total(
                    [rolled.get((agency_id, m), Counts()) for m in period.months]
                    + [procedures.get((agency_id, m), Counts()) for m in period.months]
                )
                card = qd766.score(total, ruleset, period=period.kind)  # type: ignore[arg-type]
                groups = {g.code: g.points for g in card.groups}
                objs.append(
                    Score(
                        agency_id=agency_id,
                        period_kind=period.kind,
                        period_start=period.start,
                        ruleset=ruleset,
                        total=card.total,
                        publicity=groups["publicity"],
                        progress=groups["progress"],
                        online=groups["online"],
                        payment=groups["payment"],
                        digitisation=groups["digitisation"],
                        satisfaction=groups["satisfaction"],
                        dossiers_received=total.dossiers_received,
                        counts=total.as_dict(),
                        computed_at=now,
                    )
                )
            Score.objects.filter(
                period_kind=period.kind,
                period_start=period.start,
                ruleset=ruleset,
                agency_id__in=list(agency_ids),
            ).delete()
            Score.objects.bulk_create(objs, batch_size=2000)
            written += len(objs)
    return written


# --- full recompute -------------------------------------------------------------------------


@dataclass
class RecomputeResult:
    months: list[date]
    dossier_cells: int
    procedure_cells: int
    scores: int


def recompute_months(months: Iterable[date]) -> RecomputeResult:
    """Rebuild the month cells and usage from the dossiers, then every unit's scores for those
    months and their quarters and years. The caller holds the transaction."""
    chosen = sorted(set(months))
    all_units = units()
    dossier_total = procedure_total = 0
    targets: set[tuple[int, Period]] = set()
    for month in chosen:
        cells = dossier_cells(month)
        store_cells(month, CountsKind.DOSSIERS, cells, replace_all=True)
        store_usage(month, usage_rows(month))
        proc = procedure_cells(month, all_units, all_units)
        store_cells(month, CountsKind.PROCEDURES, proc, replace_all=True)
        dossier_total += len(cells)
        procedure_total += len(proc)
        for period in periods.containing(month):
            targets.update((agency_id, period) for agency_id in all_units)
    written = rescore(targets, all_units=all_units)
    return RecomputeResult(chosen, dossier_total, procedure_total, written)


def months_with_dossiers() -> list[date]:
    return sorted(Dossier.objects.values_list("received_month", flat=True).distinct())


# --- incremental ----------------------------------------------------------------------------


def _paper_codes(codes: Iterable[str]) -> set[str]:
    return set(
        Procedure.objects.filter(code__in=set(codes), requires_paper_result=True).values_list(
            "code", flat=True
        )
    )


def apply_changes(changes: list[tuple[dict[str, Any] | None, dict[str, Any]]]) -> None:
    """The `after_batch` hook: deltas for the affected cells, then re-score what they touch."""
    if not changes:
        return
    paper = _paper_codes(
        row["procedure_code"] for pair in changes for row in pair if row is not None
    )
    deltas: dict[tuple[date, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    usage: dict[tuple[date, int, str], list[int]] = defaultdict(lambda: [0, 0])

    def contribute(row: Mapping[str, Any], sign: int) -> None:
        month = row["received_month"]
        as_of = periods.month_as_of(month)
        counts = rows.row_counts(row, paper=row["procedure_code"] in paper, as_of=as_of)
        cell = deltas[(month, row["agency_id"])]
        for name, value in counts.as_dict().items():
            if value:
                cell[name] += sign * value
        online = int(row.get("channel") == qd766.CHANNEL_ONLINE)
        paid = int(int(row.get("fee_total") or 0) > 0 and row.get("paid_online") in (1, 2))
        if online or paid:
            entry = usage[(month, row["agency_id"], row["procedure_code"])]
            entry[0] += sign * online
            entry[1] += sign * paid

    for old, new in changes:
        if old is not None:
            contribute(old, -1)
        contribute(new, +1)
    by_month: dict[date, dict[int, Counts]] = defaultdict(dict)
    for (month, agency_id), values in deltas.items():
        by_month[month][agency_id] = Counts.from_dict(values)
    for month, cells in by_month.items():
        add_to_cells(month, CountsKind.DOSSIERS, cells)
    usage_changed = _apply_usage(usage)
    # Procedure cells of the units whose usage changed (and their province committee).
    all_units = units()
    targets: set[tuple[int, Period]] = set()
    touched: dict[date, set[int]] = defaultdict(set)
    for month, agency_id in deltas:
        touched[month].add(agency_id)
    by_path = {u.path: u.id for u in all_units.values()}
    for month, agency_ids in touched.items():
        affected: set[int] = set()
        for agency_id in agency_ids:
            unit = all_units.get(agency_id)
            if unit is None:
                continue
            affected.add(agency_id)
            affected.update(ancestors(unit, by_path))
        refresh = {
            agency_id for (m, agency_id) in usage_changed if m == month and agency_id in all_units
        }
        refresh |= {all_units[a].root_id for a in refresh if all_units[a].kind != "ministry"}
        if refresh:
            cells = procedure_cells(month, refresh, all_units)
            store_cells(month, CountsKind.PROCEDURES, cells, replace_all=False)
        for period in periods.containing(month):
            targets.update((agency_id, period) for agency_id in affected)
    rescore(targets, all_units=all_units)


def _apply_usage(usage: Mapping[tuple[date, int, str], list[int]]) -> set[tuple[date, int]]:
    """Add usage deltas; return the (month, agency) whose set of used procedures may change."""
    changed: set[tuple[date, int]] = set()
    by_month: dict[date, dict[tuple[int, str], list[int]]] = defaultdict(dict)
    for (month, agency_id, code), delta in usage.items():
        if delta != [0, 0]:
            by_month[month][(agency_id, code)] = delta
    for month, items in by_month.items():
        agency_ids = {agency_id for agency_id, _code in items}
        existing = {
            (row.agency_id, row.procedure_code): row
            for row in ProcedureUsage.objects.filter(
                month=month,
                agency_id__in=agency_ids,
                procedure_code__in={code for _a, code in items},
            )
        }
        new, updated, emptied = [], [], []
        for (agency_id, code), (online, paid) in items.items():
            row = existing.get((agency_id, code))
            before = (row.online_dossiers > 0, row.online_payments > 0) if row else (False, False)
            if row is None:
                row = ProcedureUsage(
                    agency_id=agency_id,
                    month=month,
                    procedure_code=code,
                    online_dossiers=online,
                    online_payments=paid,
                )
                new.append(row)
            else:
                row.online_dossiers += online
                row.online_payments += paid
                (
                    emptied if row.online_dossiers == 0 and row.online_payments == 0 else updated
                ).append(row)
            if before != (row.online_dossiers > 0, row.online_payments > 0):
                changed.add((month, agency_id))
        ProcedureUsage.objects.bulk_create(new, batch_size=2000)
        ProcedureUsage.objects.bulk_update(
            updated, ["online_dossiers", "online_payments"], batch_size=500
        )
        if emptied:
            ProcedureUsage.objects.filter(pk__in=[row.pk for row in emptied]).delete()
    return changed


def now_local() -> datetime:
    return timezone.localtime()


__all__ = ["apply_changes", "recompute_months", "rescore", "transaction"]
