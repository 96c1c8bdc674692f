"""Decision 766/QĐ-TTg engine: dossiers and procedures in, counts out; counts in, points out.

Pure module (standard library only, no ORM). Three steps:

1. `dxgov.dossiers.processing.processing(record)` classifies one dossier record (`dxgov.dossier/1`,
   a mapping with ISO strings or datetimes) by its status history: end of processing, citizen
   supplement time, supplement requests and the effective deadline; ingestion stores these
   figures as columns. `on_time` reads them (2.1).
2. `dossier_facts(...)`, `procedure_facts(...)` and `unit_facts(...)` turn one dossier, one
   procedure (TTHC) in one month, or one unit's certified-copy figures into a `Counts`: plain
   integers, one per numerator and denominator. `Counts` add with `+`, so any period or unit
   tree is a sum.
3. `score(counts, ruleset)` turns counts into a `Scorecard` (six groups, every metric with
   numerator, denominator, ratio, points and max). Aggregation is ALWAYS by summing counts and
   scoring the sum, never by averaging scores.

Attribution rules (the contract's, plus what the engine needs):

* A dossier counts in the month (Asia/Ho_Chi_Minh) in which it was received; a quarter or year is
  the sum of its months. Its petitions (PAKN) count with the dossier, in the dossier's month.
* `as_of` is the moment the period is evaluated: the end of the period, or now while the period is
  still running. A dossier still open at `as_of` ends at `as_of` (on time while within deadline);
  a petition still open at `as_of` is on time while within its 15 working days.
* Procedure metrics that are stocks (1.3, 3.1, 3.2, 3.5, 3.5b, 4.5a) count procedure-months: a
  procedure in scope in a month adds 1 to that month's denominator. A quarter's ratio is therefore
  the procedure-month weighted share, which equals the plain share while the catalogue is stable.
* Procedure metrics that are events (1.1 announcement, 1.2 posting) count in the month of the
  announcement decision (`announced_on`).
* A dossier with no deadline at all (no `due_at` and no `processing_time`) cannot be late: it is
  counted on time (INGEST's quality pages list such dossiers).
* 5.1 (PAKN classification, 0 points) is not computed: the record carries no classification.

Rule sets (`RULESETS`) are versioned. `qd766-v1` (default) follows the DVCQG formula document and
METRICS sheet; `qd766-portal-v1` follows the live portal as reverse-engineered in
`dvcqg-766-api.md`. The two §2.2 conflicts are fields of `RuleSet`:

* `no_petitions`: ``"split"`` (METRICS sheet: with no PAKN, 5.3's 6 points are split equally between
  5.2 and 5.4, so 5.2 is worth 9 and scores full, 5.4 is worth 9) or ``"full_each"`` (portal: 6
  points for each of 5.2 and 5.3);
* `formulas["4.2"].full_at`: 0.8 (formula document: full marks from 80 %) or 1 (portal: linear).

The portal's payment total `6A + min(2, 2.5B) + 2.5C` is expressed as 3.5b and 3.5 both full at
80 % (2.5x = 2x/0.8), capped at each metric's 2 points.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Literal, Protocol

from dxgov.core.calendar import TZ, WorkingCalendar
from dxgov.dossiers.processing import (
    NO_HOLIDAYS,
    SUPPLEMENT_OPEN,
    Processing,
    as_datetime,
    processing,
)

DEFAULT_RULESET = "qd766-v1"
PORTAL_RULESET = "qd766-portal-v1"

PeriodKind = Literal["month", "quarter", "year"]
WhenEmpty = Literal["none", "zero", "full"]

CHANNEL_IN_PERSON = 1
CHANNEL_ONLINE = 2
CHANNEL_POSTAL = 3


# --------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True)
class ProcedureInfo:
    """A procedure (TTHC) of the catalogue, as the engine needs it (contract fields)."""

    code: str
    level: Literal["ministry", "province", "commune"] = "province"
    online_level: Literal["none", "partial", "full"] = "none"
    has_fees: bool = False
    fees_integrated: bool = False
    requires_paper_result: bool = False
    applicant_type: Literal["citizen", "business", "both"] = "both"
    announced_on: date | None = None
    legal_basis_effective_on: date | None = None
    published_on: date | None = None
    content_complete: bool = False
    population_data_connected: bool = False
    active: bool = True

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> ProcedureInfo:
        """Build from a dict (or any mapping) with the contract's field names; dates as ISO text."""
        known = {f.name for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {k: v for k, v in data.items() if k in known}
        for name in ("announced_on", "legal_basis_effective_on", "published_on"):
            values[name] = _as_date(values.get(name))
        return cls(**values)


class ProcessingFields(Protocol):
    """The three fields `on_time` reads: a `Processing`, or a stored dossier row."""

    @property
    def end_at(self) -> datetime | None: ...

    @property
    def effective_due(self) -> datetime | None: ...

    @property
    def late_by_supplements(self) -> bool: ...


# --------------------------------------------------------------------------------------------
# Counts


@dataclass(frozen=True)
class Counts:
    """Every numerator and denominator of Decision 766, as integers. Add with `+`."""

    # 1.1 published on time / procedures announced in the period
    procedures_announced: int = 0
    procedures_announced_on_time: int = 0
    # 1.2 posted on the national TTHC database on time / procedures that had to be posted
    procedures_to_post: int = 0
    procedures_posted_on_time: int = 0
    # 1.3 posted with all 7 mandatory parts / procedures posted (procedure-months)
    procedures_posted: int = 0
    procedures_content_complete: int = 0
    # Dossiers received (denominator of 1.4, 2.1, 3.3, 4.2–4.5b, 5.4)
    dossiers_received: int = 0
    # 1.4 synced to DVCQG
    dossiers_synced: int = 0
    # 2.1 finished early or on time, or in progress within the deadline
    dossiers_on_time: int = 0
    # 2.2 (0 points) processing seconds of finished dossiers / finished dossiers
    dossiers_finished: int = 0
    processing_seconds: int = 0
    # 3.1 procedures offered online (partial or full) / procedures in scope (procedure-months)
    procedures_in_scope: int = 0
    procedures_online: int = 0
    # 3.2 online procedures that received at least one online dossier / online procedures
    procedures_online_used: int = 0
    # 3.3 dossiers submitted online (paper-result procedures only with an e-result)
    dossiers_online: int = 0
    # 3.5 / 3.5b fee-bearing procedures: integrated for DVCQG payment / with an online payment
    procedures_with_fees: int = 0
    procedures_fees_integrated: int = 0
    procedures_paid_online: int = 0
    # 3.6 dossiers paid online / dossiers with a financial obligation (all fees 0 excluded)
    dossiers_with_fees: int = 0
    dossiers_paid_online: int = 0
    # 4.1 dossiers with an e-result / dossiers whose procedure requires a paper result
    dossiers_paper_result: int = 0
    dossiers_e_result: int = 0
    # 4.2 digitised inputs and an e-result; 4.3 digitised inputs; 4.4 from the personal store
    dossiers_digitised: int = 0
    dossiers_reused: int = 0
    dossiers_personal_store: int = 0
    # 4.5a procedures connected to population data / procedures for citizens (procedure-months)
    procedures_for_citizens: int = 0
    procedures_population_connected: int = 0
    # 4.5b dossiers using population data (VNeID or population database code)
    dossiers_population_data: int = 0
    # 4.6 communes offering electronic certified copies / communes
    communes: int = 0
    communes_certified_copy: int = 0
    # 5.2 / 5.3 petitions (PAKN): handled on time, satisfied (not disliked, re-complained, late)
    petitions: int = 0
    petitions_on_time: int = 0
    petitions_satisfied: int = 0
    # 5.4 late dossiers and dossiers with a petition or a dislike (rating 1–2)
    dossiers_late: int = 0
    dossiers_complained: int = 0

    def __add__(self, other: Counts) -> Counts:
        if not isinstance(other, Counts):
            return NotImplemented
        return Counts(
            **{
                f.name: getattr(self, f.name) + getattr(other, f.name)
                for f in dataclasses.fields(self)
            }
        )

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, int]) -> Counts:
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: int(v) for k, v in data.items() if k in known})

    @classmethod
    def total(cls, items: Iterable[Counts]) -> Counts:
        result = cls()
        for item in items:
            result = result + item
        return result


