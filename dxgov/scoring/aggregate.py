"""Counts and scores in the database: the full recompute (SQL), procedure facts, roll-up by
agency path and scoring. The incremental update is `deltas.py`, the re-scoring rounds
`rounds.py`, their task and marks `jobs.py`.

* `dossier_cells(month)`: one GROUP BY over the month's dossiers gives every dossier numerator
  and denominator per agency (the SQL mirror of `rows.row_counts`); petitions, rare, are read
  and evaluated in Python (`petition_counts`, also used by the incremental update).
* `ProcedureFacts`: the catalogue facts of each unit and month (`qd766.procedure_facts` summed
  over its procedures in scope, cached per catalogue scope) plus the usage that 3.2 and 3.5b
  need, from `ProcedureUsage` (online dossiers and payments per agency, month and procedure).
* `rescore(...)`: sums the cells of each unit's subtree (by agency path; `period_totals`; its
  procedure facts are its own) and writes `Score` rows.

Procedure scope: a ministry's own ministry-level procedures; a province's People's Committee:
province- and commune-level procedures (national or owned inside the province), with usage over
the whole province; a department: province-level ones; a commune: commune-level ones, each with
its own usage.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from django.db import connection
from django.utils import timezone

from dxgov.core.calendar import WorkingCalendar, years_around
from dxgov.core.holidays import calendar_for
from dxgov.core.pgarrays import int_array, text_array
from dxgov.dossiers.models import Dossier, Procedure
from dxgov.orgunits.models import Agency, AgencyKind
from dxgov.scoring import periods, qd766, rows
from dxgov.scoring.models import MonthCounts, ProcedureUsage, Score
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


def dossier_sql(
    *,
    where: str = "d.received_month = %(month)s",
    as_of: str = "%(as_of)s",
    keys: str = "d.agency_id",
    extra: str = "",
) -> str:
    """One row per `keys` (the agency): every dossier count of the selected dossiers.

    The full recompute: one month's dossiers (params: as_of, month). The incremental update
    (`contributions`): the dossiers a batch replaces or writes, by month and agency, each
    month evaluated at its own end (`as_of`, a CASE on the month)."""
    on_time = (
        "(NOT d.late_by_supplements AND (d.effective_due IS NULL OR "
        f"(CASE WHEN d.end_at IS NOT NULL AND d.end_at <= {as_of} THEN d.end_at "
        f"ELSE {as_of} END) <= d.effective_due))"
    )
    # CASE, not AND: the history is cast to text only for the rare single-request rows.
    supplement_open = (
        "(CASE WHEN d.supplement_requests = 1 THEN "
        "CAST(d.status_history AS TEXT) NOT LIKE '%%supplement_completed%%' ELSE FALSE END)"
    )
    finished = f"(d.end_at IS NOT NULL AND d.end_at <= {as_of} AND NOT {supplement_open})"
    paper = "COALESCE(p.requires_paper_result, FALSE)"
    seconds = _greatest(f"{_seconds_sql()} - d.supplement_seconds", "0")

    def count(condition: str) -> str:
        # FILTER skips the row before any other aggregate work (both engines support it).
        return f"COUNT(*) FILTER (WHERE {condition})"

    columns = {
        "dossiers_received": "COUNT(*)",
        "dossiers_synced": count("d.synced_to_dvcqg"),
        "dossiers_on_time": count(on_time),
        "dossiers_finished": count(finished),
        "processing_seconds": f"SUM({seconds}) FILTER (WHERE {finished})",
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
        "dossiers_complained": count("d.petition_count > 0 OR d.rating <= 2"),
    }
    select = ", ".join(f"{sql} AS {name}" for name, sql in columns.items()) + extra
    return (
        f"SELECT {keys}, {select} FROM {DOSSIER_TABLE} d "  # noqa: S608 (fixed names)
        f"LEFT JOIN {PROCEDURE_TABLE} p ON p.code = d.procedure_code "
        f"WHERE {where} GROUP BY {keys}"
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
    where = "d.received_month = %(month)s"
    if wanted is not None:
        if not wanted:
            return {}
        where += " AND d.agency_id IN (" + ", ".join(str(int(i)) for i in wanted) + ")"
        sql = dossier_sql(where=where)
    cells: dict[int, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            cell = {name: int(value or 0) for name, value in zip(SQL_FIELDS, row[1:], strict=True)}
            # Every dossier is on time or late (the on-time condition is never NULL).
            cell["dossiers_late"] = cell["dossiers_received"] - cell["dossiers_on_time"]
            cells[row[0]] = cell
    calendar = calendar_for(years_around([month]))
    for _month, agency_id, on_time, satisfied in petition_counts(where, params, calendar):
        cell = cells.setdefault(agency_id, {})
        cell["petitions_on_time"] = cell.get("petitions_on_time", 0) + on_time
        cell["petitions_satisfied"] = cell.get("petitions_satisfied", 0) + satisfied
    return {agency_id: Counts.from_dict(values) for agency_id, values in cells.items()}


def usage_rows(month: date) -> dict[tuple[int, str], tuple[int, int]]:
    """(agency, procedure) → (online dossiers, online payments) in `month`, from the dossiers."""
    online = "channel = 2"
    paid = "fee_total > 0 AND paid_online IN (1, 2)"
    # Only the rows that count in either (the others would only add zeros): fewer rows to
    # group, and no group with nothing to store.
    sql = (
        "SELECT agency_id, procedure_code, "  # noqa: S608 (fixed names)
        f"COUNT(*) FILTER (WHERE {online}), COUNT(*) FILTER (WHERE {paid}) "
        f"FROM {DOSSIER_TABLE} WHERE received_month = %(month)s AND ({online} OR {paid}) "
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


_UNITS_CACHE: dict[str, dict[int, Unit]] = {}


def _agencies_stamp() -> str | None:
    """What changes whenever an agency row does (PostgreSQL; None elsewhere): the rows' count
    and the largest and summed transaction ids that wrote them (an insert or update gives its
    row a new one, a delete changes the count). ~2 ms instead of an md5 over every row's
    text (~5 ms, paid by every batch), and instead of building ~3,700 units in Python."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), max(xmin::text::bigint), sum(xmin::text::bigint) FROM orgunits_agency"
        )
        return "/".join(str(value) for value in cursor.fetchone())


