"""The weekly early-warning digest: each leader gets their agency's warnings once per ISO week.

The dedupe key names the leader and the ISO week (`dashboard-digest:<user>:<year>-W<week>`),
so running the job twice in a week — or on two workers at once — sends nothing twice
(notifications.notify). A leader with nothing to warn about gets nothing.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from dxgov.accounts.models import User
from dxgov.core.roles import Role
from dxgov.dashboard import sources
from dxgov.notifications.actions import notify
from dxgov.notifications.models import NotificationKind

MAX_LINES = 15


def week_key(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def send_weekly_digests(today: date) -> int:
    """One digest per active leader with warnings; returns how many were created now."""
    sent = 0
    leaders = User.objects.filter(role=Role.LEADER, is_active=True, agency__isnull=False)
    for leader in leaders.select_related("agency").order_by("pk"):
        agency = leader.agency
        assert agency is not None
        with override("vi"):
            found = sources.early_warnings(leader, agency, today.year)
            if not found.items:
                continue
            lines = [f"- {item.title}: {item.detail}" for item in found.items[:MAX_LINES]]
            if len(found.items) > MAX_LINES:
                lines.append(_("… and %(more)s more") % {"more": len(found.items) - MAX_LINES})
            title = _("Early warnings for %(agency)s, week %(week)s") % {
                "agency": agency.name,
                "week": week_key(today),
            }
            body = found.sentence + "\n\n" + "\n".join(lines)
        created = notify(
            recipient=leader,
            kind=NotificationKind.WARNING_DIGEST,
            title=title[:300],
            body=body,
            link=reverse("dashboard:agency", args=[agency.code]),
            dedupe_key=f"dashboard-digest:{leader.pk}:{week_key(today)}",
        )
        sent += created is not None
    return sent


@task()
def weekly_digests(today: str | None = None) -> int:

    return send_weekly_digests(date.fromisoformat(today) if today else timezone.localdate())
