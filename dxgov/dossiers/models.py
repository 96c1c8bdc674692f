"""Dossiers (hồ sơ TTHC) received from source systems, the TTHC catalogue, batches, quarantine.

Source systems (the provinces' and ministries' one-stop-shop systems) send dossier records in
the `dxgov.dossier/1` format (see schema.py) in batches; ingest.py validates and upserts them.
Every write goes through actions.py (or ingest.py, whose entry point is an action).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SourceSystem(models.Model):
    """A system that reports dossiers: a province's or ministry's one-stop-shop system.

    It may report for the agencies in `agencies` and everything below them in the agency
    tree. It authenticates with the API tokens of its technical user (`user`), a user with
    no agency and the viewer role, so that the token reads nothing else (see ADR 11).
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=255)
    owner = models.ForeignKey(
        "orgunits.Agency", on_delete=models.PROTECT, related_name="source_systems"
    )
    agencies = models.ManyToManyField("orgunits.Agency", related_name="+")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="source_system"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_contact_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ProcedureLevel(models.TextChoices):
    MINISTRY = "ministry", _("Ministry level")
    PROVINCE = "province", _("Province level")
    COMMUNE = "commune", _("Commune level")


class OnlineLevel(models.TextChoices):
    NONE = "none", _("Not online")
    PARTIAL = "partial", _("Partly online")
    FULL = "full", _("Fully online")


class ApplicantType(models.TextChoices):
    CITIZEN = "citizen", _("Citizens")
    BUSINESS = "business", _("Businesses")
    BOTH = "both", _("Citizens and businesses")


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính, TTHC) of the national catalogue."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=500)
    level = models.CharField(max_length=16, choices=ProcedureLevel.choices)
    # Null: a national procedure (every province implements it).
    owner = models.ForeignKey(
        "orgunits.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="procedures",
    )
    online_level = models.CharField(
        max_length=16, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    has_fees = models.BooleanField(default=False)
    fees_integrated = models.BooleanField(default=False)
    requires_paper_result = models.BooleanField(default=False)
    applicant_type = models.CharField(
        max_length=16, choices=ApplicantType.choices, default=ApplicantType.BOTH
    )
    announced_on = models.DateField(null=True, blank=True)
    legal_basis_effective_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    content_complete = models.BooleanField(default=False)
    population_data_connected = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class BatchStatus(models.TextChoices):
    DONE = "done", _("Processed")
    REJECTED = "rejected", _("Rejected as a whole")


class Batch(models.Model):
    """One delivery of records from a source; its client-chosen id makes a resend harmless."""

    source = models.ForeignKey(SourceSystem, on_delete=models.PROTECT, related_name="batches")
    batch_id = models.CharField(max_length=100)
    received_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=BatchStatus.choices, default=BatchStatus.DONE)
    # Where the records came from: "api" (with the format) or "file" (the command).
    channel = models.CharField(max_length=16, default="api")
    total = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)  # new dossiers
    updated = models.PositiveIntegerField(default=0)  # newer versions of known dossiers
    unchanged = models.PositiveIntegerField(default=0)  # the same version again
    stale = models.PositiveIntegerField(default=0)  # older than the stored version: ignored
    quarantined = models.PositiveIntegerField(default=0)
    # Sync delay (arrival - updated_at) of the accepted and updated records, in seconds.
    delay_median_seconds = models.FloatField(null=True, blank=True)
    delay_p95_seconds = models.FloatField(null=True, blank=True)
    # The same delays as a histogram {bucket upper bound in seconds: count} (quality.DELAY_BUCKETS),
    # so a source's median and 95th percentile over many batches are read without the records.
    delays = models.JSONField(default=dict)
    # Records missing each optional-but-expected field, for the completeness figures.
    missing = models.JSONField(default=dict)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "batch_id"], name="batch_id_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.batch_id}"


class ProcessingUnit(models.TextChoices):
    WORKING_DAY = "working_day", _("working days")
    DAY = "day", _("days")
    HOUR = "hour", _("hours")


