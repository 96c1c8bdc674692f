"""The indicator catalogue (chỉ tiêu), cross-indicator validation rules, and targets.

Every write goes through dxgov.indicators.actions. Values themselves live in
dxgov.reporting (DataValue); the rules that judge them are in indicators/validation.py.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxgov.core import formats, text
from dxgov.indicators import targets as target_rules
from dxgov.orgunits.models import Agency


class ValueType(models.TextChoices):
    COUNT = "count", _("Count")
    RATIO = "ratio", _("Ratio (numerator ÷ denominator)")
    MONEY = "money", _("Money (VND)")
    BOOLEAN = "boolean", _("Yes / no")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Periodicity(models.TextChoices):
    # The same codes as reporting.periods.Frequency.
    MONTH = "month", _("Monthly")
    QUARTER = "quarter", _("Quarterly")
    HALF_YEAR = "half_year", _("Half-yearly")
    NINE_MONTHS = "nine_months", _("Nine months")
    YEAR = "year", _("Yearly")


class Source(models.TextChoices):
    REPORTED = "reported", _("Reported by agencies")
    COMPUTED = "computed", _("Computed by the platform")
    IMPORTED = "imported", _("Imported")


class Disaggregation(models.TextChoices):
    NONE = "", _("None")
    LEVEL = "level", _("By administrative level")


class Importance(models.TextChoices):
    HARD = "hard", _("Hard: refuses the value")
    SOFT = "soft", _("Soft: warns, needs a comment")


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def active(self) -> IndicatorQuerySet:
        return self.filter(active=True)

    def search(self, query: str) -> IndicatorQuerySet:
        """Indicators whose code or name holds ``query``, in any case, with or without marks."""
        return self.filter(search_text__contains=text.fold(query))


class Indicator(models.Model):
    """What is measured: its meaning, unit, type and how its values add up."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300, blank=True)
    # As charts and tables write it ("Hồ sơ trực tuyến"); blank: the name, shortened (`label`).
    short_name = models.CharField(max_length=80, blank=True)
    definition = models.TextField(blank=True)
    unit = models.CharField(max_length=50, blank=True)
    value_type = models.CharField(max_length=16, choices=ValueType.choices)
    # A ratio's value is numerator ÷ denominator × factor (100 for a percentage).
    factor = models.PositiveIntegerField(default=1)
    decimals = models.PositiveSmallIntegerField(default=0)
    direction = models.CharField(max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    periodicity = models.CharField(
        max_length=16, choices=Periodicity.choices, default=Periodicity.MONTH
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.REPORTED)
    owner = models.ForeignKey(
        "orgunits.Agency", on_delete=models.PROTECT, related_name="indicators_owned"
    )
    disaggregation = models.CharField(
        max_length=16, choices=Disaggregation.choices, default=Disaggregation.NONE, blank=True
    )
    min_value = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    max_value = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    # A cumulative series (e.g. accounts activated to date) may never go down.
    cumulative = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # fold(code, name), set on every save: what a search compares (core.text).
    search_text = models.TextField(blank=True, default="", editable=False)

    SEARCHED = ("code", "name")

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        text.keep_search_text(
            self, kwargs, self.SEARCHED, lambda: text.search_text(self.code, self.name)
        )
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        """The short name for charts: as given, else the name cut at a word."""
        return self.short_name or formats.shortened(self.name)

    @property
    def is_percent(self) -> bool:
        return self.value_type == ValueType.RATIO and self.factor == 100


class ValidationRule(models.Model):
    """A rule across indicators: left side ⟨op⟩ right side (expressions over codes)."""

    class Operator(models.TextChoices):
        LE = "<=", "≤"
        LT = "<", "<"
        GE = ">=", "≥"
        GT = ">", ">"
        EQ = "==", "="
        NE = "!=", "≠"

    name = models.CharField(max_length=200)
    left = models.CharField(max_length=500)
    operator = models.CharField(max_length=2, choices=Operator.choices)
    right = models.CharField(max_length=500)
    importance = models.CharField(max_length=8, choices=Importance.choices)
    message = models.CharField(max_length=500)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.left} {self.operator} {self.right}"


class TargetState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved (baseline)")


class TargetBasis(models.TextChoices):
    """How the year's figure compared with the target is made (indicators/targets.py)."""

    # The same codes as targets.Basis.
    SUM = target_rules.Basis.SUM.value, _("Sum over the year")
    END_OF_PERIOD = target_rules.Basis.END_OF_PERIOD.value, _("Value at the end of the year")
    AVERAGE = target_rules.Basis.AVERAGE.value, _("Average over the year")
    CUMULATIVE = target_rules.Basis.CUMULATIVE.value, _("Cumulative to date")
    RATIO_OF_SUMS = (
        target_rules.Basis.RATIO_OF_SUMS.value,
        _("Σ numerators ÷ Σ denominators over the year"),
    )


