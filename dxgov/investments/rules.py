"""Green or red: the one validation of every public-investment update (pure: no ORM).

Every update — a decision, a capital plan or its change, a disbursed value, a month's
progress, a milestone, a schedule — comes here as typed text with the stored figures it is
judged against, and gets back its findings field by field. No findings: green, the action
saves it. Any finding: red, the action saves nothing and the page, the API answer or the
Excel report names each field and says what to fix. The web form, the API and the Excel
import call the same functions, so a figure refused in one is refused in all.

Amounts are whole đồng typed the Vietnamese way, "1.234.567.000" (dots between thousands),
read exactly by `indicators.validation.parse_number`; "1,234.5" has decimals and is refused,
never rounded. The rules, from the reference's §1 (Circular 13/2016, Decree 29/2021,
dispatches 26 and 169/CĐ-TTg of 2025):

- disbursed never above the plan of that plan year and funding source;
- cumulative figures (disbursed, accepted value, physical progress) never go down without a
  stated correction;
- physical progress is a percentage from 0 to 100;
- dates are consistent: a disbursement inside its plan year's window (1 January to 31
  January of the next year), milestones inside the project's schedule, nothing in the
  future, a decision not dated before the one it adjusts;
- the funding sources add up to the total (of a decision, of a form's row);
- an adjustment of a baseline has its number, date and reason: nothing is re-baselined
  silently (the decisions themselves are never edited).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from dxgov.core import formats
from dxgov.directives.rules import number_problem
from dxgov.indicators.validation import InvalidNumber, format_number, parse_number
from dxgov.investments.planyear import in_window, window

# The codes of models.FundingSource, DisbursementKind, DelayCause, DecisionKind and
# AllocationKind (a test holds them equal): the pure rules cannot import the models.
SOURCES = ("central_budget", "local_budget", "oda", "other_state")
ESTIMATE, ACTUAL = "estimate", "actual"
KINDS = (ESTIMATE, ACTUAL)
DELAY_CAUSES = ("procedures", "site_clearance", "capacity", "late_capital", "other")
POLICY, INVESTMENT, ADJUSTMENT = "policy", "investment", "adjustment"
DECISION_KINDS = (POLICY, INVESTMENT, ADJUSTMENT)
INITIAL, ADDITION, CUT, TRANSFER = "initial", "addition", "cut", "transfer"
ALLOCATION_KINDS = (INITIAL, ADDITION, CUT, TRANSFER)

# 10^16 đồng (ten million billion) is far above any plan; a longer figure is a typing slip.
MAX_DIGITS = 16
MAX_AMOUNT = 10**MAX_DIGITS - 1
MAX_NOTE = 2000

Findings = dict[str, list[str]]


class InvalidAmount(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def dong(value: int | Decimal) -> str:
    """An amount as the forms show it: "1.234.567.000 đồng"."""
    return _("%(amount)s đồng") % {"amount": format_number(Decimal(value), 0)}


def day_text(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def parse_amount(typed: object) -> int:
    """Whole đồng from what a person typed ("1.234.567.000") or a number cell or JSON number.

    Refused: decimals ("1,234.5", "1234,5"), negative amounts, text that is no number, more
    than 16 digits. Raises InvalidAmount with a message a user can act on.
    """
    if isinstance(typed, bool) or typed is None:
        raise InvalidAmount(_("Type an amount in đồng, for example 1.234.567.000."))
    if isinstance(typed, int):
        number = Decimal(typed)
    elif isinstance(typed, float | Decimal):
        try:
            number = Decimal(typed)
        except (InvalidOperation, ValueError):
            raise InvalidAmount(_("Type an amount in đồng, for example 1.234.567.000.")) from None
        if not number.is_finite():
            raise InvalidAmount(_("Type an amount in đồng, for example 1.234.567.000."))
    elif isinstance(typed, str):
        text = typed.strip()
        if not text:
            raise InvalidAmount(_("Type an amount in đồng, for example 1.234.567.000."))
        try:
            number = parse_number(text, 6)
        except InvalidNumber:
            raise InvalidAmount(
                _(
                    "“%(text)s” is not an amount in đồng. Type whole đồng with dots between "
                    "thousands, for example 1.234.567.000."
                )
                % {"text": text[:40]}
            ) from None
    else:
        raise InvalidAmount(_("Type an amount in đồng, for example 1.234.567.000."))
    if number != number.to_integral_value():
        raise InvalidAmount(
            _(
                "“%(text)s” has decimals: amounts are whole đồng. Type it with dots between "
                "thousands and no decimals, for example 1.234.567.000."
            )
            % {"text": str(typed).strip()[:40]}
        )
    if number < 0:
        raise InvalidAmount(_("An amount cannot be negative."))
    if number > MAX_AMOUNT:
        raise InvalidAmount(
            _("This amount is too large: at most %(digits)d digits.") % {"digits": MAX_DIGITS}
        )
    return int(number)


def parse_percent(typed: object) -> Decimal:
    """A percentage with at most one decimal ("45", "45,5"), from 0 to 100."""
    if isinstance(typed, bool) or typed is None:
        raise InvalidAmount(_("Type a percentage from 0 to 100."))
    if isinstance(typed, int | float | Decimal):
        try:
            number = Decimal(str(typed))
        except InvalidOperation:
            raise InvalidAmount(_("Type a percentage from 0 to 100.")) from None
    elif isinstance(typed, str) and typed.strip():
        try:
            number = parse_number(typed.strip().rstrip("%").strip(), 1)
        except InvalidNumber as exc:
            raise InvalidAmount(str(exc)) from None
    else:
        raise InvalidAmount(_("Type a percentage from 0 to 100."))
    if not number.is_finite() or number < 0 or number > 100:
        raise InvalidAmount(
            _("Physical progress is a percentage from 0 to 100; %(value)s is not.")
            % {"value": str(typed).strip()[:20]}
        )
    if number != number.quantize(Decimal("0.1")):
        raise InvalidAmount(_("Give the percentage with at most one decimal."))
    return number.quantize(Decimal("0.1"))


@dataclass
class Verdict:
    """The findings of one update, by field; green when there are none."""

    findings: Findings = field(default_factory=dict)
    values: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.findings

    def add(self, name: str, message: str) -> None:
        self.findings.setdefault(name, []).append(message)

    def amount(self, name: str, typed: object, *, required: bool = True) -> int | None:
        if not required and (typed is None or (isinstance(typed, str) and not typed.strip())):
            return None
        try:
            value = parse_amount(typed)
        except InvalidAmount as exc:
            self.add(name, exc.message)
            return None
        self.values[name] = value
        return value


def _future(verdict: Verdict, name: str, day: date | None, today: date) -> None:
    # Translated only when it is said: a bulk of thousands of rows asks this of every one.
    if day is not None and day > today:
        verdict.add(name, _("The date %(day)s is in the future.") % {"day": day_text(day)})


def _note(verdict: Verdict, name: str, text: str) -> None:
    if len(text) > MAX_NOTE:
        verdict.add(name, _("At most %(count)d characters.") % {"count": MAX_NOTE})


# --- disbursement ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A stored cumulative disbursed value of one project, plan year and source."""

    as_of: date
    kind: str
    value: int


