"""The programme's rules (pure: no ORM): its workflow, what a submission needs, a goal's
figures, and the reviewer's checklist from Directive 34/CT-TTg's principles.

Workflow (a table, `TRANSITIONS`): a draft (or a returned programme) is submitted to its
reviewer — the Ministry of Science and Technology for a ministry's or a province's
programme, the province's Department of Science and Technology for a department's plan —,
who returns it with comments per section or approves it. Approved, it is a baseline
(version 1); a later change opens the next version as a draft, with the reason stated, and
goes through the same review.

A submission is refused, field by field, when Directive 34's requirements are not met
(`submission_problems`): a breakthrough with its problem statement and area; goals that are
"cụ thể, tường minh, đo lường được" — each an indicator of the catalogue (or a new one with
its formula), with a baseline, yearly targets inside the programme's period and a data
source; tasks with the five "rõ" — lead agency and person in charge (rõ người), content (rõ
việc), deadline (rõ thời gian), responsibility (rõ trách nhiệm), expected result (rõ kết
quả); the security plan for state secrets and personal data; the link to Đề án 06; and,
for a new version, the reason for the change.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dxgov.core.errors import TransitionNotAllowed
from dxgov.core.text import fold
from dxgov.indicators.validation import InvalidNumber, parse_number
from dxgov.programmes import de06

MIN_YEAR, MAX_YEAR = 2020, 2035
MAX_TEXT = 4000
MAX_TITLE = 300


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


class Action(StrEnum):
    EDIT = "edit"
    SUBMIT = "submit"
    RETURN = "return"
    APPROVE = "approve"
    REVISE = "revise"


TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.DRAFT, Action.EDIT): Status.DRAFT,
    (Status.RETURNED, Action.EDIT): Status.RETURNED,
    (Status.DRAFT, Action.SUBMIT): Status.SUBMITTED,
    (Status.RETURNED, Action.SUBMIT): Status.SUBMITTED,
    (Status.SUBMITTED, Action.RETURN): Status.RETURNED,
    (Status.SUBMITTED, Action.APPROVE): Status.APPROVED,
    (Status.APPROVED, Action.REVISE): Status.DRAFT,
}

_REFUSALS = {
    Action.EDIT: gettext_lazy(
        "This programme is %(status)s: only a draft or a returned programme is changed. "
        "Open a new version (with its reason) to change an approved one."
    ),
    Action.SUBMIT: gettext_lazy(
        "Only a draft or a returned programme is submitted; it is %(status)s."
    ),
    Action.RETURN: gettext_lazy("Only a submitted programme is returned; it is %(status)s."),
    Action.APPROVE: gettext_lazy("Only a submitted programme is approved; it is %(status)s."),
    Action.REVISE: gettext_lazy(
        "A new version is opened from an approved programme only; it is %(status)s."
    ),
}

STATUS_WORDS = {
    Status.DRAFT: gettext_lazy("a draft"),
    Status.SUBMITTED: gettext_lazy("submitted for review"),
    Status.RETURNED: gettext_lazy("returned for changes"),
    Status.APPROVED: gettext_lazy("approved"),
}


def next_status(current: str, action: Action) -> Status:
    """The status after `action`, or TransitionNotAllowed saying why not."""
    status = Status(current)
    found = TRANSITIONS.get((status, action))
    if found is None:
        raise TransitionNotAllowed(
            str(_REFUSALS[action]) % {"status": STATUS_WORDS[status]},
            current=status.value,
            action=action.value,
        )
    return found


# --- a goal's figures ---------------------------------------------------------------------------

_NUMBER_PART = re.compile(r"^\s*[+\-−–]?[\d\s.,\u00a0\u202f]*\d")
_MONEY_UNITS = {"d", "dong", "vnd", "vnđ", "₫"}


@dataclass(frozen=True)
class Measure:
    """What an indicator measures in: its unit as the catalogue writes it, its type, its
    decimals and bounds (from the catalogue's Indicator)."""

    unit: str
    value_type: str  # indicators.ValueType
    decimals: int = 0
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    percent: bool = False


def _unit_matches(typed: str, measure: Measure) -> bool:
    word = fold(typed).replace(" ", "")
    if not word:
        return True
    if typed.strip() == "%":
        return measure.percent or measure.unit.strip() == "%"
    if word in _MONEY_UNITS:
        return measure.value_type == "money"
    return word == fold(measure.unit).replace(" ", "")


def parse_figure(text: str, measure: Measure) -> Decimal:
    """A baseline or a yearly target typed by a person, in the indicator's unit.

    "85", "85 %", "1.234.567" and "1.234.567 hồ sơ" are read the Vietnamese way
    (`indicators.validation.parse_number`); a unit that is not the indicator's ("95 %" for
    a count of dossiers, "12 tỷ đồng" for a percentage) is refused, as is a figure outside
    the indicator's bounds (a percentage above 100)."""
    raw = text.strip()
    match = _NUMBER_PART.match(raw)
    number_text, unit = (raw[: match.end()], raw[match.end() :]) if match else (raw, "")
    if unit and not _unit_matches(unit, measure):
        shown = measure.unit or _("a plain number")
        raise InvalidNumber(
            _("“%(text)s” is in the wrong unit: this indicator is measured in %(unit)s.")
            % {"text": raw, "unit": shown}
        )
    # A ratio's target may have decimals (92,5 %); a count's has the indicator's places.
    decimals = {"money": 0, "boolean": 0, "ratio": max(measure.decimals, 2)}.get(
        measure.value_type, measure.decimals
    )
    value = parse_number(number_text, decimals)
    if measure.value_type == "boolean" and value not in (0, 1):
        raise InvalidNumber(_("A yes/no indicator's target is 1 (yes) or 0 (no)."))
    low, high = measure.min_value, measure.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        unit = measure.unit or ""
        raise InvalidNumber(
            _("%(value)s is outside this indicator's range (%(low)s to %(high)s %(unit)s).")
            % {
                "value": raw,
                "low": low if low is not None else "…",
                "high": high if high is not None else "…",
                "unit": unit,
            }
        )
    return value


# --- what a submission needs ----------------------------------------------------------------


@dataclass(frozen=True)
class BreakthroughFacts:
    title: str
    problem: str
    area: str


@dataclass(frozen=True)
class GoalFacts:
    number: int  # 1, 2, … as shown
    name: str
    indicator: str  # catalogue code, or ""
    new_indicator: str  # the name of an indicator to create, or ""
    formula: str  # how the new indicator is computed
    unit: str
    baseline: Decimal | None
    targets: tuple[tuple[int, Decimal], ...]
    source: str


@dataclass(frozen=True)
class TaskFacts:
    number: int
    content: str
    lead_agency: str
    person: str
    deadline: date | None
    responsibility: str
    expected_result: str


@dataclass(frozen=True)
class ProgrammeFacts:
    title: str
    start_year: int
    end_year: int
    breakthroughs: Sequence[BreakthroughFacts] = ()
    goals: Sequence[GoalFacts] = ()
    tasks: Sequence[TaskFacts] = ()
    de06: Sequence[str] = ()
    security_plan: str = ""
    feasibility: str = ""
    version: int = 1
    change_reason: str = ""


def goal_problems(goal: GoalFacts, start_year: int, end_year: int) -> list[str]:
    """Why a goal is not measurable ("cụ thể, tường minh, đo lường được"); [] when it is."""
    problems: list[str] = []
    if not goal.indicator and not (goal.new_indicator.strip() and goal.formula.strip()):
        problems.append(
            _("name an indicator of the catalogue, or a new indicator with its formula")
        )
    if goal.baseline is None:
        problems.append(_("give its baseline (the figure today)"))
    inside = [year for year, _value in goal.targets if start_year <= year <= end_year]
    if not inside:
        problems.append(
            _("give at least one yearly target between %(start)s and %(end)s")
            % {"start": start_year, "end": end_year}
        )
    if not goal.source.strip():
        problems.append(_("say where the figures come from (the data source)"))
    return problems


def task_problems(task: TaskFacts) -> list[str]:
    """Which of the five "rõ" a task lacks; [] when it has them all."""
    missing: list[str] = []
    if not task.lead_agency:
        missing.append(_("its lead agency (rõ người)"))
    if not task.person.strip():
        missing.append(_("the person in charge (rõ người)"))
    if not task.content.strip():
        missing.append(_("its content (rõ việc)"))
    if task.deadline is None:
        missing.append(_("its deadline (rõ thời gian)"))
    if not task.responsibility.strip():
        missing.append(_("its responsibility (rõ trách nhiệm)"))
    if not task.expected_result.strip():
        missing.append(_("its expected result (rõ kết quả)"))
    return missing


def submission_problems(facts: ProgrammeFacts) -> dict[str, list[str]]:
    """Every reason the programme cannot be submitted yet, by field; {} when it can."""
    problems: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        problems.setdefault(name, []).append(message)

    if not facts.breakthroughs:
        add("breakthroughs", _("Choose the programme's breakthrough (mũi đột phá)."))
    for number, item in enumerate(facts.breakthroughs, start=1):
        if not item.problem.strip():
            add(
                f"breakthrough-{number}",
                _("Breakthrough %(n)s: state the problem it solves.") % {"n": number},
            )
    if not facts.goals:
        add(
            "goals",
            _("Add at least one measurable goal: an indicator with a baseline and yearly targets."),
        )
    for goal in facts.goals:
        found = goal_problems(goal, facts.start_year, facts.end_year)
        if found:
            add(
                f"goal-{goal.number}",
                _("Goal %(n)s (%(name)s) cannot be measured: %(what)s.")
                % {"n": goal.number, "name": goal.name, "what": "; ".join(found)},
            )
    if not facts.tasks:
        add("tasks", _("Add the programme's tasks."))
    for task in facts.tasks:
        missing = task_problems(task)
        if missing:
            add(
                f"task-{task.number}",
                _("Task %(n)s lacks %(what)s.") % {"n": task.number, "what": ", ".join(missing)},
            )
    if not facts.security_plan.strip():
        add(
            "security_plan",
            _("Describe how state secrets, internal information and personal data are protected."),
        )
    if not facts.de06:
        add("de06", _("Say which of Đề án 06's databases and utilities the programme relies on."))
    elif unknown := de06.unknown(list(facts.de06)):
        add("de06", _("Unknown Đề án 06 utilities: %(codes)s.") % {"codes": ", ".join(unknown)})
    if facts.version > 1 and not facts.change_reason.strip():
        add("change_reason", _("A new version needs the reason for the change."))
    return problems


def period_problem(start_year: int, end_year: int) -> str | None:
    if not (MIN_YEAR <= start_year <= MAX_YEAR and MIN_YEAR <= end_year <= MAX_YEAR):
        return _("A programme's years are between %(low)s and %(high)s.") % {
            "low": MIN_YEAR,
            "high": MAX_YEAR,
        }
    if end_year < start_year:
        return _("The period ends before it starts.")
    return None


# --- the reviewer's checklist -----------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: object  # lazily translated
    principle: str  # Directive 34's words


CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        "breakthrough",
        gettext_lazy("A breakthrough is chosen, with a wide effect on the sector or locality"),
        "lựa chọn đưa vào đề án các mũi đột phá có phạm vi ảnh hưởng sâu rộng",
    ),
    ChecklistItem(
        "measurable",
        gettext_lazy("The problems are specific, explicit and measurable, preferably online"),
        "cụ thể, tường minh, đo lường được (ưu tiên bằng hình thức trực tuyến)",
    ),
    ChecklistItem(
        "five_clear",
        gettext_lazy("Every task is clear: who, what, when, responsibility, result"),
        "rõ người, rõ việc, rõ thời gian, rõ trách nhiệm, rõ kết quả",
    ),
    ChecklistItem(
        "feasible",
        gettext_lazy("The programme is feasible and can be carried out (budget, people)"),
        "bảo đảm tính khả thi và có thể được triển khai",
    ),
    ChecklistItem(
        "no_overlap",
        gettext_lazy("Its tasks do not overlap other agencies' (the split is clear)"),
        "phân định rõ danh mục nhiệm vụ … tránh chồng chéo, lãng phí",
    ),
    ChecklistItem(
        "de06",
        gettext_lazy("It is connected with Đề án 06"),
        "bảo đảm kết nối với Đề án 06",
    ),
    ChecklistItem(
        "security",
        gettext_lazy("It protects state secrets, internal information and personal data"),
        "hạn chế nguy cơ lộ, mất bí mật nhà nước, thông tin nội bộ và dữ liệu cá nhân",
    ),
)
CHECKLIST_CODES = tuple(item.code for item in CHECKLIST)


