"""Public investment in digital transformation: projects, their baselines, capital plans,
disbursement and progress, and the weekly figures derived from them.

Every write goes through dxgov.investments.actions, whose updates are judged green or red by
rules.py (pure). Decisions are baselines and are never changed: an adjustment is a new
version beside the original. `ProjectWeek` and `WeekSummary` are derived (summary.py keeps
them in step with each write, in the write's transaction), so the weekly table and the
portfolio pages read a few rows rather than a million updates.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxgov.investments import figures, rules


class ProjectGroup(models.TextChoices):
    NATIONAL_KEY = "national_key", _("National key project")
    A = "a", _("Group A")
    B = "b", _("Group B")
    C = "c", _("Group C")


class Category(models.TextChoices):
    INFRASTRUCTURE = "infrastructure", _("Digital infrastructure")
    PLATFORMS = "platforms", _("Platforms")
    DATA = "data", _("Data")
    CYBERSECURITY = "cybersecurity", _("Cybersecurity")
    APPLICATIONS = "applications", _("Applications and services")
    SKILLS = "skills", _("Digital skills")


class FundingSource(models.TextChoices):
    # The same codes as rules.SOURCES, in that order (a test keeps them in step).
    CENTRAL_BUDGET = "central_budget", _("Central budget")
    LOCAL_BUDGET = "local_budget", _("Local budget")
    ODA = "oda", _("ODA loans")
    OTHER_STATE = "other_state", _("Other state capital")


class Stage(models.TextChoices):
    PREPARATION = "preparation", _("Preparation")
    IMPLEMENTATION = "implementation", _("Implementation")
    COMPLETION = "completion", _("Completion")
    SETTLED = "settled", _("Settled")


class DecisionKind(models.TextChoices):
    POLICY = rules.POLICY, _("Investment policy decision")
    INVESTMENT = rules.INVESTMENT, _("Investment decision")
    ADJUSTMENT = rules.ADJUSTMENT, _("Adjustment decision")


class AllocationKind(models.TextChoices):
    INITIAL = rules.INITIAL, _("Plan assigned")
    ADDITION = rules.ADDITION, _("Addition")
    CUT = rules.CUT, _("Cut")
    TRANSFER = rules.TRANSFER, _("Transfer between projects")


class DisbursementKind(models.TextChoices):
    ESTIMATE = rules.ESTIMATE, _("Estimate")
    ACTUAL = rules.ACTUAL, _("Actual")


class DelayCause(models.TextChoices):
    # Decree 29/2021's summary form: projects behind schedule, by cause.
    PROCEDURES = "procedures", _("Investment procedures")
    SITE_CLEARANCE = "site_clearance", _("Site clearance")
    CAPACITY = "capacity", _("Investor or contractor capacity")
    LATE_CAPITAL = "late_capital", _("Late capital allocation")
    OTHER = "other", _("Other causes")


class DisbursementClass(models.TextChoices):
    # Dispatch 169/CĐ-TTg: projects classified so that capital can be moved from slow ones.
    GOOD = figures.GOOD, _("Disbursing well")
    SLOW = figures.SLOW, _("Slow")
    UNABLE = figures.UNABLE, _("Unable to disburse")
    NONE = figures.NONE, _("No plan this year")


class Channel(models.TextChoices):
    FORM = "form", _("Web form")
    API = "api", _("API")
    EXCEL = "excel", _("Excel")


class InvestmentProject(models.Model):
    """A public investment project in digital transformation (dự án đầu tư công)."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=300)
    # The investor (chủ đầu tư) enters the project's figures; the managing agency (the
    # ministry or the provincial People's Committee) is the unit it is ranked under.
    investor = models.ForeignKey(
        "orgunits.Agency", on_delete=models.PROTECT, related_name="investment_projects"
    )
    managing_agency = models.ForeignKey(
        "orgunits.Agency", on_delete=models.PROTECT, related_name="managed_investment_projects"
    )
    province = models.ForeignKey(
        "orgunits.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.CharField(max_length=16, choices=ProjectGroup.choices)
    category = models.CharField(max_length=16, choices=Category.choices)
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.PREPARATION)
    directive = models.ForeignKey(
        "directives.Directive",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="investment_projects",
    )
    tasks = models.ManyToManyField(
        "directives.Task", blank=True, related_name="investment_projects"
    )
    # Dispatch 26/CĐ-TTg: the database of stalled, long-pending projects.
    stalled = models.BooleanField(default=False)
    stalled_since = models.DateField(null=True, blank=True)
    stalled_reason = models.TextField(blank=True)
    # The baseline as it stands, copied from the decisions (which stay the record).
    baseline_version = models.PositiveSmallIntegerField(default=0)
    original_total = models.BigIntegerField(default=0)
    current_total = models.BigIntegerField(default=0)
    start = models.DateField(null=True, blank=True)
    original_end = models.DateField(null=True, blank=True)
    current_end = models.DateField(null=True, blank=True)
    # The latest month's figures (progress.py's last report), for lists.
    physical_percent = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    accepted_value = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        indexes = [
            models.Index(fields=["managing_agency", "code"]),
            models.Index(
                fields=["stalled"], condition=models.Q(stalled=True), name="stalled_projects"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def rebaselined(self) -> bool:
        return self.current_total != self.original_total or self.current_end != self.original_end


class DecisionChanged(RuntimeError):
    """A stored decision is a baseline: it is never edited (an adjustment is a new one)."""


class Decision(models.Model):
    """A decision that sets a baseline: the investment policy, the investment decision, or an
    adjustment (a new version). The original stays; pages show the current one against it."""

    project = models.ForeignKey(
        InvestmentProject, on_delete=models.PROTECT, related_name="decisions"
    )
    kind = models.CharField(max_length=16, choices=DecisionKind.choices)
    version = models.PositiveSmallIntegerField()
    number = models.CharField(max_length=64)
    signed_on = models.DateField()
    total = models.BigIntegerField()
    central_budget = models.BigIntegerField(default=0)
    local_budget = models.BigIntegerField(default=0)
    oda = models.BigIntegerField(default=0)
    other_state = models.BigIntegerField(default=0)
    start = models.DateField()
    end = models.DateField()
    reason = models.TextField(blank=True)
    entered_at = models.DateTimeField(default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["project", "version"]
        constraints = [
            models.UniqueConstraint(fields=["project", "version"], name="one_decision_version")
        ]

    def __str__(self) -> str:
        return f"{self.number} (v{self.version})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise DecisionChanged(f"decision {self.pk} is a baseline and cannot be changed")
        super().save(*args, **kwargs)

    def source_amounts(self) -> dict[str, int]:
        return {source: getattr(self, source) for source in rules.SOURCES}


class Milestone(models.Model):
    """A milestone of one baseline version; versions name the same milestone alike."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="milestones")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    planned_on = models.DateField()
    # In the project's current baseline and not yet reached (kept by the actions): the
    # overdue ones are then counted from one partial index, not a join over every baseline.
    pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["decision", "position"]
        # The overdue ones, soonest first (projects at risk): read in this index's order.
        indexes = [
            models.Index(fields=["planned_on"]),
            models.Index(
                fields=["planned_on"], condition=models.Q(pending=True), name="milestones_pending"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MilestoneDone(models.Model):
    project = models.ForeignKey(
        InvestmentProject, on_delete=models.PROTECT, related_name="milestones_done"
    )
    name = models.CharField(max_length=200)
    achieved_on = models.DateField()
    entered_at = models.DateTimeField(default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["achieved_on"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="milestone_done_once")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.name}: {self.achieved_on}"


class Allocation(models.Model):
    """One decision's change to a project's capital plan for a plan year and funding source:
    the plan assigned, an addition, a cut, or one side of a transfer between projects.
    `amount` changes the total plan (negative when capital is taken away); `assigned` is the
    part of it in the plan the Prime Minister assigned (the rest is added locally)."""

    project = models.ForeignKey(
        InvestmentProject, on_delete=models.PROTECT, related_name="allocations"
    )
    plan_year = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=16, choices=FundingSource.choices)
    kind = models.CharField(max_length=16, choices=AllocationKind.choices)
    amount = models.BigIntegerField()
    assigned = models.BigIntegerField(default=0)
    number = models.CharField(max_length=64)
    decided_on = models.DateField()
    reason = models.TextField(blank=True)
    counterpart = models.ForeignKey(
        InvestmentProject, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["plan_year", "decided_on", "pk"]
        indexes = [models.Index(fields=["project", "plan_year", "source"])]

    def __str__(self) -> str:
        return f"{self.project_id} {self.plan_year} {self.source} {self.kind} {self.amount}"


class Schedule(models.Model):
    """The project's disbursement schedule for a plan year (dispatch 169/CĐ-TTg): the planned
    cumulative value at the 13 month ends of the window; weeks, quarters and the year are
    read from it."""

    project = models.ForeignKey(
        InvestmentProject, on_delete=models.PROTECT, related_name="schedules"
    )
    plan_year = models.PositiveSmallIntegerField()
    months = models.JSONField(default=list)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "plan_year"], name="one_schedule_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.plan_year}"


class Disbursement(models.Model):
    """The cumulative value disbursed in a plan year from one source, as of a date: an
    estimate, or the actual value (which replaces the estimate; both are kept)."""

    project = models.ForeignKey(
        InvestmentProject, on_delete=models.PROTECT, related_name="disbursements"
    )
    plan_year = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=16, choices=FundingSource.choices)
    as_of = models.DateField()
    kind = models.CharField(max_length=16, choices=DisbursementKind.choices)
    value = models.BigIntegerField()
    # Why a cumulative figure went down (a correction), or anything the investor adds.
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.FORM)
    entered_at = models.DateTimeField(default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["plan_year", "as_of", "source", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "plan_year", "source", "as_of", "kind"],
                name="one_disbursement_figure",
            )
        ]
        indexes = [models.Index(fields=["project", "plan_year", "as_of"])]

    def __str__(self) -> str:
        return f"{self.project_id} {self.as_of} {self.source} {self.kind}: {self.value}"


class ProgressReport(models.Model):
    """A month's physical progress (Circular 13: monthly), accepted value and delay causes."""

    project = models.ForeignKey(
        InvestmentProject, on_delete=models.PROTECT, related_name="progress_reports"
    )
    month = models.DateField()  # the first day of the month reported
    as_of = models.DateField()
    percent = models.DecimalField(max_digits=4, decimal_places=1)
    accepted_value = models.BigIntegerField(null=True, blank=True)
    causes = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    reason = models.TextField(blank=True)  # why a figure went down
    entered_at = models.DateTimeField(default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="one_progress_a_month")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.month}: {self.percent}%"


def _evidence_path(instance: Evidence, filename: str) -> str:
    # Stored under a content hash, never under the uploader's file name.
    return f"investments/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(models.Model):
    """A photo or document of the work done (judged by content on upload)."""

    project = models.ForeignKey(
        InvestmentProject, on_delete=models.PROTECT, related_name="evidence"
    )
    progress = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(upload_to=_evidence_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class CycleSettings(models.Model):
    """The weekly cycle's settings (one row): the classification thresholds and the target."""

    good_from = models.FloatField(default=figures.Thresholds.good_from)
    unable_below = models.FloatField(default=figures.Thresholds.unable_below)
    grace_share = models.FloatField(default=figures.Thresholds.grace_share)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.good_from}/{self.unable_below}/{self.grace_share}"

    def thresholds(self) -> figures.Thresholds:
        return figures.Thresholds(self.good_from, self.unable_below, self.grace_share)


# --- derived: kept by summary.py in each write's transaction ---------------------------------


class ProjectWeek(models.Model):
    """A project's figures at the end of one week of a plan year: cumulative disbursed (by
    source), the plan as it stood, what its schedule expected, its class."""

    project = models.ForeignKey(InvestmentProject, on_delete=models.CASCADE, related_name="+")
    plan_year = models.PositiveSmallIntegerField()
    week_end = models.DateField()
    unit = models.ForeignKey("orgunits.Agency", on_delete=models.CASCADE, related_name="+")
    category = models.CharField(max_length=16)
    group = models.CharField(max_length=16)
    central_budget = models.BigIntegerField(default=0)
    local_budget = models.BigIntegerField(default=0)
    oda = models.BigIntegerField(default=0)
    other_state = models.BigIntegerField(default=0)
    plan_central_budget = models.BigIntegerField(default=0)
    plan_local_budget = models.BigIntegerField(default=0)
    plan_oda = models.BigIntegerField(default=0)
    plan_other_state = models.BigIntegerField(default=0)
    disbursed = models.BigIntegerField(default=0)
    plan_total = models.BigIntegerField(default=0)
    plan_assigned = models.BigIntegerField(default=0)
    expected = models.BigIntegerField(default=0)
    klass = models.CharField(max_length=8)
    # Bit i set: source i's figure at the week's end is an estimate.
    estimates = models.PositiveSmallIntegerField(default=0)
    updated = models.BooleanField(default=False)  # a figure dated in this week
    # The latest day a figure is dated, to the week's end (projects silent for weeks).
    last_update = models.DateField(null=True, blank=True)
    # Disbursed ÷ expected (None when nothing is expected yet): projects furthest behind
    # first, read in this column's index order.
    ratio = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "plan_year", "week_end"], name="one_project_week"
            )
        ]
        indexes = [
            models.Index(fields=["plan_year", "week_end", "unit"]),
            models.Index(fields=["plan_year", "week_end", "klass"]),
            models.Index(fields=["plan_year", "week_end", "ratio"]),
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.week_end}: {self.disbursed}"


class WeekSummary(models.Model):
    """Sums of `ProjectWeek` for one week by a dimension: the nation, a unit, a category, a
    group or a funding source (whose rows hold that source's part only)."""

    plan_year = models.PositiveSmallIntegerField()
    week_end = models.DateField()
    dimension = models.CharField(max_length=8)
    key = models.CharField(max_length=32)
    disbursed = models.BigIntegerField(default=0)
    plan_total = models.BigIntegerField(default=0)
    plan_assigned = models.BigIntegerField(default=0)
    expected = models.BigIntegerField(default=0)
    projects = models.IntegerField(default=0)
    good = models.IntegerField(default=0)
    slow = models.IntegerField(default=0)
    unable = models.IntegerField(default=0)
    updated = models.IntegerField(default=0)
    estimates = models.IntegerField(default=0)
    # Projects with capital and no figure dated in this week or the one before.
    silent = models.IntegerField(default=0)
    # The unit's year-end forecast for this week, kept until its figures change.
    forecast = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year", "week_end", "dimension", "key"], name="one_week_summary"
            )
        ]

    def __str__(self) -> str:
        return f"{self.week_end} {self.dimension}:{self.key}: {self.disbursed}"
