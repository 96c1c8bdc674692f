"""The weekly figures derived from the updates, kept in step inside each write's transaction.

`ProjectWeek` holds each project's figures at the end of every week of a plan year, from the
window's first week through the current one; `WeekSummary` their sums by nation, unit,
category, group and funding source. A write names the projects it changed and the earliest
date it touched; `refresh` recomputes those projects' weeks from there (carrying the figures
of the week before, so only the figures dated since are read), writes the rows that changed
and adds the difference to the summaries (`INSERT … ON CONFLICT DO UPDATE SET x = x +
excluded.x`, the same statement on PostgreSQL and SQLite). `rebuild` recomputes everything
from the updates and gives the same rows (a test compares them).

A new week starts with no rows: `roll` copies every project's last week forward (its
figures unchanged, its expected value and class for the new date) — the daily run does it,
and so does any write that finds the current week missing, before it changes anything.
These are derived figures, not records: they are not audited (the updates they come from
are).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from dxgov.investments import figures, planyear, rules, storage
from dxgov.investments.models import (
    Allocation,
    CycleSettings,
    Disbursement,
    InvestmentProject,
    ProjectWeek,
    Schedule,
    WeekSummary,
)

SOURCES = rules.SOURCES
SOURCE_INDEX = {source: index for index, source in enumerate(SOURCES)}
SUMMED = (
    "disbursed",
    "plan_total",
    "plan_assigned",
    "expected",
    "projects",
    "good",
    "slow",
    "unable",
    "updated",
    "estimates",
    "silent",
)
CHUNK = 2000
# A project is silent when no figure is dated in its week or the SILENT_WEEKS - 1 before.
SILENT_WEEKS = 2


def thresholds() -> figures.Thresholds:
    found = CycleSettings.objects.first()
    return found.thresholds() if found is not None else figures.Thresholds()


def through(plan_year: int, today: date | None = None) -> date | None:
    """The last week that has rows for a plan year: the current week's end (the window's
    last when it has closed); None before the year starts."""
    today = today or timezone.localdate()
    start, end = planyear.window(plan_year)
    if today < start:
        return None
    return planyear.week_end(min(today, end), plan_year)


def weeks_between(plan_year: int, first: date, last: date) -> list[date]:
    return [w for w in planyear.week_ends(plan_year) if first <= w <= last]


def previous_week(plan_year: int, week: date) -> date:
    """The end of the week before `week` (the day before the window for the first week)."""
    return planyear.previous_week_end(plan_year, week)


# --- contributions to the summaries ---------------------------------------------------------

Key = tuple[date, str, str]  # (week end, dimension, key)


def is_silent(row: Mapping[str, Any]) -> bool:
    """Capital this year and no figure dated in the row's week or the week before."""
    if int(row["plan_total"]) <= 0:
        return False
    last = row["last_update"]
    since = row["week_end"] - timedelta(days=7 * SILENT_WEEKS - 1)
    return last is None or last < since


def _contributions(row: Mapping[str, Any]) -> Iterable[tuple[str, str, dict[str, int]]]:
    klass = str(row["klass"])
    base = {
        "disbursed": int(row["disbursed"]),
        "plan_total": int(row["plan_total"]),
        "plan_assigned": int(row["plan_assigned"]),
        "expected": int(row["expected"]),
        "projects": 1,
        "good": int(klass == figures.GOOD),
        "slow": int(klass == figures.SLOW),
        "unable": int(klass == figures.UNABLE),
        "updated": int(bool(row["updated"])),
        "estimates": int(bool(row["estimates"])),
        "silent": int(is_silent(row)),
    }
    yield "nation", "", base
    yield "unit", str(row["unit_id"]), base
    yield "category", str(row["category"]), base
    yield "group", str(row["group"]), base
    for index, source in enumerate(SOURCES):
        disbursed = int(row[source])
        plan = int(row[f"plan_{source}"])
        if disbursed or plan:
            part = dict.fromkeys(SUMMED, 0)
            part.update(disbursed=disbursed, plan_total=plan, projects=1)
            part["estimates"] = int(bool(int(row["estimates"]) & (1 << index)))
            yield "source", source, part


