"""Which tasks a user may see: those whose lead or a coordinating agency is in their scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from dxgov.directives.models import Attachment, Task
from dxgov.orgunits.access import sees_everything


def tasks_for(user: Any) -> QuerySet[Task]:
    tasks = Task.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return tasks.none()
    if sees_everything(user):
        return tasks
    if user.agency_id is None:
        return tasks.none()
    prefix = user.agency.path
    # Exists keeps one row per task, with no DISTINCT over the whole list.
    coordinated = Task.coordinating_agencies.through.objects.filter(
        task_id=OuterRef("pk"), agency__path__startswith=prefix
    )
    return tasks.filter(Q(lead_agency__path__startswith=prefix) | Exists(coordinated))


def access_task(user: Any, task_id: int) -> Task:
    task = (
        tasks_for(user)
        .select_related("directive", "lead_agency", "parent")
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise Http404(_("No such task in your scope."))
    return task


def access_attachment(user: Any, attachment_id: int) -> Attachment:
    """A directive's text is for every signed-in official; a task's evidence follows the task."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None or not getattr(user, "is_authenticated", False):
        raise Http404(_("No such file."))
    if (
        attachment.task_id is not None
        and not tasks_for(user).filter(pk=attachment.task_id).exists()
    ):
        raise Http404(_("No such file."))
    return attachment
