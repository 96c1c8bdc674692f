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
    TASK_HISTORY_IMPORTED = "task.history_imported", _("Task brought in with its history")
    ATTACHMENT_ADDED = "attachment.added", _("File attached")
    TWO_FACTOR_ENABLED = "user.two_factor_enabled", _("Two-factor sign-in enabled")
    TWO_FACTOR_RESET = "user.two_factor_reset", _("Two-factor sign-in reset")
    CHECKPOINT_CREATED = "audit.checkpoint_created", _("Audit checkpoint signed")
    STATE_BASELINE = "audit.state_baseline", _("Live state taken as the ledger's baseline")
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
    REPORT_CREATED = "report.created", _("Report opened")
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
    INVESTMENT_PROJECT_CREATED = "investment.project_created", _("Investment project created")
    INVESTMENT_DECISION_RECORDED = (
        "investment.decision_recorded",
        _("Investment decision recorded (baseline)"),
    )
    INVESTMENT_ALLOCATION_RECORDED = "investment.allocation_recorded", _("Capital plan changed")
    INVESTMENT_DISBURSEMENT_SAVED = "investment.disbursement_saved", _("Disbursed value saved")
    INVESTMENT_PROGRESS_SAVED = "investment.progress_saved", _("Monthly progress saved")
    INVESTMENT_MILESTONE_DONE = "investment.milestone_done", _("Milestone reached")
    INVESTMENT_SCHEDULE_SET = "investment.schedule_set", _("Disbursement schedule set")
    INVESTMENT_STALLED_SET = "investment.stalled_set", _("Stalled-project flag changed")
    INVESTMENT_EVIDENCE_ADDED = "investment.evidence_added", _("Evidence file added")
    INVESTMENT_SETTINGS_SAVED = (
        "investment.settings_saved",
        _("Weekly disbursement thresholds changed"),
    )
    INVESTMENTS_IMPORTED = "investment.imported", _("Investment figures imported from Excel")
    INDEX_EDITION_LOADED = "index.edition_loaded", _("Index edition loaded")
    INDEX_DEFINITION_SAVED = "index.definition_saved", _("Index definition changed")
    INDEX_COUNCIL_SET = "index.council_set", _("Appraisal council named")
    INDEX_SCORES_SAVED = "index.scores_saved", _("Self-assessed scores saved")
    INDEX_EVIDENCE_ADDED = "index.evidence_added", _("Self-assessment evidence added")
    INDEX_ASSESSMENT_SUBMITTED = "index.assessment_submitted", _("Self-assessment submitted")
    INDEX_SCORE_APPRAISED = "index.score_appraised", _("Score appraised")
    INDEX_ASSESSMENT_APPROVED = "index.assessment_approved", _("Self-assessment appraised")
    INDEX_ASSESSMENT_LOCKED = "index.assessment_locked", _("Self-assessment locked")
    INDEX_ASSESSMENT_RETURNED = "index.assessment_returned", _("Self-assessment returned")
    INDEX_ASSESSMENT_REOPENED = "index.assessment_reopened", _("Self-assessment reopened")
    INDEX_COMPUTED = "index.computed", _("Index results computed")
    INDEX_OFFICIAL_IMPORTED = "index.official_imported", _("Published index results imported")
    PROGRAMME_CREATED = "programme.created", _("Programme started")
    PROGRAMME_CHANGED = "programme.changed", _("Programme changed")
    PROGRAMME_SUBMITTED = "programme.submitted", _("Programme submitted for review")
    PROGRAMME_COMMENTED = "programme.commented", _("Programme review comment")
    PROGRAMME_CHECKLIST_SAVED = "programme.checklist_saved", _("Programme review checklist saved")
    PROGRAMME_RETURNED = "programme.returned", _("Programme returned for changes")
    PROGRAMME_APPROVED = "programme.approved", _("Programme approved")
    PROGRAMME_REVISION_OPENED = "programme.revision_opened", _("Programme's new version opened")
    OVERLAPS_DETECTED = "programme.overlaps_detected", _("Overlapping tasks detected")
    OVERLAP_LABELLED = "programme.overlap_labelled", _("Overlap pair labelled")
    COMMITTEE_CREATED = "committee.created", _("Committee created")
    COMMITTEE_MEMBER_ADDED = "committee.member_added", _("Committee member appointed")
    COMMITTEE_MEMBER_ENDED = "committee.member_ended", _("Committee member's term ended")
    DELEGATION_GRANTED = "committee.delegation_granted", _("Stand-in delegated")
    DELEGATION_REVOKED = "committee.delegation_revoked", _("Stand-in delegation revoked")
    SESSION_CREATED = "session.created", _("Session planned")
    AGENDA_ITEM_ADDED = "session.agenda_item_added", _("Agenda item added")
    AGENDA_DOCUMENT_ADDED = "session.document_added", _("Session document added")
    SESSION_INVITED = "session.invited", _("Session invitations sent")
    ATTENDANCE_RECORDED = "session.attendance_recorded", _("Attendance recorded")
    SESSION_STARTED = "session.started", _("Session opened")
    SESSION_ITEM_CHANGED = "session.current_item", _("Session moved to an agenda item")
    SESSION_CLOSED = "session.closed", _("Session closed")
    SESSION_REPORT_DRAFTED = "session.report_drafted", _("Session report drafted from the data")
    SESSION_REPORT_EDITED = "session.report_edited", _("Session report's text edited")
    SESSION_REPORT_FINALISED = "session.report_finalised", _("Session report finalised")
    CONCLUSION_SAVED = "conclusion.saved", _("Concluding notice drafted")
    CONCLUSION_ISSUED = "conclusion.issued", _("Concluding notice issued")
    CONCLUSION_TASK_LINKED = "conclusion.task_linked", _("Task linked to a conclusion item")
    BALLOT_CREATED = "ballot.created", _("Opinion ballot drafted")
    BALLOT_OPENED = "ballot.opened", _("Opinion ballot sent to the members")
    BALLOT_ANSWERED = "ballot.answered", _("Signed answer to an opinion ballot")
    BALLOT_EXTENDED = "ballot.deadline_extended", _("Opinion ballot's deadline extended")
    BALLOT_CLOSED = "ballot.closed", _("Opinion ballot closed and consolidated")
    SIGNING_KEY_CREATED = "signing_key.created", _("Signing key generated")
    SIGNING_KEY_REGISTERED = "signing_key.registered", _("Signing key registered")


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

    @property
    def actor_shown(self) -> str:
        """Who acted as recorded (the user name at the time), or "System" for the platform's own
        jobs (stored as the label ``system``)."""
        return str(_("System")) if self.actor_label == SYSTEM_ACTOR else self.actor_label

    @property
    def target_shown(self) -> str:
        """What the event is about, in words: "Dossier batch #51", not ``dossiers.batch:51``."""
        noun = TARGET_LABELS.get(self.target_type)
        text = str(noun) if noun is not None else self.target_type.rpartition(".")[2]
        return f"{text} #{self.target_id}" if self.target_id else text


