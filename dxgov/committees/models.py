"""Committees (the National Committee on Digital Transformation, each ministry's and province's
steering committee), their members, sessions, reports, conclusions and opinion ballots.

Every write goes through dxgov.committees.actions; the rules are in ballots.py and report.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxgov.committees.ballots import ChangeRule, Choice


class CommitteeKind(models.TextChoices):
    NATIONAL = "national", _("National committee")
    MINISTRY = "ministry", _("Ministry's steering committee")
    PROVINCE = "province", _("Province's steering committee")


class Committee(models.Model):
    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=16, choices=CommitteeKind.choices)
    # The body the committee belongs to: its records are in that agency's scope.
    agency = models.ForeignKey(
        "orgunits.Agency", on_delete=models.PROTECT, related_name="committees"
    )
    # The standing office (cơ quan thường trực) that prepares its sessions and ballots.
    standing_office = models.ForeignKey(
        "orgunits.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committees_served",
    )
    decision = models.CharField(max_length=300, blank=True)  # the founding decision
    established_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    # A merged province's committee is a new committee; it names those it replaced.
    predecessors = models.ManyToManyField("self", symmetrical=False, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class Position(models.TextChoices):
    CHAIR = "chair", _("Chair")
    DEPUTY_CHAIR = "deputy_chair", _("Deputy chair")
    STANDING_MEMBER = "standing_member", _("Standing member")
    MEMBER = "member", _("Member")
    SECRETARY = "secretary", _("Secretary")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def on(self, day: date) -> MembershipQuerySet:
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)


class Membership(models.Model):
    """A seat on a committee: a position held by a person (with an account) or by an agency
    (acted for by its leaders), from a day to a day."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="memberships")
    position = models.CharField(max_length=16, choices=Position.choices)
    title = models.CharField(max_length=300)  # "Bộ trưởng Bộ Công an"
    person_name = models.CharField(max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_seats",
    )
    agency = models.ForeignKey(
        "orgunits.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_seats",
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["committee", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | Q(agency__isnull=False),
                name="membership_held_by_someone",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="membership_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_position_display()})"

    @property
    def holder(self) -> str:
        """Who holds the seat, as a line: the person and their title."""
        return f"{self.person_name} — {self.title}" if self.person_name else self.title

    def active_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class Delegation(models.Model):
    """A stand-in: a member's written delegation to someone who attends or answers for them."""

    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="delegations")
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="delegations_held"
    )
    valid_from = models.DateField()
    valid_to = models.DateField()
    document = models.CharField(max_length=200)  # "Giấy ủy quyền số 12/GUQ-BCA"
    reason = models.TextField(blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["membership", "valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")),
                name="delegation_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.delegate_id} for {self.membership_id}"

    def covers(self, day: date) -> bool:
        return self.revoked_at is None and self.valid_from <= day <= self.valid_to


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    INVITED = "invited", _("Invitations sent")
    IN_PROGRESS = "in_progress", _("In session")
    CLOSED = "closed", _("Held")


