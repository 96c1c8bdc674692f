"""A composite index's definition for one edition, as data (pure: no ORM, no I/O).

An edition (`dti-province-2024`, …) is read from a JSON document (the files in
`indices/editions/`, or a coordinator's edited copy stored in the database) into frozen
dataclasses, and every rule a definition must keep is checked here, once:

* the tree: levels pillar → group → main indicator → component → criterion (any subset, in
  that order), codes unique;
* weights: a node's children carry either maximum points, which add up to the parent's points
  (the DTI: 1,000 = 100 + … + 150), or relative weights, which add up to 1;
* each leaf: its source (platform data or an annual self-assessment), its normalisation with
  goalposts kept in the edition, its direction and its missing-data rule;
* aggregation: the weighted arithmetic sum (the DTI's), or the geometric mean, which must never
  receive a zero (so it needs a normalisation floor above 0 and no "counts as zero" rule).

What a decision does not publish (a 405 main indicator's points, a component's formula) is
`None` with the field named in `unpublished`: pages show "chưa công bố", never a guess. Where
the platform must still compute something (the nowcast of an edition whose points are
unpublished), `provisional_points` say what it uses, and every result computed with them is
marked provisional.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

# Weights that add up "exactly": points are decimals of a few places, weights are fractions.
TOLERANCE = 1e-6
MAX_DEPTH = 6
CODE_MAX = 32


class Level(StrEnum):
    PILLAR = "pillar"
    GROUP = "group"
    MAIN = "main"
    COMPONENT = "component"
    CRITERION = "criterion"


LEVEL_ORDER = (Level.PILLAR, Level.GROUP, Level.MAIN, Level.COMPONENT, Level.CRITERION)


class Method(StrEnum):
    """How a leaf's raw value becomes a number from 0 to 1."""

    POINTS = "points"  # points scored out of the leaf's maximum (a self-assessment)
    SHARE = "share"  # already a value from 0 to 1 (a main indicator's published value)
    MINMAX = "minmax"  # fixed goalposts kept with the edition
    TARGET = "target"  # distance to a target from a base
    BINARY = "binary"  # reaches a threshold or not
    RATIO_TO_BEST = "ratio_to_best"  # value over the best unit's value
    RANK = "rank"  # position among the units
    ZSCORE_MINMAX = "zscore_minmax"  # z-score, then min–max over the units (UN EGDI)


# Methods whose result depends on every unit's value, not just the unit's own.
RELATIVE_METHODS = frozenset({Method.RATIO_TO_BEST, Method.RANK, Method.ZSCORE_MINMAX})


class Direction(StrEnum):
    POSITIVE = "positive"  # more is better
    NEGATIVE = "negative"  # less is better


class MissingRule(StrEnum):
    ZERO = "zero"  # counts as zero
    EXCLUDE = "exclude"  # left out, the siblings' weights renormalised
    CARRY_FORWARD = "carry_forward"  # last edition's value (else left out)


class Aggregation(StrEnum):
    ARITHMETIC = "arithmetic"
    GEOMETRIC = "geometric"


class SourceKind(StrEnum):
    ENTERED = "entered"  # the annual self-assessment, appraised
    SCORE766 = "score766"  # Decision 766 total (0–100)
    REPORTING_TIMELINESS = "reporting_timeliness"  # share of reports sent on time
    REPORTING_COMPLETENESS = "reporting_completeness"  # share of expected reports sent
    TASK_ON_TIME = "task_on_time"  # share of tasks due this year done on time
    ONLINE_SHARE = "online_share"  # share of dossiers received online
    DIGITISATION_SHARE = "digitisation_share"  # share of dossiers digitised
    INVESTMENT_DISBURSEMENT = "investment_disbursement"  # from the investments app, if present
    INDICATOR = "indicator"  # any catalogue indicator's value for the year


PLATFORM_SOURCES = frozenset(SourceKind) - {SourceKind.ENTERED}


