"""In-app notifications, each one also e-mailed once (see dxgov.notifications.actions)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    TASK_DUE_SOON = "task_due_soon", _("Task due soon")
    TASK_OVERDUE = "task_overdue", _("Task overdue")
    AGENCY_DIGEST = "agency_digest", _("Daily agency digest")
    REPORT_DUE_SOON = "report_due_soon", _("Report due soon")
    REPORT_LATE = "report_late", _("Report late")
    REPORT_STEP = "report_step", _("Report status changed")
    REPORTS_MISSING = "reports_missing", _("Reports not received")
    COORDINATOR_DIGEST = "coordinator_digest", _("Daily digest for coordinators")
    WARNING_DIGEST = "warning_digest", _("Weekly early-warning digest")
    DISBURSEMENT_DUE = "disbursement_due", _("Weekly disbursement figures due")
    DISBURSEMENT_LATE = "disbursement_late", _("Weekly disbursement figures missing")
    PROGRAMME_STEP = "programme_step", _("Programme review step")
    SESSION_INVITATION = "session_invitation", _("Invitation to a committee session")
    BALLOT_OPENED = "ballot_opened", _("Opinion ballot to answer")
    BALLOT_DUE_SOON = "ballot_due_soon", _("Opinion ballot due soon")
    BALLOT_OVERDUE = "ballot_overdue", _("Opinion ballot not answered by its deadline")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message to one user. `dedupe_key` is unique: the same message is never sent twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # Values come from NotificationKind; no `choices` here, so a new kind needs no migration.
    kind = models.CharField(max_length=32)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    # A path inside the platform, e.g. /directives/tasks/12/.
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.title}"

    @property
    def kind_label(self) -> str:
        if self.kind in NotificationKind.values:
            return str(NotificationKind(self.kind).label)
        return self.kind

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
