"""The cache every app process shares: Django's own Redis backend, made safe to share
(ADR 24).

`DXGOV_CACHE_URL` (redis://host:port/db) puts the caches in settings.CACHES on one Redis
server, so the dashboard blocks one worker builds serve every worker and host. Django's
backend is kept as it is, with three changes that matter when one Redis serves several
processes, sites or test runs:

* values are text, bytes or whole numbers only, never pickles: a cache server is a weaker
  boundary than the database, and unpickling what it hands back would run whatever someone
  who can write to it put there. Everything the platform keeps is rendered HTML, a page's
  bytes or a counter; a value it did not write reads as a miss;
* `clear()` removes this cache's keys (its KEY_PREFIX) only, not the whole Redis database
  (Django's flushes it), so clearing the dashboard's blocks leaves the rate limits, another
  site's keys and another test run's keys alone;
* a Redis that does not answer is a miss, not an error: reads return nothing, writes are
  dropped and counters start again, for `DOWN_SECONDS` before the next try, so a page is built
  from the database (slower, still right) rather than failing. Each outage is logged once.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("dxgov.cache")

SCHEMES = ("redis://", "rediss://", "unix://")
DOWN_SECONDS = 5.0
# Generous for a loopback or LAN round trip, short enough that an unreachable server costs a
# page little before it is marked down.
SOCKET_SECONDS = 0.5
T = TypeVar("T")


class TextSerializer:
    """Whole numbers as Redis integers (so `incr` works), text and bytes with a one-byte tag;
    nothing else is stored, and nothing read back is ever unpickled."""

    def dumps(self, value: Any) -> int | bytes:
        if type(value) is int:
            return value
        if isinstance(value, str):
            return b"s" + value.encode()
        if isinstance(value, bytes | bytearray | memoryview):
            return b"b" + bytes(value)
        raise TypeError(f"the shared cache keeps text, bytes and whole numbers, not {type(value)}")

    def loads(self, data: bytes) -> int | str | bytes | None:
        """The value, or None (a miss) for anything this serializer did not write."""
        tag, body = data[:1], data[1:]
        try:
            if tag == b"s":
                return body.decode()
            if tag == b"b":
                return body
            return int(data)
        except ValueError:  # UnicodeDecodeError included
            logger.warning("shared cache: a value not written by dxgov was ignored")
            return None


def check_url(url: str) -> str:
    """The URL when it names a Redis server, else a start-up error naming the variable."""
    if not url.startswith(SCHEMES):
        raise ImproperlyConfigured(
            f"DXGOV_CACHE_URL={url!r} does not name a Redis server; "
            "use redis://host:port/db (or rediss://, unix://)."
        )
    return url


def settings_for(url: str, prefix: str, *, timeout: int = 300) -> dict[str, Any]:
    """One entry of settings.CACHES on the shared Redis server, its keys under `prefix`."""
    return {
        "BACKEND": "dxgov.core.sharedcache.SharedRedisCache",
        "LOCATION": check_url(url),
        "KEY_PREFIX": prefix,
        "TIMEOUT": timeout,
        "OPTIONS": {
            "serializer": TextSerializer,
            "socket_connect_timeout": SOCKET_SECONDS,
            "socket_timeout": SOCKET_SECONDS,
        },
    }


def _count(answer: Any) -> int:
    # redis-py types every answer as "Awaitable or value"; the synchronous client returns ints.
    return int(answer)


def shared_caches(url: str, prefix: str) -> dict[str, dict[str, Any]]:
    """settings.CACHES with every cache the platform uses on the shared Redis server."""
    return {
        name: settings_for(url, f"{prefix}:{name}")
        for name in ("default", "dashboard", "dashboard_pages")
    }


class _Client(RedisCacheClient):
    """Django's client, with `clear()` limited to the keys under one prefix."""

    def clear_prefix(self, pattern: str) -> int:
        client = self.get_client(None, write=True)
        removed = 0
        batch: list[bytes] = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) == 1000:
                removed += _count(client.delete(*batch))
                batch = []
        if batch:
            removed += _count(client.delete(*batch))
        return removed


class SharedRedisCache(RedisCache):
    """Django's RedisCache as the module docstring describes: no pickles, `clear()` by
    prefix, an unreachable server taken as a miss."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _Client
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _errors(self) -> tuple[type[BaseException], ...]:
        import redis

        return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)

    def _guard(self, call: Callable[[], T], fallback: T) -> T:
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return call()
        except self._errors() as error:
            with self._lock:
                if time.monotonic() >= self._down_until:
                    logger.warning(
                        "shared cache unreachable, building without it for %.0f s: %s",
                        DOWN_SECONDS,
                        error,
                    )
                self._down_until = time.monotonic() + DOWN_SECONDS
            return fallback

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self._guard(lambda: bool(RedisCache.add(self, key, value, timeout, version)), False)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guard(lambda: RedisCache.get(self, key, default, version), default)

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._guard(lambda: RedisCache.set(self, key, value, timeout, version), None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self._guard(lambda: bool(RedisCache.touch(self, key, timeout, version)), False)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return self._guard(lambda: bool(RedisCache.delete(self, key, version)), False)

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        wanted = list(keys)
        return self._guard(lambda: RedisCache.get_many(self, wanted, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return self._guard(lambda: bool(RedisCache.has_key(self, key, version)), False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        found = self._guard(lambda: RedisCache.incr(self, key, delta, version), None)
        if found is None:  # unreachable: as if the key had expired (the caller starts again)
            raise ValueError(f"Key {key!r} not found.")
        return int(found)

    def set_many(
        self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[Any]:
        return self._guard(lambda: RedisCache.set_many(self, data, timeout, version), [])

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        wanted = list(keys)
        self._guard(lambda: RedisCache.delete_many(self, wanted, version), None)

    def clear(self) -> None:
        """Remove this cache's keys, and only them (every version: all under the prefix)."""
        if not self.key_prefix:
            raise ImproperlyConfigured("a shared cache needs a KEY_PREFIX to be cleared by")
        pattern = re.sub(r"([*?\[\]\\])", r"\\\1", self.key_prefix) + ":*"
        client: _Client = self._cache  # type: ignore[attr-defined]  # Django's cached_property
        self._guard(lambda: client.clear_prefix(pattern), 0)
