"""The incremental update, in a batch's own transaction (ADR 16, 17): what the versions a batch
replaces contributed (`count_replaced`, the `before_write` hook) and what the written ones
contribute (`apply_batch`, the `after_batch` hook), both read with the full recompute's own
statement (`aggregate.dossier_sql`) over the dossiers' ids, each month evaluated at its end;
the difference is added to the (agency, month) cells and the usage rows, and the agencies it
touches are marked for the next re-scoring round (`jobs.mark`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import connection

from dxgov.core.calendar import years_around
from dxgov.core.holidays import calendar_for
from dxgov.core.pgarrays import int_array
from dxgov.dossiers.signals import BatchWrite
from dxgov.scoring import periods
from dxgov.scoring.aggregate import (
    DOSSIER_TABLE,
    SQL_FIELDS,
    Unit,
    add_to_cells,
    as_date,
    dossier_sql,
    petition_counts,
    units,
    upsert_rows,
)
from dxgov.scoring.jobs import mark
from dxgov.scoring.models import ProcedureUsage

Cells = dict[date, dict[int, dict[str, int]]]  # month → agency → count deltas
Usage = dict[tuple[date, int, str], list[int]]  # (month, agency, procedure) → [online, paid]


def _id_lists(ids: list[int]) -> list[tuple[str, dict[str, Any]]]:
    """A filter on dossier ids and its parameters: one array on PostgreSQL, chunks of integer
    literals elsewhere (SQLite binds at most a few thousand parameters)."""
    if connection.vendor == "postgresql":
        # An array literal: the driver adapts a list of thousands of ints far more slowly.
        return [("d.id = ANY(%(ids)s::bigint[])", {"ids": int_array(ids)})]
    chunks: list[tuple[str, dict[str, Any]]] = []
    for start in range(0, len(ids), 5000):
        literal = ", ".join(str(int(i)) for i in ids[start : start + 5000])
        chunks.append((f"d.id IN ({literal})", {}))
    return chunks


def _as_of_case(months: list[date]) -> tuple[str, dict[str, Any]]:
    """The moment each dossier is evaluated (the end of its month of receipt), as a CASE on
    the month: no join, so the planner reads the dossiers by id whatever it knows of the
    month (a join on a month its statistics do not have yet had it scan the whole month)."""
    params: dict[str, Any] = {}
    branches = []
    cast = "::date" if connection.vendor == "postgresql" else ""
    stamp = "::timestamptz" if connection.vendor == "postgresql" else ""
    for index, month in enumerate(months):
        params[f"m{index}"] = connection.ops.adapt_datefield_value(month)
        params[f"a{index}"] = connection.ops.adapt_datetimefield_value(periods.month_as_of(month))
        branches.append(f"WHEN %(m{index})s{cast} THEN %(a{index})s{stamp}")
    return f"(CASE d.received_month {' '.join(branches)} END)", params


def contributions(
    ids: list[int],
    sign: int,
    months: Iterable[date] | None = None,
    petitioned: list[int] | None = None,
) -> tuple[Cells, Usage]:
    """What the dossiers `ids` add to the month cells and the procedure usage, times `sign`,
    read in SQL with the full recompute's own statement (`dossier_sql`), each dossier
    evaluated at the end of its month of receipt. `months`: every month of receipt among
    them, when the caller knows (else they are read first). `petitioned`: those of `ids`
    with petitions, when the caller knows (their petitions are then read by these ids alone,
    not by probing every id again)."""
    cells: Cells = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    usage: Usage = defaultdict(lambda: [0, 0])
    if not ids:
        return cells, usage
    seen: set[date] = set()  # the months of receipt, for the petitions' calendar
    with connection.cursor() as cursor:
        for where, params in _id_lists(ids):
            if months is None:
                cursor.execute(
                    f"SELECT DISTINCT d.received_month FROM {DOSSIER_TABLE} d WHERE {where}",  # noqa: S608
                    params,
                )
                chosen = sorted(as_date(row[0]) for row in cursor.fetchall())
            else:
                chosen = sorted({as_date(month) for month in months})
            seen.update(chosen)
            as_of, month_params = _as_of_case(chosen)
            # One pass over the dossiers: counts by procedure too, summed here into the cells
            # (a few thousand groups), the procedure's own rows being its usage (3.2, 3.5b).
            sql = dossier_sql(
                where=where,
                as_of=as_of,
                keys="d.received_month, d.agency_id, d.procedure_code",
                extra=", COUNT(*) FILTER (WHERE d.channel = 2)",
            )
            cursor.execute(sql, {**params, **month_params})
            with_petitions = False
            for month, agency_id, code, *values, online in cursor.fetchall():
                day = as_date(month)
                cell = cells[day][agency_id]
                for name, value in zip(SQL_FIELDS, values, strict=True):
                    if value:
                        cell[name] += sign * int(value)
                # Every dossier is on time or late (as in dossier_cells).
                late = int(values[_RECEIVED_AT] or 0) - int(values[_ON_TIME_AT] or 0)
                if late:
                    cell["dossiers_late"] += sign * late
                with_petitions = with_petitions or bool(values[_PETITIONS_AT])
                paid = int(values[_PAID_AT] or 0)
                if online or paid:
                    entry = usage[(day, agency_id, code)]
                    entry[0] += sign * int(online)
                    entry[1] += sign * paid
            if with_petitions and petitioned is None:
                calendar = calendar_for(years_around(chosen))
                _add_petitions(cells, petition_counts(where, params, calendar), sign)
        if petitioned:
            calendar = calendar_for(years_around(seen))
            for where, params in _id_lists(petitioned):
                _add_petitions(cells, petition_counts(where, params, calendar), sign)
    return cells, usage


def _add_petitions(cells: Cells, counts: Iterable[tuple[date, int, int, int]], sign: int) -> None:
    for day, agency_id, on_time, satisfied in counts:
        cell = cells[day][agency_id]
        cell["petitions_on_time"] += sign * on_time
        cell["petitions_satisfied"] += sign * satisfied


_PAID_AT = SQL_FIELDS.index("dossiers_paid_online")  # = usage's online payments
_RECEIVED_AT = SQL_FIELDS.index("dossiers_received")
_ON_TIME_AT = SQL_FIELDS.index("dossiers_on_time")
_PETITIONS_AT = SQL_FIELDS.index("petitions")
STATE = "scoring"


def count_replaced(write: BatchWrite) -> None:
    """The `before_write` hook: the counts of the versions the batch is about to replace."""
    write.state[STATE] = contributions(write.replaced, -1, write.months)


def apply_batch(write: BatchWrite) -> None:
    """The `after_batch` hook: the new versions' counts less the old ones' are added to the
    cells and usage, and what they touch is re-scored."""
    old = write.state.pop(STATE, None)
    if old is None:
        if write.replaced:
            # After the write the replaced versions are gone: counting them now would count
            # the new ones twice.
            raise RuntimeError("scoring's count_replaced must be connected to before_write")
        old = (defaultdict(dict), defaultdict(list))
    old_cells, old_usage = old
    cells, usage = contributions(write.written, +1, write.months, write.petitioned)
    for month, agencies in old_cells.items():
        for agency_id, values in agencies.items():
            cell = cells[month][agency_id]
            for name, value in values.items():
                cell[name] += value
    for key, (online, paid) in old_usage.items():
        entry = usage[key]
        entry[0] += online
        entry[1] += paid
    apply_deltas(cells, usage)


def apply_deltas(deltas: Cells, usage: Usage) -> None:
    """Add count deltas to the cells and usage, and mark what they touch for re-scoring."""
    # Only agencies whose counts or usage really changed (a new version can leave every count
    # as it was, e.g. a resend, or an update the month's evaluation does not see) are written
    # and marked: the others' scores cannot have changed.
    changed: dict[date, dict[int, dict[str, int]]] = defaultdict(dict)
    for month, cells in deltas.items():
        for agency_id, values in cells.items():
            if any(values.values()):
                changed[month][agency_id] = dict(values)
    touched: dict[date, set[int]] = {month: set(cells) for month, cells in changed.items()}
    for (month, agency_id, _code), (online, paid) in usage.items():
        if online or paid:
            touched.setdefault(month, set()).add(agency_id)
    all_units = units()
    for month, cells in changed.items():
        add_to_cells(month, cells)
    _apply_usage(usage, all_units)
    mark(touched)


def _apply_usage(
    usage: Mapping[tuple[date, int, str], list[int]], all_units: Mapping[int, Unit]
) -> None:
    """Add usage deltas in one upsert per month; rows that drop to zero are deleted, as the
    full recompute never stores them."""
    table = ProcedureUsage._meta.db_table
    by_month: dict[date, list[list[Any]]] = defaultdict(list)
    for (month, agency_id, code), (online, paid) in usage.items():
        if (online or paid) and agency_id in all_units:
            by_month[month].append([agency_id, all_units[agency_id].root_id, code, online, paid])
    columns = (
        ("agency_id", "bigint"),
        ("root_id", "bigint"),
        ("procedure_code", "text"),
        ("online_dossiers", "bigint"),
        ("online_payments", "bigint"),
        ("month", "date"),
    )
    for month, lines in by_month.items():
        day = connection.ops.adapt_datefield_value(month)
        upsert_rows(
            table,
            columns,
            "agency_id, month, procedure_code",
            ("online_dossiers", "online_payments"),
            [[*line, day] for line in lines],
        )
        ids = ", ".join(sorted({str(int(line[0])) for line in lines}))
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE month = %s AND agency_id IN ({ids}) "  # noqa: S608
                "AND online_dossiers = 0 AND online_payments = 0",
                [day],
            )