@dataclass(frozen=True)
class Assessment:
    """What the platform can see for a checklist item: met, or the reason it is not."""

    met: bool
    note: str = ""


def assess(facts: ProgrammeFacts, overlaps: int, budget: int) -> dict[str, Assessment]:
    """The platform's own reading of each checklist item, shown beside the reviewer's
    answer (the reviewer decides; this only points)."""
    problems = submission_problems(facts)
    goals = [k for k in problems if k.startswith("goal") or k == "goals"]
    tasks = [k for k in problems if k.startswith("task") or k == "tasks"]
    found = {
        "breakthrough": Assessment(
            bool(facts.breakthroughs) and not any(k.startswith("breakthrough") for k in problems)
        ),
        "measurable": Assessment(not goals, "; ".join(m for k in goals for m in problems[k])),
        "five_clear": Assessment(not tasks, "; ".join(m for k in tasks for m in problems[k])),
        "feasible": Assessment(
            budget > 0 and bool(facts.feasibility.strip()),
            "" if budget > 0 else _("No budget is planned."),
        ),
        "no_overlap": Assessment(
            overlaps == 0,
            _("%(n)s candidate overlaps with other agencies' tasks to look at.") % {"n": overlaps}
            if overlaps
            else "",
        ),
        "de06": Assessment(bool(facts.de06)),
        "security": Assessment(bool(facts.security_plan.strip())),
    }
    return found


@dataclass
class ChecklistAnswers:
    """The reviewer's answers: met or not per item, with a note."""

    met: dict[str, bool] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


def checklist_problems(answers: ChecklistAnswers) -> dict[str, list[str]]:
    """Before approval every item is answered and met."""
    problems: dict[str, list[str]] = {}
    for item in CHECKLIST:
        if item.code not in answers.met:
            problems.setdefault(f"check-{item.code}", []).append(
                _("Answer “%(item)s”.") % {"item": item.label}
            )
        elif not answers.met[item.code]:
            problems.setdefault(f"check-{item.code}", []).append(
                _("“%(item)s” is not met: return the programme with a comment instead.")
                % {"item": item.label}
            )
    return problems
