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

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import HttpRequest
from django.utils import timezone, translation

from dxgov.accounts.access import scope_key
from dxgov.dashboard.models import ChangeFeed, ChangeKind

CACHE = "dashboard"
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


def clear() -> None:
    caches[CACHE].clear()
