"""Data value rules: reading numbers, each rule kind accepted and refused, cross rules, forms."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from dxgov.indicators.validation import (
    CrossRule,
    ExpressionDivisionByZero,
    ExpressionError,
    Finding,
    IndicatorRule,
    InvalidExpression,
    InvalidNumber,
    UnknownCode,
    ValueType,
    blocking,
    check_cross_rule,
    check_form,
    check_value,
    format_number,
    needs_comment,
    parse_boolean,
    parse_expression,
    parse_number,
    scalar_of,
)


@pytest.fixture(autouse=True, scope="module")
def _english() -> Iterator[None]:
    """The messages are asserted in English (the source language)."""
    with translation.override("en"):
        yield


D = Decimal
COUNT = IndicatorRule("DVC", ValueType.COUNT)
MONEY = IndicatorRule("BUDGET", ValueType.MONEY)
FLAG = IndicatorRule("HAS_PLAN", ValueType.BOOLEAN)
PERCENT = IndicatorRule("ONLINE", ValueType.RATIO, decimals=0, factor=100)
SHARE = IndicatorRule("SHARE", ValueType.RATIO, decimals=2, factor=1)
BOUNDED = IndicatorRule("SCORE", ValueType.COUNT, decimals=1, min_value=D(10), max_value=D("99.5"))
RUNNING = IndicatorRule("VNEID", ValueType.COUNT, cumulative=True)


def keys(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


# --- parse_number -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "decimals", "expected"),
    [
        ("1234", 0, D(1234)),
        ("  1234  ", 0, D(1234)),
        ("1.234", 0, D(1234)),  # the Vietnamese thousands dot
        ("1.234", 3, D(1234)),  # read the same way whatever the decimals
        ("12.500", 0, D(12500)),
        ("123.456", 0, D(123456)),
        ("1.234.567", 0, D(1234567)),
        ("1 234", 0, D(1234)),
        ("1\u00a0234\u00a0567", 0, D(1234567)),
        ("1 234,5", 1, D("1234.5")),
        ("1.234,5", 1, D("1234.5")),
        ("1.234.567,25", 2, D("1234567.25")),
        ("1234,5", 1, D("1234.5")),
        ("1,234", 3, D("1.234")),  # one comma is the decimal comma
        ("3,5", 1, D("3.5")),
        ("1234.5", 1, D("1234.5")),  # a dot not followed by three digits is a decimal point
        ("0.125", 3, D("0.125")),  # 0 before the dot: a decimal point
        (".5", 1, D("0.5")),
        ("0.25", 2, D("0.25")),
        ("1234.567", 3, D("1234.567")),  # four digits before the dot: cannot be thousands
        ("1,234.5", 1, D("1234.5")),  # English
        ("1,234,567", 0, D(1234567)),
        ("1,234,567.5", 1, D("1234567.5")),
        ("-1.234", 0, D(-1234)),
        ("−12", 0, D(-12)),
        ("+7", 0, D(7)),
        ("1.500.000 đ", 0, D(1500000)),
        ("2000000 VND", 0, D(2000000)),
        ("1.000₫", 0, D(1000)),
        ("12,50", 2, D("12.5")),
        ("12,50", 1, D("12.5")),  # trailing zeros are not decimals
        ("0", 0, D(0)),
        ("-0", 0, D(0)),
        ("007", 0, D(7)),
    ],
)
def test_parse_number_accepts(text: str, decimals: int, expected: Decimal) -> None:
    assert parse_number(text, decimals) == expected


@pytest.mark.parametrize(
    ("text", "decimals", "message"),
    [
        ("", 0, "Type a number"),
        ("   ", 0, "Type a number"),
        ("abc", 0, "not a number"),
        ("1e5", 0, "not a number"),
        ("NaN", 0, "not a number"),
        ("Infinity", 0, "not a number"),
        ("1.23.4", 0, "not a number"),
        ("1,23,4", 0, "not a number"),
        ("1 23", 0, "not a number"),
        ("12 345 6", 0, "not a number"),
        ("1.234,5,6", 1, "not a number"),
        ("1,234.5.6", 1, "not a number"),
        ("12,", 0, "not a number"),
        ("12.", 0, "not a number"),
        ("--5", 0, "not a number"),
        ("5-", 0, "not a number"),
        ("١٢٣", 0, "not a number"),  # Arabic-Indic digits
        ("1.5", 0, "whole number"),
        ("1,234", 0, "whole number"),  # the decimal comma on a count
        ("1,234", 2, "3 decimal places"),
        ("1,5 đ", 0, "whole number"),
        ("1" * 19, 0, "too large"),
        ("1" * 80, 0, "too long"),
    ],
)
def test_parse_number_refuses(text: str, decimals: int, message: str) -> None:
    with pytest.raises(InvalidNumber, match=message) as excinfo:
        parse_number(text, decimals)
    assert excinfo.value.message == str(excinfo.value)


def test_parse_number_refuses_non_text() -> None:
    with pytest.raises(InvalidNumber):
        parse_number(1234, 0)  # type: ignore[arg-type]


@given(
    st.decimals(
        min_value=D("-999999999999999999.999999"),
        max_value=D("999999999999999999.999999"),
        places=6,
        allow_nan=False,
        allow_infinity=False,
    ),
    st.integers(min_value=0, max_value=6),
)
def test_format_number_round_trips_through_parse_number(number: Decimal, decimals: int) -> None:
    text = format_number(number, decimals)
    assert parse_number(text, 6) == number


@given(st.text(max_size=30), st.integers(min_value=0, max_value=6))
def test_parse_number_only_raises_invalid_number(text: str, decimals: int) -> None:
    try:
        parsed = parse_number(text, decimals)
    except InvalidNumber:
        return
    assert parsed.is_finite()


def test_format_number() -> None:
    assert format_number(D("1234567.5"), 2) == "1.234.567,50"
    assert format_number(D(1234), 0) == "1.234"
    assert format_number(D(-1234), 0) == "-1.234"
    assert format_number(D("1E+2"), 0) == "100"
    assert format_number(D("0.125"), 1) == "0,125"  # never rounds a significant place away
    assert format_number(7, 0) == "7"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("có", True),
        ("Có", True),
        ("co", True),
        ("yes", True),
        ("YES", True),
        ("1", True),
        ("true", True),
        (" không ", False),
        ("KHÔNG", False),
        ("khong", False),
        ("no", False),
        ("0", False),
        ("false", False),
    ],
)
def test_parse_boolean(text: str, expected: bool) -> None:
    assert parse_boolean(text) is expected


@pytest.mark.parametrize("text", ["", "maybe", "2", "có không", "ok"])
def test_parse_boolean_refuses(text: str) -> None:
    with pytest.raises(InvalidNumber, match="yes or no"):
        parse_boolean(text)


# --- check_value: one rule kind at a time -------------------------------------------------------


def test_empty_values_have_no_findings() -> None:
    assert check_value(COUNT, None) == []
    assert check_value(PERCENT, (None, None)) == []


@pytest.mark.parametrize(
    ("rule", "value"),
    [
        (COUNT, D(0)),
        (COUNT, D(1234)),
        (COUNT, D("12.000")),
        (MONEY, D(1_500_000)),
        (MONEY, D(-20_000)),  # a balance may be negative; bounds say otherwise when needed
        (FLAG, D(1)),
        (FLAG, D(0)),
        (PERCENT, (D(45), D(100))),
        (PERCENT, (D(0), D(0))),  # nothing to report on: not an error
        (PERCENT, (D(7), D(7))),
        (PERCENT, D(100)),
        (SHARE, (D("1.25"), D("2.50"))),
        (BOUNDED, D(10)),
        (BOUNDED, D("99.5")),
    ],
)
def test_accepted_values(rule: IndicatorRule, value: Decimal) -> None:
    assert check_value(rule, value) == []


@pytest.mark.parametrize(
    ("rule", "value", "key", "field"),
    [
        (COUNT, D("1.5"), "decimals", "value"),
        (COUNT, D(-1), "negative", "value"),
        (COUNT, D("NaN"), "type", "value"),
        (COUNT, D("Infinity"), "type", "value"),
        (COUNT, D("sNaN"), "type", "value"),
        (COUNT, D("1E+18"), "too_large", "value"),
        (COUNT, "12", "type", "value"),
        (COUNT, True, "type", "value"),
        (COUNT, (D(1), D(2)), "type", "value"),
        (MONEY, D("1000.5"), "decimals", "value"),
        (FLAG, D(2), "type", "value"),
        (FLAG, D("0.5"), "decimals", "value"),
        (PERCENT, (D(5), None), "ratio_incomplete", "denominator"),
        (PERCENT, (None, D(5)), "ratio_incomplete", "numerator"),
        (PERCENT, (D(101), D(100)), "numerator_exceeds_denominator", "numerator"),
        (PERCENT, (D(-1), D(100)), "negative", "numerator"),
        (PERCENT, (D(1), D(-100)), "negative", "denominator"),
        (PERCENT, (D(3), D(0)), "zero_denominator", "denominator"),
        (PERCENT, (D("0.5"), D(2)), "decimals", "numerator"),
        (PERCENT, (D(1), D("NaN")), "type", "denominator"),
        (PERCENT, D(101), "percent_over_100", "value"),
        (PERCENT, D(-3), "negative", "value"),
        (BOUNDED, D("9.9"), "min_value", "value"),
        (BOUNDED, D("99.6"), "max_value", "value"),
        (BOUNDED, D("50.25"), "decimals", "value"),
    ],
)
def test_refused_values(rule: IndicatorRule, value: object, key: str, field: str) -> None:
    findings = check_value(rule, value)  # type: ignore[arg-type]
    assert key in keys(findings)
    finding = next(f for f in findings if f.rule == key)
    assert finding.severity == "error"
    assert finding.field == field
    assert finding.indicator_code == rule.code
    assert finding.message
    assert blocking(findings)


def test_bounds_apply_to_a_ratio_scalar() -> None:
    at_least_half = IndicatorRule("R", ValueType.RATIO, factor=100, min_value=D(50))
    assert check_value(at_least_half, (D(1), D(2))) == []
    findings = check_value(at_least_half, (D(1), D(3)))
    assert keys(findings) == ["min_value"]
    assert "33,33" in findings[0].message
    assert findings[0].field == "numerator"


def test_cumulative_series_may_not_go_down() -> None:
    assert check_value(RUNNING, D(100), previous_cumulative=D(100)) == []
    assert check_value(RUNNING, D(101), previous_cumulative=D(100)) == []
    assert check_value(RUNNING, D(5), previous_cumulative=None) == []
    findings = check_value(RUNNING, D(99), previous_cumulative=D(100))
    assert keys(findings) == ["cumulative_decreased"]
    assert "100" in findings[0].message
    # Not cumulative: going down is fine.
    assert check_value(COUNT, D(99), previous_cumulative=D(100)) == []
    # A broken previous value is ignored rather than trusted.
    assert check_value(RUNNING, D(1), previous_cumulative=D("NaN")) == []


def test_cumulative_ratio_compares_scalars() -> None:
    rule = IndicatorRule("COVER", ValueType.RATIO, factor=100, cumulative=True)
    assert check_value(rule, (D(60), D(100)), previous_cumulative=D(50)) == []
    assert keys(check_value(rule, (D(40), D(100)), previous_cumulative=D(50))) == [
        "cumulative_decreased"
    ]


HISTORY = [D(100), D(102), D(98), D(101), D(99), D(103), D(97)]


def test_outlier_is_a_warning_needing_a_comment() -> None:
    assert check_value(COUNT, D(104), history=HISTORY) == []
    findings = check_value(COUNT, D(160), history=HISTORY)
    assert keys(findings) == ["outlier"]
    assert findings[0].severity == "warning"
    assert "100" in findings[0].message  # the median
    assert needs_comment(findings)
    assert blocking(findings, comment="")
    assert blocking(findings, comment="   ")
    assert not blocking(findings, comment="New service launched this month")
    assert keys(check_value(COUNT, D(20), history=HISTORY)) == ["outlier"]


def test_outlier_threshold_is_the_modified_z_score() -> None:
    # median 100, MAD 2: |0.6745·(x − 100)/2| > 3.5 ⇔ |x − 100| > 10.378…
    history = [D(96), D(98), D(100), D(100), D(102), D(104)]
    assert check_value(COUNT, D(110), history=history) == []
    assert keys(check_value(COUNT, D(111), history=history)) == ["outlier"]
    assert check_value(COUNT, D(90), history=history) == []
    assert keys(check_value(COUNT, D(89), history=history)) == ["outlier"]


def test_outlier_needs_six_points() -> None:
    assert check_value(COUNT, D(10_000), history=HISTORY[:5]) == []
    assert check_value(COUNT, D(10_000), history=[*HISTORY[:5], None, D("NaN")]) == []
    assert keys(check_value(COUNT, D(10_000), history=HISTORY[:6])) == ["outlier"]


def test_outlier_when_mad_is_zero() -> None:
    # Most values equal: MAD = 0, the mean absolute deviation stands in.
    mostly_flat = [D(50)] * 5 + [D(60), D(40)]
    assert check_value(COUNT, D(52), history=mostly_flat) == []
    assert keys(check_value(COUNT, D(70), history=mostly_flat)) == ["outlier"]
    # A constant history: the same value is fine, any other one is flagged.
    flat = [D(7)] * 8
    assert check_value(COUNT, D(7), history=flat) == []
    assert keys(check_value(COUNT, D(8), history=flat)) == ["outlier"]


def test_booleans_have_no_outliers() -> None:
    assert check_value(FLAG, D(1), history=[D(0)] * 10) == []


def test_ratio_outliers_use_the_scalar() -> None:
    history = [D(50), D(52), D(48), D(51), D(49), D(50)]
    assert check_value(PERCENT, (D(50), D(100)), history=history) == []
    assert keys(check_value(PERCENT, (D(95), D(100)), history=history)) == ["outlier"]


def test_scalar_of() -> None:
    assert scalar_of(PERCENT, (D(1), D(4))) == D(25)
    assert scalar_of(PERCENT, (D(1), D(0))) is None
    assert scalar_of(PERCENT, None) is None
    assert scalar_of(COUNT, D(3)) == D(3)
    assert scalar_of(COUNT, D("NaN")) is None


finite_or_weird = st.one_of(
    st.none(),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.decimals(min_value=-(10**20), max_value=10**20, places=8),
    st.sampled_from([D("sNaN"), D("-0"), D("1E+999999"), D("1E-999999")]),
)


@given(
    st.sampled_from([COUNT, MONEY, FLAG, PERCENT, SHARE, BOUNDED, RUNNING]),
    st.one_of(finite_or_weird, st.tuples(finite_or_weird, finite_or_weird)),
    finite_or_weird,
    st.lists(finite_or_weird, max_size=10),
)
def test_check_value_never_raises(
    rule: IndicatorRule,
    value: object,
    previous: Decimal | None,
    history: list[Decimal | None],
) -> None:
    findings = check_value(rule, value, previous, history)  # type: ignore[arg-type]
    assert all(isinstance(f, Finding) and f.message for f in findings)
    assert all(f.severity in ("error", "warning") for f in findings)


# --- expressions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A + B", D(5)),
        ("A + B * C", D(2 + 3 * 4)),
        ("(A + B) * C", D(20)),
        ("C / A", D(2)),
        ("C - A - B", D(-1)),  # left-associative
        ("C / A / A", D(1)),
        ("-A + C", D(2)),
        ("- (A + B)", D(-5)),
        ("2 * A + 0.5", D("4.5")),
        ("A", D(2)),
        ("[CĐS-01] + 1", D(11)),
        ("R.numerator / R.denominator * 100", D(25)),
        ("  A+B  ", D(5)),
    ],
)
def test_expression_evaluation(text: str, expected: Decimal) -> None:
    values = {
        "A": D(2),
        "B": D(3),
        "C": D(4),
        "CĐS-01": D(10),
        "R.numerator": D(1),
        "R.denominator": D(4),
    }
    assert parse_expression(text).evaluate(values) == expected


def test_expression_codes() -> None:
    assert parse_expression("A + B * (C - A) + [X-1] + 3").codes() == {"A", "B", "C", "X-1"}
    assert parse_expression("12").codes() == frozenset()
    expression = parse_expression("R.numerator / R.denominator + A")
    assert expression.codes() == {"R", "A"}
    assert expression.names == {"R.numerator", "R.denominator", "A"}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "A +",
        "+",
        "(A + B",
        "A + B)",
        "A B",
        "A ** B",
        "A % B",
        "__import__('os')",
        "A; B",
        "1.",
        "A == B",
        "[]",
        "x" * 600,
        "(" * 60 + "A" + ")" * 60,
        "-" * 60 + "A",
    ],
)
def test_invalid_expressions(text: str) -> None:
    with pytest.raises(ExpressionError):
        parse_expression(text)


def test_invalid_expression_alias() -> None:
    assert InvalidExpression is ExpressionError
    with pytest.raises(ValueError, match="unexpected"):
        parse_expression("A B")


def test_expression_errors_when_evaluating() -> None:
    expression = parse_expression("A / (B - C)")
    with pytest.raises(ExpressionDivisionByZero):
        expression.evaluate({"A": D(1), "B": D(2), "C": D(2)})
    with pytest.raises(UnknownCode) as excinfo:
        expression.evaluate({"A": D(1), "B": D(2)})
    assert excinfo.value.code == "C"


def test_check_cross_rule_definition() -> None:
    good = CrossRule("A + B", "<=", "C", "hard", "")
    assert check_cross_rule(good) == []
    assert check_cross_rule(good, {"A", "B", "C"}) == []
    assert check_cross_rule(CrossRule("R.numerator", "<=", "C"), {"R", "C"}) == []
    problems = check_cross_rule(CrossRule("A + Z", "<=", "C"), {"A", "C"})
    assert len(problems) == 1 and "Z" in problems[0]
    assert len(check_cross_rule(CrossRule("A +", "=>", "C", "medium"))) == 3


# --- forms ------------------------------------------------------------------------------------

TOTAL = IndicatorRule("TOTAL", ValueType.COUNT)
ONLINE = IndicatorRule("ONLINE_N", ValueType.COUNT)
OFFLINE = IndicatorRule("OFFLINE_N", ValueType.COUNT)
RULES = [TOTAL, ONLINE, OFFLINE, PERCENT, COUNT]
PARTS = CrossRule(
    "ONLINE_N + OFFLINE_N", "==", "TOTAL", "hard", "Online + offline must be the total"
)
SOFT = CrossRule("ONLINE_N", ">=", "TOTAL / 10", "soft", "")


def test_form_without_problems() -> None:
    values = {"TOTAL": D(10), "ONLINE_N": D(4), "OFFLINE_N": D(6)}
    assert check_form(RULES, values, [PARTS, SOFT]) == {}


def test_hard_cross_rule_is_an_error_on_the_first_code() -> None:
    values = {"TOTAL": D(10), "ONLINE_N": D(4), "OFFLINE_N": D(5)}
    results = check_form(RULES, values, [PARTS])
    assert list(results) == ["ONLINE_N"]
    (finding,) = results["ONLINE_N"]
    assert (finding.rule, finding.severity) == ("cross_rule", "error")
    assert "Online + offline must be the total" in finding.message
    assert "9" in finding.message and "10" in finding.message
    assert blocking(finding for finding in results["ONLINE_N"])


def test_soft_cross_rule_is_a_warning_until_explained() -> None:
    values = {"TOTAL": D(100), "ONLINE_N": D(5), "OFFLINE_N": D(95)}
    unexplained = check_form(RULES, values, [PARTS, SOFT])
    assert keys(unexplained["ONLINE_N"]) == ["cross_rule", "comment_required"]
    assert unexplained["ONLINE_N"][0].severity == "warning"
    assert unexplained["ONLINE_N"][1].field == "comment"
    assert blocking(unexplained["ONLINE_N"])
    explained = check_form(RULES, values, [PARTS, SOFT], comments={"ONLINE_N": "Mất mạng"})
    assert keys(explained["ONLINE_N"]) == ["cross_rule"]
    assert not blocking(explained["ONLINE_N"])
    assert "TOTAL / 10" in explained["ONLINE_N"][0].message  # a default message names the rule


def test_cross_rule_needs_every_value() -> None:
    assert check_form(RULES, {"TOTAL": D(10), "ONLINE_N": D(4)}, [PARTS]) == {}
    # A value with an error counts as absent: only its own error is reported.
    results = check_form(RULES, {"TOTAL": D(10), "ONLINE_N": D(-4), "OFFLINE_N": D(6)}, [PARTS])
    assert {code: keys(f) for code, f in results.items()} == {"ONLINE_N": ["negative"]}


def test_cross_rule_uses_stored_context_values() -> None:
    context = {"TOTAL": D(10), "OFFLINE_N": D(6)}
    results = check_form(RULES, {"ONLINE_N": D(3)}, [PARTS], context=context)
    assert keys(results["ONLINE_N"]) == ["cross_rule"]
    assert check_form(RULES, {"ONLINE_N": D(4)}, [PARTS], context=context) == {}
    # Values being saved replace the stored ones.
    assert check_form(RULES, {"ONLINE_N": D(3), "TOTAL": D(9)}, [PARTS], context=context) == {}
    # A rule about stored values only is not re-reported.
    assert check_form(RULES, {"DVC": D(1)}, [PARTS], context={**context, "ONLINE_N": D(1)}) == {}


def test_cross_rule_division_by_zero_is_reported_not_evaluated() -> None:
    rule = CrossRule("ONLINE_N / TOTAL", "<=", "1", "hard", "")
    results = check_form(RULES, {"ONLINE_N": D(0), "TOTAL": D(0)}, [rule])
    assert keys(results["ONLINE_N"]) == ["cross_rule_not_evaluated", "comment_required"]
    assert results["ONLINE_N"][0].severity == "warning"
    results = check_form(
        RULES, {"ONLINE_N": D(0), "TOTAL": D(0)}, [rule], comments={"ONLINE_N": "no dossiers"}
    )
    assert not blocking(results["ONLINE_N"])


def test_cross_rules_over_ratio_parts() -> None:
    rule = CrossRule("ONLINE.denominator", "==", "TOTAL", "hard", "")
    assert check_form(RULES, {"ONLINE": (D(4), D(10)), "TOTAL": D(10)}, [rule]) == {}
    results = check_form(RULES, {"ONLINE": (D(4), D(12)), "TOTAL": D(10)}, [rule])
    assert keys(results["ONLINE"]) == ["cross_rule"]
    scalar = CrossRule("ONLINE", ">=", "50", "hard", "")
    assert keys(check_form(RULES, {"ONLINE": (D(4), D(10))}, [scalar])["ONLINE"]) == ["cross_rule"]


def test_broken_cross_rules_are_skipped() -> None:
    broken = [CrossRule("ONLINE_N +", "<=", "TOTAL"), CrossRule("ONLINE_N", "=>", "TOTAL")]
    assert check_form(RULES, {"TOTAL": D(10), "ONLINE_N": D(40)}, broken) == {}


def test_form_value_checks_previous_history_and_unknown_codes() -> None:
    rules = [RUNNING, COUNT]
    values = {"VNEID": D(90), "DVC": D(500), "NOPE": D(1)}
    results = check_form(
        rules,
        values,
        [],
        previous={"VNEID": D(100)},
        histories={"DVC": HISTORY},
        comments={"DVC": ""},
    )
    assert keys(results["VNEID"]) == ["cumulative_decreased"]
    assert keys(results["DVC"]) == ["outlier", "comment_required"]
    assert keys(results["NOPE"]) == ["unknown_indicator"]
    assert all(blocking(items) for items in results.values())


def test_blocking_and_needs_comment() -> None:
    warning = Finding("A", "value", "warning", "outlier", "far")
    error = Finding("A", "value", "error", "min_value", "low")
    assert not blocking([])
    assert not needs_comment([])
    assert blocking([error])
    assert blocking([error], comment="because")
    assert needs_comment([warning])
    assert not needs_comment([error])
    assert blocking([warning], comment="")
    assert not blocking([warning], comment="explained")
    assert not blocking([warning])  # check_form output: comments already taken into account