def units() -> dict[int, Unit]:
    """Every current scored agency: ministries, provinces' People's Committees and below
    (kept per process while the agencies' digest is unchanged)."""
    stamp = _agencies_stamp()
    if stamp is not None and stamp in _UNITS_CACHE:
        return _UNITS_CACHE[stamp]
    found = _load_units()
    if stamp is not None:
        _UNITS_CACHE.clear()
        _UNITS_CACHE[stamp] = found
    return found


def _load_units() -> dict[int, Unit]:
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


@dataclass(frozen=True)
class Catalogue:
    """Active procedures as (info, owner agency id, owner path), and a stamp that changes when
    the catalogue does (its size and last change)."""

    items: tuple[tuple[qd766.ProcedureInfo, int | None, str], ...]
    stamp: tuple[int, str] = (0, "")

    @classmethod
    def load(cls) -> Catalogue:
        from django.db.models import Count, Max

        summary = Procedure.objects.aggregate(n=Count("id"), last=Max("updated_at"))
        stamp = (int(summary["n"] or 0), str(summary["last"]))
        if _CATALOGUE_CACHE and _CATALOGUE_CACHE[0].stamp == stamp:
            return _CATALOGUE_CACHE[0]
        found = []
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
            found.append(
                (info, procedure.owner_id, procedure.owner.path if procedure.owner else "")
            )
        catalogue = cls(tuple(found), stamp)
        _CATALOGUE_CACHE[:] = [catalogue]
        _GROUP_CACHE.clear()
        return catalogue


# The last catalogue loaded, and its procedures' facts summed by (level, owner) per month: the
# same for every batch until the catalogue changes (per process; the stamp guards staleness).
_CATALOGUE_CACHE: list[Catalogue] = []
_GroupKey = tuple[tuple[int, str], date, WorkingCalendar]  # catalogue stamp, month, calendar
_GROUP_CACHE: dict[_GroupKey, dict[tuple[str, int | None], list[int]]] = {}


def in_scope(unit: Unit, level: str, owner_id: int | None, owner_path: str, root_path: str) -> bool:
    """Whether a procedure of this level and owner is in a unit's catalogue."""
    if unit.kind == "ministry":
        return level == "ministry" and owner_id == unit.id
    if level == "ministry":
        return False
    if owner_id is not None and not owner_path.startswith(root_path):
        return False
    if unit.kind == "province":
        return True
    if unit.kind == "department":
        return level == "province" and (owner_id is None or owner_id == unit.id)
    return level == "commune"


