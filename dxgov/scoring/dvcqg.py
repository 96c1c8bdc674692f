"""Parse the national portal's (DVCQG) Decision 766 evaluation responses and check their scores.

Pure module: decoded JSON in, plain values out. The six endpoints and their shapes are described in
`shared/reference/dvcqg-766-api.md`:

* metric lists (`transparency`, `handling-satisfaction`, `dossier-digitized`): `data.overview`
  (the province) and `data.evaluation[]` (units), each with `metrics[]`;
* trees (`dvc-progress-tree`, `provide-online-tree`, `formality-online-payment-tree`):
  `data.parent` (the province) and `data.children[]` (units).

For every unit and group, `parse()` gives the official score as published (never replaced), the
counts the response carries, and the score recomputed from those counts with the engine's
formulas (`qd766.metric_points`, rule set `qd766-portal-v1` by default). A difference above
`TOLERANCE` (0.015 points: every published figure is rounded to 2 decimals) is flagged. The online
services group (`provide-online-tree`) has no confirmed formula and its children carry no counts:
its computed score is None and `formula_known` False, never a guess.

A file is either the bare response envelope (`{"code": "OK", "data": …}`) or a capture that keeps
the request with it (`{"endpoint": …, "request": {…}, "captured_at": …, "response": {…}}`). The
endpoint is recognised from the response's content; the period comes from the request body
(`timeType`/`year`/`month`/`quarter`, or `fromDate`/`toDate` for satisfaction).
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from dxgov.core.periods import Frequency, period_code, split_code
from dxgov.scoring import qd766

TOLERANCE = Decimal("0.015")

TRANSPARENCY = "transparency"
SATISFACTION = "handling-satisfaction"
DIGITISATION = "dossier-digitized"
PROGRESS = "dvc-progress-tree"
ONLINE = "provide-online-tree"
PAYMENT = "formality-online-payment-tree"

ENDPOINT_GROUP: dict[str, str] = {
    TRANSPARENCY: "publicity",
    PROGRESS: "progress",
    ONLINE: "online",
    PAYMENT: "payment",
    DIGITISATION: "digitisation",
    SATISFACTION: "satisfaction",
}
METRIC_ENDPOINTS = (TRANSPARENCY, SATISFACTION, DIGITISATION)
TREE_ENDPOINTS = (PROGRESS, ONLINE, PAYMENT)

# Portal metric codes scored from numerator/denominator with the engine's formula of that code.
_CERTIFIED_COPY = "ELECTRONIC_CERTIFIED_COPY"
_INFORMATIVE = frozenset({"PETITION_CLASSIFICATION_TTHC", "PETITION_CLASSIFICATION_STAFF"})

_TREE_COUNTS: dict[str, tuple[str, ...]] = {
    PROGRESS: ("totalReceived", "totalOnTime", "totalOverdue", "totalCompleted"),
    PAYMENT: (
        "totalDossierFinancialObligation",
        "totalDossierOnlinePaymentSuccess",
        "totalFeeFormality",
        "totalFeeDossierFormalityDistinct",
        "totalDossierOnlineFormalityPaymentSuccess",
        "totalFeeDossierFormality",
    ),
    ONLINE: (
        "authorityCount",
        "partialCount",
        "fullCount",
        "onlineServiceTotal",
        "onlineDossierCount",
        "channelOnlineSum",
        "channelDirectSum",
        "channelPostalSum",
        "channelTotalSum",
        "onlineOnTimeSum",
        "onlineOverdueSum",
    ),
}
_SATISFACTION_COUNTS = ("totalPetitions", "classifiedPetitions", "totalDossiers")

ONLINE_NOTE = (
    "No confirmed formula for online services: the published score is kept and not recomputed."
)


class DvcqgFormatError(ValueError):
    """The file is not a DVCQG evaluation response this parser knows; the message says why."""


@dataclass(frozen=True)
class MetricCheck:
    """One metric of a metric-list row: as published, and recomputed."""

    code: str
    numerator: int | None
    denominator: int | None
    ratio: Decimal | None  # percent 0–100 as published
    official_score: Decimal | None
    max_score: int
    computed_score: Decimal | None
    data_quality_status: str | None = None


@dataclass(frozen=True)
class UnitGroup:
    """One unit's score in one group, for one period."""

    endpoint: str
    group: str
    unit_id: str
    unit_code: str | None
    unit_name: str
    level: str | None  # PROVINCE / COMMUNE; None for tree parents
    is_root: bool  # the province row (tree parent or metric overview)
    period: str | None  # "202608", "2026Q3", "2026" (core.periods), or "2026-07-01..2026-07-15"
    official_score: Decimal | None
    max_score: int
    counts: Mapping[str, int | None]
    computed_score: Decimal | None
    formula_known: bool
    note: str = ""
    metrics: tuple[MetricCheck, ...] = field(default=())

    @property
    def difference(self) -> Decimal | None:
        if self.official_score is None or self.computed_score is None:
            return None
        return self.official_score - self.computed_score

    @property
    def flagged(self) -> bool:
        difference = self.difference
        return difference is not None and abs(difference) > TOLERANCE

    def as_json(self) -> dict[str, Any]:
        """Plain JSON values (scores as numbers with 2 decimals)."""
        difference = self.difference
        return {
            "unit_code": self.unit_code,
            "unit_id": self.unit_id,
            "unit_name": self.unit_name,
            "level": self.level,
            "is_root": self.is_root,
            "group": self.group,
            "endpoint": self.endpoint,
            "period": self.period,
            "official_score": _number(self.official_score),
            "computed_score": _number(self.computed_score),
            "difference": None if difference is None else float(difference.quantize(_CENT)),
            "flagged": self.flagged,
            "max_score": self.max_score,
            "formula_known": self.formula_known,
            "note": self.note,
            "counts": dict(self.counts),
        }


