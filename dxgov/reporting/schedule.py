"""When reports are due and who sent theirs: the period being reported now and the
completeness of a definition's period (the reads behind the pages, the API and the dashboard)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from dxgov.core.holidays import calendar_for
from dxgov.orgunits.models import Agency
from dxgov.reporting import periods
from dxgov.reporting.completeness import Completeness, Sent, completeness
from dxgov.reporting.models import Report, ReportDefinition


def due_date_of(definition: ReportDefinition, period: periods.Period) -> date:
    """The day a period's report is due: its working days counted after the cut-off window."""
    end = period.cutoff_end
    return periods.due_date(
        period, definition.due_working_days, calendar_for({end.year, end.year + 1})
    )


def current_period(definition: ReportDefinition, today: date | None = None) -> periods.Period:
    """The latest period whose cut-off window has closed: the one being reported now."""
    today = today or timezone.localdate()
    frequency = periods.Frequency(definition.frequency)
    period = periods.period_containing(frequency, today)
    return period.previous() if period.cutoff_end >= today else period


def completeness_of(
    definition: ReportDefinition, period: periods.Period, agencies: list[Agency]
) -> Completeness:
    reports = Report.objects.filter(
        definition=definition, period=period.code, agency__in=agencies
    ).values_list("agency__code", "status", "first_submitted_at")
    sent = {
        code: Sent(status, timezone.localdate(first) if first else None)
        for code, status, first in reports
    }
    return completeness(
        [a.code for a in agencies],
        sent,
        due_date_of(definition, period),
        timezone.localdate(),
    )
