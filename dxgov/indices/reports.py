"""What the pages, exports and the API show of an edition's stored results (reads only):
rankings per group, a unit's breakdown to each component, comparisons, sensitivity of ranks,
a coordinator's trial weights, published results side by side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dxgov.indices import compute, merger, sensitivity, sources
from dxgov.indices.aggregate import Mark
from dxgov.indices.definition import Edition as Parsed
from dxgov.indices.definition import Level, MissingRule, Node, Unpublished
from dxgov.indices.models import (
    Edition,
    IndexUnit,
    OfficialResult,
    ResultSet,
    ResultView,
    UnitResult,
    UnitView,
)

UNPUBLISHED = "chưa công bố"  # what the decision does not publish, shown as the Ministry says it

MARK_LABELS = {
    Mark.ZERO.value: gettext_lazy("missing, counted as zero"),
    Mark.EXCLUDED.value: gettext_lazy("missing, left out (weights renormalised)"),
    Mark.CARRIED.value: gettext_lazy("missing, last edition's value carried forward"),
    Mark.PROVISIONAL.value: gettext_lazy("provisional"),
    Mark.ESTIMATE.value: gettext_lazy("estimated from platform data"),
    Mark.MERGED.value: gettext_lazy("mean of the former provinces"),
}


def mark_labels(marks: Sequence[str]) -> list[str]:
    return [str(MARK_LABELS.get(m, m)) for m in marks]


def views_of(edition: Edition) -> list[tuple[str, str]]:
    stored = set(ResultSet.objects.filter(edition=edition).values_list("view", flat=True))
    return [(v.value, str(v.label)) for v in ResultView if v.value in stored]


def default_view(edition: Edition) -> str:
    stored = [v for v, _label in views_of(edition)]
    preferred = compute.preferred_view(edition)
    if preferred in stored:
        return preferred
    return stored[0] if stored else preferred


def node_label(node: Node) -> str:
    if Unpublished.NAME in node.unpublished or not node.name:
        return _("%(code)s (name %(unpublished)s)") % {
            "code": node.code,
            "unpublished": UNPUBLISHED,
        }
    return node.name


def points_label(node: Node) -> str:
    if node.points is not None:
        return _number(node.points)
    if Unpublished.POINTS in node.unpublished:
        if node.provisional_points is not None:
            return _("%(unpublished)s (provisional %(points)s)") % {
                "unpublished": UNPUBLISHED,
                "points": _number(node.provisional_points),
            }
        return UNPUBLISHED
    if node.weight is not None:
        return _number(node.weight, 4)
    return "—"


def _number(value: float, places: int = 2) -> str:
    text = f"{value:,.{places}f}".rstrip("0").rstrip(".")
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


@dataclass
class Column:
    code: str
    label: str
    points: str


@dataclass
class Row:
    rank: int | None
    change: int | None
    code: str
    name: str
    group: str
    ranked: bool
    score: Decimal | None
    mains: list[float | None]
    pillars: list[float | None]
    marks: list[str]
    provisional: bool

    @property
    def drop(self) -> int | None:
        return None if self.change is None else -self.change

    def as_json(self, columns: Sequence[Column], pillars: Sequence[Column]) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "change": self.change,
            "code": self.code,
            "name": self.name,
            "group": self.group,
            "ranked": self.ranked,
            "score": None if self.score is None else float(self.score),
            "main_indicators": {c.code: v for c, v in zip(columns, self.mains, strict=True)},
            "pillars": {p.code: v for p, v in zip(pillars, self.pillars, strict=True)},
            "marks": self.marks,
        }


@dataclass
class Group:
    code: str
    name: str
    rows: list[Row]
    mean: float | None


@dataclass
class Ranking:
    edition: Edition
    parsed: Parsed
    view: str
    result_set: ResultSet | None
    columns: list[Column]
    pillars: list[Column]
    groups: list[Group] = field(default_factory=list)

    @property
    def rows(self) -> list[Row]:
        return [row for group in self.groups for row in group.rows]

    def as_json(self) -> dict[str, Any]:
        return {
            "edition": self.edition.code,
            "view": self.view,
            "computed_at": None if self.result_set is None else self.result_set.computed_at,
            "provisional": bool(self.result_set and self.result_set.provisional),
            "main_indicators": [
                {"code": c.code, "name": c.label, "points": c.points} for c in self.columns
            ],
            "pillars": [{"code": p.code, "name": p.label} for p in self.pillars],
            "groups": [
                {
                    "code": g.code,
                    "name": g.name,
                    "mean": g.mean,
                    "rows": [r.as_json(self.columns, self.pillars) for r in g.rows],
                }
                for g in self.groups
            ],
        }


def columns(parsed: Parsed) -> list[Column]:
    return [Column(n.code, node_label(n), points_label(n)) for n in parsed.scored_main_indicators()]


def ranking(edition: Edition, view: str) -> Ranking:
    parsed = edition.parsed()
    result_set = ResultSet.objects.filter(edition=edition, view=view).first()
    found = Ranking(
        edition,
        parsed,
        view,
        result_set,
        columns(parsed),
        [Column(p.code, p.name, "") for p in parsed.pillars],
    )
    if result_set is None:
        return found
    names = parsed.units.group_names()
    by_group: dict[str, list[Row]] = {}
    for result in UnitResult.objects.filter(result_set=result_set).select_related("unit"):
        row = _row(result, found.columns, found.pillars)
        by_group.setdefault(result.unit.group, []).append(row)
    for code in sorted(by_group, key=lambda g: list(names).index(g) if g in names else len(names)):
        rows = sorted(by_group[code], key=lambda r: (r.rank is None, r.rank or 0, r.name))
        mean = result_set.summary.get("mean", {}).get(code)
        found.groups.append(Group(code, names.get(code, ""), rows, mean))
    return found


def _row(result: UnitResult, cols: Sequence[Column], pillars: Sequence[Column]) -> Row:
    return Row(
        rank=result.rank,
        change=result.change,
        code=result.unit.code,
        name=result.unit.name,
        group=result.unit.group,
        ranked=result.unit.ranked,
        score=result.score,
        mains=[result.node(c.code).get("v") for c in cols],
        pillars=[result.pillars.get(p.code) for p in pillars],
        marks=list(result.marks),
        provisional=Mark.PROVISIONAL.value in result.marks,
    )


# --- a unit's breakdown ----------------------------------------------------------------------


@dataclass
class Line:
    depth: int
    code: str
    label: str
    level: str
    points_label: str
    source: str
    raw: float | None
    value: float | None
    points: float | None
    maximum: float | None
    marks: list[str]
    behind: dict[str, Any]
    scored: bool
    components: str  # "98 (chưa công bố)" where the decision's components are not listed
    note: str

    agency_code: str = ""
    year: int = 0

    @property
    def links(self) -> list[tuple[str, str]]:
        return behind_links(self.behind, self.agency_code, self.year)

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.label,
            "level": self.level,
            "points": self.points_label,
            "source": self.source,
            "raw": self.raw,
            "normalised": self.value,
            "score_points": self.points,
            "max_points": self.maximum,
            "marks": self.marks,
            "behind": self.behind,
            "scored": self.scored,
        }


@dataclass
class Breakdown:
    edition: Edition
    unit: IndexUnit
    view: str
    result: UnitResult | None
    lines: list[Line]
    official: OfficialResult | None
    history: list[tuple[str, int, Decimal | None, int | None]]  # (edition, year, score, rank)
    merged_from: list[str]

    @property
    def pillar_values(self) -> list[tuple[str, float | None]]:
        if self.result is None:
            return []
        return [(p.name, self.result.pillars.get(p.code)) for p in self.edition.parsed().pillars]

    def as_json(self) -> dict[str, Any]:
        result = self.result
        return {
            "edition": self.edition.code,
            "view": self.view,
            "unit": {"code": self.unit.code, "name": self.unit.name, "group": self.unit.group},
            "score": None if result is None or result.score is None else float(result.score),
            "rank": None if result is None else result.rank,
            "change": None if result is None else result.change,
            "marks": [] if result is None else result.marks,
            "pillars": {} if result is None else result.pillars,
            "merged_from": self.merged_from,
            "nodes": [line.as_json() for line in self.lines],
            "official": None
            if self.official is None
            else {
                "score": None if self.official.score is None else float(self.official.score),
                "rank": self.official.rank,
                "computed_score": None
                if self.official.computed_score is None
                else float(self.official.computed_score),
                "flagged": self.official.flagged,
            },
            "history": [
                {"edition": code, "year": year, "score": None if s is None else float(s), "rank": r}
                for code, year, s, r in self.history
            ],
        }


SOURCE_LABELS = {
    "entered": gettext_lazy("self-assessment, appraised"),
    "score766": gettext_lazy("Decision 766 total"),
    "online_share": gettext_lazy("share of dossiers received online"),
    "digitisation_share": gettext_lazy("share of dossiers digitised"),
    "reporting_timeliness": gettext_lazy("reports sent on time"),
    "reporting_completeness": gettext_lazy("reports sent"),
    "task_on_time": gettext_lazy("tasks done on time"),
    "investment_disbursement": gettext_lazy("investment disbursement rate"),
    "indicator": gettext_lazy("catalogue indicator"),
}


def breakdown(edition: Edition, unit: IndexUnit, view: str) -> Breakdown:
    result = UnitResult.objects.filter(
        result_set__edition=edition, result_set__view=view, unit=unit
    ).first()
    agency = unit.agency.code if unit.agency_id is not None and unit.agency else ""
    found = lines(edition.parsed(), result, agency, edition.year)
    official = OfficialResult.objects.filter(edition=edition, unit=unit).first()
    merged_from = list(result.behind.get("merged_from", [])) if result is not None else []
    return Breakdown(
        edition, unit, view, result, found, official, history(edition, unit), merged_from
    )


def lines(
    parsed: Parsed, result: UnitResult | None, agency_code: str = "", year: int = 0
) -> list[Line]:
    """The definition's tree, each node with the unit's values when a result is given."""
    found: list[Line] = []

    def visit(node: Node, depth: int) -> None:
        stored = result.node(node.code) if result is not None else {}
        components = ""
        if node.components_count is not None and Unpublished.COMPONENTS in node.unpublished:
            components = _("%(n)s components: %(unpublished)s") % {
                "n": node.components_count,
                "unpublished": UNPUBLISHED,
            }
        source = ""
        if node.is_leaf:
            source = str(SOURCE_LABELS.get(node.source.kind.value, node.source.kind.value))
            if node.source.indicator:
                source += f" ({node.source.indicator})"
        found.append(
            Line(
                depth=depth,
                code=node.code,
                label=node_label(node),
                level=str(Level(node.level).value),
                points_label=points_label(node),
                source=source,
                raw=stored.get("r"),
                value=stored.get("v"),
                points=stored.get("p"),
                maximum=stored.get("m"),
                marks=mark_labels(stored.get("k", [])),
                behind=(result.behind.get(node.code, {}) if result is not None else {}),
                scored=node.scored,
                components=components,
                note=node.note,
                agency_code=agency_code,
                year=year,
            )
        )
        for child in node.children:
            visit(child, depth + 1)

    for node in parsed.nodes:
        visit(node, 0)
    return found


def history(edition: Edition, unit: IndexUnit) -> list[tuple[str, int, Decimal | None, int | None]]:
    """The unit's score and rank in every edition of the same index and level, by unit code
    (as is where an edition has it)."""
    rows = (
        UnitResult.objects.filter(
            result_set__edition__index=edition.index,
            result_set__edition__level=edition.level,
            result_set__view__in=[ResultView.AS_WAS, ResultView.AS_IS],
            unit__code=unit.code,
        )
        .select_related("result_set__edition")
        .order_by("result_set__edition__year", "-result_set__view")
    )
    found: dict[str, tuple[str, int, Decimal | None, int | None]] = {}
    for row in rows:
        edition_row = row.result_set.edition
        found.setdefault(
            edition_row.code, (edition_row.code, edition_row.year, row.score, row.rank)
        )
    return sorted(found.values(), key=lambda item: item[1])


def behind_links(behind: Mapping[str, Any], code: str, year: int) -> list[tuple[str, str]]:
    """The links to the data behind a leaf: the 766 scorecard, the reports, the tasks."""
    if not code:
        return []
    kinds = [behind["source"]] if "source" in behind else []
    kinds += [item["source"] for item in behind.get("estimate", []) if "source" in item]
    found: list[tuple[str, str]] = []
    for kind in dict.fromkeys(kinds):
        found.extend(sources.links(kind, code, year))
    return found


# --- comparison -------------------------------------------------------------------------------


def compare(edition: Edition, first: IndexUnit, second: IndexUnit, view: str) -> list[Breakdown]:
    return [breakdown(edition, first, view), breakdown(edition, second, view)]


# --- sensitivity ---------------------------------------------------------------------------------


def sensitivity_inputs(edition: Edition) -> tuple[sensitivity.Inputs, dict[int, IndexUnit]]:
    """The main-indicator values of the ranked view under each missing-data rule."""
    parsed = edition.parsed()
    view = compute.preferred_view(edition)
    variants = compute.missing_variants(edition)
    mains = [n.code for n in parsed.scored_main_indicators()]
    if view == ResultView.AS_IS:
        units = list(IndexUnit.objects.filter(edition=edition, view=UnitView.AS_IS))
        successors: dict[Any, list[int]] = {}
        for unit in IndexUnit.objects.filter(
            edition=edition, view=UnitView.AS_WAS, successor__isnull=False
        ):
            successors.setdefault(unit.successor_id, []).append(unit.pk)
        variants = {
            rule: {
                int(str(key)): merged.values
                for key, merged in merger.plain_mean(values, successors, mains).items()
            }
            for rule, values in variants.items()
        }
    else:
        units = list(IndexUnit.objects.filter(edition=edition, view=UnitView.AS_WAS))
    keys = [str(u.pk) for u in units]
    matrices = {
        rule: sensitivity.matrix({str(k): v for k, v in values.items()}, keys, mains)
        for rule, values in variants.items()
    }
    base_rule = "base"
    inputs = sensitivity.Inputs(
        units=keys,
        mains=mains,
        weights=np.array([parsed.node(c).max_points or 0.0 for c in mains]),
        values=matrices,
        base_rule=base_rule,
        groups=[u.group for u in units],
        ranked=[u.ranked for u in units],
        scale=parsed.scale,
        divisor=parsed.divisor,
        decimals=parsed.decimals,
    )
    return inputs, {u.pk: u for u in units}


@dataclass
class SensitivityRow:
    unit: IndexUnit
    found: sensitivity.UnitSensitivity


def run_sensitivity(
    edition: Edition,
    *,
    draws: int = sensitivity.DRAWS,
    spread: float = sensitivity.SPREAD,
    seed: int = 2025,
) -> tuple[sensitivity.Result, list[SensitivityRow], list[str]]:
    inputs, units = sensitivity_inputs(edition)
    rules = [rule.value for rule in MissingRule]
    result = sensitivity.analyse(inputs, draws=draws, spread=spread, seed=seed, rules=rules)
    rows = [SensitivityRow(units[int(item.unit)], item) for item in result.units]
    rows.sort(key=lambda r: (r.unit.group, r.found.rank is None, r.found.rank or 0, r.unit.name))
    return result, rows, inputs.mains


def official(edition: Edition) -> list[OfficialResult]:
    return list(
        OfficialResult.objects.filter(edition=edition)
        .select_related("unit")
        .order_by("unit__view", "rank", "unit__name")
    )


def unit_link(edition: Edition, unit: IndexUnit, view: str) -> str:
    return reverse("indices:unit", args=[edition.code, unit.code]) + f"?view={view}"