@dataclass(frozen=True)
class DisbursementRow:
    """One typed disbursement update: the cumulative value as of a date."""

    key: tuple[int, int, str]  # (project id, plan year, source)
    as_of: date | None
    kind: str
    value: object
    note: str = ""


def effective(figures: Iterable[Figure]) -> list[Figure]:
    """One figure per date, in date order: the actual where there is one, else the estimate
    (an actual replaces an estimate; both stay stored)."""
    by_day: dict[date, Figure] = {}
    for figure in figures:
        kept = by_day.get(figure.as_of)
        if kept is None or (kept.kind == ESTIMATE and figure.kind == ACTUAL):
            by_day[figure.as_of] = figure
    return [by_day[day] for day in sorted(by_day)]


def _basic_disbursement(row: DisbursementRow, today: date) -> Verdict:
    verdict = Verdict()
    _project_id, plan_year, source = row.key
    if source not in SOURCES:
        verdict.add("source", _("Choose a funding source."))
    if row.kind not in KINDS:
        verdict.add("kind", _("Say whether the figure is an estimate or the actual value."))
    if row.as_of is None:
        verdict.add("as_of", _("Give the date the figure is as of (dd/mm/yyyy)."))
    elif not in_window(plan_year, row.as_of):
        start, end = window(plan_year)
        verdict.add(
            "as_of",
            _(
                "The capital of plan year %(year)d is disbursed from %(start)s to %(end)s; "
                "%(day)s is outside that window."
            )
            % {
                "year": plan_year,
                "start": day_text(start),
                "end": day_text(end),
                "day": day_text(row.as_of),
            },
        )
    _future(verdict, "as_of", row.as_of, today)
    verdict.amount("value", row.value)
    _note(verdict, "note", row.note)
    return verdict


