"""The committee rows the audit ledger keeps the state of (see audit.state): the signed
answers and the session reports, whose every change goes through committees.actions with an
event carrying the row's new state. `dxgov audit verify --state` names an answer or a report
changed behind the ledger's back."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dxgov.audit.state import Audited, register
from dxgov.committees.models import Answer, SessionReport

register(
    Audited(
        Answer,
        (
            "ballot_id",
            "membership_id",
            "sequence",
            "choice",
            "comment",
            "sha256",
            "answered_by_id",
            "delegation_id",
            "answered_at",
            "signed_body",
            "signature",
            "key_id",
        ),
        name=_("Ballot answer"),
    ),
    Audited(
        SessionReport,
        (
            "session_id",
            "status",
            "number",
            "as_of",
            "snapshot",
            "digest",
            "introduction",
            "proposals",
            "drafted_at",
            "drafted_by_id",
            "finalised_at",
            "finalised_by_id",
        ),
        name=_("Session report"),
    ),
)