class Unpublished(StrEnum):
    POINTS = "points"
    COMPONENTS = "components"
    FORMULA = "formula"
    NAME = "name"


class DefinitionError(ValueError):
    """A definition that breaks a rule; `errors` maps a path ("nodes.2.points") to why."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{path}: {text}" for path, text in self.errors.items()))


@dataclass(frozen=True)
class Normalisation:
    method: Method = Method.POINTS
    direction: Direction = Direction.POSITIVE
    lower: float | None = None  # min–max: the lower goalpost; target: the base (default 0)
    upper: float | None = None  # min–max: the upper goalpost; target: the target
    threshold: float | None = None  # binary
    # Results are rescaled into [floor, 1]: a geometric mean needs floor > 0.
    floor: float = 0.0

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"method": self.method.value}
        if self.direction != Direction.POSITIVE:
            data["direction"] = self.direction.value
        for name in ("lower", "upper", "threshold"):
            if getattr(self, name) is not None:
                data[name] = getattr(self, name)
        if self.floor:
            data["floor"] = self.floor
        return data


@dataclass(frozen=True)
class Source:
    kind: SourceKind = SourceKind.ENTERED
    indicator: str = ""  # the catalogue code, for kind "indicator"

    @property
    def automatic(self) -> bool:
        return self.kind != SourceKind.ENTERED

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind.value}
        if self.indicator:
            data["indicator"] = self.indicator
        return data


@dataclass(frozen=True)
class Estimate:
    """A platform measure used to estimate an entered leaf before it is assessed (nowcast)."""

    source: Source
    normalisation: Normalisation

    def as_json(self) -> dict[str, Any]:
        return {"source": self.source.as_json(), "normalisation": self.normalisation.as_json()}


@dataclass(frozen=True)
class Node:
    code: str
    name: str
    level: Level
    points: float | None = None  # maximum points (None: unpublished, or weights are used)
    weight: float | None = None  # relative weight among its siblings
    provisional_points: float | None = None  # used while `points` are unpublished
    scored: bool = True  # False: shown but not counted (922's smart city, 0 points)
    pillar: str = ""  # the pillar view this subtree counts in
    children: tuple[Node, ...] = ()
    source: Source = field(default_factory=Source)
    normalisation: Normalisation = field(default_factory=Normalisation)
    missing: MissingRule = MissingRule.ZERO
    aggregation: Aggregation | None = None  # None: the edition's
    estimate: tuple[Estimate, ...] = ()
    unpublished: frozenset[Unpublished] = frozenset()
    components_count: int | None = None  # the decision's number of components, if not listed
    note: str = ""

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def max_points(self) -> float | None:
        """The points this node is scored out of (published, else provisional)."""
        return self.points if self.points is not None else self.provisional_points

    @property
    def provisional(self) -> bool:
        return self.points is None and self.provisional_points is not None

    def walk(self) -> Iterator[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Pillar:
    code: str
    name: str


@dataclass(frozen=True)
class UnitSpec:
    """Which units an edition assesses and ranks.

    `set`: "provinces" or "ministries" (from orgunits: the units in force on `measured_on`),
    or "communes". For an edition measured before the 2025 merger and published after it,
    `as_is_on` names the day whose units the as-is ranking uses (their values: the plain mean
    of their predecessors'). `groups` maps a group code to (name, unit codes); units in no
    listed group fall in `default_group`. `extra` are bodies ranked with the set that are not
    agencies of the platform (a research academy, the national broadcaster): (code, name,
    group). `not_ranked`: unit codes assessed but left out of rankings.
    """

    set: str
    measured_on: str
    as_is_on: str = ""
    default_group: str = ""
    groups: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    extra: tuple[tuple[str, str, str], ...] = ()
    not_ranked: tuple[str, ...] = ()
    aliases: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def group_names(self) -> dict[str, str]:
        return {code: name for code, name, _units in self.groups}

    def group_of(self, unit_code: str) -> str:
        for code, _name, units in self.groups:
            if unit_code in units:
                return code
        for code, _name, group in self.extra:
            if code == unit_code:
                return group
        return self.default_group


@dataclass(frozen=True)
class Edition:
    code: str
    index: str
    year: int
    level: str  # province | ministry | commune
    name: str
    decision: str  # "922/QĐ-BTTTT"
    decision_date: str
    scale: float  # the root's points (1,000)
    divisor: float  # published value = points ÷ divisor …
    decimals: int  # … with this many decimals
    aggregation: Aggregation
    units: UnitSpec
    nodes: tuple[Node, ...]
    pillars: tuple[Pillar, ...] = ()
    previous: str = ""
    notes: str = ""
    source_note: str = ""

    @property
    def root(self) -> Node:
        return Node(
            code="",
            name=self.name,
            level=Level.PILLAR,
            points=self.scale,
            children=self.nodes,
            aggregation=self.aggregation,
        )

    def walk(self) -> Iterator[Node]:
        for node in self.nodes:
            yield from node.walk()

    def node(self, code: str) -> Node:
        for node in self.walk():
            if node.code == code:
                return node
        raise KeyError(code)

    def leaves(self) -> list[Node]:
        return [node for node in self.walk() if node.is_leaf]

    def main_indicators(self) -> list[Node]:
        return [node for node in self.walk() if node.level == Level.MAIN]

    def scored_main_indicators(self) -> list[Node]:
        return [node for node in self.main_indicators() if node.scored]

    @property
    def provisional(self) -> bool:
        """Whether any weight used is provisional (the decision's points are unpublished)."""
        return any(node.provisional for node in self.walk())

    @property
    def has_pillars(self) -> bool:
        return bool(self.pillars)


# --- reading -------------------------------------------------------------------------------


class _Reader:
    """Reads a JSON document into an Edition, collecting every error with its path."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(path, message)

    def text(self, data: Mapping[str, Any], key: str, path: str, *, required: bool = True) -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            self.fail(f"{path}{key}", _("Write text here."))
            return ""
        text = value.strip()
        if required and not text:
            self.fail(f"{path}{key}", _("This is required."))
        return text

    def number(self, data: Mapping[str, Any], key: str, path: str) -> float | None:
        value = data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"{path}{key}", _("Write a number here."))
            return None
        if not math.isfinite(value):
            self.fail(f"{path}{key}", _("Write a finite number here."))
            return None
        return float(value)

    def choice(self, enum: type[StrEnum], value: Any, path: str, default: Any) -> Any:
        if value is None:
            return default
        try:
            return enum(value)
        except ValueError:
            choices = ", ".join(member.value for member in enum)
            self.fail(path, _("Choose one of: %(choices)s.") % {"choices": choices})
            return default

    def normalisation(self, data: Any, path: str) -> Normalisation:
        if data is None:
            return Normalisation()
        if not isinstance(data, Mapping):
            self.fail(path, _("Describe the normalisation as an object."))
            return Normalisation()
        method = self.choice(Method, data.get("method"), f"{path}.method", Method.POINTS)
        direction = self.choice(
            Direction, data.get("direction"), f"{path}.direction", Direction.POSITIVE
        )
        lower = self.number(data, "lower", f"{path}.")
        upper = self.number(data, "upper", f"{path}.")
        threshold = self.number(data, "threshold", f"{path}.")
        floor = self.number(data, "floor", f"{path}.") or 0.0
        if not 0 <= floor < 1:
            self.fail(f"{path}.floor", _("A floor is at least 0 and below 1."))
        if method == Method.MINMAX:
            if lower is None or upper is None:
                self.fail(
                    path,
                    _(
                        "Min–max needs both goalposts (lower and upper), kept with the edition "
                        "so that years compare."
                    ),
                )
            elif upper <= lower:
                self.fail(
                    path,
                    _(
                        "The upper goalpost (%(upper)s) must be above the lower one "
                        "(%(lower)s): with min = max nothing can be normalised."
                    )
                    % {"upper": upper, "lower": lower},
                )
        if method == Method.TARGET:
            if upper is None:
                self.fail(f"{path}.upper", _("Distance to target needs the target (upper)."))
            elif upper == (lower or 0.0):
                self.fail(path, _("The target must differ from the base."))
        if method == Method.BINARY and threshold is None:
            self.fail(f"{path}.threshold", _("A yes/no normalisation needs its threshold."))
        return Normalisation(method, direction, lower, upper, threshold, floor)

    def source(self, data: Any, path: str) -> Source:
        if data is None:
            return Source()
        if not isinstance(data, Mapping):
            self.fail(path, _("Describe the source as an object."))
            return Source()
        kind = self.choice(SourceKind, data.get("kind"), f"{path}.kind", SourceKind.ENTERED)
        indicator = self.text(data, "indicator", f"{path}.", required=kind == SourceKind.INDICATOR)
        return Source(kind, indicator)

    def node(self, data: Any, path: str, depth: int, parent_level: int) -> Node | None:
        if not isinstance(data, Mapping):
            self.fail(path, _("Describe each node as an object."))
            return None
        code = self.text(data, "code", f"{path}.")
        if len(code) > CODE_MAX:
            self.fail(f"{path}.code", _("A code has at most %(n)s characters.") % {"n": CODE_MAX})
        unpublished = self._unpublished(data.get("unpublished", []), f"{path}.unpublished")
        name = self.text(data, "name", f"{path}.", required=Unpublished.NAME not in unpublished)
        level = self.choice(Level, data.get("level"), f"{path}.level", Level.COMPONENT)
        position = LEVEL_ORDER.index(level)
        if position <= parent_level:
            self.fail(
                f"{path}.level",
                _("A %(level)s cannot sit under a level at or below it.") % {"level": level},
            )
        if depth > MAX_DEPTH:
            self.fail(path, _("The tree is too deep."))
            return None
        raw_children = data.get("children", [])
        if not isinstance(raw_children, list):
            self.fail(f"{path}.children", _("List the children."))
            raw_children = []
        children = tuple(
            child
            for i, item in enumerate(raw_children)
            if (child := self.node(item, f"{path}.children.{i}", depth + 1, position)) is not None
        )
        points = self.number(data, "points", f"{path}.")
        weight = self.number(data, "weight", f"{path}.")
        provisional = self.number(data, "provisional_points", f"{path}.")
        for key, value in (
            ("points", points),
            ("weight", weight),
            ("provisional_points", provisional),
        ):
            if value is not None and value < 0:
                self.fail(f"{path}.{key}", _("Weights and points are not negative."))
        if points is not None and weight is not None:
            self.fail(path, _("Give points or a weight, not both."))
        if Unpublished.POINTS in unpublished and points is not None:
            self.fail(f"{path}.points", _("Points marked unpublished cannot also be given."))
        scored = data.get("scored", True)
        if not isinstance(scored, bool):
            self.fail(f"{path}.scored", _("Write true or false."))
            scored = True
        estimates = data.get("estimate", [])
        if not isinstance(estimates, list):
            self.fail(f"{path}.estimate", _("List the estimates."))
            estimates = []
        components_count = data.get("components_count")
        if components_count is not None and (
            isinstance(components_count, bool)
            or not isinstance(components_count, int)
            or components_count < 0
        ):
            self.fail(f"{path}.components_count", _("Write a whole number."))
            components_count = None
        aggregation = data.get("aggregation")
        return Node(
            code=code,
            name=name,
            level=level,
            points=points,
            weight=weight,
            provisional_points=provisional,
            scored=scored,
            pillar=self.text(data, "pillar", f"{path}.", required=False),
            children=children,
            source=self.source(data.get("source"), f"{path}.source"),
            normalisation=self.normalisation(data.get("normalisation"), f"{path}.normalisation"),
            missing=self.choice(
                MissingRule, data.get("missing"), f"{path}.missing", MissingRule.ZERO
            ),
            aggregation=None
            if aggregation is None
            else self.choice(Aggregation, aggregation, f"{path}.aggregation", None),
            estimate=tuple(
                Estimate(
                    self.source(item.get("source") if isinstance(item, Mapping) else None, p),
                    self.normalisation(
                        item.get("normalisation") if isinstance(item, Mapping) else None,
                        f"{p}.normalisation",
                    ),
                )
                for i, item in enumerate(estimates)
                for p in [f"{path}.estimate.{i}"]
            ),
            unpublished=unpublished,
            components_count=components_count,
            note=self.text(data, "note", f"{path}.", required=False),
        )

    def _unpublished(self, data: Any, path: str) -> frozenset[Unpublished]:
        if not isinstance(data, list):
            self.fail(path, _("List what is unpublished."))
            return frozenset()
        return frozenset(
            item
            for i, value in enumerate(data)
            if (item := self.choice(Unpublished, value, f"{path}.{i}", None)) is not None
        )

    def units(self, data: Any, path: str) -> UnitSpec:
        if not isinstance(data, Mapping):
            self.fail(path, _("Say which units the edition assesses."))
            return UnitSpec(set="provinces", measured_on="")
        unit_set = self.text(data, "set", f"{path}.")
        if unit_set and unit_set not in ("provinces", "ministries", "communes"):
            self.fail(f"{path}.set", _("Choose provinces, ministries or communes."))
        groups = []
        for i, group in enumerate(data.get("groups", []) or []):
            if not isinstance(group, Mapping):
                self.fail(f"{path}.groups.{i}", _("Describe each group as an object."))
                continue
            members = group.get("units", [])
            groups.append(
                (
                    self.text(group, "code", f"{path}.groups.{i}."),
                    self.text(group, "name", f"{path}.groups.{i}."),
                    tuple(str(m) for m in members) if isinstance(members, list) else (),
                )
            )
        extra = []
        for i, item in enumerate(data.get("extra", []) or []):
            if not isinstance(item, Mapping):
                self.fail(f"{path}.extra.{i}", _("Describe each unit as an object."))
                continue
            extra.append(
                (
                    self.text(item, "code", f"{path}.extra.{i}."),
                    self.text(item, "name", f"{path}.extra.{i}."),
                    self.text(item, "group", f"{path}.extra.{i}.", required=False),
                )
            )
        aliases_data = data.get("aliases", {}) or {}
        aliases = (
            tuple(
                (str(code), tuple(str(n) for n in names))
                for code, names in aliases_data.items()
                if isinstance(names, list)
            )
            if isinstance(aliases_data, Mapping)
            else ()
        )
        not_ranked = data.get("not_ranked", []) or []
        return UnitSpec(
            set=unit_set,
            measured_on=self.text(data, "measured_on", f"{path}."),
            as_is_on=self.text(data, "as_is_on", f"{path}.", required=False),
            default_group=self.text(data, "default_group", f"{path}.", required=False),
            groups=tuple(groups),
            extra=tuple(extra),
            not_ranked=tuple(str(c) for c in not_ranked) if isinstance(not_ranked, list) else (),
            aliases=aliases,
        )


def parse(data: Any) -> Edition:
    """Read and check a definition document; DefinitionError lists every problem."""
    reader = _Reader()
    if not isinstance(data, Mapping):
        raise DefinitionError({"": _("A definition is a JSON object.")})
    code = reader.text(data, "code", "")
    year = data.get("year")
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        reader.fail("year", _("Write the edition's year (2000–2100)."))
        year = 0
    level = reader.text(data, "level", "")
    if level and level not in ("province", "ministry", "commune"):
        reader.fail("level", _("Choose province, ministry or commune."))
    publish = data.get("publish", {}) or {}
    if not isinstance(publish, Mapping):
        reader.fail("publish", _("Describe publication as an object."))
        publish = {}
    scale = reader.number(data, "scale", "")
    divisor = reader.number(publish, "divide_by", "publish.")
    decimals = publish.get("decimals", 4)
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 8:
        reader.fail("publish.decimals", _("Between 0 and 8 decimals."))
        decimals = 4
    raw_nodes = data.get("nodes", [])
    if not isinstance(raw_nodes, list) or not raw_nodes:
        reader.fail("nodes", _("An index needs at least one indicator."))
        raw_nodes = []
    nodes = tuple(
        node
        for i, item in enumerate(raw_nodes)
        if (node := reader.node(item, f"nodes.{i}", 1, -1)) is not None
    )
    pillars = tuple(
        Pillar(str(item.get("code", "")), str(item.get("name", "")))
        for item in data.get("pillars", []) or []
        if isinstance(item, Mapping)
    )
    edition = Edition(
        code=code,
        index=reader.text(data, "index", ""),
        year=year,
        level=level,
        name=reader.text(data, "name", ""),
        decision=reader.text(data, "decision", "", required=False),
        decision_date=reader.text(data, "decision_date", "", required=False),
        scale=scale if scale is not None else 1.0,
        divisor=divisor if divisor is not None else (scale or 1.0),
        decimals=decimals,
        aggregation=reader.choice(
            Aggregation, data.get("aggregation"), "aggregation", Aggregation.ARITHMETIC
        ),
        units=reader.units(data.get("units"), "units"),
        nodes=nodes,
        pillars=pillars,
        previous=reader.text(data, "previous", "", required=False),
        notes=reader.text(data, "notes", "", required=False),
        source_note=reader.text(data, "source_note", "", required=False),
    )
    if scale is None or scale <= 0:
        reader.fail("scale", _("Give the index's full points (e.g. 1000)."))
    if divisor is not None and divisor <= 0:
        reader.fail("publish.divide_by", _("Divide by a positive number."))
    _check_tree(edition, reader)
    if reader.errors:
        raise DefinitionError(reader.errors)
    return edition


def _check_tree(edition: Edition, reader: _Reader) -> None:
    seen: set[str] = set()
    pillar_codes = {p.code for p in edition.pillars}
    for path, node in _paths(edition.nodes, "nodes"):
        if node.code in seen:
            reader.fail(f"{path}.code", _("Code %(code)s is used twice.") % {"code": node.code})
        seen.add(node.code)
        if node.pillar and node.pillar not in pillar_codes:
            reader.fail(
                f"{path}.pillar", _("No pillar %(code)s in this edition.") % {"code": node.pillar}
            )
        if node.is_leaf and node.source.kind == SourceKind.ENTERED and node.scored:
            if node.normalisation.method not in (Method.POINTS, Method.SHARE):
                reader.fail(
                    f"{path}.normalisation",
                    _("An entered score is normalised by its points (or as a share)."),
                )
            if node.normalisation.method == Method.POINTS and not node.max_points:
                reader.fail(
                    f"{path}.points",
                    _("A score out of points needs its maximum points (or provisional points)."),
                )
        aggregation = node.aggregation or edition.aggregation
        if node.children and aggregation == Aggregation.GEOMETRIC:
            _check_geometric(node, path, reader)
    if edition.aggregation == Aggregation.GEOMETRIC:
        _check_geometric(edition.root, "nodes", reader)
    _check_weights(edition.root, "nodes", reader, top=True)


def _paths(nodes: tuple[Node, ...], prefix: str) -> Iterator[tuple[str, Node]]:
    for i, node in enumerate(nodes):
        path = f"{prefix}.{i}"
        yield path, node
        yield from _paths(node.children, f"{path}.children")


def _check_geometric(node: Node, path: str, reader: _Reader) -> None:
    """A geometric mean of values that can be 0 is 0 whatever the rest: refuse such a tree."""
    for i, child in enumerate(node.children):
        if not child.scored:
            continue
        where = f"{path}.{i}" if path == "nodes" else f"{path}.children.{i}"
        if child.is_leaf and child.missing == MissingRule.ZERO:
            reader.fail(
                f"{where}.missing",
                _(
                    "%(code)s is aggregated by a geometric mean, which must never receive a "
                    "zero: a missing value cannot count as zero here (exclude it or carry it "
                    "forward)."
                )
                % {"code": child.code},
            )
        if child.is_leaf and child.normalisation.floor <= 0:
            reader.fail(
                f"{where}.normalisation.floor",
                _(
                    "%(code)s is aggregated by a geometric mean, which must never receive a "
                    "zero: give its normalisation a floor above 0 (e.g. 0.01)."
                )
                % {"code": child.code},
            )


def _check_weights(node: Node, path: str, reader: _Reader, *, top: bool = False) -> None:
    children = [c for c in node.children if c.scored]
    for i, child in enumerate(node.children):
        where = f"{path}.{i}" if top else f"{path}.children.{i}"
        if child.children:
            _check_weights(child, where, reader)
    if not children:
        return
    with_points = [c for c in children if c.max_points is not None]
    with_weight = [c for c in children if c.weight is not None]
    where = path if top else f"{path}.children"
    if with_points and with_weight:
        reader.fail(where, _("Siblings carry either points or weights, not a mix."))
        return
    if with_weight:
        if len(with_weight) != len(children):
            reader.fail(where, _("Every sibling needs a weight."))
            return
        total = sum(c.weight or 0.0 for c in children)
        if abs(total - 1.0) > TOLERANCE:
            reader.fail(
                where,
                _("The weights add up to %(total)s, not 1.") % {"total": _shown(total)},
            )
        return
    if len(with_points) != len(children):
        missing = [c.code for c in children if c.max_points is None]
        reader.fail(
            where,
            _(
                "%(codes)s have neither points nor provisional points: give provisional "
                "points while the decision's are unpublished."
            )
            % {"codes": ", ".join(missing)},
        )
        return
    parent = node.max_points
    if parent is None:
        return
    total = sum(c.max_points or 0.0 for c in children)
    if abs(total - parent) > TOLERANCE * max(1.0, parent):
        reader.fail(
            where,
            _("The points of %(code)s's parts add up to %(total)s, not %(points)s.")
            % {
                "code": node.code or _("the index"),
                "total": _shown(total),
                "points": _shown(parent),
            },
        )


def _shown(value: float) -> str:
    return f"{value:.6f}".rstrip("0").rstrip(".")


# --- writing -------------------------------------------------------------------------------


def node_json(node: Node) -> dict[str, Any]:
    data: dict[str, Any] = {"code": node.code, "name": node.name, "level": node.level.value}
    for key in ("points", "weight", "provisional_points"):
        value = getattr(node, key)
        if value is not None:
            data[key] = int(value) if float(value).is_integer() else value
    if not node.scored:
        data["scored"] = False
    if node.pillar:
        data["pillar"] = node.pillar
    if node.unpublished:
        data["unpublished"] = sorted(u.value for u in node.unpublished)
    if node.components_count is not None:
        data["components_count"] = node.components_count
    if node.note:
        data["note"] = node.note
    if node.children:
        if node.aggregation is not None:
            data["aggregation"] = node.aggregation.value
        data["children"] = [node_json(child) for child in node.children]
    else:
        data["source"] = node.source.as_json()
        data["normalisation"] = node.normalisation.as_json()
        data["missing"] = node.missing.value
        if node.estimate:
            data["estimate"] = [e.as_json() for e in node.estimate]
    return data


def as_json(edition: Edition) -> dict[str, Any]:
    """The document `parse` reads back to the same edition."""
    units: dict[str, Any] = {"set": edition.units.set, "measured_on": edition.units.measured_on}
    if edition.units.as_is_on:
        units["as_is_on"] = edition.units.as_is_on
    if edition.units.default_group:
        units["default_group"] = edition.units.default_group
    if edition.units.groups:
        units["groups"] = [
            {"code": c, "name": n, "units": list(u)} for c, n, u in edition.units.groups
        ]
    if edition.units.extra:
        units["extra"] = [{"code": c, "name": n, "group": g} for c, n, g in edition.units.extra]
    if edition.units.not_ranked:
        units["not_ranked"] = list(edition.units.not_ranked)
    if edition.units.aliases:
        units["aliases"] = {code: list(names) for code, names in edition.units.aliases}
    data: dict[str, Any] = {
        "code": edition.code,
        "index": edition.index,
        "year": edition.year,
        "level": edition.level,
        "name": edition.name,
        "decision": edition.decision,
        "decision_date": edition.decision_date,
        "scale": int(edition.scale) if edition.scale.is_integer() else edition.scale,
        "publish": {
            "divide_by": int(edition.divisor) if edition.divisor.is_integer() else edition.divisor,
            "decimals": edition.decimals,
        },
        "aggregation": edition.aggregation.value,
        "units": units,
    }
    if edition.pillars:
        data["pillars"] = [{"code": p.code, "name": p.name} for p in edition.pillars]
    if edition.previous:
        data["previous"] = edition.previous
    if edition.notes:
        data["notes"] = edition.notes
    if edition.source_note:
        data["source_note"] = edition.source_note
    data["nodes"] = [node_json(node) for node in edition.nodes]
    return data


def summary(edition: Edition) -> dict[str, Any]:
    """`dxgov index show`: each level's codes, Vietnamese names, points or weights."""

    def item(node: Node) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": node.code,
            "level": node.level.value,
            "name": node.name if Unpublished.NAME not in node.unpublished else None,
            "points": node.points,
        }
        if node.weight is not None:
            data["weight"] = node.weight
        if Unpublished.POINTS in node.unpublished:
            data["points_status"] = "unpublished"
            data["provisional_points"] = node.provisional_points
        if not node.scored:
            data["scored"] = False
        if node.components_count is not None:
            data["components_count"] = node.components_count
        if node.children:
            data["children"] = [item(child) for child in node.children]
        return data

    return {
        "code": edition.code,
        "index": edition.index,
        "year": edition.year,
        "level": edition.level,
        "name": edition.name,
        "decision": edition.decision,
        "scale": edition.scale,
        "publish": {"divide_by": edition.divisor, "decimals": edition.decimals},
        "aggregation": edition.aggregation.value,
        "pillars": [{"code": p.code, "name": p.name} for p in edition.pillars],
        "groups": [{"code": c, "name": n} for c, n, _u in edition.units.groups],
        "nodes": [item(node) for node in edition.nodes],
    }


def leaf_weights(
    edition: Edition, main_weights: Mapping[str, float] | None = None
) -> dict[str, float]:
    """Each scored leaf's share of the whole index (its absolute weight, summing to 1).

    `main_weights` replaces the main indicators' points (sensitivity analysis, a coordinator
    trying weights)."""
    shares: dict[str, float] = {}

    def visit(node: Node, share: float) -> None:
        children = [c for c in node.children if c.scored]
        if not children:
            shares[node.code] = share
            return
        weights = [_weight(c, main_weights) for c in children]
        total = sum(weights)
        for child, weight in zip(children, weights, strict=True):
            visit(child, share * (weight / total if total else 0.0))

    root = edition.root
    children = [c for c in root.children if c.scored]
    weights = [_weight(c, main_weights) for c in children]
    total = sum(weights)
    for child, weight in zip(children, weights, strict=True):
        visit(child, weight / total if total else 0.0)
    return shares


def _weight(node: Node, main_weights: Mapping[str, float] | None) -> float:
    if main_weights is not None and node.code in main_weights:
        return main_weights[node.code]
    if node.weight is not None:
        return node.weight
    return node.max_points or 0.0