class ProcedureFacts:
    """Catalogue counts per unit and month: `qd766.procedure_facts` over the unit's procedures,
    plus 3.2 / 3.5b usage (procedures with an online dossier / an online payment).

    Procedures are summed by (level, owner) group once per month, so a unit's catalogue is the
    sum of the few groups in its scope. Months after the current one have no catalogue facts.
    """

    def __init__(
        self,
        units_: Mapping[int, Unit],
        catalogue: Catalogue | None = None,
        today: date | None = None,
    ) -> None:
        self.units = units_
        self.catalogue = catalogue or Catalogue.load()
        self.paths = {u.id: u.path for u in units_.values()}
        self.current_month = periods.month_of(today or timezone.localdate())
        self._owner_paths = {owner: path for _i, owner, path in self.catalogue.items if owner}
        self._groups: dict[date, dict[tuple[str, int | None], list[int]]] = {}
        self._calendars: dict[date, WorkingCalendar] = {}
        self._base: dict[tuple[tuple[str, int], date], list[int]] = {}
        self._usage: dict[tuple[int, date], tuple[int, int]] = {}
        self._period_base: dict[tuple[tuple[str, int], tuple[date, ...]], list[int]] = {}

    def _calendar(self, month: date) -> WorkingCalendar:
        """The working days 1.1 and 1.2 count in (announcements run from the year before the
        month to the year after it)."""
        if month not in self._calendars:
            self._calendars[month] = calendar_for(range(month.year - 1, month.year + 2))
        return self._calendars[month]

    def _month_groups(self, month: date) -> dict[tuple[str, int | None], list[int]]:
        calendar = self._calendar(month)
        cached = _GROUP_CACHE.get((self.catalogue.stamp, month, calendar))
        if cached is not None:
            return cached
        if month not in self._groups:
            groups: dict[tuple[str, int | None], list[int]] = {}
            last = periods.month_end(month)
            for info, owner, _path in self.catalogue.items:
                facts = qd766.procedure_facts(
                    info, period_start=month, period_end=last, calendar=calendar
                )
                total = groups.setdefault((info.level, owner), [0] * len(COUNT_FIELDS))
                _add(total, _vector(facts))
            self._groups[month] = groups
            _GROUP_CACHE[(self.catalogue.stamp, month, calendar)] = groups
        return self._groups[month]

    def _key(self, unit: Unit) -> tuple[str, int]:
        """Units with the same key have the same catalogue."""
        own = unit.kind == "ministry" or unit.id in self._owner_paths
        return (unit.kind, unit.id if own else unit.root_id)

    def base(self, unit: Unit, month: date) -> list[int]:
        if month > self.current_month:
            return [0] * len(COUNT_FIELDS)
        key = (self._key(unit), month)
        if key not in self._base:
            root_path = self.paths[unit.root_id]
            total = [0] * len(COUNT_FIELDS)
            for (level, owner), vector in self._month_groups(month).items():
                owner_path = self._owner_paths.get(owner, "") if owner else ""
                if in_scope(unit, level, owner, owner_path, root_path):
                    _add(total, vector)
            self._base[key] = total
        return self._base[key]

    def load_usage(
        self,
        months: Iterable[date],
        roots: Iterable[int] | None,
        wanted: Iterable[int] | None = None,
    ) -> None:
        """Usage counts of every unit under `roots` (None: all) in `months`; with `wanted`,
        only those units' (a batch re-scores a few communes and their province: reading the
        usage of every commune of the province for a year cost more than the rest of it)."""
        months = list(months)
        is_online = "u.online_dossiers > 0 AND p.online_level IN ('partial', 'full')"
        is_paid = "u.online_payments > 0 AND p.has_fees"
        online = f"SUM(CASE WHEN {is_online} THEN 1 ELSE 0 END)"
        paid = f"SUM(CASE WHEN {is_paid} THEN 1 ELSE 0 END)"
        d_online = f"COUNT(DISTINCT CASE WHEN {is_online} THEN u.procedure_code END)"
        d_paid = f"COUNT(DISTINCT CASE WHEN {is_paid} THEN u.procedure_code END)"
        table = ProcedureUsage._meta.db_table
        where = "u.month IN (" + ", ".join(["%s"] * len(months)) + ")"
        params: list[Any] = [connection.ops.adapt_datefield_value(m) for m in months]
        if roots is not None:
            ids = sorted(set(roots))
            if not ids:
                return
            where += " AND u.root_id IN (" + ", ".join(str(int(i)) for i in ids) + ")"
        own_where = whole_where = where
        if wanted is not None:
            chosen = [self.units[i] for i in set(wanted) if i in self.units]
            own_ids = sorted(u.id for u in chosen if u.kind != "province")
            province_ids = sorted(u.id for u in chosen if u.kind == "province")
            own_where += " AND u.agency_id IN (" + ", ".join(map(str, own_ids or [0])) + ")"
            whole_where += " AND u.root_id IN (" + ", ".join(map(str, province_ids or [0])) + ")"
        join = f"FROM {table} u JOIN {PROCEDURE_TABLE} p ON p.code = u.procedure_code AND p.active"
        own = (
            f"SELECT u.agency_id, u.month, p.level, p.owner_id, {online}, {paid} {join} "
            f"WHERE {own_where} GROUP BY u.agency_id, u.month, p.level, p.owner_id"
        )
        whole = (
            f"SELECT u.root_id, u.month, p.level, p.owner_id, {d_online}, {d_paid} {join} "
            f"WHERE {whole_where} GROUP BY u.root_id, u.month, p.level, p.owner_id"
        )
        found: dict[tuple[int, date], list[int]] = defaultdict(lambda: [0, 0])
        with connection.cursor() as cursor:
            for sql, provinces in ((own, False), (whole, True)):
                cursor.execute(sql, params)
                for agency_id, month, level, owner_id, used, paying in cursor.fetchall():
                    unit = self.units.get(agency_id)
                    if unit is None or (unit.kind == "province") != provinces:
                        continue
                    owner_path = self._owner_paths.get(owner_id, "") if owner_id else ""
                    if not in_scope(unit, level, owner_id, owner_path, self.paths[unit.root_id]):
                        continue
                    month = as_date(month)
                    entry = found[(agency_id, month)]
                    entry[0] += int(used or 0)
                    entry[1] += int(paying or 0)
        for key, (used, paying) in found.items():
            self._usage[key] = (used, paying)

    def period_vector(self, unit: Unit, months: list[date]) -> list[int]:
        """`vector` summed over `months`; the catalogue part is summed once per catalogue key."""
        key = (self._key(unit), tuple(months))
        base = self._period_base.get(key)
        if base is None:
            base = [0] * len(COUNT_FIELDS)
            for month in months:
                _add(base, self.base(unit, month))
            self._period_base[key] = base
        total = list(base)
        for month in months:
            used, paying = self._usage.get((unit.id, month), (0, 0))
            total[_INDEX["procedures_online_used"]] += used
            total[_INDEX["procedures_paid_online"]] += paying
        return total

    def vector(self, unit: Unit, month: date) -> list[int]:
        total = list(self.base(unit, month))
        used, paying = self._usage.get((unit.id, month), (0, 0))
        total[_INDEX["procedures_online_used"]] += used
        total[_INDEX["procedures_paid_online"]] += paying
        return total


