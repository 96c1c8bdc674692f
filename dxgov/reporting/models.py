"""Report definitions (Decree 09/2019), the reports agencies send, and their data values.

Every write goes through dxgov.reporting.actions. Periods, cut-off windows and deadlines are
computed in periods.py; value rules in validation.py; roll-ups in aggregate.py (all pure).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxgov.indicators.models import Periodicity


class ReportKind(models.TextChoices):
    PERIODIC = "periodic", _("Periodic")
    THEMATIC = "thematic", _("Thematic")
    AD_HOC = "ad_hoc", _("Ad hoc")


class ReportDefinition(models.Model):
    """A reporting regime: who reports what to whom, how often, by when."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=300)
    content = models.TextField(blank=True)
    kind = models.CharField(max_length=16, choices=ReportKind.choices, default=ReportKind.PERIODIC)
    frequency = models.CharField(max_length=16, choices=Periodicity.choices)
    receiving_agency = models.ForeignKey(
        "orgunits.Agency", on_delete=models.PROTECT, related_name="reports_received"
    )
    reporting_agencies = models.ManyToManyField(
        "orgunits.Agency", related_name="report_definitions"
    )
    indicators: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        "indicators.Indicator", through="FormField", related_name="report_definitions"
    )
    # Deadline: this many working days after the end of the data cut-off window.
    due_working_days = models.PositiveSmallIntegerField(default=2)
    # Whether the receiving agency must also accept a report once the sender approved it.
    requires_acceptance = models.BooleanField(default=False)
    send_method = models.CharField(max_length=100, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FormField(models.Model):
    """An indicator on a report definition's form, in order."""

    definition = models.ForeignKey(
        ReportDefinition, on_delete=models.CASCADE, related_name="fields"
    )
    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.PROTECT)
    position = models.PositiveIntegerField(default=0)
    section = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "indicator"], name="indicator_once_per_form"
            )
        ]

    def __str__(self) -> str:
        return f"{self.definition_id}:{self.indicator_id}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved by the agency leader")
    ACCEPTED = "accepted", _("Accepted by the receiving agency")
    RETURNED = "returned", _("Returned")


EDITABLE_STATUSES = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})
SENT_STATUSES = frozenset({ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.ACCEPTED})
FINAL_STATUSES = frozenset({ReportStatus.APPROVED, ReportStatus.ACCEPTED})


class ReportQuerySet(models.QuerySet["Report"]):
    def sent(self) -> ReportQuerySet:
        return self.filter(status__in=SENT_STATUSES)


class Report(models.Model):
    """One agency's report for one period of a definition."""

    definition = models.ForeignKey(
        ReportDefinition, on_delete=models.PROTECT, related_name="reports"
    )
    agency = models.ForeignKey("orgunits.Agency", on_delete=models.PROTECT, related_name="reports")
    period = models.CharField(max_length=16)  # periods.Period.code, e.g. "202503", "2025Q1"
    due_date = models.DateField()
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    # Set the first time the report is submitted; timeliness is judged on it.
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Why the report was last returned or reopened (shown to the sender).
    return_reason = models.TextField(blank=True)
    # Document number and symbol for the official .docx (e.g. "15/BC-UBND").
    document_number = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "agency__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "agency", "period"], name="one_report_per_agency_period"
            )
        ]
        indexes = [models.Index(fields=["definition", "period", "status"])]

    def __str__(self) -> str:
        return f"{self.definition.code} {self.agency.code} {self.period}"

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def on_time(self) -> bool | None:
        if self.first_submitted_at is None:
            return None
        return timezone.localdate(self.first_submitted_at) <= self.due_date


class DataValue(models.Model):
    """One figure: an indicator's value for an agency and a period (DHIS2's data value).

    A count, money or yes/no value is in `value` (yes = 1); a ratio keeps its numerator and
    denominator, and `value` = numerator ÷ denominator × factor, so it aggregates exactly.
    `version` grows on every change: a save that names an older version is a conflict.
    """

    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.PROTECT, related_name="values"
    )
    agency = models.ForeignKey("orgunits.Agency", on_delete=models.PROTECT, related_name="values")
    period = models.CharField(max_length=16)
    # The first day of the period's calendar span, for range queries and ordering.
    period_start = models.DateField()
    frequency = models.CharField(max_length=16, choices=Periodicity.choices)
    category = models.CharField(max_length=16, blank=True)  # disaggregation option, e.g. "commune"
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.PROTECT, related_name="values"
    )
    value = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    numerator = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    denominator = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    comment = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["period_start", "indicator__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "agency", "period", "category"],
                name="one_value_per_indicator_agency_period",
            )
        ]
        indexes = [
            models.Index(fields=["indicator", "period_start"]),
            models.Index(fields=["agency", "period_start"]),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.agency.code} {self.period}: {self.value}"