def check_disbursements(
    rows: Sequence[DisbursementRow],
    stored: Mapping[tuple[int, int, str], Sequence[Figure]],
    plans: Mapping[tuple[int, int, str], int],
    *,
    today: date,
) -> list[Verdict]:
    """Each row's verdict, in order. Rows of one key are judged together with the figures
    stored for it: the merged timeline must not go down anywhere a row touches, unless the
    row that goes down states a correction (`note`)."""
    verdicts = [_basic_disbursement(row, today) for row in rows]
    incoming: dict[tuple[int, int, str], dict[tuple[date, str], int]] = {}
    for index, (row, verdict) in enumerate(zip(rows, verdicts, strict=True)):
        if not verdict.ok or row.as_of is None:
            continue
        value = verdict.values["value"]
        assert isinstance(value, int)
        plan = plans.get(row.key, 0)
        if value > plan:
            verdict.add("value", _above_plan(row, value, plan))
            continue
        same = incoming.setdefault(row.key, {})
        if (row.as_of, row.kind) in same:
            verdict.add(
                "as_of",
                _("This project, source and date appear twice in the update; keep one row."),
            )
            continue
        same[(row.as_of, row.kind)] = index
        if row.kind == ESTIMATE and any(
            f.as_of == row.as_of and f.kind == ACTUAL for f in stored.get(row.key, ())
        ):
            verdict.add(
                "kind",
                _(
                    "The actual value as of %(day)s is already recorded; an estimate cannot "
                    "replace it."
                )
                % {"day": day_text(row.as_of)},
            )
    for key, indexes in incoming.items():
        _check_timeline(key, indexes, rows, verdicts, stored.get(key, ()))
    return verdicts


def _above_plan(row: DisbursementRow, value: int, plan: int) -> str:
    if plan == 0:
        return _(
            "This project has no capital plan for %(year)d from this source; record the plan "
            "(or the added capital) before its disbursement."
        ) % {"year": row.key[1]}
    return _(
        "Disbursed %(value)s is above the plan for %(year)d from this source (%(plan)s). "
        "Check the figure, or record the added capital first."
    ) % {"value": dong(value), "year": row.key[1], "plan": dong(plan)}


