"""An edition's results from what the platform holds (reads only; actions.compute_edition
stores them).

For each measured unit, every scored leaf gets its raw value:

* an entered leaf: the final score once the council approved the self-assessment; before
  that, the self-assessed score, marked provisional; in the nowcast, a leaf nobody has scored
  yet is estimated from the platform measures its definition names (each normalised, then
  averaged), marked as an estimate;
* an automatic leaf: its source read for the edition's year (sources.py), as of today or the
  year's end; in the forecast view, projected to December (nowcast.year_end);
* missing: the leaf's rule (zero, exclude, or last edition's value carried forward).

Then aggregate.py scores every level, ranking.py ranks within each group, and for an edition
published after the 2025 merger the as-is view scores each new province from the plain mean
of its predecessors' main-indicator values (merger.py). Change since the last edition compares
ranks with the previous edition's as-is (else as-measured) results, unit by unit code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils import timezone

from dxgov.indices import aggregate, merger, normalise, nowcast, ranking, sources
from dxgov.indices.aggregate import Mark, UnitResult
from dxgov.indices.definition import Edition as Parsed
from dxgov.indices.definition import MissingRule, Node, SourceKind
from dxgov.indices.models import (
    Assessment,
    ComponentScore,
    Edition,
    Evidence,
    IndexUnit,
    ResultSet,
    ResultView,
    UnitView,
)
from dxgov.indices.models import UnitResult as StoredResult

# Each source's range, for clamping a projection (shares 0–1, a 766 total 0–100).
UPPER = {SourceKind.SCORE766: 100.0}


@dataclass
class UnitRow:
    unit: IndexUnit
    result: UnitResult[int]
    behind: dict[str, Any] = field(default_factory=dict)
    rank: int | None = None
    change: int | None = None


@dataclass
class ViewResult:
    view: str
    rows: list[UnitRow]
    provisional: bool
    summary: dict[str, Any]


def as_of_for(edition: Edition, today: date | None = None) -> date:
    today = today or timezone.localdate()
    return min(today, date(edition.year, 12, 31))


def year_running(edition: Edition, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return today.year == edition.year


# --- entered scores ------------------------------------------------------------------------------


def _entered(
    edition: Edition, units: Sequence[IndexUnit]
) -> tuple[dict[int, dict[str, tuple[Decimal, bool]]], dict[int, dict[str, Any]]]:
    """unit id → node → (score, final?), and what is behind each (the three scores)."""
    values: dict[int, dict[str, tuple[Decimal, bool]]] = defaultdict(dict)
    behind: dict[int, dict[str, Any]] = defaultdict(dict)
    assessments = {
        a.unit_id: a
        for a in Assessment.objects.filter(edition=edition).only("pk", "unit_id", "status")
    }
    evidence = {
        (assessment_id, node): n
        for assessment_id, node, n in Evidence.objects.filter(assessment__edition=edition)
        .values_list("assessment_id", "node")
        .annotate(n=Count("pk"))
    }
    by_id = {a.id: a for a in assessments.values()}
    for score in ComponentScore.objects.filter(assessment__edition=edition):
        assessment = by_id[score.assessment_id]
        unit_id = assessment.unit_id
        if assessment.final and score.final_score is not None:
            values[unit_id][score.node] = (score.final_score, True)
        elif score.self_score is not None:
            values[unit_id][score.node] = (score.self_score, False)
        behind[unit_id][score.node] = {
            "assessment": assessment.id,
            "status": assessment.status,
            "self": None if score.self_score is None else str(score.self_score),
            "appraised": None if score.appraised_score is None else str(score.appraised_score),
            "final": None if score.final_score is None else str(score.final_score),
            "evidence": evidence.get((assessment.id, score.node), 0),
        }
    return values, behind


# --- platform data -------------------------------------------------------------------------------


_AGENCIES = "agencies"


def _read(
    kind: SourceKind,
    argument: str,
    year: int,
    units: Sequence[IndexUnit],
    as_of: date,
    cache: dict[Any, Any],
    series: bool = False,
) -> dict[int, sources.Observation] | None:
    key = (kind, argument, series)
    if key not in cache:
        if _AGENCIES not in cache:  # the same list for every source (the sources memoise by it)
            cache[_AGENCIES] = [u.agency for u in units if u.agency is not None]
        agencies = cache[_AGENCIES]
        try:
            found = sources.read(kind, year, agencies, as_of, argument, memo=cache, series=series)
        except sources.Unavailable:
            found = None
        cache[key] = (
            None
            if found is None
            else {
                unit_id: found[agency_id]
                for unit_id, agency_id in ((u.id, u.agency_id) for u in units)
                if agency_id is not None and agency_id in found
            }
        )
    result: dict[int, sources.Observation] | None = cache[key]
    return result


def _value(observation: sources.Observation, kind: SourceKind, forecast: bool) -> float | None:
    if not forecast:
        return observation.value
    return nowcast.year_end(observation.series, observation.value, upper=UPPER.get(kind, 1.0)).value


def _behind(
    kind: SourceKind, observation: sources.Observation, value: float | None
) -> dict[str, Any]:
    # The links to the data behind are made when shown (reports.behind_links), not stored.
    found: dict[str, Any] = {"source": kind.value, "value": value}
    if observation.note:
        found["note"] = observation.note
    return found


def _previous(
    edition: Edition, parsed: Parsed
) -> tuple[dict[str, dict[str, float]], dict[str, int]]:
    """Last edition's normalised leaf values (by unit code and this edition's node code, matched
    by name) and ranks, from its stored as-is (else as-measured) results."""
    if not parsed.previous:
        return {}, {}
    previous = Edition.objects.filter(code=parsed.previous).first()
    if previous is None:
        return {}, {}
    sets = {
        s.view: s
        for s in ResultSet.objects.filter(
            edition=previous, view__in=[ResultView.AS_IS, ResultView.AS_WAS]
        )
    }
    chosen = sets.get(ResultView.AS_IS) or sets.get(ResultView.AS_WAS)
    if chosen is None:
        return {}, {}
    names = {n.name: n.code for n in previous.parsed().walk() if n.name}
    mapping = {
        node.code: names[node.name] for node in parsed.leaves() if node.name and node.name in names
    }
    values: dict[str, dict[str, float]] = {}
    ranks: dict[str, int] = {}
    for row in StoredResult.objects.filter(result_set=chosen).select_related("unit"):
        values[row.unit.code] = {
            code: row.nodes[old]["v"]
            for code, old in mapping.items()
            if old in row.nodes and row.nodes[old].get("v") is not None
        }
        if row.rank is not None:
            ranks[row.unit.code] = row.rank
    return values, ranks


def measured(
    edition: Edition,
    units: Sequence[IndexUnit],
    *,
    as_of: date,
    estimates: bool = False,
    forecast: bool = False,
    missing: MissingRule | None = None,
    weights: Mapping[str, float] | None = None,
) -> tuple[dict[int, UnitResult[int]], dict[int, dict[str, Any]], dict[str, int]]:
    """Every measured unit's result (by unit id), what is behind each leaf, last ranks."""
    parsed = edition.parsed()
    raw: dict[int, dict[str, float | None]] = {u.id: {} for u in units}
    marks: dict[int, dict[str, frozenset[str]]] = {u.id: {} for u in units}
    entered, behind = _entered(edition, units)
    cache: dict[Any, Any] = {}
    estimated: dict[int, dict[str, float]] = defaultdict(dict)
    for leaf in parsed.leaves():
        if not leaf.scored:
            continue
        if leaf.source.kind == SourceKind.ENTERED:
            for unit in units:
                found = entered.get(unit.id, {}).get(leaf.code)
                if found is not None:
                    raw[unit.id][leaf.code] = float(found[0])
                    if not found[1]:
                        marks[unit.id][leaf.code] = frozenset({Mark.PROVISIONAL})
                elif estimates and leaf.estimate:
                    value, detail = _estimate(
                        leaf, unit, parsed.year, units, as_of, cache, forecast
                    )
                    if value is not None:
                        estimated[unit.id][leaf.code] = value
                        marks[unit.id][leaf.code] = frozenset({Mark.ESTIMATE, Mark.PROVISIONAL})
                    behind[unit.id][leaf.code] = {"estimate": detail}
            continue
        observed = _read(
            leaf.source.kind, leaf.source.indicator, parsed.year, units, as_of, cache, forecast
        )
        for unit in units:
            observation = (observed or {}).get(unit.id)
            if observation is None:
                continue
            value = _value(observation, leaf.source.kind, forecast)
            raw[unit.id][leaf.code] = value
            behind[unit.id][leaf.code] = _behind(leaf.source.kind, observation, value)
    normalised = aggregate.normalise_leaves(parsed, raw)
    for unit_id, leaves in estimated.items():
        normalised[unit_id].update(leaves)
    previous, last_ranks = _previous(edition, parsed)
    codes = {u.id: u.code for u in units}
    results = aggregate.score_edition(
        parsed,
        raw,
        previous={u: previous.get(codes[u], {}) for u in raw},
        leaf_marks=marks,
        normalised=normalised,
        missing=missing,
        weights=weights,
    )
    return results, behind, last_ranks