@dataclass(frozen=True)
class Response:
    """One parsed file: endpoint, period and its unit rows."""

    endpoint: str
    period: str | None
    captured_at: str | None
    rows: tuple[UnitGroup, ...]
    warnings: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# Entry points


def parse(
    payload: Mapping[str, Any],
    *,
    period: str | None = None,
    ruleset: str | qd766.RuleSet = qd766.PORTAL_RULESET,
) -> Response:
    """Parse one capture or bare envelope. `period` overrides what the request says."""
    if not isinstance(payload, Mapping):
        raise DvcqgFormatError("The file must hold a JSON object.")
    envelope: Any = payload.get("response", payload)
    request = payload.get("request") if "response" in payload else None
    if not isinstance(envelope, Mapping):
        raise DvcqgFormatError("The capture's 'response' must be a JSON object.")
    code = envelope.get("code")
    if code is not None and code != "OK":
        raise DvcqgFormatError(f"The portal answered code {code!r}, not 'OK'.")
    data = envelope.get("data")
    if not isinstance(data, Mapping):
        raise DvcqgFormatError("The response has no 'data' object.")
    endpoint = detect_endpoint(data, hint=payload.get("endpoint"))
    if period:
        period = _code(period)
    else:
        period = period_of(request) if isinstance(request, Mapping) else None
    rules = qd766.get_ruleset(ruleset)
    warnings: list[str] = []
    if endpoint in METRIC_ENDPOINTS:
        rows = _metric_rows(endpoint, data, period, rules)
        pagination = data.get("pagination")
        if isinstance(pagination, Mapping) and int(pagination.get("totalPages") or 1) > 1:
            warnings.append(
                f"{endpoint}: page {pagination.get('currentPage')} of "
                f"{pagination.get('totalPages')}; fetch the other pages too."
            )
    else:
        rows = _tree_rows(endpoint, data, period, rules)
    captured = payload.get("captured_at")
    return Response(
        endpoint=endpoint,
        period=period,
        captured_at=str(captured) if captured is not None else None,
        rows=tuple(rows),
        warnings=tuple(warnings),
    )