def _check_timeline(
    key: tuple[int, int, str],
    indexes: dict[tuple[date, str], int],
    rows: Sequence[DisbursementRow],
    verdicts: list[Verdict],
    stored: Sequence[Figure],
) -> None:
    merged: dict[tuple[date, str], Figure] = {(f.as_of, f.kind): f for f in stored}
    for (day, kind), index in indexes.items():
        value = verdicts[index].values["value"]
        assert isinstance(value, int)
        merged[(day, kind)] = Figure(day, kind, value)
    timeline = effective(merged.values())
    for previous, current in itertools.pairwise(timeline):
        if current.value >= previous.value:
            continue
        now = indexes.get((current.as_of, current.kind))
        before = indexes.get((previous.as_of, previous.kind))
        if now is not None:
            if not rows[now].note.strip():
                verdicts[now].add(
                    "value",
                    _(
                        "The cumulative disbursement cannot go down from %(old)s (as of "
                        "%(day)s) to %(new)s without a correction note saying why."
                    )
                    % {
                        "old": dong(previous.value),
                        "day": day_text(previous.as_of),
                        "new": dong(current.value),
                    },
                )
        elif before is not None:
            verdicts[before].add(
                "value",
                _(
                    "A later figure, %(later)s as of %(day)s, is lower than this one: the "
                    "cumulative disbursement would go down. Check the figure, or correct the "
                    "later one."
                )
                % {"later": dong(current.value), "day": day_text(current.as_of)},
            )


def check_sources_total(typed_total: object, values: Mapping[str, int]) -> str | None:
    """When a total is typed beside the sources, it must be their sum."""
    if typed_total is None or (isinstance(typed_total, str) and not typed_total.strip()):
        return None
    try:
        total = parse_amount(typed_total)
    except InvalidAmount as exc:
        return exc.message
    added = sum(values.values())
    if total != added:
        return _("The funding sources add up to %(sum)s, not the total %(total)s.") % {
            "sum": dong(added),
            "total": dong(total),
        }
    return None


# --- progress, accepted value, milestones ---------------------------------------------------


@dataclass(frozen=True)
class ProgressInput:
    month: date | None  # the month reported (its first day)
    as_of: date | None
    percent: object
    accepted: object
    causes: Sequence[str] = ()
    note: str = ""
    reason: str = ""  # why a figure goes down


@dataclass(frozen=True)
class ProgressContext:
    today: date
    start: date | None  # the project's schedule (current baseline)
    end: date | None
    total_investment: int
    previous_percent: Decimal | None = None
    previous_accepted: int | None = None
    next_percent: Decimal | None = None  # a later month already reported
    next_accepted: int | None = None


def check_progress(data: ProgressInput, context: ProgressContext) -> Verdict:
    verdict = Verdict()
    if data.month is None:
        verdict.add("month", _("Choose the month reported."))
    if data.as_of is None:
        verdict.add("as_of", _("Give the date the figures are as of (dd/mm/yyyy)."))
    _future(verdict, "as_of", data.as_of, context.today)
    if data.month is not None and data.as_of is not None and data.as_of < data.month:
        verdict.add("as_of", _("The figures of a month are as of a day in or after that month."))
    if data.as_of is not None and context.start is not None and data.as_of < context.start:
        verdict.add(
            "as_of",
            _("The project starts on %(start)s; progress cannot be dated before it.")
            % {"start": day_text(context.start)},
        )
    try:
        percent: Decimal | None = parse_percent(data.percent)
        verdict.values["percent"] = percent
    except InvalidAmount as exc:
        verdict.add("percent", exc.message)
        percent = None
    accepted = verdict.amount("accepted", data.accepted, required=False)
    stated = bool(data.reason.strip())
    if percent is not None and not stated:
        _progress_order(verdict, percent, context)
    if accepted is not None:
        if accepted > context.total_investment:
            verdict.add(
                "accepted",
                _("The accepted value %(value)s is above the total investment %(total)s.")
                % {"value": dong(accepted), "total": dong(context.total_investment)},
            )
        previous = context.previous_accepted
        if previous is not None and accepted < previous and not stated:
            verdict.add(
                "accepted",
                _("The accepted value cannot go down from %(old)s to %(new)s without a reason.")
                % {"old": dong(previous), "new": dong(accepted)},
            )
    unknown = [c for c in data.causes if c not in DELAY_CAUSES]
    if unknown:
        verdict.add("causes", _("Choose the causes of delay from the list."))
    if "other" in data.causes and not data.note.strip():
        verdict.add("note", _("Say what the other cause of delay is."))
    _note(verdict, "note", data.note)
    _note(verdict, "reason", data.reason)
    return verdict


