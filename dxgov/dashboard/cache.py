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
import threading
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from dxgov.dashboard.blocks import SCORE_766
from dxgov.dashboard.models import ChangeFeed, ChangeKind
from dxgov.notifications.models import Notification
from dxgov.orgunits.access import scope_key

CACHE = "dashboard"
PAGES = "dashboard_pages"
DEFAULT_SECONDS = 60
ALL_KINDS = tuple(ChangeKind.values)
# The kinds of change each block shows; a block not named here depends on every kind.
# Dossier batches ("scores") arrive every few seconds nationally: only the blocks that show
# scores follow them. A source that stopped sending and resumes leaves the warnings within the
# time limit; the map follows scores when it shows the 766 index (`_kinds`).
KINDS: dict[str, tuple[str, ...]] = {
    "warnings": (
        ChangeKind.REPORT,
        ChangeKind.TASKS,
        ChangeKind.FORECASTS,
        ChangeKind.INVESTMENTS,
    ),
    "indicators": (ChangeKind.REPORT, ChangeKind.FORECASTS),
    "map": (ChangeKind.REPORT, ChangeKind.FORECASTS),
    "ranking": (ChangeKind.SCORES,),
    "tasks": (ChangeKind.TASKS,),
    "reporting": (ChangeKind.REPORT,),
    "investments": (ChangeKind.INVESTMENTS,),
    "children": (ChangeKind.REPORT, ChangeKind.FORECASTS),
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


def _kinds(request: HttpRequest, name: str) -> tuple[str, ...]:
    kinds = KINDS.get(name, ALL_KINDS)
    if name == "map" and request.GET.get("show", "") == SCORE_766:
        kinds = (*kinds, ChangeKind.SCORES)
    return kinds


def _versions(heads: Mapping[str, int], kinds: tuple[str, ...]) -> str:
    return ",".join(f"{kind}{heads.get(kind, 0)}" for kind in kinds)


def _digest(kind: str, parts: tuple[str, ...]) -> str:
    return f"{kind}:" + hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


def key(request: HttpRequest, name: str, heads: Mapping[str, int]) -> str:
    query = request.GET.copy()
    query.pop("block", None)
    versions = _versions(heads, _kinds(request, name))
    parts = (
        request.path,
        query.urlencode(),
        name,
        scope_key(request.user),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        versions,
    )
    return _digest("block", parts)


_locks: dict[str, threading.Lock] = {}
_locks_lock = threading.Lock()


def _fetch(store_name: str, cache_key: str, build: Callable[[], Any], ttl: int) -> Any:
    """The kept value, or built once: the worker's other threads that miss the same key at
    the same moment (every open dashboard right after a change) wait for that one build
    instead of each repeating it."""
    store = caches[store_name]
    value = store.get(cache_key)
    if value is not None:
        return value
    with _locks_lock:
        lock = _locks.setdefault(cache_key, threading.Lock())
    try:
        with lock:
            value = store.get(cache_key)
            if value is None:
                value = build()
                if value is not None:
                    store.set(cache_key, value, ttl)
            return value
    finally:
        with _locks_lock:
            _locks.pop(cache_key, None)


def block_html(
    request: HttpRequest, name: str, heads: Mapping[str, int], render: Callable[[], str]
) -> str:
    """The block's HTML from the cache, or rendered now and kept."""
    ttl = seconds()
    if ttl <= 0:
        return render()
    return str(_fetch(CACHE, key(request, name, heads), render, ttl))


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
        _versions(heads, ALL_KINDS),
    )
    return _digest("page", parts)


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
        built: list[HttpResponse] = []

        def build() -> bytes | None:
            response = view(request, *args, **kwargs)
            built.append(response)
            ok = response.status_code == 200 and not response.streaming
            return response.content if ok else None

        body = _fetch(PAGES, cache_key, build, ttl)
        if built:
            return built[0]  # this request built it: its own response, headers and all
        if body is None:  # another thread's build was not a page to keep: build ours
            return view(request, *args, **kwargs)
        return HttpResponse(body)

    return wrapper


def clear() -> None:
    caches[CACHE].clear()
    caches[PAGES].clear()