# --- vectors ------------------------------------------------------------------------------

_INDEX = {name: position for position, name in enumerate(COUNT_FIELDS)}


def _vector(counts: Counts) -> list[int]:
    return [getattr(counts, name) for name in COUNT_FIELDS]


def _add(total: list[int], other: Iterable[int]) -> None:
    for position, value in enumerate(other):
        if value:
            total[position] += value


def as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


# --- storing cells ------------------------------------------------------------------------


def insert_rows(table: str, columns: tuple[str, ...], rows: Iterable[Iterable[Any]]) -> None:
    """Insert plain rows: COPY on PostgreSQL (binding thousands of parameters is slower), an
    executemany elsewhere. Values must already be database values (JSON as text)."""
    names = ", ".join(columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 (fixed names)
            [list(row) for row in rows],
        )


def store_cells(month: date, cells: Mapping[int, Counts]) -> None:
    """Replace a month's cells."""
    MonthCounts.objects.filter(month=month).delete()
    day = connection.ops.adapt_datefield_value(month)
    empty = Counts()
    insert_rows(
        MonthCounts._meta.db_table,
        ("agency_id", "month", *COUNT_FIELDS),
        (
            (agency_id, day, *_vector(counts))
            for agency_id, counts in cells.items()
            if counts != empty
        ),
    )