def _percent(value: Decimal) -> str:
    """45,5 — the percentage as the user reads it (the message adds the %)."""
    return formats.number(value, 1)


def _progress_order(verdict: Verdict, percent: Decimal, context: ProgressContext) -> None:
    """Without a stated reason, physical progress never goes down from month to month."""
    if context.previous_percent is not None and percent < context.previous_percent:
        verdict.add(
            "percent",
            _("Physical progress cannot go down from %(old)s%% to %(new)s%% without a reason.")
            % {"old": _percent(context.previous_percent), "new": _percent(percent)},
        )
    if context.next_percent is not None and percent > context.next_percent:
        verdict.add(
            "percent",
            _("A later month reports %(later)s%%; progress would then go down.")
            % {"later": _percent(context.next_percent)},
        )


def check_milestone_done(
    achieved_on: date | None, *, today: date, start: date | None, known: bool
) -> Verdict:
    verdict = Verdict()
    if not known:
        verdict.add("milestone", _("Choose a milestone of the project's baseline."))
    if achieved_on is None:
        verdict.add("achieved_on", _("Give the date the milestone was reached (dd/mm/yyyy)."))
    _future(verdict, "achieved_on", achieved_on, today)
    if achieved_on is not None and start is not None and achieved_on < start:
        verdict.add(
            "achieved_on",
            _("The project starts on %(start)s; a milestone cannot be reached before it.")
            % {"start": day_text(start)},
        )
    return verdict


# --- decisions (baselines) ------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneInput:
    name: str
    planned_on: date | None


@dataclass(frozen=True)
class DecisionInput:
    kind: str
    number: str
    signed_on: date | None
    total: object
    sources: Mapping[str, object]
    start: date | None
    end: date | None
    milestones: Sequence[MilestoneInput] = ()
    reason: str = ""


@dataclass(frozen=True)
class DecisionContext:
    today: date
    previous_kind: str | None = None  # the latest decision's kind, if any
    previous_signed_on: date | None = None
    numbers_taken: frozenset[str] = frozenset()


def check_decision(data: DecisionInput, context: DecisionContext) -> Verdict:
    verdict = Verdict()
    if data.kind not in DECISION_KINDS:
        verdict.add("kind", _("Choose the kind of decision."))
    elif data.kind == ADJUSTMENT and context.previous_kind is None:
        verdict.add("kind", _("There is no decision to adjust yet: record the first one."))
    elif data.kind == POLICY and context.previous_kind is not None:
        verdict.add(
            "kind",
            _("The investment policy is already decided; record an adjustment instead."),
        )
    elif data.kind == INVESTMENT and context.previous_kind in {INVESTMENT, ADJUSTMENT}:
        verdict.add(
            "kind",
            _("The investment decision is already recorded; a change is an adjustment."),
        )
    number = data.number.strip()
    if not number:
        verdict.add("number", _("Give the decision's number and symbol, e.g. 123/QĐ-UBND."))
    else:
        problem = number_problem(number)
        if problem:
            verdict.add("number", problem)
        elif number in context.numbers_taken:
            verdict.add("number", _("This project already has a decision with this number."))
    if data.signed_on is None:
        verdict.add("signed_on", _("Give the date the decision was signed (dd/mm/yyyy)."))
    _future(verdict, "signed_on", data.signed_on, context.today)
    if (
        data.signed_on is not None
        and context.previous_signed_on is not None
        and data.signed_on < context.previous_signed_on
    ):
        verdict.add(
            "signed_on",
            _("The decision it adjusts was signed on %(day)s; this one cannot be earlier.")
            % {"day": day_text(context.previous_signed_on)},
        )
    if data.kind == ADJUSTMENT and not data.reason.strip():
        verdict.add(
            "reason",
            _("Say why the baseline is adjusted: the original stays, and pages show both."),
        )
    _note(verdict, "reason", data.reason)
    total = verdict.amount("total", data.total)
    amounts = {}
    for source in SOURCES:
        value = verdict.amount(f"source-{source}", data.sources.get(source), required=False)
        if value is not None:
            amounts[source] = value
    if total is not None and not any(f.startswith("source-") for f in verdict.findings):
        if total == 0:
            verdict.add("total", _("The total investment must be above zero."))
        elif sum(amounts.values()) != total:
            verdict.add(
                "total",
                _("The funding sources add up to %(sum)s, not the total %(total)s.")
                % {"sum": dong(sum(amounts.values())), "total": dong(total)},
            )
    verdict.values["sources"] = amounts
    _schedule(verdict, data)
    return verdict