def _estimate(
    leaf: Node,
    unit: IndexUnit,
    year: int,
    units: Sequence[IndexUnit],
    as_of: date,
    cache: dict[Any, Any],
    forecast: bool,
) -> tuple[float | None, list[dict[str, Any]]]:
    """The mean of the leaf's platform measures, each normalised by its own rule."""
    found = []
    detail: list[dict[str, Any]] = []
    for item in leaf.estimate:
        observed = _read(
            item.source.kind, item.source.indicator, year, units, as_of, cache, forecast
        )
        if observed is None:
            detail.append({"source": item.source.kind.value, "unavailable": True})
            continue
        observation = observed.get(unit.id)
        if observation is None:
            continue
        value = _value(observation, item.source.kind, forecast)
        if value is None:
            continue
        share = normalise.one(value, item.normalisation)
        found.append(share)
        detail.append({**_behind(item.source.kind, observation, value), "normalised": share})
    if not found:
        return None, detail
    return sum(found) / len(found), detail


# --- views --------------------------------------------------------------------------------------


def _ranks(rows: Sequence[UnitRow]) -> None:
    scores = {row.unit.id: row.result.published for row in rows}
    groups = {row.unit.id: row.unit.group for row in rows}
    unranked = [row.unit.id for row in rows if not row.unit.ranked]
    ranks = ranking.grouped_ranks(scores, groups, not_ranked=unranked)
    for row in rows:
        row.rank = ranks.get(row.unit.id)