def upsert_rows(
    table: str,
    columns: tuple[tuple[str, str], ...],
    conflict: str,
    added: tuple[str, ...],
    rows: list[list[Any]],
) -> None:
    """Insert rows, adding the `added` columns to an existing row on `conflict`.

    `columns`: (name, PostgreSQL type). PostgreSQL gets one statement with one array per
    column (UNNEST): a few parameters instead of thousands, which the driver would otherwise
    parse into the statement for every batch. Elsewhere, multi-row VALUES in chunks.
    """
    if not rows:
        return
    names = ", ".join(name for name, _type in columns)
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in added)
    tail = f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{kind}[]" for _name, kind in columns)
            literals = [
                int_array(values)
                if kind in ("bigint", "integer")
                else text_array(None if v is None else str(v) for v in values)
                for (_name, kind), values in zip(columns, zip(*rows, strict=True), strict=True)
            ]
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) {tail}",  # noqa: S608
                literals,
            )
            return
        row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join([row] * len(chunk))} {tail}",  # noqa: S608
                [value for line in chunk for value in line],
            )


def add_to_cells(month: date, deltas: Mapping[int, Mapping[str, int]]) -> None:
    """Add deltas to a month's cells in one upsert (creating missing ones), then drop the cells
    left at zero (the full recompute never stores them)."""
    if not deltas:
        return
    table = MonthCounts._meta.db_table
    day = connection.ops.adapt_datefield_value(month)
    upsert_rows(
        table,
        (("agency_id", "bigint"), ("month", "date"), *((n, "bigint") for n in COUNT_FIELDS)),
        "agency_id, month",
        COUNT_FIELDS,
        [
            [agency_id, day, *(int(delta.get(name, 0)) for name in COUNT_FIELDS)]
            for agency_id, delta in deltas.items()
        ],
    )
    zero = " AND ".join(f"{name} = 0" for name in COUNT_FIELDS)
    ids = ", ".join(str(int(agency_id)) for agency_id in deltas)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE month = %s AND agency_id IN ({ids}) AND {zero}",  # noqa: S608
            [day],
        )


def store_usage(
    month: date, usage: Mapping[tuple[int, str], tuple[int, int]], roots: Mapping[int, int]
) -> None:
    ProcedureUsage.objects.filter(month=month).delete()
    day = connection.ops.adapt_datefield_value(month)
    insert_rows(
        ProcedureUsage._meta.db_table,
        ("agency_id", "root_id", "month", "procedure_code", "online_dossiers", "online_payments"),
        (
            (agency_id, roots[agency_id], day, code, online, paid)
            for (agency_id, code), (online, paid) in usage.items()
            if agency_id in roots
        ),
    )


# --- roll-up and scores ---------------------------------------------------------------------


def period_cells(months: list[date], agency_ids: list[int] | None) -> dict[int, list[int]]:
    """Each agency's own cells summed over `months` (one GROUP BY): agency → COUNT_FIELDS."""
    table = MonthCounts._meta.db_table
    sums = ", ".join(f"SUM({name})" for name in COUNT_FIELDS)
    where = "month IN (" + ", ".join(["%s"] * len(months)) + ")"
    if agency_ids is not None:
        if not agency_ids:
            return {}
        where += " AND agency_id IN (" + ", ".join(str(int(i)) for i in agency_ids) + ")"
    found: dict[int, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT agency_id, {sums} FROM {table} WHERE {where} GROUP BY agency_id",  # noqa: S608
            [connection.ops.adapt_datefield_value(m) for m in months],
        )
        for agency_id, *values in cursor.fetchall():
            found[agency_id] = [int(v or 0) for v in values]
    return found


_LINEAGE: list[tuple[Mapping[int, Unit], dict[int, tuple[int, ...]]]] = []


def lineage(units_: Mapping[int, Unit]) -> dict[int, tuple[int, ...]]:
    """Each unit with its ancestors (itself first), kept while `units()` returns the same
    units."""
    if _LINEAGE and _LINEAGE[0][0] is units_:
        return _LINEAGE[0][1]
    by_path = {u.path: u.id for u in units_.values()}
    found = {unit.id: (unit.id, *ancestors(unit, by_path)) for unit in units_.values()}
    _LINEAGE[:] = [(units_, found)]
    return found


