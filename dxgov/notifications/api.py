from __future__ import annotations

from datetime import datetime
from typing import cast

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from dxgov.accounts.models import User
from dxgov.core.limits import MAX_PAGE, could_be_id
from dxgov.notifications import actions
from dxgov.notifications.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


class NotificationPage(Schema):
    count: int
    unread: int
    page: int
    page_size: int
    items: list[NotificationOut]


class NotificationFilter(Schema):
    unread: bool = Field(False, description="Only notifications not yet read")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(50, ge=1, le=500)


def _out(notification: Notification) -> NotificationOut:
    return NotificationOut(
        id=notification.pk,
        kind=notification.kind,
        title=notification.title,
        body=notification.body,
        link=notification.link,
        created_at=notification.created_at,
        read_at=notification.read_at,
    )


@router.get(
    "/notifications", response=NotificationPage, summary="The signed-in user's notifications"
)
def list_notifications(
    request: HttpRequest, filters: Query[NotificationFilter]
) -> NotificationPage:
    mine = Notification.objects.filter(recipient=cast(User, request.user))
    chosen = mine.unread() if filters.unread else mine
    start = (filters.page - 1) * filters.page_size
    items = chosen.order_by("-created_at", "-pk")[start : start + filters.page_size]
    return NotificationPage(
        count=chosen.count(),
        unread=mine.unread().count(),
        page=filters.page,
        page_size=filters.page_size,
        items=[_out(n) for n in items],
    )


@router.post(
    "/notifications/{notification_id}/read",
    response=NotificationOut,
    summary="Mark one of the signed-in user's notifications read",
)
def read_notification(request: HttpRequest, notification_id: int) -> NotificationOut:
    user = cast(User, request.user)
    notification = (
        Notification.objects.filter(pk=notification_id, recipient=user).first()
        if could_be_id(notification_id)
        else None
    )
    if notification is None:
        raise Http404(_("No such notification."))
    return _out(actions.mark_read(acting_user=user, notification=notification))