def parse_many(
    payloads: Iterable[Mapping[str, Any]],
    *,
    period: str | None = None,
    ruleset: str | qd766.RuleSet = qd766.PORTAL_RULESET,
) -> list[Response]:
    """Parse several files and fill the unit codes that transparency and satisfaction lack.

    Units are joined by `departmentId` across the files (the tree endpoints and digitisation
    carry `departmentCode`).
    """
    responses = [parse(p, period=period, ruleset=ruleset) for p in payloads]
    codes = {row.unit_id: row.unit_code for r in responses for row in r.rows if row.unit_code}
    return [
        replace(
            r,
            rows=tuple(
                row if row.unit_code else replace(row, unit_code=codes.get(row.unit_id))
                for row in r.rows
            ),
        )
        for r in responses
    ]


def detect_endpoint(data: Mapping[str, Any], *, hint: Any = None) -> str:
    """Which endpoint answered, from the content (shape, metric codes), checked against `hint`."""
    found: str | None = None
    if "evaluation" in data or "overview" in data:
        row = data.get("overview") or next(iter(data.get("evaluation") or ()), None)
        codes = {m.get("code") for m in (row or {}).get("metrics") or () if isinstance(m, Mapping)}
        if codes & {"PUBLISH_ON_TIME", "DOSSIER_SYNC", "PUBLIC_CONTENT_FULL"}:
            found = TRANSPARENCY
        elif codes & {"DOSSIER_RECEIVING_SATISFACTION", "PETITION_PROCESSING_ON_TIME"}:
            found = SATISFACTION
        elif codes & {"ORIGINAL_RESULT_AVAILABLE", "REUSED_DIGITIZED_DATA"}:
            found = DIGITISATION
    elif "parent" in data or "children" in data:
        parent = data.get("parent") or {}
        child = next(iter(data.get("children") or ()), None) or {}
        keys = set(parent) | set(child)
        if "totalDossierFinancialObligation" in keys:
            found = PAYMENT
        elif "totalReceived" in keys or "totalOnTime" in keys:
            found = PROGRESS
        elif (
            "authorityCount" in keys
            or "channelTotalSum" in keys
            or (child.get("totalMaxScore") or parent.get("totalMaxScore")) == 12
        ):
            found = ONLINE
    if found is None:
        if isinstance(hint, str) and hint in ENDPOINT_GROUP:
            return hint
        raise DvcqgFormatError(
            "Not a DVCQG Decision 766 evaluation response: expected data.overview/evaluation "
            "with known metric codes, or data.parent/children of a known tree."
        )
    if isinstance(hint, str) and hint and hint != found:
        raise DvcqgFormatError(f"The capture says endpoint {hint!r} but holds a {found!r} reply.")
    return found


def _code(text: str) -> str:
    """A period given by hand, as its period code (2026-08 → 202608); a span as it is."""
    parts = split_code(text, dashed=True)
    return period_code(*parts) if parts is not None else text


def period_of(request: Mapping[str, Any]) -> str | None:
    """The period a request body asks for: its period code (202608, 2026Q3, 2026; see
    core.periods) or, for a span that is none of those, "from..to"."""
    time_type = request.get("timeType")
    year = request.get("year")
    if time_type and year:
        if time_type == "month" and request.get("month"):
            return period_code(Frequency.MONTH, int(year), int(request["month"]))
        if time_type == "quarter" and request.get("quarter"):
            return period_code(Frequency.QUARTER, int(year), int(request["quarter"]))
        if time_type == "year":
            return period_code(Frequency.YEAR, int(year))
    start, end = request.get("fromDate"), request.get("toDate")
    if start and end:
        return _span_period(date.fromisoformat(str(start)), date.fromisoformat(str(end)))
    return None


