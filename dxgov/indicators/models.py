"""The indicator catalogue (chỉ tiêu), cross-indicator validation rules, and targets.

Every write goes through dxgov.indicators.actions. Values themselves live in
dxgov.reporting (DataValue); the rules that judge them are in reporting/validation.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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

    def search(self, text: str) -> IndicatorQuerySet:
        return self.filter(models.Q(code__icontains=text) | models.Q(name__icontains=text))


class Indicator(models.Model):
    """What is measured: its meaning, unit, type and how its values add up."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300, blank=True)
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

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

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
    # When agency is empty: the target applies to every agency of this kind (e.g. all
    # provincial People's Committees); empty too means the national target.
    agency_kind = models.CharField(max_length=32, blank=True)
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=24, decimal_places=6)
    baseline_value = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    state = models.CharField(max_length=16, choices=TargetState.choices, default=TargetState.DRAFT)
    basis = models.CharField(max_length=300, blank=True)  # e.g. "Nghị quyết 52-NQ/TW"
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["indicator__code", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "agency", "year"],
                condition=models.Q(agency__isnull=False),
                name="one_target_per_indicator_agency_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "agency_kind", "year"],
                condition=models.Q(agency__isnull=True),
                name="one_target_per_indicator_kind_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value}"

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
