"""Reminders for reports due and late, and notices when a report moves (the ORM side).

Each notification has a dedupe key, so a reminder is sent once however often the job runs
(or however many workers run it):

- due soon: report:{definition}:{agency}:{period}:due:{user}
- late:     report:{definition}:{agency}:{period}:late:{user}
- a step:   report:{report}:{step}:{n}:{user} (n: that report's audit events so far)
- missing, to the receiving agency's coordinators: report-missing:{definition}:{period}:{user}
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from dxgov.accounts.models import User
from dxgov.audit.models import AuditEvent
from dxgov.core.holidays import calendar_for
from dxgov.core.roles import Role
from dxgov.notifications.actions import notify
from dxgov.notifications.models import NotificationKind
from dxgov.reporting import periods
from dxgov.reporting.models import SENT_STATUSES, Report, ReportDefinition
from dxgov.reporting.schedule import current_period, due_date_of

REMINDED_ROLES = (Role.LEADER, Role.OFFICER)
# Remind this many working days before the deadline.
DUE_SOON_WORKING_DAYS = 2


def form_link(definition: ReportDefinition, agency_code: str, period: str) -> str:
    return f"/reports/definitions/{definition.pk}/form/{agency_code}/{period}/"


def reminder_kind(today: date, due: date, holidays: periods.Holidays) -> str | None:
    """'late' after the deadline; 'due' from N working days before it; else None (pure)."""
    if today > due:
        return "late"
    if periods.add_working_days(today, DUE_SOON_WORKING_DAYS, holidays) >= due:
        return "due"
    return None


def _periods_to_check(definition: ReportDefinition, today: date) -> list[periods.Period]:
    """The period being reported now and the one before it (still late if not sent)."""
    frequency = periods.Frequency(definition.frequency)
    current = periods.period_containing(frequency, today)
    if current.cutoff_end >= today:
        current = current.previous()
    return [current, current.previous()]


def send_report_reminders(today: date | None = None) -> int:
    today = today or timezone.localdate()
    holidays = calendar_for({today.year, today.year + 1})
    sent = 0
    for definition in ReportDefinition.objects.filter(active=True):
        for period in _periods_to_check(definition, today):
            due = due_date_of(definition, period)
            kind = reminder_kind(today, due, holidays)
            if kind is None:
                continue
            done = set(
                Report.objects.filter(
                    definition=definition, period=period.code, status__in=SENT_STATUSES
                ).values_list("agency_id", flat=True)
            )
            waiting = definition.reporting_agencies.exclude(pk__in=done)
            people = User.objects.filter(
                is_active=True, role__in=REMINDED_ROLES, agency__in=waiting
            ).select_related("agency")
            for person in people:
                assert person.agency is not None
                if kind == "late":
                    title = _("Report late: %(name)s, %(period)s") % {
                        "name": definition.name,
                        "period": period.label_vi,
                    }
                    body = _("It was due on %(due)s and has not been sent.") % {
                        "due": due.strftime("%d/%m/%Y")
                    }
                else:
                    title = _("Report due soon: %(name)s, %(period)s") % {
                        "name": definition.name,
                        "period": period.label_vi,
                    }
                    body = _("Due on %(due)s.") % {"due": due.strftime("%d/%m/%Y")}
                created = notify(
                    recipient=person,
                    kind=NotificationKind.REPORT_LATE
                    if kind == "late"
                    else NotificationKind.REPORT_DUE_SOON,
                    title=title,
                    body=body,
                    link=form_link(definition, person.agency.code, period.code),
                    dedupe_key=f"report:{definition.pk}:{person.agency.code}:{period.code}:{kind}:{person.pk}",
                )
                sent += created is not None
    return sent


# The missing agencies a notice names; it counts the rest.
MISSING_LISTED = 20


def send_missing_report_notices(today: date | None = None) -> int:
    """Tell the receiving agency's coordinators, once per period, which agencies have not sent
    a report whose deadline has passed (the period being reported now)."""
    today = today or timezone.localdate()
    sent = 0
    for definition in ReportDefinition.objects.filter(active=True).select_related(
        "receiving_agency"
    ):
        period = current_period(definition, today)
        due = due_date_of(definition, period)
        if today <= due:
            continue
        receivers = list(
            User.objects.filter(
                is_active=True, role=Role.COORDINATOR, agency=definition.receiving_agency
            ).order_by("pk")
        )
        if not receivers:
            continue
        done = Report.objects.filter(
            definition=definition, period=period.code, status__in=SENT_STATUSES
        ).values_list("agency_id", flat=True)
        expected = definition.reporting_agencies.count()
        waiting = list(
            definition.reporting_agencies.exclude(pk__in=done)
            .order_by("name")
            .values_list("name", flat=True)
        )
        if not waiting:
            continue
        names = "; ".join(waiting[:MISSING_LISTED])
        if len(waiting) > MISSING_LISTED:
            names += _(" … and %(count)d more") % {"count": len(waiting) - MISSING_LISTED}
        title = _("Reports not received: %(name)s, %(period)s") % {
            "name": definition.name,
            "period": period.label_vi,
        }
        body = _("%(missing)d of %(total)d agencies have not sent it (due %(due)s): %(names)s.") % {
            "missing": len(waiting),
            "total": expected,
            "due": due.strftime("%d/%m/%Y"),
            "names": names,
        }
        for person in receivers:
            created = notify(
                recipient=person,
                kind=NotificationKind.REPORTS_MISSING,
                title=title,
                body=body,
                link=f"/reports/definitions/{definition.pk}/?period={period.code}",
                dedupe_key=f"report-missing:{definition.pk}:{period.code}:{person.pk}",
            )
            sent += created is not None
    return sent


def announce_step(report_id: int, step: str) -> int:
    """Tell the people who act next: leaders on submit, the sender on return/reopen/accept."""
    report = Report.objects.select_related("definition", "agency").filter(pk=report_id).first()
    if report is None:
        return 0
    if step == "submit":
        people = User.objects.filter(is_active=True, role=Role.LEADER, agency=report.agency)
    elif step in ("return", "reopen", "accept", "approve"):
        people = User.objects.filter(is_active=True, role__in=REMINDED_ROLES, agency=report.agency)
    else:
        return 0
    n = AuditEvent.objects.filter(target_type="reporting.report", target_id=str(report.pk)).count()
    title = _("%(name)s, %(period)s: %(status)s") % {
        "name": report.definition.name,
        "period": periods.parse_period(report.period).label_vi,
        "status": report.get_status_display(),
    }
    count = 0
    for person in people:
        created = notify(
            recipient=person,
            kind=NotificationKind.REPORT_STEP,
            title=title,
            body=report.return_reason if step in ("return", "reopen") else "",
            link=f"/reports/{report.pk}/",
            dedupe_key=f"report:{report.pk}:{step}:{n}:{person.pk}",
            send_email=step != "approve",
        )
        count += created is not None
    return count


@task()
def report_reminders(today: str | None = None) -> int:
    return send_report_reminders(date.fromisoformat(today) if today else None)
