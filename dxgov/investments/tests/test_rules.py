"""The one validation of every investment update (rules.py) and the plan year's calendar:
pure, no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dxgov.core.calendar import calendar_of, statutory_calendar
from dxgov.investments import planyear, rules
from dxgov.investments.rules import Figure, InvalidAmount, parse_amount

TODAY = date(2025, 10, 10)
KEY = (1, 2025, "central_budget")


# --- amounts typed the Vietnamese way ---------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1.234.567.000", 1_234_567_000),
        ("1234567000", 1_234_567_000),
        ("1 234 567 000", 1_234_567_000),
        ("12.500", 12_500),
        ("0", 0),
        ("1.234.567.000 đồng", 1_234_567_000),
        (1_234_567_000, 1_234_567_000),
        (1234567000.0, 1_234_567_000),
    ],
)
def test_amounts_are_read_exactly(typed: object, value: int) -> None:
    assert parse_amount(typed) == value


@pytest.mark.parametrize(
    "typed", ["1,234.5", "1234,5", "1.234,50", "0,5", "12.5", "-5", "abc", "", None, True, 1.5]
)
def test_amounts_with_decimals_or_no_number_are_refused(typed: object) -> None:
    with pytest.raises(InvalidAmount) as refused:
        parse_amount(typed)
    assert refused.value.message


def test_the_refusal_of_decimals_says_what_to_type() -> None:
    with pytest.raises(InvalidAmount) as refused:
        parse_amount("1,234.5")
    assert "1,234.5" in refused.value.message
    assert "1.234.567.000" in refused.value.message


@given(st.integers(min_value=0, max_value=rules.MAX_AMOUNT))
def test_every_amount_written_the_forms_way_reads_back(value: int) -> None:
    written = f"{value:,}".replace(",", ".")
    assert parse_amount(written) == value


def test_too_many_digits_are_refused() -> None:
    with pytest.raises(InvalidAmount):
        parse_amount("1" + "0" * 17)


# --- disbursement -----------------------------------------------------------------------------


def _row(value: object, day: date = date(2025, 10, 3), **kw: object) -> rules.DisbursementRow:
    return rules.DisbursementRow(
        key=kw.pop("key", KEY),  # type: ignore[arg-type]
        as_of=day,
        kind=str(kw.pop("kind", rules.ACTUAL)),
        value=value,
        note=str(kw.pop("note", "")),
    )


def _check(
    rows: list[rules.DisbursementRow], stored: list[Figure] | None = None, plan: int = 10_000
):
    return rules.check_disbursements(rows, {KEY: stored or []}, {KEY: plan}, today=TODAY)


def test_a_figure_within_the_plan_is_green() -> None:
    [verdict] = _check([_row("5.000")])
    assert verdict.ok
    assert verdict.values["value"] == 5000


def test_disbursed_above_the_plan_is_red() -> None:
    [verdict] = _check([_row("10.001")])
    assert "vượt kế hoạch" in verdict.findings["value"][0]


def test_no_plan_says_to_record_it_first() -> None:
    [verdict] = _check([_row("1")], plan=0)
    assert "chưa có kế hoạch vốn" in verdict.findings["value"][0]


def test_a_decrease_needs_a_correction_note() -> None:
    stored = [Figure(date(2025, 9, 26), rules.ACTUAL, 6000)]
    [red] = _check([_row("5.000")], stored)
    assert "không được giảm" in red.findings["value"][0]
    [green] = _check([_row("5.000", note="Trả lại tạm ứng thừa")], stored)
    assert green.ok


def test_a_figure_above_a_later_one_is_red() -> None:
    stored = [Figure(date(2025, 10, 10), rules.ACTUAL, 4000)]
    [red] = _check([_row("5.000")], stored)
    assert "Số liệu sau đó" in red.findings["value"][0]


def test_an_actual_replaces_an_estimate_and_an_estimate_cannot_replace_an_actual() -> None:
    stored = [
        Figure(date(2025, 9, 26), rules.ACTUAL, 3000),
        Figure(date(2025, 10, 3), rules.ESTIMATE, 6000),
    ]
    # The actual, lower than the estimate of the same day, replaces it: not a decrease.
    [verdict] = _check([_row("4.000")], stored)
    assert verdict.ok
    stored.append(Figure(date(2025, 10, 3), rules.ACTUAL, 4000))
    [red] = _check([_row("4.500", kind=rules.ESTIMATE)], stored)
    assert "số ước không thể thay thế" in red.findings["kind"][0]


def test_effective_takes_the_actual_of_each_day() -> None:
    figures = [
        Figure(date(2025, 3, 7), rules.ESTIMATE, 10),
        Figure(date(2025, 3, 7), rules.ACTUAL, 8),
        Figure(date(2025, 3, 14), rules.ESTIMATE, 12),
    ]
    assert [f.value for f in rules.effective(figures)] == [8, 12]


@pytest.mark.parametrize(
    ("day", "ok"),
    [
        (date(2025, 1, 1), True),
        (date(2026, 1, 31), True),
        (date(2024, 12, 31), False),
        (date(2026, 2, 1), False),
    ],
)
def test_the_31_january_window(day: date, ok: bool) -> None:
    [verdict] = rules.check_disbursements([_row("1", day)], {}, {KEY: 10}, today=date(2026, 6, 1))
    assert verdict.ok is ok
    if not ok:
        assert "31/01/2026" in verdict.findings["as_of"][0]


def test_a_future_date_is_red() -> None:
    [verdict] = _check([_row("1", date(2025, 10, 11))])
    assert "ở tương lai" in verdict.findings["as_of"][0]


def test_rows_of_one_key_are_judged_together() -> None:
    rows = [_row("3.000", date(2025, 9, 26)), _row("2.000", date(2025, 10, 3))]
    first, second = _check(rows)
    assert first.ok
    assert "không được giảm" in second.findings["value"][0]


def test_a_key_twice_in_one_update_is_red() -> None:
    _first, second = _check([_row("1"), _row("2")])
    assert "hai lần" in second.findings["as_of"][0]


def test_the_typed_total_must_be_the_sum_of_the_sources() -> None:
    assert rules.check_sources_total("", {"oda": 5}) is None
    assert rules.check_sources_total("1.000", {"oda": 400, "central_budget": 600}) is None
    problem = rules.check_sources_total("1.000", {"oda": 400})
    assert problem is not None and "400 đồng" in problem


# --- progress ---------------------------------------------------------------------------------


def _progress(percent: object, **kw: object) -> rules.Verdict:
    data = rules.ProgressInput(
        month=date(2025, 9, 1),
        as_of=date(2025, 9, 30),
        percent=percent,
        accepted=kw.pop("accepted", ""),
        causes=kw.pop("causes", ()),  # type: ignore[arg-type]
        note=str(kw.pop("note", "")),
        reason=str(kw.pop("reason", "")),
    )
    context = rules.ProgressContext(
        today=TODAY,
        start=date(2024, 1, 1),
        end=date(2026, 12, 31),
        total_investment=1_000_000,
        previous_percent=kw.pop("previous", None),  # type: ignore[arg-type]
        previous_accepted=kw.pop("previous_accepted", None),  # type: ignore[arg-type]
    )
    return rules.check_progress(data, context)


def test_progress_110_percent_is_red() -> None:
    verdict = _progress("110")
    assert "từ 0 đến 100" in verdict.findings["percent"][0]


def test_progress_going_down_needs_a_reason() -> None:
    assert not _progress("40", previous=Decimal("45")).ok
    assert _progress("40", previous=Decimal("45"), reason="Đánh giá lại khối lượng").ok


def test_accepted_value_above_the_total_investment_is_red() -> None:
    verdict = _progress("50", accepted="1.000.001")
    assert "vượt tổng mức đầu tư" in verdict.findings["accepted"][0]


def test_other_cause_needs_a_note_and_causes_come_from_the_list() -> None:
    assert "note" in _progress("50", causes=["other"]).findings
    assert "causes" in _progress("50", causes=["weather"]).findings
    assert _progress("50,5", causes=["site_clearance", "late_capital"]).ok


# --- decisions --------------------------------------------------------------------------------


def _decision(**kw: object) -> rules.DecisionInput:
    values: dict[str, object] = {
        "kind": rules.INVESTMENT,
        "number": "123/QĐ-UBND",
        "signed_on": date(2025, 3, 1),
        "total": "10.000.000.000",
        "sources": {"central_budget": "6.000.000.000", "local_budget": "4.000.000.000"},
        "start": date(2025, 3, 1),
        "end": date(2026, 12, 31),
        "milestones": [rules.MilestoneInput("Khởi công", date(2025, 6, 1))],
        "reason": "",
    }
    values.update(kw)
    return rules.DecisionInput(**values)  # type: ignore[arg-type]


def test_a_consistent_decision_is_green() -> None:
    verdict = rules.check_decision(_decision(), rules.DecisionContext(today=TODAY))
    assert verdict.ok, verdict.findings


def test_sources_must_add_up_to_the_total() -> None:
    verdict = rules.check_decision(
        _decision(sources={"central_budget": "6.000.000.000"}), rules.DecisionContext(today=TODAY)
    )
    assert "Tổng các nguồn vốn là" in verdict.findings["total"][0]


def test_a_milestone_after_the_projects_end_is_red() -> None:
    verdict = rules.check_decision(
        _decision(milestones=[rules.MilestoneInput("Nghiệm thu", date(2027, 3, 1))]),
        rules.DecisionContext(today=TODAY),
    )
    assert "sau ngày hoàn thành dự án" in verdict.findings["milestone-0"][0]


def test_an_adjustment_needs_a_reason_and_a_decision_to_adjust() -> None:
    none_yet = rules.check_decision(
        _decision(kind=rules.ADJUSTMENT), rules.DecisionContext(today=TODAY)
    )
    assert "kind" in none_yet.findings
    context = rules.DecisionContext(
        today=TODAY, previous_kind=rules.INVESTMENT, previous_signed_on=date(2025, 3, 1)
    )
    no_reason = rules.check_decision(_decision(kind=rules.ADJUSTMENT, number="5/QĐ-UBND"), context)
    assert "reason" in no_reason.findings
    earlier = rules.check_decision(
        _decision(kind=rules.ADJUSTMENT, signed_on=date(2025, 2, 1), reason="Tăng quy mô"), context
    )
    assert "signed_on" in earlier.findings


# --- capital plans ----------------------------------------------------------------------------


def _allocation(kind: str, amount: str, **kw: object) -> rules.AllocationInput:
    return rules.AllocationInput(
        plan_year=2025,
        source="central_budget",
        kind=kind,
        amount=amount,
        assigned=kw.pop("assigned", ""),
        number="10/QĐ-UBND",
        decided_on=date(2025, 6, 1),
        reason=str(kw.pop("reason", "")),
    )


def test_a_cut_cannot_take_away_what_is_disbursed() -> None:
    context = rules.AllocationContext(TODAY, plan_total=1000, plan_assigned=800, disbursed=700)
    red = rules.check_allocation(_allocation(rules.CUT, "400", reason="Chậm"), context)
    assert "chưa giải ngân" in red.findings["amount"][0]
    assert rules.check_allocation(_allocation(rules.CUT, "300", reason="Chậm"), context).ok


def test_the_assigned_part_cannot_exceed_the_amount() -> None:
    context = rules.AllocationContext(TODAY, plan_total=0, plan_assigned=0, disbursed=0)
    red = rules.check_allocation(_allocation(rules.INITIAL, "100", assigned="150"), context)
    assert "assigned" in red.findings


def test_a_transfer_stays_within_the_unit() -> None:
    context = rules.AllocationContext(
        TODAY, plan_total=1000, plan_assigned=0, disbursed=0, receiver_ok=False
    )
    red = rules.check_allocation(_allocation(rules.TRANSFER, "100", reason="Điều chuyển"), context)
    assert "receiver" in red.findings


def test_the_schedule_is_cumulative_and_within_the_plan() -> None:
    months = [str(100 * i) for i in range(13)]
    assert rules.check_schedule(months, plan_total=1200).ok
    assert (
        "month-5" in rules.check_schedule([*months[:5], "0", *months[6:]], plan_total=1200).findings
    )
    assert "month-12" in rules.check_schedule(months, plan_total=1100).findings


# --- the plan year and its weeks --------------------------------------------------------------


def test_weeks_end_on_fridays_and_the_last_on_31_january() -> None:
    ends = planyear.week_ends(2025)
    assert ends[0] == date(2025, 1, 3)
    assert all(day.weekday() == 4 for day in ends[:-1])
    assert ends[-1] == date(2026, 1, 31)
    assert planyear.week_end(date(2026, 1, 31), 2025) == date(2026, 1, 31)
    assert planyear.week_number(date(2025, 1, 1), 2025) == 1


def test_in_january_the_previous_plan_year_is_reported() -> None:
    assert planyear.current_plan_year(date(2026, 1, 20)) == 2025
    assert planyear.current_plan_year(date(2026, 2, 1)) == 2026


def test_seven_working_days_across_a_holiday() -> None:
    # 29/4/2025 (Tuesday) + 7 working days: 30/4 and 1/5 are holidays, 2/5 the day off
    # the Government moved, so the deadline is 13/5 rather than 8/5.
    calendar = calendar_of({date(2025, 4, 30), date(2025, 5, 1), date(2025, 5, 2)})
    assert planyear.entry_deadline(date(2025, 4, 29), calendar) == date(2025, 5, 13)
    assert not planyear.is_late(date(2025, 4, 29), date(2025, 5, 13), calendar)
    assert planyear.is_late(date(2025, 4, 29), date(2025, 5, 14), calendar)
    plain = calendar_of()
    assert planyear.entry_deadline(date(2025, 4, 29), plain) == date(2025, 5, 8)
    assert planyear.is_late(date(2025, 4, 29), date(2025, 5, 12), plain)


def test_the_statutory_tet_holiday_counts() -> None:
    calendar = statutory_calendar([2025])
    # Tết 2025: 25/1 to 2/2 off; an event on 24/1 is due on the 7th working day after it.
    deadline = planyear.entry_deadline(date(2025, 1, 24), calendar)
    assert deadline > date(2025, 2, 4)


def test_the_usual_curve_rises_to_95_percent_by_31_january() -> None:
    shares = [planyear.usual_share(2025, d) for d in planyear.week_ends(2025)]
    assert shares == sorted(shares)
    assert shares[-1] == pytest.approx(0.95)


def test_the_pure_codes_match_the_models() -> None:
    from dxgov.investments import models

    assert tuple(models.FundingSource.values) == rules.SOURCES
    assert tuple(models.DelayCause.values) == rules.DELAY_CAUSES
    assert tuple(models.DecisionKind.values) == rules.DECISION_KINDS
    assert tuple(models.AllocationKind.values) == rules.ALLOCATION_KINDS
    assert tuple(models.ProjectGroup.values) == rules.GROUPS
    assert tuple(models.Category.values) == rules.CATEGORIES
    assert tuple(models.Stage.values) == rules.STAGES