def _add(deltas: dict[Key, dict[str, int]], week: date, row: Mapping[str, Any], sign: int) -> None:
    # Called twice per changed project-week (10,000 times in a 5,000-row bulk update): zeros
    # are skipped and a summary's dict is made only when it is first touched.
    for dimension, key, values in _contributions(row):
        target = deltas.get((week, dimension, key))
        if target is None:
            target = deltas[(week, dimension, key)] = dict.fromkeys(SUMMED, 0)
        for name, value in values.items():
            if value:
                target[name] += sign * value


_BASE_DIMENSIONS = ("nation", "unit", "category", "group")
_SOURCE_SUMMED = ("disbursed", "plan_total", "projects", "estimates")


def _base(row: Mapping[str, Any]) -> tuple[int, ...]:
    """A row's contribution to its nation, unit, category and group summaries (SUMMED's
    order), as `_contributions` gives it."""
    klass = str(row["klass"])
    return (
        int(row["disbursed"]),
        int(row["plan_total"]),
        int(row["plan_assigned"]),
        int(row["expected"]),
        1,
        int(klass == figures.GOOD),
        int(klass == figures.SLOW),
        int(klass == figures.UNABLE),
        int(bool(row["updated"])),
        int(bool(row["estimates"])),
        int(is_silent(row)),
    )


def _source_part(row: Mapping[str, Any], index: int, source: str) -> tuple[int, int, int, int]:
    """A row's contribution to a source's summary (_SOURCE_SUMMED's order); zeros when the
    row has neither figure nor plan from that source (it is not counted there)."""
    disbursed, plan = int(row[source]), int(row[f"plan_{source}"])
    if not (disbursed or plan):
        return (0, 0, 0, 0)
    return (disbursed, plan, 1, int(bool(int(row["estimates"]) & (1 << index))))


def _accumulate(
    deltas: dict[Key, dict[str, int]], key: Key, names: Iterable[str], values: Iterable[int]
) -> None:
    target = deltas.get(key)
    if target is None:
        target = deltas[key] = dict.fromkeys(SUMMED, 0)
    for name, value in zip(names, values, strict=True):
        if value:
            target[name] += value


def _add_change(
    deltas: dict[Key, dict[str, int]],
    week: date,
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any],
) -> None:
    """Add a project-week's change (old → new) to the summaries' deltas: one difference per
    row added to each of its summaries (the same sums as removing the old row's contributions
    and adding the new one's, at half the work for the 5,000 rows of a bulk update)."""
    if old is None or (old["unit_id"], old["category"], old["group"]) != (
        new["unit_id"],
        new["category"],
        new["group"],
    ):
        if old is not None:
            _add(deltas, week, old, -1)
        _add(deltas, week, new, +1)
        return
    diff = [n - o for n, o in zip(_base(new), _base(old), strict=True)]
    if any(diff):
        keys = ("", str(new["unit_id"]), str(new["category"]), str(new["group"]))
        for dimension, key in zip(_BASE_DIMENSIONS, keys, strict=True):
            _accumulate(deltas, (week, dimension, key), SUMMED, diff)
    for index, source in enumerate(SOURCES):
        before, after = _source_part(old, index, source), _source_part(new, index, source)
        if before != after:
            change = [n - o for n, o in zip(after, before, strict=True)]
            _accumulate(deltas, (week, "source", source), _SOURCE_SUMMED, change)


def _apply(plan_year: int, deltas: Mapping[Key, Mapping[str, int]]) -> None:
    """Add the deltas to the summaries (a row is created at zero when missing); a changed
    row's stored forecast is dropped (it is recomputed when next read)."""
    rows = [
        (plan_year, week, dimension, key, *(values[c] for c in SUMMED))
        for (week, dimension, key), values in deltas.items()
        if any(values.values())
    ]
    storage.add_to_summaries(SUMMED, rows)