COUNT_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Counts))


# --------------------------------------------------------------------------------------------
# Metrics and rule sets


@dataclass(frozen=True)
class MetricDef:
    code: str  # "1.1" … "5.4"
    group: str  # one of GROUPS
    max_points: int
    portal_code: str | None  # the DVCQG metric code, when the portal has one
    numerator: str | None  # Counts field (None: derived, see score())
    denominator: str | None


GROUPS: tuple[tuple[str, int], ...] = (
    ("publicity", 18),
    ("progress", 20),
    ("online", 12),
    ("payment", 10),
    ("digitisation", 22),
    ("satisfaction", 18),
)
GROUP_MAX: dict[str, int] = dict(GROUPS)

METRICS: tuple[MetricDef, ...] = (
    MetricDef(
        "1.1",
        "publicity",
        6,
        "PUBLISH_ON_TIME",
        "procedures_announced_on_time",
        "procedures_announced",
    ),
    MetricDef(
        "1.2",
        "publicity",
        4,
        "PUBLIC_UPDATE_ON_TIME",
        "procedures_posted_on_time",
        "procedures_to_post",
    ),
    MetricDef(
        "1.3",
        "publicity",
        2,
        "PUBLIC_CONTENT_FULL",
        "procedures_content_complete",
        "procedures_posted",
    ),
    MetricDef("1.4", "publicity", 6, "DOSSIER_SYNC", "dossiers_synced", "dossiers_received"),
    MetricDef("2.1", "progress", 20, None, "dossiers_on_time", "dossiers_received"),
    MetricDef("2.2", "progress", 0, None, "processing_seconds", "dossiers_finished"),
    MetricDef("3.1", "online", 2, None, "procedures_online", "procedures_in_scope"),
    MetricDef("3.2", "online", 4, None, "procedures_online_used", "procedures_online"),
    MetricDef("3.3", "online", 6, None, "dossiers_online", "dossiers_received"),
    MetricDef("3.5", "payment", 2, None, "procedures_fees_integrated", "procedures_with_fees"),
    MetricDef("3.5b", "payment", 2, None, "procedures_paid_online", "procedures_with_fees"),
    MetricDef("3.6", "payment", 6, None, "dossiers_paid_online", "dossiers_with_fees"),
    MetricDef(
        "4.1",
        "digitisation",
        6,
        "ORIGINAL_RESULT_AVAILABLE",
        "dossiers_e_result",
        "dossiers_paper_result",
    ),
    MetricDef(
        "4.2",
        "digitisation",
        4,
        "SO_HOA_GIAY_TO_GIAI_QUYET",
        "dossiers_digitised",
        "dossiers_received",
    ),
    MetricDef(
        "4.3", "digitisation", 2, "REUSED_DIGITIZED_DATA", "dossiers_reused", "dossiers_received"
    ),
    MetricDef(
        "4.4",
        "digitisation",
        4,
        "SYNCED_WITH_DVCQG_PERSONAL_STORAGE",
        "dossiers_personal_store",
        "dossiers_received",
    ),
    MetricDef(
        "4.5a",
        "digitisation",
        2,
        "CITIZEN_DATA_CONNECTED_FORMALITY",
        "procedures_population_connected",
        "procedures_for_citizens",
    ),
    MetricDef(
        "4.5b",
        "digitisation",
        2,
        "CITIZEN_DATA_CONNECTED_DOSSIER",
        "dossiers_population_data",
        "dossiers_received",
    ),
    MetricDef(
        "4.6",
        "digitisation",
        2,
        "ELECTRONIC_CERTIFIED_COPY",
        "communes_certified_copy",
        "communes",
    ),
    MetricDef(
        "5.2",
        "satisfaction",
        6,
        "PETITION_PROCESSING_ON_TIME",
        "petitions_on_time",
        "petitions",
    ),
    MetricDef(
        "5.3",
        "satisfaction",
        6,
        "PETITION_HANDLING_SATISFACTION",
        "petitions_satisfied",
        "petitions",
    ),
    # 5.4 numerator = max(0, dossiers − late − complained): derived in score().
    MetricDef(
        "5.4", "satisfaction", 6, "DOSSIER_RECEIVING_SATISFACTION", None, "dossiers_received"
    ),
)
METRIC_BY_CODE: dict[str, MetricDef] = {m.code: m for m in METRICS}
METRIC_BY_PORTAL_CODE: dict[str, MetricDef] = {m.portal_code: m for m in METRICS if m.portal_code}


