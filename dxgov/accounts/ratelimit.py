"""A fixed one-minute window of requests per API token, counted in Django's cache."""

from __future__ import annotations

import time

from django.core.cache import cache


def seconds_left_in_window(now: float | None = None) -> int:
    current = time.time() if now is None else now
    return 60 - int(current) % 60


def allow(key: str, limit: int, now: float | None = None) -> bool:
    """Count one request for `key` in the current minute; False once over `limit`."""
    current = time.time() if now is None else now
    bucket = f"ratelimit:{key}:{int(current) // 60}"
    cache.add(bucket, 0, timeout=120)
    try:
        count = cache.incr(bucket)
    except ValueError:  # evicted between add and incr: start the window again
        cache.set(bucket, 1, timeout=120)
        count = 1
    return count <= limit
