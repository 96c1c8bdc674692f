"""The programme's pure rules: the workflow table, what a submission needs, a goal's figures
in the indicator's unit, and the checklist."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dxgov.core.errors import TransitionNotAllowed
from dxgov.indicators.validation import InvalidNumber
from dxgov.programmes import rules
from dxgov.programmes.models import ProgrammeStatus
from dxgov.programmes.rules import Action, Status

PERCENT = rules.Measure(
    unit="%",
    value_type="ratio",
    decimals=2,
    min_value=Decimal(0),
    max_value=Decimal(100),
    percent=True,
)
DOSSIERS = rules.Measure(unit="hồ sơ", value_type="count", decimals=0, min_value=Decimal(0))


def test_the_status_codes_are_the_models() -> None:
    assert [s.value for s in Status] == list(ProgrammeStatus.values)


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(Action))
def test_every_step_is_in_the_table_or_refused_with_a_reason(
    status: Status, action: Action
) -> None:
    if (status, action) in rules.TRANSITIONS:
        assert rules.next_status(status, action) == rules.TRANSITIONS[(status, action)]
    else:
        with pytest.raises(TransitionNotAllowed) as refused:
            rules.next_status(status, action)
        assert refused.value.current == status.value and refused.value.action == action.value
        assert refused.value.message


def test_the_workflow() -> None:
    assert rules.next_status("draft", Action.SUBMIT) == Status.SUBMITTED
    assert rules.next_status("submitted", Action.RETURN) == Status.RETURNED
    assert rules.next_status("returned", Action.SUBMIT) == Status.SUBMITTED
    assert rules.next_status("submitted", Action.APPROVE) == Status.APPROVED
    assert rules.next_status("approved", Action.REVISE) == Status.DRAFT


def _goal(**kw: object) -> rules.GoalFacts:
    values: dict[str, object] = {
        "number": 1,
        "name": "Hồ sơ trực tuyến",
        "indicator": "DVC_TL_HS_XLTT",
        "new_indicator": "",
        "formula": "",
        "unit": "%",
        "baseline": Decimal(45),
        "targets": ((2026, Decimal(60)),),
        "source": "Hệ thống",
    }
    values.update(kw)
    return rules.GoalFacts(**values)  # type: ignore[arg-type]


def _task(**kw: object) -> rules.TaskFacts:
    values: dict[str, object] = {
        "number": 1,
        "content": "Xây dựng nền tảng",
        "lead_agency": "SO-25-YT",
        "person": "Giám đốc Sở",
        "deadline": date(2026, 6, 30),
        "responsibility": "Chủ trì",
        "expected_result": "Vận hành",
    }
    values.update(kw)
    return rules.TaskFacts(**values)  # type: ignore[arg-type]


def _facts(**kw: object) -> rules.ProgrammeFacts:
    values: dict[str, object] = {
        "title": "Đề án",
        "start_year": 2025,
        "end_year": 2030,
        "breakthroughs": [
            rules.BreakthroughFacts("Y tế số", "Người dân mang sổ giấy", "digital_data")
        ],
        "goals": [_goal()],
        "tasks": [_task()],
        "de06": ["population"],
        "security_plan": "Mã hóa dữ liệu cá nhân",
        "feasibility": "Ngân sách tỉnh",
    }
    values.update(kw)
    return rules.ProgrammeFacts(**values)  # type: ignore[arg-type]


def test_a_complete_programme_has_no_problem() -> None:
    assert rules.submission_problems(_facts()) == {}


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"goals": []}, "goals", "measurable goal"),
        ({"goals": [_goal(indicator="")]}, "goal-1", "new indicator with its formula"),
        ({"goals": [_goal(baseline=None)]}, "goal-1", "baseline"),
        ({"goals": [_goal(targets=((2040, Decimal(1)),))]}, "goal-1", "yearly target"),
        ({"goals": [_goal(source=" ")]}, "goal-1", "data source"),
        ({"tasks": [_task(lead_agency="")]}, "task-1", "lead agency"),
        ({"tasks": [_task(deadline=None)]}, "task-1", "deadline"),
        ({"tasks": [_task(person="")]}, "task-1", "person in charge"),
        ({"tasks": [_task(responsibility="")]}, "task-1", "responsibility"),
        ({"tasks": [_task(expected_result="")]}, "task-1", "expected result"),
        ({"breakthroughs": []}, "breakthroughs", "breakthrough"),
        ({"security_plan": ""}, "security_plan", "personal data"),
        ({"de06": []}, "de06", "Đề án 06"),
        ({"de06": ["nope"]}, "de06", "Unknown"),
        ({"version": 2, "change_reason": ""}, "change_reason", "reason"),
    ],
)
def test_each_missing_requirement_is_named(
    change: dict[str, object], field: str, words: str
) -> None:
    problems = rules.submission_problems(_facts(**change))
    assert field in problems
    assert words in " ".join(problems[field])


def test_a_new_indicator_with_its_formula_is_measurable() -> None:
    goal = _goal(indicator="", new_indicator="Tỷ lệ bệnh viện kết nối", formula="kết nối / tổng số")
    assert rules.goal_problems(goal, 2025, 2030) == []


@pytest.mark.parametrize(
    ("typed", "measure", "value"),
    [
        ("85", PERCENT, Decimal(85)),
        ("85 %", PERCENT, Decimal(85)),
        ("85,5%", PERCENT, Decimal("85.5")),
        ("1.234.567", DOSSIERS, Decimal(1234567)),
        ("1.234.567 hồ sơ", DOSSIERS, Decimal(1234567)),
        ("1.234.567 HỒ SƠ", DOSSIERS, Decimal(1234567)),
    ],
)
def test_a_figure_in_the_indicators_unit_is_read(
    typed: str, measure: rules.Measure, value: Decimal
) -> None:
    assert rules.parse_figure(typed, measure) == value


@pytest.mark.parametrize(
    ("typed", "measure", "words"),
    [
        ("95 hồ sơ", PERCENT, "wrong unit"),
        ("12 tỷ đồng", PERCENT, "wrong unit"),
        ("95 %", DOSSIERS, "wrong unit"),
        ("150", PERCENT, "outside"),
        ("-1", DOSSIERS, "outside"),
        ("1,234.5", DOSSIERS, "decimals"),
        ("nhiều", PERCENT, "not a number"),
    ],
)
def test_a_figure_in_another_unit_or_range_is_refused(
    typed: str, measure: rules.Measure, words: str
) -> None:
    with pytest.raises(InvalidNumber) as refused:
        rules.parse_figure(typed, measure)
    assert words in refused.value.message


@given(st.decimals(min_value=0, max_value=100, places=2))
def test_every_percentage_typed_the_vietnamese_way_reads_back(value: Decimal) -> None:
    typed = f"{value:.2f}".replace(".", ",") + " %"
    assert rules.parse_figure(typed, PERCENT) == value


def test_the_checklist_must_be_answered_and_met() -> None:
    answers = rules.ChecklistAnswers(met=dict.fromkeys(rules.CHECKLIST_CODES, True))
    assert rules.checklist_problems(answers) == {}
    answers.met["security"] = False
    del answers.met["de06"]
    problems = rules.checklist_problems(answers)
    assert set(problems) == {"check-security", "check-de06"}


def test_the_checklist_comes_from_directive_34s_principles() -> None:
    assert set(rules.CHECKLIST_CODES) == {
        "breakthrough",
        "measurable",
        "five_clear",
        "feasible",
        "no_overlap",
        "de06",
        "security",
    }
    assessed = rules.assess(_facts(tasks=[_task(deadline=None)]), overlaps=2, budget=0)
    assert not assessed["five_clear"].met and "deadline" in assessed["five_clear"].note
    assert not assessed["no_overlap"].met and not assessed["feasible"].met
    assert assessed["measurable"].met and assessed["security"].met