@dataclass(frozen=True)
class Formula:
    """points = min(max, max × ratio / full_at); `when_empty` applies when the denominator is 0.

    `when_empty`: "none" → ratio None, 0 points (not measured); "zero" → ratio 0, 0 points;
    "full" → full points.
    """

    full_at: Fraction = Fraction(1)
    when_empty: WhenEmpty = "none"


@dataclass(frozen=True)
class RuleSet:
    code: str
    description: str
    formulas: Mapping[str, Formula]
    no_petitions: Literal["split", "full_each"] = "split"
    publish_working_days_ministry: int = 20  # 1.1: announced ≥ N working days before effect
    publish_working_days_province: int = 5
    post_working_days_ministry: int = 10  # 1.2: posted ≤ N working days after announcement
    post_working_days_province: int = 5
    petition_working_days: int = 15  # PAKN handled within N working days of receipt

    def formula(self, code: str) -> Formula:
        return self.formulas.get(code, Formula())

    def replace(self, **changes: Any) -> RuleSet:
        return dataclasses.replace(self, **changes)


_EIGHTY = Fraction(4, 5)
_NINETY = Fraction(9, 10)
_HALF = Fraction(1, 2)

_BASE_FORMULAS: dict[str, Formula] = {
    "1.1": Formula(),
    "1.2": Formula(),
    "1.3": Formula(),
    "1.4": Formula(when_empty="zero"),  # §2.2 fallback; with no data at all the rate is 0
    "2.1": Formula(when_empty="zero"),
    "2.2": Formula(),
    "3.1": Formula(full_at=_EIGHTY),
    "3.2": Formula(),
    "3.3": Formula(full_at=_HALF),
    "3.5": Formula(full_at=_EIGHTY),
    "3.5b": Formula(),
    "3.6": Formula(when_empty="zero"),
    "4.1": Formula(),
    "4.2": Formula(full_at=_EIGHTY),
    "4.3": Formula(full_at=_EIGHTY),
    "4.4": Formula(),
    "4.5a": Formula(),
    "4.5b": Formula(),
    "4.6": Formula(),
    "5.2": Formula(when_empty="full"),
    "5.3": Formula(when_empty="full"),
    "5.4": Formula(full_at=_NINETY, when_empty="zero"),
}

