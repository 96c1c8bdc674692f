"""Decision 766 counts and scores: per (agency, month) counts, scores per (agency, period),
and the official scores published by DVCQG.

`MonthCounts` holds every numerator and denominator of `qd766.Counts` that comes from dossiers,
for one agency's own dossiers received in one month (additive: a province's figures are the sum
over its subtree). Catalogue facts (the procedure metrics) are computed when scoring, from the
catalogue and `ProcedureUsage` (online dossiers and payments per agency, month and TTHC); the
`Score` row keeps the complete rolled-up counts.
`Score` is the scorecard of an agency for a month, quarter or year, computed from the rolled-up
counts, never by averaging scores. `OfficialScore` keeps DVCQG's published figures as sent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class MonthCounts(models.Model):
    """Every numerator and denominator (qd766.COUNT_FIELDS) of one agency in one month."""

    agency = models.ForeignKey("orgunits.Agency", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()  # the first day of the month
    procedures_announced = models.BigIntegerField(default=0)
    procedures_announced_on_time = models.BigIntegerField(default=0)
    procedures_to_post = models.BigIntegerField(default=0)
    procedures_posted_on_time = models.BigIntegerField(default=0)
    procedures_posted = models.BigIntegerField(default=0)
    procedures_content_complete = models.BigIntegerField(default=0)
    dossiers_received = models.BigIntegerField(default=0)
    dossiers_synced = models.BigIntegerField(default=0)
    dossiers_on_time = models.BigIntegerField(default=0)
    dossiers_finished = models.BigIntegerField(default=0)
    processing_seconds = models.BigIntegerField(default=0)
    procedures_in_scope = models.BigIntegerField(default=0)
    procedures_online = models.BigIntegerField(default=0)
    procedures_online_used = models.BigIntegerField(default=0)
    dossiers_online = models.BigIntegerField(default=0)
    procedures_with_fees = models.BigIntegerField(default=0)
    procedures_fees_integrated = models.BigIntegerField(default=0)
    procedures_paid_online = models.BigIntegerField(default=0)
    dossiers_with_fees = models.BigIntegerField(default=0)
    dossiers_paid_online = models.BigIntegerField(default=0)
    dossiers_paper_result = models.BigIntegerField(default=0)
    dossiers_e_result = models.BigIntegerField(default=0)
    dossiers_digitised = models.BigIntegerField(default=0)
    dossiers_reused = models.BigIntegerField(default=0)
    dossiers_personal_store = models.BigIntegerField(default=0)
    procedures_for_citizens = models.BigIntegerField(default=0)
    procedures_population_connected = models.BigIntegerField(default=0)
    dossiers_population_data = models.BigIntegerField(default=0)
    communes = models.BigIntegerField(default=0)
    communes_certified_copy = models.BigIntegerField(default=0)
    petitions = models.BigIntegerField(default=0)
    petitions_on_time = models.BigIntegerField(default=0)
    petitions_satisfied = models.BigIntegerField(default=0)
    dossiers_late = models.BigIntegerField(default=0)
    dossiers_complained = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "month"], name="month_counts_per_agency")
        ]
        indexes = [models.Index(fields=["month"], name="month_counts_month")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.month:%Y-%m}"


class ProcedureUsage(models.Model):
    """Per agency, month and procedure (TTHC): online dossiers and online payments (3.2, 3.5b)."""

    agency = models.ForeignKey("orgunits.Agency", on_delete=models.PROTECT, related_name="+")
    # The province's People's Committee or the ministry the agency belongs to (for roll-ups).
    root = models.ForeignKey("orgunits.Agency", on_delete=models.PROTECT, related_name="+")
    month = models.DateField()
    procedure_code = models.CharField(max_length=32)
    online_dossiers = models.BigIntegerField(default=0)
    online_payments = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "month", "procedure_code"], name="usage_per_agency_procedure"
            )
        ]
        indexes = [
            models.Index(fields=["month"], name="usage_month"),
            # A province's usage in a period (re-scoring after each batch reads it).
            models.Index(fields=["root", "month"], name="usage_root_month"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.month:%Y-%m} {self.procedure_code}"


class RescoreMark(models.Model):
    """An agency whose own counts for a month changed in a committed batch and whose scores
    (its own and its ancestors', for the month, quarter and year) are still to be recomputed.

    A batch adds its marks in its own transaction, with the task that drains them
    (`rounds.rescore_pending`); the marks carry no constraint, so concurrent batches never
    wait on each other here (a mark twice is re-scored once).
    """

    month = models.DateField()
    agency_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.agency_id} {self.month:%Y-%m}"


class Score(models.Model):
    """An agency's scorecard for a period, from its rolled-up counts (qd766.score)."""

    agency = models.ForeignKey("orgunits.Agency", on_delete=models.CASCADE, related_name="+")
    period_kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField()
    ruleset = models.CharField(max_length=32)
    total = models.DecimalField(max_digits=6, decimal_places=2)
    publicity = models.DecimalField(max_digits=5, decimal_places=2)
    progress = models.DecimalField(max_digits=5, decimal_places=2)
    online = models.DecimalField(max_digits=5, decimal_places=2)
    payment = models.DecimalField(max_digits=5, decimal_places=2)
    digitisation = models.DecimalField(max_digits=5, decimal_places=2)
    satisfaction = models.DecimalField(max_digits=5, decimal_places=2)
    dossiers_received = models.BigIntegerField(default=0)
    counts = models.JSONField(default=dict)  # the rolled-up qd766.Counts
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "period_kind", "period_start", "ruleset"],
                name="score_per_agency_period",
            )
        ]
        indexes = [
            models.Index(fields=["period_kind", "period_start", "ruleset"], name="score_period")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.period_kind} {self.period_start} {self.total}"


class OfficialScore(models.Model):
    """One unit's group score as DVCQG published it (dvcqg.parse), kept as sent."""

    agency = models.ForeignKey(
        "orgunits.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period_kind = models.CharField(max_length=8, choices=PeriodKind.choices)
    period_start = models.DateField()
    group = models.CharField(max_length=16)
    endpoint = models.CharField(max_length=64)
    unit_id = models.CharField(max_length=64)
    unit_code = models.CharField(max_length=32, blank=True)
    unit_name = models.CharField(max_length=255)
    is_root = models.BooleanField(default=False)
    official_score = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    max_score = models.PositiveSmallIntegerField()
    portal_computed = models.DecimalField(max_digits=6, decimal_places=2, null=True)
    counts = models.JSONField(default=dict)
    metrics = models.JSONField(default=list)
    file_sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit_id", "group", "period_kind", "period_start"],
                name="official_score_per_unit_group_period",
            )
        ]
        indexes = [
            models.Index(fields=["agency", "period_kind", "period_start"], name="official_agency")
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} {self.group} {self.period_start} {self.official_score}"