def rollup_pairs(
    targets: set[int], units_: Mapping[int, Unit], lines: Mapping[int, tuple[int, ...]]
) -> tuple[list[int], list[int]]:
    """(agency, target) pairs, as two lists: every agency whose cells count towards a target
    (itself or a unit below it). Only the targets' roots' units are looked at."""
    roots = {units_[t].root_id for t in targets if t in units_}
    agencies: list[int] = []
    owners: list[int] = []
    for unit in units_.values():
        if unit.root_id not in roots:
            continue
        for target in lines[unit.id]:
            if target in targets:
                agencies.append(unit.id)
                owners.append(target)
    return agencies, owners


def period_totals(
    months: list[date], agencies: list[int], targets: list[int]
) -> dict[int, list[int]]:
    """Each target's subtree counts summed over `months` (target → COUNT_FIELDS), from the
    (agency, target) pairs of `rollup_pairs`. PostgreSQL sums them in one statement, joined to
    the pairs as two arrays: a round no longer reads every agency's cells of the year into
    Python to add them up there (0.7 s a round whatever its size). Elsewhere, the agencies'
    own cells are read and added up here."""
    if not agencies:
        return {}
    if connection.vendor != "postgresql":
        own = period_cells(months, sorted(set(agencies)))
        totals: dict[int, list[int]] = {}
        for agency_id, target in zip(agencies, targets, strict=True):
            values = own.get(agency_id)
            if values is None:
                continue
            if target in totals:
                _add(totals[target], values)
            else:
                totals[target] = list(values)
        return totals
    table = MonthCounts._meta.db_table
    sums = ", ".join(f"SUM(c.{name})" for name in COUNT_FIELDS)
    marks = ", ".join(["%s"] * len(months))
    found: dict[int, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.target, {sums} FROM {table} c "  # noqa: S608 (fixed names)
            "JOIN unnest(%s::bigint[], %s::bigint[]) AS m(agency, target) "
            f"ON m.agency = c.agency_id WHERE c.month IN ({marks}) GROUP BY m.target",
            [
                int_array(agencies),
                int_array(targets),
                *(connection.ops.adapt_datefield_value(m) for m in months),
            ],
        )
        for target, *values in cursor.fetchall():
            found[target] = [int(v or 0) for v in values]
    return found


def rescore(
    targets: Iterable[tuple[int, Period]],
    *,
    all_units: Mapping[int, Unit] | None = None,
    rulesets: Iterable[str] = RULESETS,
    replace_periods: bool = False,
) -> int:
    """Re-score each (agency, period): dossier counts over its subtree plus its catalogue facts.

    A unit without dossiers in its subtree in the period has no score (its row is removed).
    `replace_periods` (the full recompute): the periods' scores are rebuilt from scratch.
    Cells are summed per period in SQL, then rolled up by path once per period; scores are
    points only (`qd766.group_points`), memoised on identical counts, written in one COPY.
    """
    units_ = all_units or units()
    wanted: dict[Period, set[int]] = defaultdict(set)
    for agency_id, period in targets:
        if agency_id in units_:
            wanted[period].add(agency_id)
    if not wanted:
        return 0
    lines = lineage(units_)
    roots = {units_[i].root_id for ids in wanted.values() for i in ids}
    every_root = len(roots) * 3 > len({u.root_id for u in units_.values()})
    months = sorted({m for period in wanted for m in period.months})
    facts = ProcedureFacts(units_)
    wanted_ids = {i for ids in wanted.values() for i in ids}
    facts.load_usage(months, None if every_root else roots, None if replace_periods else wanted_ids)
    now = timezone.now()
    rulesets = tuple(rulesets)
    cards: dict[tuple[str, str, tuple[int, ...]], qd766.Points] = {}
    rows_: list[tuple[Any, ...]] = []
    for period, agency_ids in wanted.items():
        rolled = period_totals(period.months, *rollup_pairs(agency_ids, units_, lines))
        for agency_id in agency_ids:
            own = rolled.get(agency_id)
            if own is None:
                continue  # no dossiers in the period (any more): no score
            total = list(own)
            _add(total, facts.period_vector(units_[agency_id], period.months))
            key = tuple(total)
            counts = dict(zip(COUNT_FIELDS, total, strict=True))
            for ruleset in rulesets:
                memo = (ruleset, period.kind, key)
                card = cards.get(memo)
                if card is None:
                    # Points only, in integer arithmetic (the metric details are not stored).
                    card = cards[memo] = qd766.vector_points(total, ruleset)
                groups = card.groups
                rows_.append(
                    (
                        agency_id,
                        period.kind,
                        period.start,
                        ruleset,
                        card.total,
                        groups["publicity"],
                        groups["progress"],
                        groups["online"],
                        groups["payment"],
                        groups["digitisation"],
                        groups["satisfaction"],
                        total[_INDEX["dossiers_received"]],
                        counts,
                        now,
                    )
                )
        for ruleset in rulesets:
            stale = Score.objects.filter(
                period_kind=period.kind, period_start=period.start, ruleset=ruleset
            )
            if not replace_periods:
                stale = stale.filter(agency_id__in=list(agency_ids))
            stale.delete()
    write_scores(rows_)
    return len(rows_)