def _schedule(verdict: Verdict, data: DecisionInput) -> None:
    if data.start is None:
        verdict.add("start", _("Give the project's start (dd/mm/yyyy)."))
    if data.end is None:
        verdict.add("end", _("Give the project's end (dd/mm/yyyy)."))
    if data.start is not None and data.end is not None and data.end < data.start:
        verdict.add("end", _("The project cannot end before it starts."))
    for index, milestone in enumerate(data.milestones):
        name = f"milestone-{index}"
        if not milestone.name.strip():
            verdict.add(name, _("Name the milestone."))
        elif len(milestone.name) > 200:
            verdict.add(name, _("At most %(count)d characters.") % {"count": 200})
        day = milestone.planned_on
        if day is None:
            verdict.add(name, _("Give the milestone's planned date (dd/mm/yyyy)."))
        elif data.end is not None and day > data.end:
            verdict.add(
                name,
                _("The milestone “%(name)s” (%(day)s) is after the project's end (%(end)s).")
                % {"name": milestone.name, "day": day_text(day), "end": day_text(data.end)},
            )
        elif data.start is not None and day < data.start:
            verdict.add(
                name,
                _("The milestone “%(name)s” (%(day)s) is before the project's start (%(start)s).")
                % {"name": milestone.name, "day": day_text(day), "start": day_text(data.start)},
            )


# --- capital plans --------------------------------------------------------------------------


@dataclass(frozen=True)
class AllocationInput:
    plan_year: int
    source: str
    kind: str
    amount: object  # the change of the total plan (positive; a cut or transfer takes it away)
    assigned: object  # the part of it in the plan the Prime Minister assigned
    number: str
    decided_on: date | None
    reason: str = ""


@dataclass(frozen=True)
class AllocationContext:
    today: date
    plan_total: int  # the plan for this year and source as it stands
    plan_assigned: int
    disbursed: int  # the latest cumulative disbursed value of this year and source
    receiver_ok: bool = True  # for a transfer: the receiving project may take it


