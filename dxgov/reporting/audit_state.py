"""The report and data value columns the audit ledger keeps the state of (see audit.state).

A data value's events name it by indicator, agency and period (`KH/UBND-T25/202603`), as
`actions._value_entry` records them; a report's by its id.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dxgov.audit.state import Audited, register
from dxgov.reporting.models import DataValue, Report

register(
    Audited(
        Report,
        (
            "definition_id",
            "agency_id",
            "period",
            "due_date",
            "status",
            "first_submitted_at",
            "submitted_at",
            "submitted_by_id",
            "approved_at",
            "approved_by_id",
            "accepted_at",
            "accepted_by_id",
            "return_reason",
            "document_number",
            "created_at",
        ),
        name=_("Report"),
    ),
    Audited(
        DataValue,
        (
            "indicator_id",
            "agency_id",
            "period",
            "period_start",
            "frequency",
            "category",
            "report_id",
            "value",
            "numerator",
            "denominator",
            "comment",
            "version",
            "updated_at",
            "updated_by_id",
        ),
        key=("indicator__code", "agency__code", "period"),
        name=_("Data value"),
    ),
)
