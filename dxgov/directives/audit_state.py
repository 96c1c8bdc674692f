"""The directive and task columns the audit ledger keeps the state of (see audit.state): every
change to them goes through directives.actions, whose events carry the row's new state."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dxgov.audit.state import Audited, register
from dxgov.directives.models import Directive, Task

register(
    Audited(
        Directive,
        (
            "kind",
            "number",
            "issued_on",
            "issuing_agency_id",
            "title",
            "summary",
            "created_at",
        ),
        name=_("Directive"),
    ),
    Audited(
        Task,
        (
            "directive_id",
            "content",
            "lead_agency_id",
            "original_deadline",
            "deadline",
            "expected_result",
            "is_key",
            "status",
            "progress_percent",
            "completed_on",
            "parent_id",
            "recurrence",
            "series_id",
            "created_at",
        ),
        name=_("Task"),
    ),
)