def check_allocation(data: AllocationInput, context: AllocationContext) -> Verdict:
    verdict = Verdict()
    if data.source not in SOURCES:
        verdict.add("source", _("Choose a funding source."))
    if data.kind not in ALLOCATION_KINDS:
        verdict.add("kind", _("Choose what the decision does to the plan."))
    if not 2000 <= data.plan_year <= 2100:
        verdict.add("plan_year", _("Choose a plan year."))
    amount = verdict.amount("amount", data.amount)
    assigned = verdict.amount("assigned", data.assigned, required=False) or 0
    if amount is not None and amount == 0:
        verdict.add("amount", _("The amount must be above zero."))
    if amount is not None and assigned > amount:
        verdict.add(
            "assigned",
            _(
                "The part assigned by the Prime Minister (%(assigned)s) cannot exceed the "
                "amount (%(amount)s); the rest is capital added locally."
            )
            % {"assigned": dong(assigned), "amount": dong(amount)},
        )
    verdict.values["assigned"] = assigned
    number = data.number.strip()
    problem = (
        number_problem(number)
        if number
        else _("Give the decision's number and symbol, e.g. 123/QĐ-UBND.")
    )
    if problem:
        verdict.add("number", problem)
    if data.decided_on is None:
        verdict.add("decided_on", _("Give the date of the decision (dd/mm/yyyy)."))
    _future(verdict, "decided_on", data.decided_on, context.today)
    if data.decided_on is not None and 2000 <= data.plan_year <= 2100:
        first, last = date(data.plan_year - 1, 1, 1), window(data.plan_year)[1]
        if not first <= data.decided_on <= last:
            verdict.add(
                "decided_on",
                _("A plan for %(year)d is decided between %(first)s and %(last)s.")
                % {"year": data.plan_year, "first": day_text(first), "last": day_text(last)},
            )
    if data.kind in {CUT, TRANSFER} and not data.reason.strip():
        verdict.add("reason", _("Say why the capital is taken away."))
    _note(verdict, "reason", data.reason)
    if amount is None or not verdict.ok:
        return verdict
    if data.kind == INITIAL and context.plan_total > 0:
        verdict.add(
            "kind",
            _("This year's plan from this source is already recorded; record an addition."),
        )
    if data.kind in {CUT, TRANSFER}:
        room = context.plan_total - context.disbursed
        if amount > room:
            verdict.add(
                "amount",
                _(
                    "Only %(room)s of the plan is not yet disbursed (plan %(plan)s, disbursed "
                    "%(disbursed)s); no more can be taken away."
                )
                % {
                    "room": dong(max(room, 0)),
                    "plan": dong(context.plan_total),
                    "disbursed": dong(context.disbursed),
                },
            )
        if assigned > context.plan_assigned:
            verdict.add(
                "assigned",
                _("The plan holds only %(assigned)s assigned by the Prime Minister.")
                % {"assigned": dong(context.plan_assigned)},
            )
    if data.kind == TRANSFER and not context.receiver_ok:
        verdict.add(
            "receiver",
            _("Capital moves only to another project of the same ministry or province."),
        )
    return verdict


# --- the per-project disbursement schedule --------------------------------------------------


def check_schedule(typed: Sequence[object], *, plan_total: int) -> Verdict:
    """The planned cumulative disbursement at the 13 month ends of the plan year's window:
    never going down, never above the plan."""
    verdict = Verdict()
    values: list[int] = []
    for index, item in enumerate(typed):
        value = verdict.amount(f"month-{index}", item)
        if value is None:
            continue
        if values and value < values[-1]:
            verdict.add(
                f"month-{index}",
                _("A cumulative schedule cannot go down (the month before plans %(old)s).")
                % {"old": dong(values[-1])},
            )
        if value > plan_total:
            verdict.add(
                f"month-{index}",
                _("Above the year's plan (%(plan)s).") % {"plan": dong(plan_total)},
            )
        values.append(value)
    if len(typed) != 13:
        verdict.add("schedule", _("Give the 13 month ends, January to January."))
    verdict.values["months"] = values
    return verdict


# --- a project ------------------------------------------------------------------------------

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$"
GROUPS = ("national_key", "a", "b", "c")
CATEGORIES = ("infrastructure", "platforms", "data", "cybersecurity", "applications", "skills")
STAGES = ("preparation", "implementation", "completion", "settled")


@dataclass(frozen=True)
class ProjectInput:
    code: str
    name: str
    group: str
    category: str
    stage: str = "preparation"


def check_project(data: ProjectInput, *, code_taken: bool) -> Verdict:
    verdict = Verdict()
    code = data.code.strip()
    if not re.fullmatch(CODE_PATTERN, code):
        verdict.add(
            "code",
            _("A project code is 1 to 32 letters, digits, dots, hyphens or underscores."),
        )
    elif code_taken:
        verdict.add("code", _("Another project already has this code."))
    name = data.name.strip()
    if not name:
        verdict.add("name", _("Give the project's name."))
    elif len(name) > 300:
        verdict.add("name", _("At most %(count)d characters.") % {"count": 300})
    if data.group not in GROUPS:
        verdict.add("group", _("Choose the project's group."))
    if data.category not in CATEGORIES:
        verdict.add("category", _("Choose the project's category."))
    if data.stage not in STAGES:
        verdict.add("stage", _("Choose the project's stage."))
    return verdict
