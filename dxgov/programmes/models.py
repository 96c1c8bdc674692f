"""Digital-transformation programmes (đề án chuyển đổi số, Directive 34/CT-TTg): each
ministry's and province's breakthroughs, measurable goals, tasks with the five "rõ", budget
and versions; the review with its comments and checklist; and the overlap detector's
documents, pairs, clusters and the reviewers' labels.

Every write goes through dxgov.programmes.actions; the rules are in rules.py (pure), the
detector in overlap.py and segment.py (pure).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxgov.core import text
from dxgov.programmes.rules import Status


class ProgrammeStatus(models.TextChoices):
    # The same codes as rules.Status (a test keeps them in step).
    DRAFT = Status.DRAFT.value, _("Draft")
    SUBMITTED = Status.SUBMITTED.value, _("Submitted for review")
    RETURNED = Status.RETURNED.value, _("Returned for changes")
    APPROVED = Status.APPROVED.value, _("Approved")


class Area(models.TextChoices):
    """What a breakthrough serves (Directive 34: the digital economy's four pillars, or
    digital government / smart city, people- and business-centred)."""

    ICT_INDUSTRY = "ict_industry", _("ICT industry")
    SECTOR_ECONOMY = "sector_economy", _("Digital economy in sectors")
    DIGITAL_GOVERNANCE = "digital_governance", _("Digital governance")
    DIGITAL_DATA = "digital_data", _("Digital data")
    DIGITAL_GOVERNMENT = "digital_government", _("Digital government (people-centred)")
    SMART_CITY = "smart_city", _("Smart city (people-centred)")


class TaskCategory(models.TextChoices):
    """What a task is about; platforms and databases are systems that should exist once."""

    PLATFORM = "platform", _("Platform or information system")
    DATABASE = "database", _("Database")
    INFRASTRUCTURE = "infrastructure", _("Digital infrastructure")
    SERVICE = "service", _("Public services and procedures")
    SECURITY = "security", _("Information security")
    SKILLS = "skills", _("Digital skills and people")
    DATA = "data", _("Data use, open data, reporting")
    ECONOMY = "economy", _("Digital economy")
    REGULATION = "regulation", _("Rules and plans")


class Section(models.TextChoices):
    """The parts of a programme a reviewer comments on."""

    GENERAL = "general", _("General")
    BREAKTHROUGHS = "breakthroughs", _("Breakthroughs")
    GOALS = "goals", _("Goals")
    TASKS = "tasks", _("Tasks")
    BUDGET = "budget", _("Budget")
    DE06 = "de06", _("Link to Đề án 06")
    SECURITY = "security", _("Security and personal data")


class FundingSource(models.TextChoices):
    CENTRAL_BUDGET = "central_budget", _("Central budget")
    LOCAL_BUDGET = "local_budget", _("Local budget")
    ODA = "oda", _("ODA loans")
    OTHER = "other", _("Other sources")


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def search(self, query: str) -> ProgrammeQuerySet:
        return self.filter(search_text__contains=text.fold(query))


class Programme(models.Model):
    """One agency's digital-transformation programme (đề án), in its current version."""

    owner = models.ForeignKey(
        "orgunits.Agency", on_delete=models.PROTECT, related_name="programmes"
    )
    # Who reviews it: the Ministry of Science and Technology, or the province's Department
    # of Science and Technology for a department's plan (set at submission).
    reviewer = models.ForeignKey(
        "orgunits.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=16, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    # The version being drafted or in force; the approved ones are ProgrammeVersion rows.
    version = models.PositiveSmallIntegerField(default=1)
    change_reason = models.TextField(blank=True)  # why this version (from version 2)
    de06 = models.JSONField(default=list, blank=True)  # de06.CODES
    security_plan = models.TextField(blank=True)
    feasibility = models.TextField(blank=True)
    # The decision that approved the current version, as a directive (its tasks are the
    # programme's tasks in every task list).
    directive = models.ForeignKey(
        "directives.Directive",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    search_text = models.TextField(blank=True, default="", editable=False)

    SEARCHED = ("title", "summary")

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["owner__code", "-created_at"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        text.keep_search_text(
            self, kwargs, self.SEARCHED, lambda: text.search_text(self.title, self.summary)
        )
        super().save(*args, **kwargs)

    @property
    def editable(self) -> bool:
        return self.status in (ProgrammeStatus.DRAFT, ProgrammeStatus.RETURNED)

    @property
    def budget_total(self) -> int:
        return sum(line.amount for line in self.budget_lines.all())


class Breakthrough(models.Model):
    """A breakthrough (mũi đột phá): the problem it solves and the area it serves."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="breakthroughs")
    title = models.CharField(max_length=300)
    problem = models.TextField()
    area = models.CharField(max_length=32, choices=Area.choices)

    class Meta:
        ordering = ["programme", "pk"]

    def __str__(self) -> str:
        return self.title


class Goal(models.Model):
    """A measurable goal: an indicator (of the catalogue, or a new one with its formula),
    its baseline and yearly targets, and where the figures come from."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="goals")
    breakthrough = models.ForeignKey(
        Breakthrough, null=True, blank=True, on_delete=models.SET_NULL, related_name="goals"
    )
    name = models.CharField(max_length=300)
    indicator = models.ForeignKey(
        "indicators.Indicator",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programme_goals",
    )
    # A new indicator, created in the catalogue when the programme is approved.
    new_indicator = models.CharField(max_length=300, blank=True)
    formula = models.TextField(blank=True)
    unit = models.CharField(max_length=50, blank=True)
    baseline = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["programme", "pk"]

    def __str__(self) -> str:
        return self.name


class GoalTarget(models.Model):
    """A goal's target for one year; once approved it is the catalogue's Target too."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=24, decimal_places=6)
    target = models.ForeignKey(
        "indicators.Target", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["goal", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "year"], name="programme_goal_one_target_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class ProgrammeTask(models.Model):
    """A task of the programme with the five "rõ"; on approval it becomes a directive task
    (under the programme's approving decision), so it is in every task list."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="tasks")
    breakthrough = models.ForeignKey(
        Breakthrough, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    goal = models.ForeignKey(
        Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    content = models.TextField()  # rõ việc
    lead_agency = models.ForeignKey(  # rõ người
        "orgunits.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.CharField(max_length=200, blank=True)  # rõ người: the person in charge
    deadline = models.DateField(null=True, blank=True)  # rõ thời gian
    responsibility = models.TextField(blank=True)  # rõ trách nhiệm
    expected_result = models.TextField(blank=True)  # rõ kết quả
    category = models.CharField(
        max_length=16, choices=TaskCategory.choices, default=TaskCategory.PLATFORM
    )
    de06 = models.CharField(max_length=32, blank=True)  # the Đề án 06 utility it relies on
    task = models.OneToOneField(
        "directives.Task",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programme_task",
    )
    search_text = models.TextField(blank=True, default="", editable=False)

    SEARCHED = ("content", "expected_result")

    class Meta:
        ordering = ["programme", "pk"]

    def __str__(self) -> str:
        return self.content[:80]

    def save(self, *args: Any, **kwargs: Any) -> None:
        text.keep_search_text(
            self,
            kwargs,
            self.SEARCHED,
            lambda: text.search_text(self.content, self.expected_result),
        )
        super().save(*args, **kwargs)


class BudgetLine(models.Model):
    """Planned money for a year from a source, optionally an investment project's."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=16, choices=FundingSource.choices)
    amount = models.BigIntegerField()  # whole đồng
    # An investment project's code (dxgov.investments), when the money is one; optional.
    investment_code = models.CharField(max_length=32, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["programme", "year", "pk"]

    def __str__(self) -> str:
        return f"{self.year} {self.source}: {self.amount}"


class ProgrammeVersion(models.Model):
    """An approved version: what was approved (a snapshot), when, by whom, and why it
    changed from the one before."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField()
    reason = models.TextField(blank=True)
    snapshot = models.JSONField(default=dict)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["programme", "number"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="programme_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} v{self.number}"


class ReviewComment(models.Model):
    """A reviewer's comment on one section of a version."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="comments")
    version = models.PositiveSmallIntegerField()
    section = models.CharField(max_length=16, choices=Section.choices)
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["programme", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.section}: {self.text[:60]}"


class ReviewChecklist(models.Model):
    """The reviewer's checklist for a version (rules.CHECKLIST): met or not, with notes."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="checklists")
    version = models.PositiveSmallIntegerField()
    met = models.JSONField(default=dict)  # code → bool
    notes = models.JSONField(default=dict)  # code → text
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "version"], name="programme_one_checklist_a_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} v{self.version}"


# --- overlap detection ---------------------------------------------------------------------


class DocumentKind(models.TextChoices):
    PROGRAMME_TASK = "p", _("Programme task")
    DIRECTIVE_TASK = "t", _("Directive task")


class OverlapDocument(models.Model):
    """A task as the detector reads it: its segmented words (kept, so a task is segmented
    once) and its structural facts. `digest` says which text the words were made from."""

    kind = models.CharField(max_length=1, choices=DocumentKind.choices)
    ref = models.PositiveBigIntegerField()  # the programme task's or directive task's id
    digest = models.CharField(max_length=32)
    words = models.TextField()
    agency = models.ForeignKey("orgunits.Agency", on_delete=models.CASCADE, related_name="+")
    national = models.BooleanField(default=False)
    group = models.CharField(max_length=32, blank=True)
    category = models.CharField(max_length=16, blank=True)
    de06 = models.CharField(max_length=32, blank=True)
    indicator = models.CharField(max_length=32, blank=True)
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "ref"], name="overlap_document_once")
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.ref}"


class OverlapRun(models.Model):
    """One detection over every document (or one programme's, incrementally)."""

    started_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(default=0)
    documents = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    clusters = models.PositiveIntegerField(default=0)
    threshold = models.FloatField()
    incremental = models.BooleanField(default=False)
    # The fitted vocabularies and vectors (npz), for an incremental run to compare against.
    index = models.BinaryField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.clusters})"


class OverlapCluster(models.Model):
    """Tasks that describe the same work: a centre and its members (the latest run's)."""

    centre = models.ForeignKey(OverlapDocument, on_delete=models.CASCADE, related_name="+")
    size = models.PositiveIntegerField()
    top = models.FloatField()

    class Meta:
        ordering = ["-size", "-top", "pk"]

    def __str__(self) -> str:
        return f"{self.centre_id} ×{self.size}"


class OverlapPair(models.Model):
    """A candidate pair shown to reviewers: a cluster's centre and one member."""

    cluster = models.ForeignKey(OverlapCluster, on_delete=models.CASCADE, related_name="pairs")
    a = models.ForeignKey(OverlapDocument, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(OverlapDocument, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    text_score = models.FloatField()
    signals = models.JSONField(default=list)
    shared_terms = models.JSONField(default=list)

    class Meta:
        ordering = ["cluster", "-score", "pk"]

    def __str__(self) -> str:
        return f"{self.a_id}–{self.b_id}: {self.score:.3f}"


class LabelChoice(models.TextChoices):
    OVERLAP = "overlap", _("Overlap")
    COMPLEMENTARY = "complementary", _("Complementary")
    NOT_RELATED = "not_related", _("Not related")


class OverlapLabel(models.Model):
    """A reviewer's judgement on a pair of tasks, kept across runs (keyed by the two
    documents, smaller key first) and used to measure the detector."""

    key_a = models.CharField(max_length=24)
    key_b = models.CharField(max_length=24)
    label = models.CharField(max_length=16, choices=LabelChoice.choices)
    score = models.FloatField(null=True, blank=True)  # the score when it was labelled
    note = models.TextField(blank=True)
    labelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    labelled_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key_a", "key_b"], name="overlap_label_once")
        ]

    def __str__(self) -> str:
        return f"{self.key_a}–{self.key_b}: {self.label}"
