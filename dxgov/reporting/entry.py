"""What a report form needs to judge values: the rules, the stored figures, the history.

This reads the database and hands plain values to the pure rules in validation.py, so the
web form, the API and Excel uploads are judged by the same code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from dxgov.indicators import validation
from dxgov.indicators.models import Indicator, ValidationRule, ValueType
from dxgov.indicators.validation import Finding
from dxgov.orgunits.models import Agency
from dxgov.reporting import periods
from dxgov.reporting.models import DataValue, ReportDefinition

if TYPE_CHECKING:
    from dxgov.reporting.models import Report

HISTORY_PERIODS = 24
# A parsed value: a Decimal (count, money, yes = 1 / no = 0), a (numerator, denominator) pair
# for a ratio, or None for an empty cell.
Parsed = Decimal | tuple[Decimal, Decimal] | None
SIX_PLACES = Decimal("0.000001")


@dataclass
class ValueInput:
    """One value as typed (text) with what the form saw: its version and a comment."""

    indicator_code: str
    value: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    comment: str = ""
    # The version the form was opened on; None: the value did not exist then.
    # `check_version=False` (API and Excel imports without versions) overwrites on purpose.
    version: int | None = None
    check_version: bool = True
    category: str = ""
    # Remove the stored value: the only way an input removes one (validation.shape_of). The
    # form and the Excel form ask it by emptying a figure they showed (its version is sent),
    # the API by `"clear": true`. A blank input otherwise keeps what is stored.
    clear: bool = False
    # Named on purpose (an API item): one carrying nothing is refused, not skipped.
    named: bool = False


def rule_of(indicator: Indicator) -> validation.IndicatorRule:
    return validation.IndicatorRule(
        code=indicator.code,
        value_type=validation.ValueType(indicator.value_type),
        decimals=indicator.decimals,
        min_value=indicator.min_value,
        max_value=indicator.max_value,
        factor=indicator.factor,
        cumulative=indicator.cumulative,
    )


def cross_rules() -> list[validation.CrossRule]:
    return [
        validation.CrossRule(
            left=rule.left,
            op=rule.operator,
            right=rule.right,
            importance=rule.importance,
            message=rule.message,
        )
        for rule in ValidationRule.objects.filter(active=True)
    ]


def parsed_of(value: DataValue | None) -> Parsed:
    if value is None:
        return None
    if value.indicator.value_type == ValueType.RATIO:
        if value.numerator is None or value.denominator is None:
            return None
        return (value.numerator.normalize(), value.denominator.normalize())
    return value.value.normalize() if value.value is not None else None


def scalar(indicator: Indicator, parsed: Parsed) -> Decimal | None:
    """The value as one number (a ratio's numerator ÷ denominator × factor)."""
    if parsed is None:
        return None
    if isinstance(parsed, tuple):
        numerator, denominator = parsed
        if denominator == 0:
            return None
        return (numerator / denominator * indicator.factor).quantize(SIX_PLACES, ROUND_HALF_UP)
    return parsed


def value_fields(indicator: Indicator, parsed: Parsed) -> dict[str, Decimal | None]:
    if isinstance(parsed, tuple):
        return {
            "numerator": parsed[0],
            "denominator": parsed[1],
            "value": scalar(indicator, parsed),
        }
    return {"value": parsed, "numerator": None, "denominator": None}


def _plain(number: Decimal) -> str:
    return f"{number.normalize():f}"


def as_text(parsed: Parsed) -> str | None:
    """A value as the audit ledger records it: plain digits ("1200", "900/1200")."""
    if parsed is None:
        return None
    if isinstance(parsed, tuple):
        return f"{_plain(parsed[0])}/{_plain(parsed[1])}"
    return _plain(parsed)


def blocks(findings: dict[str, list[Finding]]) -> bool:
    return any(validation.blocking(items) for items in findings.values())


def conflict_finding(code: str, current: DataValue | None) -> Finding:
    if current is None:
        message = _("Someone removed this value after you opened the form. Reload and check.")
    else:
        who = current.updated_by.get_full_name() if current.updated_by else _("someone")
        message = _(
            "%(who)s changed this value at %(when)s, after you opened the form: "
            "reload to see their figure before saving yours."
        ) % {"who": who, "when": date_format(localtime(current.updated_at), "H:i d/m/Y")}
    return Finding(
        indicator_code=code, field="value", severity="error", rule="conflict", message=message
    )


@dataclass
class FormContext:
    """One agency's form for one period: indicators, stored values, previous values, history."""

    definition: ReportDefinition
    agency: Agency
    period: periods.Period
    indicators: list[Indicator]
    stored: dict[str, DataValue]
    previous: dict[str, Decimal]
    history: dict[str, list[Decimal]]
    others: dict[str, Decimal] = field(default_factory=dict)

    @property
    def by_code(self) -> dict[str, Indicator]:
        return {indicator.code: indicator for indicator in self.indicators}

    def stored_parsed(self, code: str) -> Parsed:
        return parsed_of(self.stored.get(code))

    @classmethod
    def load(
        cls,
        definition: ReportDefinition,
        agency: Agency,
        period: periods.Period,
        *,
        lock: bool = False,
    ) -> FormContext:
        indicators = [
            f.indicator for f in definition.fields.select_related("indicator").order_by("position")
        ]
        values = DataValue.objects.select_related("indicator", "updated_by").filter(
            agency=agency, period=period.code, category=""
        )
        if lock:
            values = values.select_for_update(of=("self",))  # PostgreSQL: not the outer join
        stored = {v.indicator.code: v for v in values}
        others = {
            code: number
            for code, v in stored.items()
            if (number := scalar(v.indicator, parsed_of(v))) is not None
        }
        history: dict[str, list[Decimal]] = defaultdict(list)
        previous: dict[str, Decimal] = {}
        before = (
            DataValue.objects.filter(
                agency=agency,
                indicator__in=indicators,
                frequency=period.frequency.value,
                period_start__lt=period.start,
                category="",
                value__isnull=False,
            )
            .order_by("-period_start")
            .values_list("indicator__code", "period", "value")
        )
        previous_code = period.previous().code
        for code, period_code, value in before:
            if value is None:
                continue
            if len(history[code]) < HISTORY_PERIODS:
                history[code].append(value)
            if period_code == previous_code:
                previous[code] = value
        return cls(
            definition=definition,
            agency=agency,
            period=period,
            indicators=indicators,
            stored=stored,
            previous=previous,
            history={code: list(reversed(values)) for code, values in history.items()},
            others=others,
        )

    def parse(self, item: ValueInput) -> tuple[validation.Intent, Parsed, list[Finding]]:
        """Read one typed value: what it asks (set, clear, keep), the figure, or the errors.

        Its shape is judged first (validation.shape_of); unreadable text is an error finding,
        never an exception.
        """
        indicator = self.by_code[item.indicator_code]
        texts = [(part or "").strip() for part in (item.value, item.numerator, item.denominator)]
        sent = validation.Sent(
            value=bool(texts[0]),
            numerator=bool(texts[1]),
            denominator=bool(texts[2]),
            clear=item.clear,
            named=item.named,
        )
        intent, problems = validation.shape_of(rule_of(indicator), sent)
        if problems or intent != validation.Intent.SET:
            return intent, None, problems
        try:
            if indicator.value_type == ValueType.RATIO:
                numerator = validation.parse_number(texts[1], indicator.decimals)
                denominator = validation.parse_number(texts[2], indicator.decimals)
                return intent, (numerator, denominator), []
            if indicator.value_type == ValueType.BOOLEAN:
                return intent, Decimal(int(validation.parse_boolean(texts[0]))), []
            return intent, validation.parse_number(texts[0], indicator.decimals), []
        except validation.InvalidNumber as exc:
            return (
                intent,
                None,
                [
                    Finding(
                        indicator_code=indicator.code,
                        field="value",
                        severity="error",
                        rule="number",
                        message=str(exc),
                    )
                ],
            )

    def check(
        self, inputs: Sequence[ValueInput]
    ) -> tuple[dict[str, list[Finding]], dict[str, Parsed]]:
        findings: dict[str, list[Finding]] = {}
        parsed: dict[str, Parsed] = {}
        comments: dict[str, str] = {}
        for item in inputs:
            if item.indicator_code not in self.by_code:
                findings.setdefault(item.indicator_code, []).append(
                    Finding(
                        indicator_code=item.indicator_code,
                        field="value",
                        severity="error",
                        rule="unknown_indicator",
                        message=_("This indicator is not on the report's form."),
                    )
                )
                continue
            intent, value, problems = self.parse(item)
            if problems:
                findings.setdefault(item.indicator_code, []).extend(problems)
                continue
            if intent == validation.Intent.KEEP:
                continue  # nothing asked: the stored figure stays, unjudged and unchanged
            parsed[item.indicator_code] = value
            comments[item.indicator_code] = item.comment.strip()
        rules = [rule_of(i) for i in self.indicators if i.code in parsed]
        values = {code: v for code, v in parsed.items() if v is not None}
        # Figures already stored for this agency and period, for rules across indicators;
        # a value being saved (or cleared) replaces its stored one.
        context = {code: v for code, v in self.others.items() if code not in parsed}
        results = validation.check_form(
            rules,
            values,
            cross_rules(),
            self.previous,
            self.history,
            comments,
            context=context,
        )
        for code, items in results.items():
            if items:
                findings.setdefault(code, []).extend(items)
        return findings, parsed


def missing_values(report: Report) -> list[str]:
    codes = list(
        report.definition.fields.order_by("position").values_list("indicator__code", flat=True)
    )
    have = set(
        DataValue.objects.filter(
            agency=report.agency, period=report.period, category="", indicator__code__in=codes
        ).values_list("indicator__code", flat=True)
    )
    return [code for code in codes if code not in have]


def typed(indicator: Indicator, value: DataValue | None) -> dict[str, Any]:
    """A stored value as the form shows it (text in the user's format)."""
    if value is None:
        return {"value": "", "numerator": "", "denominator": "", "version": ""}
    return {
        "value": validation.format_number(value.value, indicator.decimals)
        if value.value is not None and indicator.value_type != ValueType.RATIO
        else "",
        "numerator": validation.format_number(value.numerator, indicator.decimals)
        if value.numerator is not None
        else "",
        "denominator": validation.format_number(value.denominator, indicator.decimals)
        if value.denominator is not None
        else "",
        "version": value.version,
    }