class Session(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="sessions")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    held_on = models.DateField()
    place = models.CharField(max_length=300, blank=True)
    chair = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.PROTECT, related_name="chaired"
    )
    status = models.CharField(
        max_length=16, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    current_item = models.ForeignKey(
        "AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["committee", "-held_on", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="one_session_number")
        ]

    def __str__(self) -> str:
        return f"{self.committee.code} #{self.number}"


class AgendaItem(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=500)
    presenter = models.ForeignKey(
        "orgunits.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["session", "order"]
        constraints = [
            models.UniqueConstraint(fields=["session", "order"], name="one_agenda_place")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


def _stored_path(instance: Any, filename: str) -> str:
    # Stored under a content hash, never under the uploader's file name.
    return f"committees/{instance.sha256[:2]}/{instance.sha256}"


class AgendaDocument(models.Model):
    """A document members read before the session (a report, a draft), judged by content."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=_stored_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Invitation(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="invitations")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="invitations")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "membership__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "membership"], name="one_invitation")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.membership_id}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    REMOTE = "remote", _("Attended remotely")
    STAND_IN = "stand_in", _("Represented by a stand-in")
    ABSENT_EXCUSED = "absent_excused", _("Absent, with a reason")
    ABSENT = "absent", _("Absent, without a reason")


class Attendance(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(max_length=16, choices=AttendanceStatus.choices)
    delegation = models.ForeignKey(
        Delegation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "membership__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "membership"], name="one_attendance")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.membership_id}: {self.status}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final")


class SessionReport(models.Model):
    """The standing office's report to the session: a snapshot of the platform's figures at
    drafting (`snapshot`, with each figure's source; `digest` its SHA-256), the staff's own
    text, and once final nothing changes."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="report")
    status = models.CharField(
        max_length=8, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    number = models.CharField(max_length=64, blank=True)  # "125/BC-VPCP"
    as_of = models.DateField()
    snapshot = models.JSONField()
    digest = models.CharField(max_length=64)
    introduction = models.TextField(blank=True)
    proposals = models.TextField(blank=True)
    drafted_at = models.DateTimeField(default=timezone.now)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"report {self.session_id} ({self.status})"


class ConclusionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class Conclusion(models.Model):
    """The session's concluding notice (Thông báo kết luận) and its items."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="conclusion")
    status = models.CharField(
        max_length=8, choices=ConclusionStatus.choices, default=ConclusionStatus.DRAFT
    )
    number = models.CharField(max_length=64, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    # The directive the notice is, among the platform's directives, once issued.
    directive = models.OneToOneField(
        "directives.Directive",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_conclusion",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.number or f"conclusion {self.session_id}"


class ConclusionItem(models.Model):
    conclusion = models.ForeignKey(Conclusion, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["conclusion", "order"]
        constraints = [
            models.UniqueConstraint(fields=["conclusion", "order"], name="one_conclusion_place")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:60]}"


class ItemTask(models.Model):
    """A task a conclusion item assigned (created through directives.actions, or linked)."""

    item = models.ForeignKey(ConclusionItem, on_delete=models.PROTECT, related_name="task_links")
    task = models.OneToOneField(
        "directives.Task", on_delete=models.PROTECT, related_name="committee_link"
    )
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "task_id"]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.task_id}"


class BallotStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for answers")
    CLOSED = "closed", _("Closed")


class BallotChangeRule(models.TextChoices):
    REFUSE = ChangeRule.REFUSE.value, _("One answer per member")
    REPLACE = ChangeRule.REPLACE.value, _("A member may change their answer (every answer kept)")


class Ballot(models.Model):
    """An opinion ballot to the committee's members (phiếu lấy ý kiến thành viên)."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="ballots")
    # A vote in session: its tally shows on the live session view.
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.PROTECT, related_name="ballots"
    )
    number = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=300)
    question = models.TextField()
    draft_text = models.TextField(blank=True)
    document = models.FileField(upload_to=_stored_path, max_length=200, blank=True)
    document_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)  # of the document
    deadline = models.DateTimeField()
    change_rule = models.CharField(
        max_length=8, choices=BallotChangeRule.choices, default=BallotChangeRule.REFUSE
    )
    status = models.CharField(
        max_length=8, choices=BallotStatus.choices, default=BallotStatus.DRAFT, db_index=True
    )
    content_hash = models.CharField(max_length=64, blank=True)  # fixed when it opens
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result = models.JSONField(null=True, blank=True)  # the tally as closed
    decision = models.TextField(blank=True)  # what the result leads to

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class BallotVoter(models.Model):
    """A member the ballot was sent to (the members in office when it opened)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="voters")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["ballot", "membership__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "membership"], name="one_voter_per_ballot")
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}/{self.membership_id}"


class KeyOrigin(models.TextChoices):
    GENERATED = "generated", _("Generated and kept encrypted by the platform")
    REGISTERED = "registered", _("Registered by its holder (private key on their device)")


class SigningKey(models.Model):
    """A signer's Ed25519 key: the public half, and the private half encrypted when the
    platform generated it (committees/signing.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signing_keys"
    )
    key_id = models.CharField(max_length=64, unique=True)
    public_key = models.TextField()
    origin = models.CharField(max_length=16, choices=KeyOrigin.choices)
    encrypted_private_key = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="one_active_key"
            )
        ]

    def __str__(self) -> str:
        return self.key_id[:16]


class AnswerChoice(models.TextChoices):
    AGREE = Choice.AGREE.value, _("Agree")
    DISAGREE = Choice.DISAGREE.value, _("Disagree")
    OTHER = Choice.OTHER.value, _("Other opinion")


class Answer(models.Model):
    """A member's signed answer. A change is a new row (sequence 2, 3 …); every row is kept
    and the latest counts."""

    ballot = models.ForeignKey(Ballot, on_delete=models.PROTECT, related_name="answers")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="answers")
    sequence = models.PositiveSmallIntegerField(default=1)
    choice = models.CharField(max_length=8, choices=AnswerChoice.choices)
    comment = models.TextField(blank=True)
    file = models.FileField(upload_to=_stored_path, max_length=200, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)  # of the file
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Set when a stand-in answered for the member, under this delegation.
    delegation = models.ForeignKey(
        Delegation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField()
    signed_body = models.JSONField()
    signature = models.CharField(max_length=128)
    key = models.ForeignKey(SigningKey, on_delete=models.PROTECT, related_name="answers")

    class Meta:
        ordering = ["ballot", "membership__order", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["ballot", "membership", "sequence"], name="one_answer_per_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id}/{self.membership_id}#{self.sequence}: {self.choice}"

    @property
    def stand_in(self) -> bool:
        return self.delegation_id is not None


class LiveEvent(models.Model):
    """What changed in a session or a ballot, for the live views' event stream (appended in
    the change's own transaction, pruned by the day's run)."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    ballot = models.ForeignKey(
        Ballot, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The parts of the live views to refresh: "agenda", "attendance", "tally".
    blocks = models.JSONField(default=list)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.id} {self.blocks}"
