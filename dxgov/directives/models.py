"""Directives (văn bản chỉ đạo), the tasks they assign, progress reports and extensions.

Every write goes through dxgov.directives.actions; the status rules are in rules.py.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxgov.core import text
from dxgov.directives.rules import Recurrence, Status


class DirectiveKind(models.TextChoices):
    NGHI_QUYET = "nghi_quyet", _("Nghị quyết")
    CHI_THI = "chi_thi", _("Chỉ thị")
    QUYET_DINH = "quyet_dinh", _("Quyết định")
    KET_LUAN = "ket_luan", _("Kết luận")
    THONG_BAO_KET_LUAN = "thong_bao_ket_luan", _("Thông báo kết luận")


class TaskStatus(models.TextChoices):
    # The same codes as rules.Status (a test keeps them in step).
    OPEN = Status.OPEN.value, _("Open within deadline")
    OVERDUE = Status.OVERDUE.value, _("Overdue")
    DONE_ON_TIME = Status.DONE_ON_TIME.value, _("Completed on time")
    DONE_LATE = Status.DONE_LATE.value, _("Completed late")
    AWAITING_CONFIRMATION = Status.AWAITING_CONFIRMATION.value, _("Awaiting confirmation")
    POSTPONED = Status.POSTPONED.value, _("Postponed")
    CANCELLED = Status.CANCELLED.value, _("Cancelled")


class TaskRecurrence(models.TextChoices):
    NONE = Recurrence.NONE.value, _("Does not recur")
    MONTHLY = Recurrence.MONTHLY.value, _("Monthly")
    QUARTERLY = Recurrence.QUARTERLY.value, _("Quarterly")
    YEARLY = Recurrence.YEARLY.value, _("Yearly")


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Directive(models.Model):
    """A directing document (resolution, directive, decision, conclusion) that assigns tasks."""

    kind = models.CharField(max_length=32, choices=DirectiveKind.choices)
    # Number and symbol as printed, e.g. "155/NQ-CP" or "34/CT-TTg".
    number = models.CharField(max_length=64, unique=True)
    issued_on = models.DateField()
    issuing_agency = models.ForeignKey(
        "orgunits.Agency", on_delete=models.PROTECT, related_name="directives_issued"
    )
    title = models.CharField(max_length=500)
    summary = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # fold(number, title), set on every save: what a search compares (core.text).
    search_text = models.TextField(blank=True, default="", editable=False)

    SEARCHED = ("number", "title")

    class Meta:
        ordering = ["-issued_on", "number"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        text.keep_search_text(
            self, kwargs, self.SEARCHED, lambda: text.search_text(self.number, self.title)
        )
        super().save(*args, **kwargs)


class Task(models.Model):
    """One task a directive assigns to a lead agency, with its deadline and status."""

    directive = models.ForeignKey(Directive, on_delete=models.PROTECT, related_name="tasks")
    content = models.TextField()
    lead_agency = models.ForeignKey(
        "orgunits.Agency", on_delete=models.PROTECT, related_name="tasks_led"
    )
    coordinating_agencies = models.ManyToManyField(
        "orgunits.Agency", blank=True, related_name="tasks_coordinated"
    )
    # original_deadline is set once, at creation; an approved extension moves only deadline.
    original_deadline = models.DateField(null=True, blank=True)
    deadline = models.DateField(null=True, blank=True)
    expected_result = models.TextField(blank=True)
    is_key = models.BooleanField(default=False)
    status = models.CharField(
        max_length=32, choices=TaskStatus.choices, default=TaskStatus.OPEN, db_index=True
    )
    progress_percent = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)]
    )
    completed_on = models.DateField(null=True, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="subtasks"
    )
    # A recurring task is one task per period; each occurrence points to the first one.
    recurrence = models.CharField(
        max_length=16, choices=TaskRecurrence.choices, default=TaskRecurrence.NONE
    )
    series = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="occurrences"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # fold(directive number, content, expected result), set on every save (core.text).
    search_text = models.TextField(blank=True, default="", editable=False)

    SEARCHED = ("content", "expected_result", "directive")

    class Meta:
        ordering = ["directive", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress_percent__lte=100), name="task_progress_at_most_100"
            )
        ]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            # Task lists are ordered by deadline: page 1 reads the index, not a sort of all rows.
            models.Index(fields=["deadline", "id"], name="task_deadline_order"),
        ]

    def __str__(self) -> str:
        return f"{self.directive.number}: {self.content[:60]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        text.keep_search_text(
            self,
            kwargs,
            self.SEARCHED,
            lambda: self.search_text_of(self.directive.number, self.content, self.expected_result),
        )
        super().save(*args, **kwargs)

    @staticmethod
    def search_text_of(number: str, content: str, expected_result: str) -> str:
        """The search column of a task (for rows made without save(), in bulk)."""
        return text.search_text(number, content, expected_result)


class ProgressReport(models.Model):
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="progress_reports")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    percent = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    narrative = models.TextField()
    # Why progress went down (required then, rules.progress_problem); empty otherwise.
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["task", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__lte=100), name="progress_report_percent_at_most_100"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.percent}%"


class ExtensionRequest(models.Model):
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="extension_requests")
    requested_deadline = models.DateField()
    # The working deadline when the request was made.
    previous_deadline = models.DateField()
    reason = models.TextField()
    state = models.CharField(
        max_length=16, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["task", "created_at", "pk"]
        constraints = [
            # At most one request per task waits for a decision.
            models.UniqueConstraint(
                fields=["task"],
                condition=models.Q(state="pending"),
                name="extension_one_pending_per_task",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.requested_deadline} ({self.state})"


def _attachment_path(instance: Attachment, filename: str) -> str:
    # Stored under a content hash, never under the uploader's file name.
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A document attached to a directive, or evidence attached to a task's progress report."""

    directive = models.ForeignKey(
        Directive, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    progress_report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    file = models.FileField(upload_to=_attachment_path, max_length=200)
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
        constraints = [
            models.CheckConstraint(
                condition=models.Q(directive__isnull=False) | models.Q(task__isnull=False),
                name="attachment_has_an_owner",
            )
        ]

    def __str__(self) -> str:
        return self.original_name