# --------------------------------------------------------------------------------------------
# Metric lists


def _metric_rows(
    endpoint: str, data: Mapping[str, Any], period: str | None, rules: qd766.RuleSet
) -> list[UnitGroup]:
    rows: list[UnitGroup] = []
    overview = data.get("overview")
    if isinstance(overview, Mapping):
        rows.append(_metric_row(endpoint, overview, period, rules, is_root=True))
    for item in data.get("evaluation") or ():
        if isinstance(item, Mapping):
            rows.append(_metric_row(endpoint, item, period, rules, is_root=False))
    return rows


def _metric_row(
    endpoint: str,
    row: Mapping[str, Any],
    period: str | None,
    rules: qd766.RuleSet,
    *,
    is_root: bool,
) -> UnitGroup:
    checks: list[MetricCheck] = []
    unknown: list[str] = []
    for item in row.get("metrics") or ():
        if not isinstance(item, Mapping):
            continue
        check = _metric_check(item, rules)
        if check.computed_score is None and check.code not in _INFORMATIVE:
            unknown.append(check.code)
        checks.append(check)
    counts: dict[str, int | None] = {}
    for check in checks:
        counts[f"{check.code}.numerator"] = check.numerator
        counts[f"{check.code}.denominator"] = check.denominator
    if endpoint == SATISFACTION:
        for key in _SATISFACTION_COUNTS:
            counts[key] = _int(row.get(key))
    known = not unknown
    computed = sum((c.computed_score or Decimal(0) for c in checks), Decimal(0)) if known else None
    note = "" if known else "No known formula for " + ", ".join(unknown) + "."
    group = ENDPOINT_GROUP[endpoint]
    return UnitGroup(
        endpoint=endpoint,
        group=group,
        unit_id=str(row.get("departmentId") or ""),
        unit_code=row.get("departmentCode") or None,
        unit_name=str(row.get("departmentName") or ""),
        level=row.get("departmentLevel"),
        is_root=is_root,
        period=period,
        official_score=_dec(row.get("totalScore")),
        max_score=_int(row.get("totalMaxScore")) or qd766.GROUP_MAX[group],
        counts=counts,
        computed_score=computed,
        formula_known=known,
        note=note,
        metrics=tuple(checks),
    )


def _metric_check(item: Mapping[str, Any], rules: qd766.RuleSet) -> MetricCheck:
    code = str(item.get("code") or "")
    numerator, denominator = _int(item.get("numerator")), _int(item.get("denominator"))
    ratio = _dec(item.get("ratio"))
    max_score = _int(item.get("maxScore")) or 0
    computed: Decimal | None
    if code in _INFORMATIVE or max_score == 0:
        computed = Decimal(0)
    elif code == _CERTIFIED_COPY and (numerator is None or denominator is None):
        # The portal sends no counts for certified copies: the published ratio is all there is.
        computed = (
            Decimal(0)
            if ratio is None
            else qd766.round_points(min(Fraction(max_score), max_score * Fraction(ratio) / 100))
        )
    elif code in qd766.METRIC_BY_PORTAL_CODE and numerator is not None and denominator is not None:
        metric = qd766.METRIC_BY_PORTAL_CODE[code]
        computed = qd766.metric_points(
            metric.code, numerator, denominator, rules, max_points=max_score
        ).points
    elif numerator is None and denominator is None and item.get("score") is None:
        computed = Decimal(0)  # published as null: adds 0 to the total
    else:
        computed = None
    return MetricCheck(
        code=code,
        numerator=numerator,
        denominator=denominator,
        ratio=ratio,
        official_score=_dec(item.get("score")),
        max_score=max_score,
        computed_score=computed,
        data_quality_status=item.get("dataQualityStatus"),
    )


# --------------------------------------------------------------------------------------------
# Trees