# --- a project's weeks ----------------------------------------------------------------------

ROW_FIELDS = (
    "project_id",
    "week_end",
    "unit_id",
    "category",
    "group",
    *SOURCES,
    *(f"plan_{s}" for s in SOURCES),
    "disbursed",
    "plan_total",
    "plan_assigned",
    "expected",
    "klass",
    "estimates",
    "updated",
    "last_update",
    "ratio",
)


@dataclass(frozen=True)
class _Project:
    id: int
    unit_id: int
    category: str
    group: str
    stalled_since: date | None


def _row(project: _Project, week: figures.WeekFigures) -> dict[str, Any]:
    row: dict[str, Any] = {
        "project_id": project.id,
        "week_end": week.week_end,
        "unit_id": project.unit_id,
        "category": project.category,
        "group": project.group,
        "disbursed": week.disbursed,
        "plan_total": week.plan_total,
        "plan_assigned": week.plan_assigned,
        "expected": week.expected,
        "klass": week.klass,
        "estimates": week.estimates,
        "updated": week.updated,
        "last_update": week.last_update,
        "ratio": week.disbursed / week.expected if week.expected > 0 else None,
    }
    for index, source in enumerate(SOURCES):
        row[source] = week.disbursed_by_source[index]
        row[f"plan_{source}"] = week.plan_by_source[index]
    return row


def refresh(plan_year: int, changed: Mapping[int, date], *, today: date | None = None) -> int:
    """Recompute the weeks of the projects in `changed` (id → earliest date changed) from the
    week holding that date; returns how many project-weeks changed."""
    last = through(plan_year, today)
    if last is None or not changed:
        return 0
    roll(plan_year, today=today)
    count = 0
    ids = sorted(changed)
    for offset in range(0, len(ids), CHUNK):
        part = {i: changed[i] for i in ids[offset : offset + CHUNK]}
        count += _refresh_chunk(plan_year, part, last)
    # The current week's table is read most: its changed units' forecasts are made now.
    store_forecasts(plan_year, last)
    return count


def _first_week(plan_year: int, day: date) -> date:
    start, end = planyear.window(plan_year)
    return planyear.week_end(min(max(day, start), end), plan_year)


def _refresh_chunk(plan_year: int, changed: Mapping[int, date], last: date) -> int:
    ids = list(changed)
    first = {p: _first_week(plan_year, d) for p, d in changed.items()}
    before = {p: previous_week(plan_year, w) for p, w in first.items()}
    earliest = min(before.values())
    projects = {
        p["id"]: _Project(
            p["id"], p["managing_agency_id"], p["category"], p["group"], p["stalled_since"]
        )
        for p in InvestmentProject.objects.filter(id__any_of=ids).values(
            "id", "managing_agency_id", "category", "group", "stalled_since"
        )
    }
    stored = {
        (r["project_id"], r["week_end"]): r
        for r in ProjectWeek.objects.filter(
            project_id__any_of=ids, plan_year=plan_year, week_end__gte=earliest
        ).values(*ROW_FIELDS)
    }
    figures_of: dict[int, list[figures.DatedFigure]] = defaultdict(list)
    for pid, source, as_of, kind, value in Disbursement.objects.filter(
        project_id__any_of=ids, plan_year=plan_year, as_of__gt=earliest
    ).values_list("project_id", "source", "as_of", "kind", "value"):
        figures_of[pid].append(
            figures.DatedFigure(as_of, SOURCE_INDEX[source], kind == rules.ACTUAL, value)
        )
    plans: dict[int, list[figures.PlanChange]] = defaultdict(list)
    for pid, source, decided_on, amount, assigned in Allocation.objects.filter(
        project_id__any_of=ids, plan_year=plan_year
    ).values_list("project_id", "source", "decided_on", "amount", "assigned"):
        plans[pid].append(figures.PlanChange(decided_on, SOURCE_INDEX[source], amount, assigned))
    schedules = dict(
        Schedule.objects.filter(project_id__any_of=ids, plan_year=plan_year).values_list(
            "project_id", "months"
        )
    )
    limits = thresholds()
    deltas: dict[Key, dict[str, int]] = {}
    writes: list[dict[str, Any]] = []
    for pid in ids:
        project = projects.get(pid)
        if project is None:
            continue
        if not plans.get(pid) and not figures_of.get(pid):
            continue
        carried_row = stored.get((pid, before[pid]))
        carried = [int(carried_row[s]) if carried_row else 0 for s in SOURCES]
        weeks = figures.project_weeks(
            plan_year,
            weeks_between(plan_year, first[pid], last),
            previous_end=before[pid],
            carried=carried,
            carried_estimates=int(carried_row["estimates"]) if carried_row else 0,
            carried_last_update=carried_row["last_update"] if carried_row else None,
            figures_after=figures_of.get(pid, ()),
            plan_changes=plans.get(pid, ()),
            schedule=schedules.get(pid),
            stalled_since=project.stalled_since,
            thresholds=limits,
        )
        for week in weeks:
            new = _row(project, week)
            old = stored.get((pid, week.week_end))
            if old is not None and all(old[f] == new[f] for f in ROW_FIELDS):
                continue
            _add_change(deltas, week.week_end, old, new)
            writes.append(new)
    storage.upsert_weeks(plan_year, ROW_FIELDS, writes)
    _apply(plan_year, deltas)
    return len(writes)


