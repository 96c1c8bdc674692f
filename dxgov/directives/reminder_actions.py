"""Send the day's task reminders and agency digests as notifications (the ORM side).

What is due comes from reminders.py (pure); this module finds the tasks and the people and
calls notifications.actions.notify once per message and recipient. Each notification has a
dedupe key, so running a job again the same day (or two workers at once) sends nothing new:

- due soon:  task:{id}:due:{offset}:{deadline}:{user}  (a new deadline reminds afresh)
- overdue:   task:{id}:overdue:{user}                  (once per task, ever)
- digest:    digest:{agency}:{day}:{user}              (once a day)
- coordinator digest: coordinator-digest:{day}:{user}  (once a day)

Each notification commits on its own, so a failure halfway keeps what was already sent and
the next run completes the rest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dxgov.accounts.models import User
from dxgov.core.roles import Role
from dxgov.directives import reminders
from dxgov.directives.models import ExtensionRequest, ExtensionState, Task, TaskStatus
from dxgov.notifications.actions import notify
from dxgov.notifications.models import NotificationKind
from dxgov.orgunits.models import Agency

REMINDED_ROLES = (Role.LEADER, Role.OFFICER)
DIGEST_ROLES = (Role.LEADER,)
ACTIVE_STATUSES = (TaskStatus.OPEN, TaskStatus.OVERDUE)
# The digest lists this many overdue tasks and counts the rest.
DIGEST_LIST_LIMIT = 20
TASK_FIELDS = ("id", "status", "deadline", "lead_agency_id")


def task_link(task_id: int) -> str:
    return f"/directives/tasks/{task_id}/"


TASK_LIST_LINK = "/directives/tasks/"


def _people(agency_ids: Iterable[int], roles: Iterable[str]) -> dict[int, list[User]]:
    """Active users of the given roles whose agency is one of `agency_ids`, by agency."""
    found: dict[int, list[User]] = defaultdict(list)
    users = User.objects.filter(
        is_active=True, role__in=list(roles), agency_id__in=set(agency_ids)
    ).order_by("pk")
    for user in users:
        assert user.agency_id is not None  # filtered on it
        found[user.agency_id].append(user)
    return found


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def _short(task: Task) -> str:
    return Truncator(" ".join(task.content.split())).chars(120)


def _task_facts(task: Task) -> list[str]:
    deadline = _day(task.deadline)
    if task.original_deadline and task.original_deadline != task.deadline:
        deadline = _("%(deadline)s (extended from %(original)s)") % {
            "deadline": deadline,
            "original": _day(task.original_deadline),
        }
    return [
        _("Directive: %(number)s — %(title)s")
        % {"number": task.directive.number, "title": task.directive.title},
        _("Task: %(content)s") % {"content": task.content},
        _("Lead agency: %(agency)s") % {"agency": task.lead_agency.name},
        _("Deadline: %(deadline)s") % {"deadline": deadline},
        _("Progress: %(percent)d%%") % {"percent": task.progress_percent},
    ]


def _reminder_message(task: Task, reminder: reminders.Reminder) -> tuple[str, str]:
    facts = _task_facts(task)
    if reminder.kind == reminders.DUE_SOON:
        title = ngettext(
            "Task due in %(days)d day: %(task)s",
            "Task due in %(days)d days: %(task)s",
            reminder.offset,
        ) % {"days": reminder.offset, "task": _short(task)}
        lead = _("This task's deadline is %(deadline)s. Report progress or mark it done.") % {
            "deadline": _day(task.deadline)
        }
    else:
        title = _("Task overdue: %(task)s") % {"task": _short(task)}
        lead = ngettext(
            "This task is %(days)d day past its deadline. Report progress, mark it done or "
            "request an extension.",
            "This task is %(days)d days past its deadline. Report progress, mark it done or "
            "request an extension.",
            reminder.offset,
        ) % {"days": reminder.offset}
    return title, "\n".join([lead, "", *facts])


def _reminder_key(task: Task, reminder: reminders.Reminder, user: User) -> str:
    if reminder.kind == reminders.DUE_SOON:
        assert task.deadline is not None  # only tasks with a deadline are reminded of
        return f"task:{task.pk}:due:{reminder.offset}:{task.deadline.isoformat()}:{user.pk}"
    return f"task:{task.pk}:overdue:{user.pk}"


def send_task_reminders(
    today: date | None = None, offsets: Iterable[int] = reminders.DEFAULT_OFFSETS
) -> int:
    """Notify the lead agencies' leaders and officers of tasks due soon or overdue.

    Returns how many notifications were created now (those sent before are not counted).
    """
    day = today if today is not None else timezone.localdate()
    offsets = tuple(offsets)
    horizon = day + timedelta(days=max(offsets, default=0))
    rows = (
        Task.objects.filter(
            status__in=ACTIVE_STATUSES, deadline__isnull=False, deadline__lte=horizon
        )
        .order_by("pk")
        .values(*TASK_FIELDS)
    )
    due = reminders.due_reminders(list(rows), day, offsets)
    if not due:
        return 0
    tasks = Task.objects.select_related("directive", "lead_agency").in_bulk(
        [reminder.task_id for reminder in due]
    )
    people = _people((task.lead_agency_id for task in tasks.values()), REMINDED_ROLES)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for reminder in due:
            task = tasks[reminder.task_id]
            title, body = _reminder_message(task, reminder)
            kind = (
                NotificationKind.TASK_DUE_SOON
                if reminder.kind == reminders.DUE_SOON
                else NotificationKind.TASK_OVERDUE
            )
            for user in people.get(task.lead_agency_id, []):
                created = notify(
                    recipient=user,
                    kind=kind,
                    title=title,
                    body=body,
                    link=task_link(task.pk),
                    dedupe_key=_reminder_key(task, reminder, user),
                )
                if created is not None:
                    sent += 1
    return sent


def _digest_message(
    agency: Agency, digest: reminders.Digest, overdue: list[Task], day: date
) -> tuple[str, str]:
    title = _("Daily task digest for %(agency)s, %(day)s") % {
        "agency": agency.name,
        "day": _day(day),
    }
    lines = [
        _("Open within deadline: %(count)d") % {"count": digest.open},
        _("Overdue: %(count)d") % {"count": digest.overdue},
        _("Due within 7 days: %(count)d") % {"count": digest.due_this_week},
    ]
    if overdue:
        lines += ["", _("Overdue tasks:")]
        lines += [
            _("- %(number)s: %(task)s (deadline %(deadline)s)")
            % {
                "number": task.directive.number,
                "task": _short(task),
                "deadline": _day(task.deadline),
            }
            for task in overdue[:DIGEST_LIST_LIMIT]
        ]
        if len(overdue) > DIGEST_LIST_LIMIT:
            lines.append(_("… and %(count)d more.") % {"count": len(overdue) - DIGEST_LIST_LIMIT})
    return title, "\n".join(lines)


def send_agency_digests(today: date | None = None) -> int:
    """One digest a day to the leaders of each agency that leads active tasks.

    Returns how many notifications were created now.
    """
    day = today if today is not None else timezone.localdate()
    rows = Task.objects.filter(status__in=ACTIVE_STATUSES).order_by("pk").values(*TASK_FIELDS)
    digests = reminders.agency_digests(list(rows), day)
    if not digests:
        return 0
    leaders = _people((digest.agency_id for digest in digests), DIGEST_ROLES)
    agencies = Agency.objects.in_bulk([digest.agency_id for digest in digests])
    overdue_ids = [task_id for digest in digests for task_id in digest.overdue_task_ids]
    overdue_tasks = Task.objects.select_related("directive").in_bulk(overdue_ids)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for digest in digests:
            recipients = leaders.get(digest.agency_id, [])
            if not recipients:
                continue
            overdue = [overdue_tasks[task_id] for task_id in digest.overdue_task_ids]
            title, body = _digest_message(agencies[digest.agency_id], digest, overdue, day)
            for user in recipients:
                created = notify(
                    recipient=user,
                    kind=NotificationKind.AGENCY_DIGEST,
                    title=title,
                    body=body,
                    link=TASK_LIST_LINK,
                    dedupe_key=f"digest:{digest.agency_id}:{day.isoformat()}:{user.pk}",
                )
                if created is not None:
                    sent += 1
    return sent


def _coordinator_message(awaiting: list[Task], pending: int, day: date) -> tuple[str, str]:
    title = _("Waiting for the coordinators, %(day)s") % {"day": _day(day)}
    lines = []
    if awaiting:
        lines.append(
            ngettext(
                "%(count)d task reported done awaits confirmation:",
                "%(count)d tasks reported done await confirmation:",
                len(awaiting),
            )
            % {"count": len(awaiting)}
        )
        lines += [
            _("- %(number)s: %(task)s (%(agency)s)")
            % {
                "number": task.directive.number,
                "task": _short(task),
                "agency": task.lead_agency.name,
            }
            for task in awaiting[:DIGEST_LIST_LIMIT]
        ]
        if len(awaiting) > DIGEST_LIST_LIMIT:
            lines.append(_("… and %(count)d more.") % {"count": len(awaiting) - DIGEST_LIST_LIMIT})
    if pending:
        lines.append(
            ngettext(
                "%(count)d deadline extension request awaits a decision.",
                "%(count)d deadline extension requests await a decision.",
                pending,
            )
            % {"count": pending}
        )
    return title, "\n".join(lines)


def send_coordinator_digests(today: date | None = None) -> int:
    """One digest a day to each central coordinator while work waits for them: tasks reported
    done to confirm (or return), the oldest report first, and extension requests to decide.

    Returns how many notifications were created now.
    """
    day = today if today is not None else timezone.localdate()
    awaiting = list(
        Task.objects.filter(status=TaskStatus.AWAITING_CONFIRMATION)
        .select_related("directive", "lead_agency")
        .order_by("completed_on", "pk")
    )
    pending = ExtensionRequest.objects.filter(state=ExtensionState.PENDING).count()
    if not awaiting and not pending:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        title, body = _coordinator_message(awaiting, pending, day)
    sent = 0
    for user in User.objects.filter(is_active=True, role=Role.COORDINATOR).order_by("pk"):
        created = notify(
            recipient=user,
            kind=NotificationKind.COORDINATOR_DIGEST,
            title=title,
            body=body,
            link=f"{TASK_LIST_LINK}?status={TaskStatus.AWAITING_CONFIRMATION.value}",
            dedupe_key=f"coordinator-digest:{day.isoformat()}:{user.pk}",
        )
        sent += created is not None
    return sent
