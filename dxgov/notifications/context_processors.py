from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from dxgov.notifications.models import Notification


def unread(request: HttpRequest) -> dict[str, object]:
    """`unread_notifications`: the signed-in user's unread count, counted only if a page asks."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.filter(recipient=user).unread().count()
        )
    }