class Dossier(models.Model):
    """A dossier's latest version as its source reported it, with the processing figures.

    Normalised columns for what scoring filters and groups by; the nested lists (status
    history, documents, fees, petitions) as JSON. `end_at` … `late_by_supplements` come from
    `dxgov.dossiers.processing` at ingestion (deadlines in the working-day calendar); the flags
    below them are the record's booleans that scoring counts.
    """

    # Indexes: every one is paid on each insert, so only those a reader uses (ADR 14). The
    # unique (source, code) serves lookups by source; (agency, received_month) those by agency.
    # No database constraint on the three references (ADR 17): PostgreSQL checks a foreign key
    # row by row, which halved the rate at which dossiers can be written at all. Ingestion
    # takes the ids from rows it has just read or written in the same transaction, PROTECT
    # still refuses deletes through Django, and `dxgov dossiers check` finds any orphan.
    source = models.ForeignKey(
        SourceSystem,
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_index=False,
        db_constraint=False,
    )
    code = models.CharField(max_length=64)
    procedure_code = models.CharField(max_length=32)
    agency = models.ForeignKey(
        "orgunits.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # The first day of the month (Asia/Ho_Chi_Minh) in which it was received: its period.
    received_month = models.DateField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    processing_value = models.FloatField(null=True, blank=True)
    processing_unit = models.CharField(max_length=16, blank=True, choices=ProcessingUnit.choices)
    channel = models.PositiveSmallIntegerField(default=1)  # 1 in person, 2 online, 3 postal
    filed_on_dvcqg = models.BooleanField(default=False)
    status = models.CharField(max_length=32, blank=True)  # the latest status in the history
    status_history = models.JSONField(default=list)
    result_code = models.CharField(max_length=100, blank=True)
    result_file_url = models.CharField(max_length=500, blank=True)
    has_digitised_component = models.BooleanField(default=False)
    documents = models.JSONField(default=list)
    vneid_authenticated = models.BooleanField(default=False)
    population_db_code = models.CharField(max_length=64, blank=True)
    fees = models.JSONField(default=list)
    fee_total = models.BigIntegerField(default=0)
    paid_online = models.PositiveSmallIntegerField(default=0)  # 0, 1 DVCQG, 2 own gateway
    synced_to_dvcqg = models.BooleanField(default=False)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    petitions = models.JSONField(default=list)
    updated_at = models.DateTimeField()  # the source's last-modified time (never regresses)
    first_seen_at = models.DateTimeField()  # when dxgov first received it
    arrived_at = models.DateTimeField()  # when the stored version arrived
    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    # SHA-256 of the row's columns as written (dxgov.audit.state), summed into its batch's audit
    # event; null for a row written before states were kept (`dxgov audit baseline` fills it).
    audit_state = models.BinaryField(null=True, blank=True, editable=False)
    # From processing(): end of processing, citizen time, supplement requests, deadline.
    end_at = models.DateTimeField(null=True, blank=True)
    supplement_seconds = models.BigIntegerField(default=0)
    supplement_requests = models.PositiveSmallIntegerField(default=0)
    effective_due = models.DateTimeField(null=True, blank=True)
    late_by_supplements = models.BooleanField(default=False)
    # Flags scoring counts (derived from the record at ingestion).
    has_e_result = models.BooleanField(default=False)  # result code and result file
    digitised = models.BooleanField(default=False)  # digitised component or document (4.3)
    from_personal_store = models.BooleanField(default=False)  # a document from the store (4.4)
    uses_population_data = models.BooleanField(default=False)  # VNeID or MaCSDL (4.5b)
    petition_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "code"], name="dossier_code_per_source")
        ]
        indexes = [
            models.Index(fields=["agency", "received_month"], name="dossier_agency_month"),
            models.Index(fields=["received_month"], name="dossier_month"),
            # Scoring reads the month's dossiers with petitions (rare) in a second pass.
            models.Index(
                fields=["received_month", "agency"],
                name="dossier_month_petitions",
                condition=models.Q(petition_count__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return self.code


class QuarantinedRecord(models.Model):
    """A record refused by validation: kept (personal data removed) with what was wrong."""

    batch = models.ForeignKey(Batch, on_delete=models.CASCADE, related_name="quarantine")
    position = models.PositiveIntegerField()  # index in the batch (0-based); CSV: data line
    code = models.CharField(max_length=64, blank=True)  # the record's code, when it had one
    record = models.JSONField(null=True)
    errors = models.JSONField(default=list)  # ["records[12].fees[0].amount: must be ≥ 0", …]

    class Meta:
        ordering = ["batch", "position"]

    def __str__(self) -> str:
        return f"{self.batch_id}#{self.position}"