# --- the year-end forecasts -----------------------------------------------------------------


def store_forecasts(
    plan_year: int, week: date, keys: set[str] | None = None
) -> dict[str, figures.YearEnd]:
    """Compute and keep the year-end forecast of the week's unit and nation rows that have
    none (those of `keys` only, when given); returns them by key. A derived figure, kept with
    its row and dropped whenever the row's figures change."""
    rows = WeekSummary.objects.filter(
        plan_year=plan_year,
        week_end=week,
        dimension__in=["unit", "nation"],
        forecast__isnull=True,
        plan_assigned__gt=0,
    )
    if keys is not None:
        rows = rows.filter(key__in=keys)
    wanted = dict(rows.values_list("pk", "key"))
    if not wanted:
        return {}
    first = planyear.week_ends(plan_year)[0]
    last_week = len(planyear.week_ends(plan_year))
    series: dict[str, list[tuple[int, date, float]]] = defaultdict(list)
    for key, week_end, disbursed, assigned in WeekSummary.objects.filter(
        plan_year=plan_year,
        week_end__lte=week,
        dimension__in=["unit", "nation"],
        key__in=set(wanted.values()),
    ).values_list("key", "week_end", "disbursed", "plan_assigned"):
        if assigned > 0:
            index = (week_end - first).days // 7 + 1
            series[key].append((index, week_end, disbursed * 100.0 / assigned))
    found = {}
    updates = []
    for pk, key in wanted.items():
        result = figures.year_end(plan_year, sorted(series.get(key, [])), last_week=last_week)
        found[key] = result
        stored = {k: v for k, v in result.__dict__.items() if k != "reason"}
        updates.append(WeekSummary(pk=pk, forecast=stored))
    WeekSummary.objects.bulk_update(updates, ["forecast"], batch_size=200)
    return found


# --- a new week ------------------------------------------------------------------------------


def latest_week(plan_year: int) -> date | None:
    """The last week with figures for a plan year (the nation's summary row)."""
    found: date | None = WeekSummary.objects.filter(
        plan_year=plan_year, dimension="nation"
    ).aggregate(last=Max("week_end"))["last"]
    return found