_SCORE_COLUMNS = (
    "agency_id",
    "period_kind",
    "period_start",
    "ruleset",
    "total",
    "publicity",
    "progress",
    "online",
    "payment",
    "digitisation",
    "satisfaction",
    "dossiers_received",
    "counts",
    "computed_at",
)


def write_scores(rows_: list[tuple[Any, ...]]) -> None:
    """Insert score rows (`_SCORE_COLUMNS` values): COPY on PostgreSQL (bulk INSERT binds
    thousands of JSON values slowly), bulk_create elsewhere."""
    if not rows_:
        return
    if connection.vendor != "postgresql":
        Score.objects.bulk_create(
            [Score(**dict(zip(_SCORE_COLUMNS, row, strict=True))) for row in rows_],
            batch_size=2000,
        )
        return
    position = _SCORE_COLUMNS.index("counts")
    dumps = _json_text
    insert_rows(
        Score._meta.db_table,
        _SCORE_COLUMNS,
        ((*row[:position], dumps(row[position]), *row[position + 1 :]) for row in rows_),
    )


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


# --- full recompute -------------------------------------------------------------------------


@dataclass
class RecomputeResult:
    months: list[date]
    cells: int
    scores: int


def recompute_months(months: Iterable[date]) -> RecomputeResult:
    """Rebuild the month cells and usage from the dossiers, then every unit's scores for those
    months and their quarters and years. The caller holds the transaction."""
    lock_scores()
    chosen = sorted(set(months))
    all_units = units()
    roots = {u.id: u.root_id for u in all_units.values()}
    total = 0
    targets: set[tuple[int, Period]] = set()
    for month in chosen:
        cells = dossier_cells(month)
        store_cells(month, cells)
        store_usage(month, usage_rows(month), roots)
        total += len(cells)
        for period in periods.containing(month):
            targets.update((agency_id, period) for agency_id in all_units)
    written = rescore(targets, all_units=all_units, replace_periods=True)
    return RecomputeResult(chosen, total, written)


def months_with_dossiers() -> list[date]:
    return sorted(Dossier.objects.values_list("received_month", flat=True).distinct())


def petition_counts(
    where: str, params: dict[str, Any], calendar: WorkingCalendar
) -> Iterator[tuple[date, int, int, int]]:
    """(month, agency, petitions on time, satisfied) of each dossier with petitions among those
    `where` selects: petitions, rare, are evaluated in Python (`rows.petition_counts`) at the
    end of the dossier's month, their 15 working days counted in `calendar` (of the months'
    years), for the full recompute and the incremental update alike."""
    as_of: dict[date, datetime] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.received_month, d.agency_id, d.petitions FROM {DOSSIER_TABLE} d "  # noqa: S608
            f"WHERE ({where}) AND d.petition_count > 0",
            params,
        )
        while chunk := cursor.fetchmany(2000):
            for month, agency_id, items in chunk:
                day = as_date(month)
                if day not in as_of:
                    as_of[day] = periods.month_as_of(day)
                if isinstance(items, str | bytes):
                    items = json.loads(items)  # SQLite returns the JSON text
                on_time, satisfied = rows.petition_counts(
                    list(items or ()), as_of[day], calendar=calendar
                )
                yield day, agency_id, on_time, satisfied


# Re-scoring rounds (and full recomputes) run one at a time: two would delete and insert the
# same Score rows. A PostgreSQL advisory lock, held to the commit; SQLite has one writer anyway.
RESCORE_LOCK = 766_017


def lock_scores() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RESCORE_LOCK])
