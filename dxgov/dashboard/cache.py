"""Rendered dashboard blocks kept between requests (docs/adr/0013-dashboard-block-cache.md).

A block's HTML is stored under a key that names everything it depends on: the page (path and
query), the block, what the user may see (`accounts.access.scope_key`), the language, the day,
and the change feed's latest id for each kind of change the block shows. Every change that
matters to a block (a report's workflow step, a dossier batch's scores, a task's status, a
forecast run) appends its feed row in its own transaction, so the first request after the
commit finds no entry and builds the block afresh: the same moment open dashboards are told to
refresh. What no feed row announces (a target approved, a source falling silent as time passes)
shows within DXGOV_DASHBOARD_CACHE_SECONDS.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from dxgov.accounts.access import scope_key
from dxgov.dashboard.models import ChangeFeed, ChangeKind
from dxgov.notifications.models import Notification

CACHE = "dashboard"
PAGES = "dashboard_pages"
DEFAULT_SECONDS = 60
ALL_KINDS = tuple(ChangeKind.values)
# The kinds of change each block shows; a block not named here depends on every kind.
KINDS: dict[str, tuple[str, ...]] = {
    "warnings": (ChangeKind.REPORT, ChangeKind.TASKS, ChangeKind.FORECASTS, ChangeKind.SCORES),
    "indicators": (ChangeKind.REPORT, ChangeKind.FORECASTS),
    "map": (ChangeKind.REPORT, ChangeKind.FORECASTS, ChangeKind.SCORES),
    "ranking": (ChangeKind.SCORES,),
    "tasks": (ChangeKind.TASKS,),
    "reporting": (ChangeKind.REPORT,),
    "children": (ChangeKind.REPORT, ChangeKind.FORECASTS, ChangeKind.SCORES),
    "values": (ChangeKind.REPORT, ChangeKind.FORECASTS),
}


def seconds() -> int:
    return int(getattr(settings, "DXGOV_DASHBOARD_CACHE_SECONDS", DEFAULT_SECONDS))


def feed_heads() -> dict[str, int]:
    """The latest change-feed id of each kind (0: none), in one statement: each MAX is one
    probe of the (kind, id) index however long the feed is."""
    table = ChangeFeed._meta.db_table
    probe = f"(SELECT MAX(id) FROM {table} WHERE kind = %s)"  # noqa: S608 (fixed names)
    parts = ", ".join(probe for _ in ALL_KINDS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}", list(ALL_KINDS))
        row = cursor.fetchone()
    return {kind: int(value or 0) for kind, value in zip(ALL_KINDS, row, strict=True)}


def key(request: HttpRequest, name: str, heads: Mapping[str, int]) -> str:
    query = request.GET.copy()
    query.pop("block", None)
    versions = ",".join(f"{kind}{heads.get(kind, 0)}" for kind in KINDS.get(name, ALL_KINDS))
    parts = (
        request.path,
        query.urlencode(),
        name,
        scope_key(request.user),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        versions,
    )
    digest = hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()
    return f"block:{digest}"


def block_html(
    request: HttpRequest, name: str, heads: Mapping[str, int], render: Callable[[], str]
) -> str:
    """The block's HTML from the cache, or rendered now and kept."""
    ttl = seconds()
    if ttl <= 0:
        return render()
    store = caches[CACHE]
    cache_key = key(request, name, heads)
    html = store.get(cache_key)
    if html is None:
        html = render()
        store.set(cache_key, html, ttl)
    return str(html)


def heads_for(request: HttpRequest) -> dict[str, int]:
    """The feed heads, read once per request (the page cache and the blocks share them)."""
    found: dict[str, int] | None = getattr(request, "_dxgov_feed_heads", None)
    if found is None:
        found = feed_heads()
        request._dxgov_feed_heads = found  # type: ignore[attr-defined]
    return found


def page_key(request: HttpRequest, heads: Mapping[str, int]) -> str | None:
    """The key of a whole page for this session, or None when it must be built now.

    A page carries the session's CSRF token, the user's name, role and unread count, and any
    flash messages: it is kept per session and CSRF cookie, with the unread count and the feed
    heads in the key, and never while a message waits to be shown (len() does not consume).
    """
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if not session_key or len(messages.get_messages(request)):
        return None
    user: Any = request.user
    unread = Notification.objects.filter(recipient=user).unread().count()
    parts = (
        request.get_full_path(),
        session_key,
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        scope_key(user),
        str(user.role),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        str(unread),
        ",".join(f"{kind}{heads.get(kind, 0)}" for kind in ALL_KINDS),
    )
    digest = hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()
    return f"page:{digest}"


def cached_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in GET page served again to the same session until a change it shows is
    committed (or DXGOV_DASHBOARD_CACHE_SECONDS pass); put it under login_required, so only a
    session that passed the view's own access checks ever stores, or reads, its copy."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        ttl = seconds()
        if ttl <= 0 or request.method != "GET" or "block" in request.GET:
            return view(request, *args, **kwargs)
        cache_key = page_key(request, heads_for(request))
        if cache_key is None:
            return view(request, *args, **kwargs)
        store = caches[PAGES]
        body = store.get(cache_key)
        if body is not None:
            return HttpResponse(body)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming:
            store.set(cache_key, response.content, ttl)
        return response

    return wrapper


def clear() -> None:
    caches[CACHE].clear()
    caches[PAGES].clear()
