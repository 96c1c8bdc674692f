from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    ORGUNITS_LOADED = "orgunits.loaded", _("Administrative units loaded")
    AGENCY_UPDATED = "agency.updated", _("Agency details changed")
    USER_CREATED = "user.created", _("User created")
    USER_UPDATED = "user.updated", _("User changed")
    PASSWORD_CHANGED = "user.password_changed", _("Password changed")
    TOKEN_CREATED = "token.created", _("API token created")
    TOKEN_REVOKED = "token.revoked", _("API token revoked")
    DIRECTIVE_CREATED = "directive.created", _("Directive created")
    TASK_CREATED = "task.created", _("Task assigned")
    TASK_PROGRESS_REPORTED = "task.progress_reported", _("Task progress reported")
    TASK_MARKED_DONE = "task.marked_done", _("Task reported done")
    TASK_CONFIRMED = "task.confirmed", _("Task completion confirmed")
    TASK_RETURNED = "task.returned", _("Task returned")
    TASK_OVERDUE = "task.overdue", _("Task became overdue")
    EXTENSION_REQUESTED = "task.extension_requested", _("Deadline extension requested")
    EXTENSION_APPROVED = "task.extension_approved", _("Deadline extension approved")
    EXTENSION_REFUSED = "task.extension_refused", _("Deadline extension refused")
    TASK_POSTPONED = "task.postponed", _("Task postponed")
    TASK_CANCELLED = "task.cancelled", _("Task cancelled")
    TASK_RESUMED = "task.resumed", _("Task resumed")
    TASKS_IMPORTED = "task.imported", _("Tasks imported from Excel")
    ATTACHMENT_ADDED = "attachment.added", _("File attached")
    TWO_FACTOR_ENABLED = "user.two_factor_enabled", _("Two-factor sign-in enabled")
    TWO_FACTOR_RESET = "user.two_factor_reset", _("Two-factor sign-in reset")
    CHECKPOINT_CREATED = "audit.checkpoint_created", _("Audit checkpoint signed")
    INDICATOR_CREATED = "indicator.created", _("Indicator created")
    INDICATOR_UPDATED = "indicator.updated", _("Indicator changed")
    VALIDATION_RULE_SAVED = "indicator.rule_saved", _("Validation rule saved")
    TARGET_SET = "target.set", _("Target set")
    TARGET_APPROVED = "target.approved", _("Target approved")
    TARGET_REVISED = "target.revised", _("Approved target revised")
    FORECASTS_RECOMPUTED = "forecasts.recomputed", _("Forecasts recomputed")
    REPORT_DEFINITION_SAVED = "report_definition.saved", _("Report definition saved")
    HOLIDAY_SET = "holiday.set", _("Holiday calendar changed")
    DATA_VALUE_SAVED = "data_value.saved", _("Data value saved")
    REPORT_SUBMITTED = "report.submitted", _("Report submitted")
    REPORT_APPROVED = "report.approved", _("Report approved")
    REPORT_ACCEPTED = "report.accepted", _("Report accepted")
    REPORT_RETURNED = "report.returned", _("Report returned")
    REPORT_REOPENED = "report.reopened", _("Report reopened")
    VALUES_IMPORTED = "data_value.imported", _("Data values imported")
    DOSSIER_BATCH_RECEIVED = "dossier.batch_received", _("Dossier batch received")
    SOURCE_CREATED = "dossier.source_created", _("Dossier source system registered")
    SOURCE_UPDATED = "dossier.source_updated", _("Dossier source system changed")
    PROCEDURES_IMPORTED = "dossier.procedures_imported", _("Procedure catalogue imported")
    SCORES_RECOMPUTED = "scoring.recomputed", _("Decision 766 scores recomputed")
    OFFICIAL_SCORES_IMPORTED = "scoring.official_imported", _("Official DVCQG scores imported")


class AuditEvent(models.Model):
    """One state change, chained to the previous one by hash (see audit.chain)."""

    seq = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    # A snapshot of who acted, so the record reads the same after the user is renamed.
    actor_label = models.CharField(max_length=200)
    # Values come from EventType; no `choices` here, so a new event type needs no migration.
    event_type = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    agency = models.ForeignKey(
        "orgunits.Agency", null=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event_type} {self.target_type}:{self.target_id}"

    @property
    def type_label(self) -> str:
        """The event type as people read it; an unknown value is shown as stored."""
        try:
            return str(EventType(self.event_type).label)
        except ValueError:
            return self.event_type


class ChainHead(models.Model):
    """A single row holding the chain's tip; locking it serialises appends."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head #{self.seq}"


CHECKPOINT_FORMAT = "dxgov.audit.checkpoint.v1"


class Checkpoint(models.Model):
    """A signed Merkle root over the events seq_from..seq_to (see audit.merkle, audit.signing).

    Checkpoints follow one another without gaps; an outside body keeps exported copies, so
    rewriting or rolling back the database shows even when the chain itself is redone.
    """

    seq_from = models.BigIntegerField(unique=True)
    seq_to = models.BigIntegerField(unique=True)
    tree_size = models.BigIntegerField()
    root = models.CharField(max_length=64)
    # The hash of event seq_to, which chains back through every earlier event.
    chain_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    signature = models.CharField(max_length=128)
    key_id = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq_from"]

    def __str__(self) -> str:
        return f"checkpoint {self.seq_from}–{self.seq_to}"

    def body(self) -> dict[str, Any]:
        """The signed fields as plain values (audit.signing.canonical_body encodes them)."""
        return {
            "format": CHECKPOINT_FORMAT,
            "seq_from": self.seq_from,
            "seq_to": self.seq_to,
            "tree_size": self.tree_size,
            "root": self.root,
            "chain_hash": self.chain_hash,
            "created_at": self.created_at.isoformat(timespec="microseconds"),
            "key_id": self.key_id,
        }


class VerificationRun(models.Model):
    """The outcome of one full `audit verify`, so the ledger page can show it without redoing
    it: at ten million events a verification takes minutes, too long for a page view."""

    finished_at = models.DateTimeField()
    seconds = models.FloatField()
    events = models.BigIntegerField()
    checkpoints = models.IntegerField()
    ok = models.BooleanField()
    # [{"kind", "seq", "seq_from", "seq_to", "detail"}, …]
    problems = models.JSONField(default=list)

    class Meta:
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"verification {self.finished_at:%Y-%m-%d %H:%M}: {'ok' if self.ok else 'problems'}"