RULESETS: dict[str, RuleSet] = {
    DEFAULT_RULESET: RuleSet(
        code=DEFAULT_RULESET,
        description=(
            "DVCQG formula document and METRICS sheet: no PAKN splits 5.3's points between 5.2 "
            "and 5.4; 4.2 full from 80 %; certified copies 0 when not measured."
        ),
        formulas=_BASE_FORMULAS,
        no_petitions="split",
    ),
    PORTAL_RULESET: RuleSet(
        code=PORTAL_RULESET,
        description=(
            "Live DVCQG portal as reverse-engineered: 6 points to each PAKN metric when there "
            "are no PAKN; 4.2 linear; payment 6A + min(2, 2.5B) + 2.5C (capped at 2); "
            "certified copies full when not measured."
        ),
        formulas={
            **_BASE_FORMULAS,
            "3.5": Formula(full_at=_EIGHTY),
            "3.5b": Formula(full_at=_EIGHTY),
            "4.2": Formula(),
            "4.6": Formula(when_empty="full"),
        },
        no_petitions="full_each",
    ),
}


def get_ruleset(ruleset: str | RuleSet) -> RuleSet:
    """The rule set of that code (`UnknownRuleSet` if none), or the rule set itself."""
    if isinstance(ruleset, RuleSet):
        return ruleset
    try:
        return RULESETS[ruleset]
    except KeyError:
        raise UnknownRuleSet(ruleset) from None