def _summary(rows: Sequence[UnitRow]) -> dict[str, Any]:
    groups: dict[str, list[Decimal]] = defaultdict(list)
    for row in rows:
        if row.unit.ranked and row.result.published is not None:
            groups[row.unit.group].append(row.result.published)
    return {
        "mean": {g: float(sum(v) / len(v)) for g, v in groups.items()},
        "count": {g: len(v) for g, v in groups.items()},
        "max": {g: float(max(v)) for g, v in groups.items()},
        "min": {g: float(min(v)) for g, v in groups.items()},
    }


def _changes(rows: Sequence[UnitRow], last: Mapping[str, int]) -> None:
    for row in rows:
        if row.rank is not None and row.unit.code in last:
            row.change = last[row.unit.code] - row.rank


# What the computation reads of a unit's agency (the sources: id, path, code; names shown): a
# commune index loads thousands of units, and the agency's other columns would be built for
# nothing.
_AGENCY_FIELDS = ("agency__id", "agency__code", "agency__path", "agency__name")


def _units(edition: Edition, view: str) -> Any:
    unit_fields = [f.name for f in IndexUnit._meta.concrete_fields]
    return (
        IndexUnit.objects.filter(edition=edition, view=view)
        .select_related("agency")
        .only(*unit_fields, *_AGENCY_FIELDS)
    )


def view_as_was(
    edition: Edition, *, view: str = ResultView.AS_WAS, today: date | None = None
) -> ViewResult:
    units = list(_units(edition, UnitView.AS_WAS))
    as_of = as_of_for(edition, today)
    results, behind, last = measured(
        edition,
        units,
        as_of=as_of,
        estimates=view in (ResultView.NOWCAST, ResultView.FORECAST),
        forecast=view == ResultView.FORECAST,
    )
    rows = [UnitRow(u, results[u.id], behind.get(u.id, {})) for u in units]
    _ranks(rows)
    _changes(rows, last)
    return ViewResult(
        view, rows, edition.parsed().provisional or _any_provisional(rows), _summary(rows)
    )


def _any_provisional(rows: Sequence[UnitRow]) -> bool:
    return any(Mark.PROVISIONAL in row.result.marks for row in rows)


