"""Composite indices: editions (their definitions, versioned), the units each assesses, the
annual self-assessments with their appraisal, the results and the published results.

Every write goes through dxgov.indices.actions. Definitions are read and checked by
definition.py; scores come from aggregate.py, ranks from ranking.py (all pure).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxgov.indices import definition as spec


class EditionLevel(models.TextChoices):
    PROVINCE = "province", _("Provinces")
    MINISTRY = "ministry", _("Ministries")
    COMMUNE = "commune", _("Communes")


class Edition(models.Model):
    """One edition of an index (`dti-province-2024`): its current definition as a document."""

    code = models.CharField(max_length=64, unique=True)
    index = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    level = models.CharField(max_length=16, choices=EditionLevel.choices)
    name = models.CharField(max_length=300)
    definition = models.JSONField()
    version = models.PositiveIntegerField(default=1)
    # The repository file's digest the stored definition came from (blank once edited here).
    source_digest = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["index", "level", "-year"]

    def __str__(self) -> str:
        return self.code

    def parsed(self) -> spec.Edition:
        """The definition as dataclasses (memoised per row object)."""
        cached: spec.Edition | None = getattr(self, "_parsed", None)
        if cached is None:
            cached = spec.parse(self.definition)
            self._parsed = cached
        return cached


class EditionVersion(models.Model):
    """Every saved definition of an edition, kept: a changed weight is a new version."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    definition = models.JSONField()
    reason = models.TextField(blank=True)
    saved_at = models.DateTimeField(default=timezone.now)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["edition", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "version"], name="edition_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.edition_id} v{self.version}"


class UnitView(models.TextChoices):
    AS_WAS = "as_was", _("As measured")
    AS_IS = "as_is", _("As is (after the merger)")


class IndexUnit(models.Model):
    """A unit an edition assesses (measured) or ranks after a merger (as is).

    Most are agencies (a province's People's Committee, a ministry); a few ranked bodies are
    not agencies of the platform (a research academy): `agency` is empty for them."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="units")
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=255)
    view = models.CharField(max_length=8, choices=UnitView.choices, default=UnitView.AS_WAS)
    group = models.CharField(max_length=32, blank=True)
    ranked = models.BooleanField(default=True)
    agency = models.ForeignKey(
        "orgunits.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    orgunit_code = models.CharField(max_length=10, blank=True)
    # An as-was unit's as-is successor (the province it merged into).
    successor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="predecessors"
    )

    class Meta:
        ordering = ["edition", "view", "name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "view", "code"], name="index_unit_once")
        ]

    def __str__(self) -> str:
        return self.name


class AssessmentStatus(models.TextChoices):
    # The reporting workflow's statuses (reporting/workflow.py): draft → submitted → approved
    # (appraised) → accepted (locked); returned with a reason; reopened with a reason.
    DRAFT = "draft", _("Self-assessment in progress")
    SUBMITTED = "submitted", _("Awaiting appraisal")
    APPROVED = "approved", _("Appraised")
    ACCEPTED = "accepted", _("Locked (final)")
    RETURNED = "returned", _("Returned")


FINAL_STATUSES = frozenset({AssessmentStatus.APPROVED, AssessmentStatus.ACCEPTED})


class Assessment(models.Model):
    """One unit's annual self-assessment for an edition, appraised by the council."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="assessments")
    unit = models.ForeignKey(IndexUnit, on_delete=models.CASCADE, related_name="assessments")
    status = models.CharField(
        max_length=16, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["edition", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "unit"], name="assessment_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.edition.code} {self.unit.code}"

    @property
    def editable(self) -> bool:
        return self.status in (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)

    @property
    def final(self) -> bool:
        return self.status in FINAL_STATUSES


class ComponentScore(models.Model):
    """An entered leaf's three scores: self-assessed (by the unit), appraised (by the
    council, with a comment) and final (the one that counts: the appraised score when the
    council gave one, else the self-assessed score it accepted). All three are kept."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    node = models.CharField(max_length=32)
    self_score = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    self_comment = models.TextField(blank=True)
    appraised_score = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    appraisal_comment = models.TextField(blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    appraised_at = models.DateTimeField(null=True, blank=True)
    final_score = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["assessment", "node"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "node"], name="component_score_once")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.node}"


def _evidence_path(instance: Evidence, filename: str) -> str:
    # Stored under a content hash, never under the uploader's file name.
    return f"indices/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(models.Model):
    """A file backing a self-assessed score (judged by content: core/uploads.py)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    node = models.CharField(max_length=32)
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
        ordering = ["node", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class CouncilRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    MEMBER = "member", _("Member")


class CouncilMember(models.Model):
    """A member of an edition's appraisal council: only members appraise."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="council")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=8, choices=CouncilRole.choices, default=CouncilRole.MEMBER)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["edition", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "user"], name="council_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.edition_id}:{self.user_id}"


class ResultView(models.TextChoices):
    AS_WAS = "as_was", _("As measured")
    AS_IS = "as_is", _("As is (merged units)")
    NOWCAST = "nowcast", _("Nowcast (live data)")
    FORECAST = "forecast", _("Forecast to year end")


class ResultSet(models.Model):
    """One computation of an edition in one view: replaced whole by the next."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="result_sets")
    view = models.CharField(max_length=16, choices=ResultView.choices)
    computed_at = models.DateTimeField(default=timezone.now)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    definition_version = models.PositiveIntegerField(default=1)
    provisional = models.BooleanField(default=False)
    units = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)
    # National figures: the mean of the ranked units' scores, per group.
    summary = models.JSONField(default=dict)

    class Meta:
        ordering = ["edition", "view"]
        constraints = [models.UniqueConstraint(fields=["edition", "view"], name="one_result_set")]

    def __str__(self) -> str:
        return f"{self.edition_id}:{self.view}"


class UnitResult(models.Model):
    """A unit's score at every level in one result set, with its rank."""

    result_set = models.ForeignKey(ResultSet, on_delete=models.CASCADE, related_name="results")
    unit = models.ForeignKey(IndexUnit, on_delete=models.CASCADE, related_name="results")
    score = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    points = models.FloatField(null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    change = models.IntegerField(null=True, blank=True)  # places gained since the last edition
    marks = models.JSONField(default=list)
    # {node code: {"v": value 0–1, "p": points, "m": max, "r": raw, "k": [marks]}}
    nodes = models.JSONField(default=dict)
    pillars = models.JSONField(default=dict)
    # What the automatic values came from: {node: {"source": …, "links": [[label, url], …]}}
    behind = models.JSONField(default=dict)

    class Meta:
        ordering = ["result_set", "rank", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["result_set", "unit"], name="unit_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.result_set_id}:{self.unit_id}"

    def node(self, code: str) -> dict[str, Any]:
        found: dict[str, Any] = self.nodes.get(code, {})
        return found


class OfficialResult(models.Model):
    """A published result (score and rank, optionally main-indicator values), kept as
    imported beside the score recomputed from its main-indicator values."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="official")
    unit = models.ForeignKey(IndexUnit, on_delete=models.CASCADE, related_name="official")
    score = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    main_values = models.JSONField(default=dict)
    computed_score = models.DecimalField(max_digits=10, decimal_places=4, null=True, blank=True)
    computed_rank = models.PositiveIntegerField(null=True, blank=True)
    flagged = models.BooleanField(default=False)
    source_name = models.CharField(max_length=255, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["edition", "rank", "unit__name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "unit"], name="official_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.edition_id}:{self.unit_id}"

    @property
    def difference(self) -> Any:
        if self.score is None or self.computed_score is None:
            return None
        return abs(self.score - self.computed_score)
