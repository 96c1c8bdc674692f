from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dxgov.accounts.models import User
from dxgov.notifications import actions
from dxgov.notifications.models import Notification

PAGE_SIZE = 50


def _own(request: HttpRequest, pk: int) -> Notification:
    """The signed-in user's notification; anyone else's does not exist for them."""
    found = Notification.objects.filter(pk=pk, recipient=cast(User, request.user)).first()
    if found is None:
        raise Http404(_("No such notification."))
    return found


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.filter(recipient=cast(User, request.user))
    page = Paginator(mine.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"page": page, "unread_count": mine.unread().count()}
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = actions.mark_read(acting_user=request.user, notification=_own(request, pk))
    if request.headers.get("HX-Request"):
        unread = Notification.objects.filter(recipient=cast(User, request.user)).unread()
        context = {"notification": notification, "unread_notifications": unread.count()}
        return render(request, "notifications/_notification.html", context | {"oob": True})
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    actions.mark_all_read(acting_user=request.user)
    return redirect("notifications:list")