class TargetScope(models.TextChoices):
    """Whom a target is judged for (indicators/targets.py)."""

    # The same codes as targets.Scope.
    AGENCY = target_rules.Scope.AGENCY.value, _("One agency")
    EACH = target_rules.Scope.EACH.value, _("Each agency of a kind")
    NATIONAL = target_rules.Scope.NATIONAL.value, _("The nation as a whole")


class TargetQuerySet(models.QuerySet["Target"]):
    def applying_to(self, agency: Agency | None) -> dict[int, Target]:
        """For each indicator, the one target (of these) that applies to the agency — its own,
        else its kind's at its level, else its kind's; a national target only to the nation
        (None, or the tree's root). A target for other agencies is not the agency's."""
        facts = agency_facts(agency)
        by_indicator: dict[int, list[Target]] = {}
        for target in self:
            by_indicator.setdefault(target.indicator_id, []).append(target)
        found: dict[int, Target] = {}
        for indicator_id, candidates in by_indicator.items():
            chosen = target_rules.choose(((t.rule_scope, t) for t in candidates), facts)
            if chosen is not None:
                found[indicator_id] = chosen
        return found


def agency_facts(agency: Agency | None) -> target_rules.AgencyFacts:
    """The scope's view of an agency (None: the nation, which no agency id matches)."""
    if agency is None:
        return target_rules.AgencyFacts(agency_id=0, kind="", level="", is_root=True)
    unit = agency.orgunit
    return target_rules.AgencyFacts(
        agency_id=agency.pk,
        kind=agency.kind,
        level=unit.level if unit is not None else "",
        is_root=agency.parent_id is None,
    )


class Target(models.Model):
    """A year's target for an indicator, for one agency or for all agencies of a level.

    Once approved, `baseline_value` keeps the value as first approved; a later change needs a
    reason and leaves a TargetRevision, so reports can show the baseline beside the current.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    agency = models.ForeignKey(
        "orgunits.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
    )
    # Whom it is judged for: one agency (agency); each agency of a kind (agency_kind), and of
    # one administrative level when agency_level is set (every provincial People's Committee:
    # not a commune's); or the nation's figure only.
    scope = models.CharField(
        max_length=16, choices=TargetScope.choices, default=TargetScope.NATIONAL
    )
    agency_kind = models.CharField(max_length=32, blank=True)
    agency_level = models.CharField(max_length=16, blank=True)  # orgunits.Level; "": any
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=24, decimal_places=6)
    # How the year's figure compared with the value is made from the indicator's values.
    aggregation = models.CharField(
        max_length=16, choices=TargetBasis.choices, default=TargetBasis.END_OF_PERIOD
    )
    baseline_value = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    state = models.CharField(max_length=16, choices=TargetState.choices, default=TargetState.DRAFT)
    basis = models.CharField(max_length=300, blank=True)  # the document: "Nghị quyết 52-NQ/TW"
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["indicator__code", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "agency", "year"],
                condition=models.Q(agency__isnull=False),
                name="one_target_per_indicator_agency_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "agency_kind", "agency_level", "year"],
                condition=models.Q(agency__isnull=True),
                name="one_target_per_indicator_kind_level_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value}"

    @property
    def rule_scope(self) -> target_rules.TargetScope:
        return target_rules.TargetScope(
            scope=target_rules.Scope(self.scope),
            agency_id=self.agency_id,
            agency_kind=self.agency_kind,
            agency_level=self.agency_level,
        )

    @property
    def rule_basis(self) -> target_rules.Basis:
        return target_rules.Basis(self.aggregation)

    @property
    def revised(self) -> bool:
        return self.baseline_value is not None and self.baseline_value != self.value


class Milestone(models.Model):
    """A point on the trajectory to a target: the value expected by the end of a quarter."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="milestones")
    quarter = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=24, decimal_places=6)

    class Meta:
        ordering = ["quarter"]
        constraints = [
            models.UniqueConstraint(fields=["target", "quarter"], name="one_milestone_per_quarter")
        ]

    def __str__(self) -> str:
        return f"Q{self.quarter}: {self.value}"


class TargetRevision(models.Model):
    """A change to an approved target: the old and new value and why."""

    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="revisions")
    old_value = models.DecimalField(max_digits=24, decimal_places=6)
    new_value = models.DecimalField(max_digits=24, decimal_places=6)
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["changed_at"]

    def __str__(self) -> str:
        return f"{self.old_value} → {self.new_value}"