def view_as_is(edition: Edition, measured_view: ViewResult) -> ViewResult:
    """Each new province from the plain mean of its predecessors' main-indicator values."""
    parsed = edition.parsed()
    mains = [n.code for n in parsed.scored_main_indicators()]
    units = list(_units(edition, UnitView.AS_IS))
    values = {row.unit.id: row.result.main_values(parsed) for row in measured_view.rows}
    successors: dict[Hashable, list[int]] = defaultdict(list)
    for row in measured_view.rows:
        if row.unit.successor_id is not None:
            successors[row.unit.successor_id].append(row.unit.id)
    merged = merger.plain_mean(values, successors, mains)
    main_values = {
        u.id: merged[u.id].values if u.id in merged else dict.fromkeys(mains) for u in units
    }
    results = aggregate.score_from_main_values(
        parsed, main_values, marks={u.id: frozenset({Mark.MERGED}) for u in units}
    )
    names: dict[Hashable, str] = {row.unit.id: row.unit.name for row in measured_view.rows}
    rows = [
        UnitRow(
            u,
            results[u.id],
            {
                "merged_from": [names[p] for p in merged[u.id].predecessors]
                if u.id in merged
                else []
            },
        )
        for u in units
    ]
    _ranks(rows)
    _previous_values, last = _previous(edition, parsed)
    _changes(rows, last)
    return ViewResult(ResultView.AS_IS, rows, measured_view.provisional, _summary(rows))


def views(
    edition: Edition, wanted: Sequence[str] | None = None, today: date | None = None
) -> list[ViewResult]:
    """The edition's views: as measured; as is after a merger; nowcast and forecast while its
    year runs."""
    parsed = edition.parsed()
    names = list(wanted) if wanted else available_views(edition, today)
    out: list[ViewResult] = []
    base = view_as_was(edition, today=today)
    if ResultView.AS_WAS in names:
        out.append(base)
    if ResultView.AS_IS in names and parsed.units.as_is_on:
        out.append(view_as_is(edition, base))
    for view in (ResultView.NOWCAST, ResultView.FORECAST):
        if view in names:
            out.append(view_as_was(edition, view=view, today=today))
    return out


def available_views(edition: Edition, today: date | None = None) -> list[str]:
    parsed = edition.parsed()
    found = [ResultView.AS_WAS.value]
    if parsed.units.as_is_on:
        found.append(ResultView.AS_IS.value)
    if year_running(edition, today):
        found += [ResultView.NOWCAST.value, ResultView.FORECAST.value]
    return found


def node_json(result: UnitResult[int]) -> dict[str, Any]:
    return {
        code: {
            "v": node.value,
            "p": node.points,
            "m": node.max_points,
            "r": node.raw,
            "k": sorted(node.marks),
        }
        for code, node in result.nodes.items()
    }


def trial(
    edition: Edition, weights: Mapping[str, float]
) -> list[tuple[IndexUnit, Decimal | None, int | None]]:
    """A coordinator's own weights: scores and ranks recomputed from the stored main-indicator
    values (nothing stored)."""
    parsed = edition.parsed()
    stored = ResultSet.objects.filter(edition=edition, view=preferred_view(edition)).first()
    if stored is None:
        return []
    rows = list(StoredResult.objects.filter(result_set=stored).select_related("unit"))
    mains = [n.code for n in parsed.scored_main_indicators()]
    values = {
        row.unit.id: {code: row.nodes.get(code, {}).get("v") for code in mains} for row in rows
    }
    results = aggregate.score_from_main_values(parsed, values, weights=weights)
    scores = {row.unit.id: results[row.unit.id].published for row in rows}
    ranks = ranking.grouped_ranks(
        scores,
        {row.unit.id: row.unit.group for row in rows},
        not_ranked=[r.unit.id for r in rows if not r.unit.ranked],
    )
    return [(row.unit, scores[row.unit.id], ranks.get(row.unit.id)) for row in rows]


def preferred_view(edition: Edition) -> str:
    """The view pages open on: as is after a merger, else as measured."""
    return ResultView.AS_IS if edition.parsed().units.as_is_on else ResultView.AS_WAS


def missing_variants(edition: Edition) -> dict[str, dict[int, dict[str, float | None]]]:
    """Main-indicator values of the measured units under each missing-data rule (sensitivity)."""
    units = list(_units(edition, UnitView.AS_WAS))
    parsed = edition.parsed()
    as_of = as_of_for(edition)
    out = {}
    for rule in MissingRule:
        results, _behind, _last = measured(edition, units, as_of=as_of, missing=rule)
        out[rule.value] = {u.id: results[u.id].main_values(parsed) for u in units}
    base, _behind, _last = measured(edition, units, as_of=as_of)
    out["base"] = {u.id: base[u.id].main_values(parsed) for u in units}
    return out