class UnknownRuleSet(KeyError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def __str__(self) -> str:
        known = ", ".join(sorted(RULESETS))
        return f"Unknown Decision 766 rule set {self.code!r}; known rule sets: {known}."


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class MetricScore:
    code: str
    group: str
    numerator: int
    denominator: int
    ratio: Fraction | None  # numerator / denominator (0–1, or seconds for 2.2); None: not measured
    points: Decimal  # rounded half-up to 2 decimals, as the portal publishes
    max: int
    portal_code: str | None = None


@dataclass(frozen=True)
class GroupScore:
    code: str
    points: Decimal  # sum of its metrics' (rounded) points
    max: int
    metrics: tuple[MetricScore, ...]


@dataclass(frozen=True)
class Scorecard:
    ruleset: str
    groups: tuple[GroupScore, ...]
    total: Decimal  # sum of the group points, ≤ 100

    @property
    def metrics(self) -> tuple[MetricScore, ...]:
        return tuple(m for g in self.groups for m in g.metrics)

    def group(self, code: str) -> GroupScore:
        for g in self.groups:
            if g.code == code:
                return g
        raise KeyError(code)

    def metric(self, code: str) -> MetricScore:
        for m in self.metrics:
            if m.code == code:
                return m
        raise KeyError(code)


# --------------------------------------------------------------------------------------------
# Step 1: on time (the dossier's processing figures are the dossiers app's: `processing`)


def on_time(p: ProcessingFields, as_of: datetime) -> bool:
    """Finished early or on time, or still in progress within the deadline at `as_of` (2.1).

    A dossier not finished by `as_of` ends at `as_of` (the end of the period). Two or more
    supplement requests are late; a dossier with no deadline at all is on time.
    """
    if p.late_by_supplements:
        return False
    end = p.end_at if p.end_at is not None and p.end_at <= as_of else as_of
    if p.effective_due is None:
        return True
    return end <= p.effective_due


def petition_on_time(
    petition: Mapping[str, Any],
    as_of: datetime,
    *,
    ruleset: str | RuleSet = DEFAULT_RULESET,
    calendar: WorkingCalendar = NO_HOLIDAYS,
) -> bool:
    """A PAKN handled within 15 working days of receipt, or still open within them at `as_of`."""
    rules = get_ruleset(ruleset)
    received = as_datetime(petition.get("received_at"))
    if received is None:
        return False
    deadline = calendar.add_working_days_at(received, rules.petition_working_days)
    handled = as_datetime(petition.get("handled_at"))
    end = handled if handled is not None and handled <= as_of else as_of
    return end <= deadline


# --------------------------------------------------------------------------------------------
# Step 2: facts


def dossier_facts(
    record: Mapping[str, Any],
    *,
    procedure: ProcedureInfo | None,
    as_of: datetime,
    proc: Processing | None = None,
    ruleset: str | RuleSet = DEFAULT_RULESET,
    calendar: WorkingCalendar = NO_HOLIDAYS,
) -> Counts:
    """One dossier's contributions to every dossier metric, in its month of receipt.

    `procedure` is the dossier's TTHC (None when the code is unknown: no paper-result rule);
    `as_of` is the evaluation moment (period end, or now); `proc` the stored `processing()`
    result, recomputed when omitted.
    """
    p = proc if proc is not None else processing(record, calendar=calendar)
    paper = procedure is not None and procedure.requires_paper_result
    e_result = bool(record.get("result_code")) and bool(record.get("result_file_url"))
    channel = record.get("channel") or CHANNEL_IN_PERSON
    online = channel == CHANNEL_ONLINE and (e_result or not paper)
    fees = record.get("fees") or ()
    with_fees = any(int(fee.get("amount") or 0) > 0 for fee in fees)
    paid_online = with_fees and record.get("paid_online") in (1, 2)
    documents = record.get("documents") or ()
    digitised_inputs = bool(record.get("has_digitised_component")) or any(
        bool(d.get("digitised")) for d in documents
    )
    personal_store = any(bool(d.get("from_personal_store")) for d in documents)
    population = bool(record.get("vneid_authenticated")) or bool(record.get("population_db_code"))
    finished = p.end_at is not None and p.end_at <= as_of and p.end_status != SUPPLEMENT_OPEN
    is_on_time = on_time(p, as_of)

    petitions = list(record.get("petitions") or ())
    petitions_on_time = 0
    petitions_satisfied = 0
    for petition in petitions:
        timely = petition_on_time(petition, as_of, ruleset=ruleset, calendar=calendar)
        petitions_on_time += timely
        petitions_satisfied += (
            timely and not petition.get("disliked") and not petition.get("recomplained")
        )
    rating = record.get("rating")
    disliked = rating is not None and int(rating) <= 2
    return Counts(
        dossiers_received=1,
        dossiers_synced=int(bool(record.get("synced_to_dvcqg"))),
        dossiers_on_time=int(is_on_time),
        dossiers_finished=int(finished),
        processing_seconds=(
            _processing_seconds(p) if finished and p.end_status != SUPPLEMENT_OPEN else 0
        ),
        dossiers_online=int(online),
        dossiers_with_fees=int(with_fees),
        dossiers_paid_online=int(paid_online),
        dossiers_paper_result=int(paper),
        dossiers_e_result=int(paper and e_result),
        dossiers_digitised=int(digitised_inputs and e_result),
        dossiers_reused=int(digitised_inputs),
        dossiers_personal_store=int(personal_store),
        dossiers_population_data=int(population),
        petitions=len(petitions),
        petitions_on_time=petitions_on_time,
        petitions_satisfied=petitions_satisfied,
        dossiers_late=int(not is_on_time),
        dossiers_complained=int(bool(petitions) or disliked),
    )


def procedure_facts(
    procedure: ProcedureInfo,
    *,
    period_start: date,
    period_end: date,
    online_dossiers: int = 0,
    online_payments: int = 0,
    ruleset: str | RuleSet = DEFAULT_RULESET,
    calendar: WorkingCalendar = NO_HOLIDAYS,
) -> Counts:
    """One procedure's contributions for one unit in one month [`period_start`, `period_end`].

    `online_dossiers` / `online_payments`: the unit's online dossiers / dossiers paid online for
    this procedure in the month (for 3.2 and 3.5b). Stock metrics count procedure-months; 1.1
    and 1.2 count in the month of `announced_on`. Inactive procedures contribute nothing.
    """
    if not procedure.active:
        return Counts()
    rules = get_ruleset(ruleset)
    ministry = procedure.level == "ministry"
    values: dict[str, int] = {}

    announced = procedure.announced_on
    if announced is not None and period_start <= announced <= period_end:
        values["procedures_announced"] = 1
        effective = procedure.legal_basis_effective_on
        lead = (
            rules.publish_working_days_ministry if ministry else rules.publish_working_days_province
        )
        values["procedures_announced_on_time"] = int(
            effective is not None and announced <= calendar.working_day_before(effective, lead)
        )
        values["procedures_to_post"] = 1
        limit = rules.post_working_days_ministry if ministry else rules.post_working_days_province
        published = procedure.published_on
        values["procedures_posted_on_time"] = int(
            published is not None and published <= calendar.working_day_after(announced, limit)
        )

    if procedure.published_on is not None and procedure.published_on <= period_end:
        values["procedures_posted"] = 1
        values["procedures_content_complete"] = int(procedure.content_complete)

    values["procedures_in_scope"] = 1
    is_online = procedure.online_level in ("partial", "full")
    values["procedures_online"] = int(is_online)
    values["procedures_online_used"] = int(is_online and online_dossiers > 0)

    if procedure.has_fees:
        values["procedures_with_fees"] = 1
        values["procedures_fees_integrated"] = int(procedure.fees_integrated)
        values["procedures_paid_online"] = int(online_payments > 0)

    if procedure.applicant_type in ("citizen", "both"):
        values["procedures_for_citizens"] = 1
        values["procedures_population_connected"] = int(procedure.population_data_connected)
    return Counts(**values)


def unit_facts(*, communes: int, communes_certified_copy: int) -> Counts:
    """4.6: communes under the unit, and those offering electronic certified copies."""
    if communes < 0 or not 0 <= communes_certified_copy <= communes:
        raise ValueError("certified-copy communes must be between 0 and the number of communes")
    return Counts(communes=communes, communes_certified_copy=communes_certified_copy)


# --------------------------------------------------------------------------------------------
# Step 3: score


def metric_points(
    code: str,
    numerator: int,
    denominator: int,
    ruleset: str | RuleSet = DEFAULT_RULESET,
    *,
    max_points: int | None = None,
) -> MetricScore:
    """Score one metric from its numerator and denominator with the rule set's formula.

    `max_points` overrides the metric's maximum (the no-PAKN split moves points between
    metrics). The ratio is capped at 1 for scoring.
    """
    rules = get_ruleset(ruleset)
    metric = METRIC_BY_CODE[code]
    top = metric.max_points if max_points is None else max_points
    formula = rules.formula(code)
    ratio: Fraction | None
    if denominator <= 0:
        if formula.when_empty == "full":
            ratio, raw = None, Fraction(top)
        elif formula.when_empty == "zero":
            ratio, raw = Fraction(0), Fraction(0)
        else:
            ratio, raw = None, Fraction(0)
    else:
        ratio = Fraction(max(0, numerator), denominator)
        raw = min(Fraction(top), top * min(ratio, Fraction(1)) / formula.full_at)
    return MetricScore(
        code=code,
        group=metric.group,
        numerator=numerator,
        denominator=denominator,
        ratio=ratio,
        points=round_points(raw),
        max=top,
        portal_code=metric.portal_code,
    )


def _metric_inputs(
    counts: Counts,
    rules: RuleSet,
    period: PeriodKind | None,
    last_year_received: int | None,
) -> Iterator[tuple[MetricDef, int, int, int | None, bool]]:
    """(metric, numerator, denominator, max override, 1.4 fallback) of every metric: the rules
    `score` and `group_points` share (the no-PAKN split, 5.4's derived numerator)."""
    split = counts.petitions == 0 and rules.no_petitions == "split"
    for metric in METRICS:
        denominator = getattr(counts, metric.denominator) if metric.denominator else 0
        if metric.code == "5.4":
            numerator = max(
                0, counts.dossiers_received - counts.dossiers_late - counts.dossiers_complained
            )
        else:
            numerator = getattr(counts, metric.numerator) if metric.numerator else 0
        top: int | None = None
        if split and metric.code in ("5.2", "5.4"):
            top = metric.max_points + METRIC_BY_CODE["5.3"].max_points // 2
        elif split and metric.code == "5.3":
            top = 0
        fallback = bool(metric.code == "1.4" and denominator == 0 and period and last_year_received)
        yield metric, numerator, denominator, top, fallback


def score(
    counts: Counts,
    ruleset: str | RuleSet = DEFAULT_RULESET,
    *,
    period: PeriodKind | None = None,
    last_year_received: int | None = None,
) -> Scorecard:
    """The six groups and every metric for these counts.

    1.4's denominator falls back, when no dossier was received, to last year's total ÷ 12
    (month), ÷ 4 (quarter) or × 1 (year) if `period` and `last_year_received` are given; with
    no data for last year either the rate is 0.
    """
    rules = get_ruleset(ruleset)
    scored: list[MetricScore] = []
    for metric, numerator, denominator, top, fallback in _metric_inputs(
        counts, rules, period, last_year_received
    ):
        if fallback:
            assert period is not None and last_year_received is not None
            scored.append(_sync_with_fallback(numerator, last_year_received, period, rules))
            continue
        scored.append(metric_points(metric.code, numerator, denominator, rules, max_points=top))

    groups = tuple(
        GroupScore(
            code=code,
            points=sum((m.points for m in scored if m.group == code), Decimal(0)),
            max=top,
            metrics=tuple(m for m in scored if m.group == code),
        )
        for code, top in GROUPS
    )
    return Scorecard(
        ruleset=rules.code,
        groups=groups,
        total=sum((g.points for g in groups), Decimal(0)),
    )


# --------------------------------------------------------------------------------------------
# Step 3, points only: the same figures as `score` in integer arithmetic (bulk re-scoring)

# Beyond this denominator the exact half-up rounding and `round_points` (28 significant digits,
# then half-up) could in principle differ; such figures take `round_points` itself.
_EXACT_LIMIT = 10**18
_PERIODS_PER_YEAR = {"month": 12, "quarter": 4, "year": 1}


def _hundredths(numerator: int, denominator: int, top: int, formula: Formula) -> int:
    """`metric_points(...).points` × 100 as an int: min(top, top × min(n/d, 1) / full_at),
    rounded half-up to hundredths, without Fraction or Decimal."""
    if denominator <= 0:
        return 100 * top if formula.when_empty == "full" else 0
    full_at = formula.full_at
    # raw = p / q with p = top × min(n, d) × b, q = d × a, where full_at = a / b.
    p = top * min(max(0, numerator), denominator) * full_at.denominator
    q = denominator * full_at.numerator
    if p >= top * q:
        return 100 * top
    if q > _EXACT_LIMIT:
        return int(round_points(Fraction(p, q)) * 100)
    return (200 * p + q) // (2 * q)  # half-up: floor(100 p / q + 1/2)


def _hundredths_of_sync_fallback(
    numerator: int, last_year_received: int, period: PeriodKind, rules: RuleSet
) -> int:
    """`_sync_with_fallback(...).points` × 100: ratio n ÷ (last year ÷ k) = n·k ÷ last year."""
    if last_year_received < 0:  # a negative ratio: the reference path, rounding and all
        points = _sync_with_fallback(numerator, last_year_received, period, rules).points
        return int(points * 100)
    top = METRIC_BY_CODE["1.4"].max_points
    return _hundredths(
        max(0, numerator) * _PERIODS_PER_YEAR[period],
        last_year_received,
        top,
        Formula(full_at=rules.formula("1.4").full_at),
    )


# Decimal points for every hundredths value a group or total can take (0.00 … 100.00).
_POINTS = tuple(Decimal(h).scaleb(-2) for h in range(10001))


def _as_points(hundredths: int) -> Decimal:
    if 0 <= hundredths < len(_POINTS):
        return _POINTS[hundredths]
    return Decimal(hundredths).scaleb(-2)


@dataclass(frozen=True)
class Points:
    """The total and group points of a scorecard, without the metrics."""

    total: Decimal
    groups: Mapping[str, Decimal]


def group_points(
    counts: Counts,
    ruleset: str | RuleSet = DEFAULT_RULESET,
    *,
    period: PeriodKind | None = None,
    last_year_received: int | None = None,
) -> Points:
    """`score(...)`'s total and group points (equal values), in integer arithmetic: for
    re-scoring thousands of units, where the metric details are not kept. The tests hold the
    two to the same figures, rounding boundaries included."""
    rules = get_ruleset(ruleset)
    if not (period and last_year_received):  # no 1.4 fallback: the compiled path
        return vector_points([getattr(counts, name) for name in COUNT_FIELDS], rules)
    groups = dict.fromkeys(GROUP_MAX, 0)
    for metric, numerator, denominator, top, fallback in _metric_inputs(
        counts, rules, period, last_year_received
    ):
        if fallback:
            assert period is not None and last_year_received is not None
            value = _hundredths_of_sync_fallback(numerator, last_year_received, period, rules)
        else:
            maximum = metric.max_points if top is None else top
            value = _hundredths(numerator, denominator, maximum, rules.formula(metric.code))
        groups[metric.group] += value
    return Points(
        total=_as_points(sum(groups.values())),
        groups={code: _as_points(value) for code, value in groups.items()},
    )


# A rule set compiled for `vector_points`: whether a unit with no petitions splits 5.3's
# points, then per metric (group index, numerator index, denominator index, max points, max
# points under the split, a and b of full_at = a / b, full points when empty). Index -1: no
# denominator (0); numerator -1: none (0), -2: 5.4's derived numerator.
_Step = tuple[int, int, int, int, int, int, int, bool]
_GROUP_CODES = tuple(code for code, _top in GROUPS)
_FIELD_AT = {name: index for index, name in enumerate(COUNT_FIELDS)}
_PLANS: dict[str, tuple[bool, tuple[_Step, ...]]] = {}


def _compiled(rules: RuleSet) -> tuple[bool, tuple[_Step, ...]]:
    registered = RULESETS.get(rules.code) is rules
    if registered and rules.code in _PLANS:
        return _PLANS[rules.code]
    steps: list[_Step] = []
    half_of_5_3 = METRIC_BY_CODE["5.3"].max_points // 2
    for metric in METRICS:
        formula = rules.formula(metric.code)
        top = metric.max_points
        split_top = {"5.2": top + half_of_5_3, "5.4": top + half_of_5_3, "5.3": 0}.get(
            metric.code, top
        )
        if metric.code == "5.4":
            numerator = -2
        else:
            numerator = _FIELD_AT[metric.numerator] if metric.numerator else -1
        denominator = _FIELD_AT[metric.denominator] if metric.denominator else -1
        steps.append(
            (
                _GROUP_CODES.index(metric.group),
                numerator,
                denominator,
                top,
                split_top,
                formula.full_at.numerator,
                formula.full_at.denominator,
                formula.when_empty == "full",
            )
        )
    plan = (rules.no_petitions == "split", tuple(steps))
    if registered:
        _PLANS[rules.code] = plan
    return plan


_RECEIVED_AT = _FIELD_AT["dossiers_received"]
_LATE_AT = _FIELD_AT["dossiers_late"]
_COMPLAINED_AT = _FIELD_AT["dossiers_complained"]
_PETITIONS_AT = _FIELD_AT["petitions"]


def vector_points(values: Sequence[int], ruleset: str | RuleSet = DEFAULT_RULESET) -> Points:
    """`group_points` of counts given as a vector in `COUNT_FIELDS` order (re-scoring has them
    so), with no 1.4 fallback: the same integer arithmetic as `_hundredths`, the rule set
    compiled once into index tuples (a national round scores ~11,000 unit-periods; this is
    several times faster than going through `Counts` and `Fraction` per metric)."""
    splits, steps = _compiled(get_ruleset(ruleset))
    split = splits and values[_PETITIONS_AT] == 0
    sums = [0] * len(_GROUP_CODES)
    for group, num_at, den_at, top, split_top, a, b, empty_full in steps:
        if split:
            top = split_top
        denominator = values[den_at] if den_at >= 0 else 0
        if denominator <= 0:
            if empty_full:
                sums[group] += 100 * top
            continue
        if num_at >= 0:
            numerator = values[num_at]
        elif num_at == -2:
            numerator = max(0, values[_RECEIVED_AT] - values[_LATE_AT] - values[_COMPLAINED_AT])
        else:
            numerator = 0
        p = top * min(max(0, numerator), denominator) * b
        q = denominator * a
        if p >= top * q:
            sums[group] += 100 * top
        elif q > _EXACT_LIMIT:
            sums[group] += int(round_points(Fraction(p, q)) * 100)
        else:
            sums[group] += (200 * p + q) // (2 * q)
    return Points(
        total=_as_points(sum(sums)),
        groups={code: _as_points(value) for code, value in zip(_GROUP_CODES, sums, strict=True)},
    )


# --------------------------------------------------------------------------------------------
# Helpers


def round_points(value: Fraction) -> Decimal:
    """Points rounded half-up to 2 decimals, as DVCQG publishes them."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.astimezone(TZ).date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _sync_with_fallback(
    numerator: int, last_year_received: int, period: PeriodKind, rules: RuleSet
) -> MetricScore:
    """1.4 when no dossier was received: last year's total ÷ 12 / ÷ 4 / × 1 as denominator."""
    per_period = Fraction(last_year_received, {"month": 12, "quarter": 4, "year": 1}[period])
    ratio = min(Fraction(max(0, numerator)) / per_period, Fraction(1))
    metric = METRIC_BY_CODE["1.4"]
    raw = min(Fraction(metric.max_points), metric.max_points * ratio / rules.formula("1.4").full_at)
    return MetricScore(
        code="1.4",
        group=metric.group,
        numerator=numerator,
        denominator=0,
        ratio=ratio,
        points=round_points(raw),
        max=metric.max_points,
        portal_code=metric.portal_code,
    )


def _processing_seconds(p: Processing) -> int:
    if p.end_at is None:
        return 0
    return max(0, int((p.end_at - p.received_at).total_seconds()) - p.supplement_seconds)


__all__ = [
    "DEFAULT_RULESET",
    "GROUPS",
    "METRICS",
    "PORTAL_RULESET",
    "RULESETS",
    "Counts",
    "Formula",
    "GroupScore",
    "MetricDef",
    "MetricScore",
    "Points",
    "ProcedureInfo",
    "RuleSet",
    "Scorecard",
    "UnknownRuleSet",
    "dossier_facts",
    "get_ruleset",
    "group_points",
    "metric_points",
    "on_time",
    "petition_on_time",
    "procedure_facts",
    "score",
    "unit_facts",
]