# The actor label of events recorded without a user (nightly jobs, the demo's loaders).
SYSTEM_ACTOR = "system"

# The things events are about, by their model label (AuditEvent.target_type).
TARGET_LABELS = {
    "accounts.user": _("User account"),
    "accounts.apitoken": _("API token"),
    "audit.checkpoint": _("Checkpoint"),
    "core.holiday": _("Day off"),
    "directives.directive": _("Directive"),
    "directives.task": _("Task"),
    "directives.extensionrequest": _("Extension request"),
    "dossiers.batch": _("Dossier batch"),
    "dossiers.procedure": _("Procedure catalogue"),
    "dossiers.sourcesystem": _("Dossier source"),
    "forecasting.forecast": _("Forecasts"),
    "indicators.indicator": _("Indicator"),
    "indicators.target": _("Target"),
    "indicators.validationrule": _("Validation rule"),
    "notifications.notification": _("Notification"),
    "orgunits.agency": _("Agency"),
    "orgunits.registry": _("Unit registry"),
    "reporting.datavalue": _("Data value"),
    "reporting.report": _("Report"),
    "reporting.reportdefinition": _("Report form"),
    "scoring.period": _("Decision 766 scores"),
}


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
    # With --state (audit.live): the live rows checked (None: not checked), how many findings,
    # and the first of them [{"kind", "target_type", "target_id", "seq", "detail"}, …].
    rows = models.BigIntegerField(null=True, blank=True)
    state_problem_count = models.BigIntegerField(default=0)
    state_problems = models.JSONField(default=list)

    class Meta:
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"verification {self.finished_at:%Y-%m-%d %H:%M}: {'ok' if self.ok else 'problems'}"
