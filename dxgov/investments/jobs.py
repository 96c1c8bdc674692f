"""The weekly disbursement cycle (dispatch 169/CĐ-TTg: figures every Friday), run by the day's
job (operations.daily).

Each day the current plan year's weeks are rolled forward (every project gets the current
week's row). On the Thursday before a Friday deadline, the officers and leaders of each
investor with a project that has capital this year and no figure dated in the week are
reminded; on the Monday after, those whose figures for the past week never came are told
they are missing. A notification's dedupe key (user, week, kind) sends each once, however
often the job runs.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from dxgov.accounts.models import User
from dxgov.core.roles import AGENCY_STAFF_ROLES
from dxgov.investments import planyear, summary
from dxgov.investments.models import ProjectWeek
from dxgov.notifications.actions import notify
from dxgov.notifications.models import NotificationKind

THURSDAY, MONDAY = 3, 0


def _waiting(plan_year: int, week: date) -> dict[int, list[str]]:
    """Investor id → codes of its projects with capital and no figure dated in the week."""
    found: dict[int, list[str]] = defaultdict(list)
    for investor, code in ProjectWeek.objects.filter(
        plan_year=plan_year, week_end=week, plan_total__gt=0, updated=False
    ).values_list("project__investor_id", "project__code"):
        found[investor].append(code)
    return found


def _notify(waiting: dict[int, list[str]], week: date, kind: str, title: str, body: str) -> int:
    sent = 0
    recipients = User.objects.filter(
        agency_id__in=list(waiting), role__in=list(AGENCY_STAFF_ROLES), is_active=True
    )
    link = reverse("investments:project_list")
    for user in recipients:
        codes = waiting.get(user.agency_id or 0, [])
        if not codes:
            continue
        made = notify(
            recipient=user,
            kind=kind,
            title=title,
            body=body % {"count": len(codes), "codes": ", ".join(codes[:10])},
            link=link,
            dedupe_key=f"investments:{kind}:{user.pk}:{week.isoformat()}",
        )
        sent += made is not None
    return sent


@transaction.atomic
def send_disbursement_reminders(day: date) -> int:
    """Roll the weeks forward, then remind (Thursday) or flag missing figures (Monday)."""
    plan_year = planyear.current_plan_year(day)
    summary.roll(plan_year, today=day)
    if day.weekday() == THURSDAY and planyear.in_window(plan_year, day):
        week = planyear.week_end(day, plan_year)
        return _notify(
            _waiting(plan_year, week),
            week,
            NotificationKind.DISBURSEMENT_DUE,
            _("Disbursement figures due on %(day)s") % {"day": f"{week:%d/%m/%Y}"},
            _(
                "%(count)d of your projects have no disbursement figure this week yet "
                "(%(codes)s). Dispatch 169/CĐ-TTg asks for them every Friday."
            ),
        )
    if day.weekday() == MONDAY:
        week = day - timedelta(days=3)
        if not planyear.in_window(plan_year, week):
            return 0
        week = planyear.week_end(week, plan_year)
        return _notify(
            _waiting(plan_year, week),
            week,
            NotificationKind.DISBURSEMENT_LATE,
            _("Disbursement figures missing for the week to %(day)s") % {"day": f"{week:%d/%m/%Y}"},
            _(
                "%(count)d of your projects sent no disbursement figure for last week "
                "(%(codes)s). Enter them now: entries after 7 working days count as late."
            ),
        )
    return 0