def _tree_rows(
    endpoint: str, data: Mapping[str, Any], period: str | None, rules: qd766.RuleSet
) -> list[UnitGroup]:
    rows: list[UnitGroup] = []
    parent = data.get("parent")
    if isinstance(parent, Mapping):
        rows.append(_tree_row(endpoint, parent, period, rules, is_root=True))
    for child in data.get("children") or ():
        if isinstance(child, Mapping):
            rows.append(_tree_row(endpoint, child, period, rules, is_root=False))
    return rows


def _tree_row(
    endpoint: str,
    row: Mapping[str, Any],
    period: str | None,
    rules: qd766.RuleSet,
    *,
    is_root: bool,
) -> UnitGroup:
    group = ENDPOINT_GROUP[endpoint]
    counts = {key: _int(row[key]) for key in _TREE_COUNTS[endpoint] if key in row}
    # Progress children use score/maxScore; every other tree row uses totalScore/totalMaxScore.
    official = _dec(row["totalScore"]) if "totalScore" in row else _dec(row.get("score"))
    max_score = _int(row.get("totalMaxScore", row.get("maxScore"))) or qd766.GROUP_MAX[group]
    computed: Decimal | None = None
    known = True
    note = ""
    if endpoint == PROGRESS:
        computed = _progress(counts, rules)
    elif endpoint == PAYMENT:
        computed = _payment(counts, rules)
    else:
        known = False
        note = ONLINE_NOTE
    if known and computed is None:
        known = False
        note = "The row lacks the counts its formula needs."
    return UnitGroup(
        endpoint=endpoint,
        group=group,
        unit_id=str(row.get("departmentId") or ""),
        unit_code=row.get("departmentCode") or None,
        unit_name=str(row.get("departmentName") or ""),
        level=row.get("level"),
        is_root=is_root,
        period=period,
        official_score=official,
        max_score=max_score,
        counts=counts,
        computed_score=computed,
        formula_known=known,
        note=note,
    )


def _progress(counts: Mapping[str, int | None], rules: qd766.RuleSet) -> Decimal | None:
    received, on_time = counts.get("totalReceived"), counts.get("totalOnTime")
    if received is None or on_time is None:
        return None
    return qd766.metric_points("2.1", on_time, received, rules).points


def _payment(counts: Mapping[str, int | None], rules: qd766.RuleSet) -> Decimal | None:
    """6A + min(2, 2.5B) + 2.5C (portal rule set): 3.6, 3.5b and 3.5, each rounded."""
    needed = (
        "totalDossierOnlinePaymentSuccess",
        "totalDossierFinancialObligation",
        "totalDossierOnlineFormalityPaymentSuccess",
        "totalFeeDossierFormality",
        "totalFeeFormality",
    )
    values = [counts.get(key) for key in needed]
    if any(v is None for v in values):
        return None
    paid, obliged, paid_procedures, integrated, with_fees = (int(v or 0) for v in values)
    parts: Sequence[qd766.MetricScore] = (
        qd766.metric_points("3.6", paid, obliged, rules),
        qd766.metric_points("3.5b", paid_procedures, with_fees, rules),
        qd766.metric_points("3.5", integrated, with_fees, rules),
    )
    return sum((p.points for p in parts), Decimal(0))


# --------------------------------------------------------------------------------------------
# Helpers

_CENT = Decimal("0.01")


def _dec(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value.quantize(_CENT))


def _span_period(start: date, end: date) -> str:
    if start.year == end.year and start.day == 1:
        last = _calendar.monthrange(end.year, end.month)[1]
        if end.day == last:
            if start.month == end.month:
                return period_code(Frequency.MONTH, start.year, start.month)
            if start.month % 3 == 1 and end.month == start.month + 2:
                return period_code(Frequency.QUARTER, start.year, (start.month - 1) // 3 + 1)
            if start.month == 1 and end.month == 12:
                return period_code(Frequency.YEAR, start.year)
    return f"{start.isoformat()}..{end.isoformat()}"