def roll(plan_year: int, *, today: date | None = None) -> int:
    """Give every project the weeks up to the current one, copying its last week forward;
    returns how many weeks were added (0 when already current)."""
    last = through(plan_year, today)
    have = latest_week(plan_year)
    if last is None or have is None or have >= last:
        return 0
    added = 0
    for week in weeks_between(plan_year, have + timedelta(days=1), last):
        _copy_forward(plan_year, previous_week(plan_year, week), week)
        added += 1
    store_forecasts(plan_year, last)
    return added


def _copy_forward(plan_year: int, source_week: date, week: date) -> None:
    limits = thresholds()
    stalled = set(
        InvestmentProject.objects.filter(stalled_since__lte=week).values_list("id", flat=True)
    )
    schedules = dict(
        Schedule.objects.filter(plan_year=plan_year).values_list("project_id", "months")
    )
    deltas: dict[Key, dict[str, int]] = {}
    rows = []
    for old in ProjectWeek.objects.filter(plan_year=plan_year, week_end=source_week).values(
        *ROW_FIELDS
    ):
        new = dict(old)
        new["week_end"] = week
        new["updated"] = False
        pid = int(old["project_id"])
        new["expected"] = figures.expected_by(
            plan_year,
            week,
            int(old["plan_total"]),
            schedules.get(pid),
        )
        new["ratio"] = (
            int(new["disbursed"]) / int(new["expected"]) if int(new["expected"]) > 0 else None
        )
        new["klass"] = figures.classify(
            disbursed=int(old["disbursed"]),
            expected=int(new["expected"]),
            plan_total=int(old["plan_total"]),
            stalled=pid in stalled,
            thresholds=limits,
        )
        _add(deltas, week, new, +1)
        rows.append(new)
    storage.upsert_weeks(plan_year, ROW_FIELDS, rows)
    _apply(plan_year, deltas)


# --- everything again ------------------------------------------------------------------------


@transaction.atomic
def rebuild(plan_year: int, *, today: date | None = None) -> int:
    """Every project-week and summary of a plan year recomputed from the updates."""
    ProjectWeek.objects.filter(plan_year=plan_year).delete()
    WeekSummary.objects.filter(plan_year=plan_year).delete()
    last = through(plan_year, today)
    if last is None:
        return 0
    start = planyear.window(plan_year)[0]
    ids = set(
        Allocation.objects.filter(plan_year=plan_year).values_list("project_id", flat=True)
    ) | set(Disbursement.objects.filter(plan_year=plan_year).values_list("project_id", flat=True))
    count = 0
    ordered = sorted(ids)
    for offset in range(0, len(ordered), CHUNK):
        part = dict.fromkeys(ordered[offset : offset + CHUNK], start)
        count += _refresh_chunk(plan_year, part, last)
    return count


def summaries_from_weeks(plan_year: int) -> dict[Key, dict[str, int]]:
    """The summaries as sums of the stored project-weeks (what the deltas must amount to)."""
    totals: dict[Key, dict[str, int]] = {}
    for row in ProjectWeek.objects.filter(plan_year=plan_year).values(*ROW_FIELDS):
        _add(totals, row["week_end"], row, +1)
    return {k: v for k, v in totals.items() if any(v.values())}


def stored_summaries(plan_year: int) -> dict[Key, dict[str, int]]:
    found = {}
    for row in WeekSummary.objects.filter(plan_year=plan_year).values(
        "week_end", "dimension", "key", *SUMMED
    ):
        values = {c: int(row[c]) for c in SUMMED}
        if any(values.values()):
            found[(row["week_end"], row["dimension"], row["key"])] = values
    return found


def plan_totals(
    plan_year: int, project_ids: Iterable[int]
) -> dict[tuple[int, str], tuple[int, int]]:
    """The plan (total, assigned) of each (project, source) as it stands."""
    return {
        (r["project_id"], r["source"]): (int(r["total"] or 0), int(r["assigned_sum"] or 0))
        for r in Allocation.objects.filter(
            plan_year=plan_year, project_id__any_of=list(project_ids)
        )
        .values("project_id", "source")
        .annotate(total=Sum("amount"), assigned_sum=Sum("assigned"))
    }
