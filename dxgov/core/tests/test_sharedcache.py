"""The cache every app process shares (Redis, ADR 24): text, bytes and whole numbers only and
nothing read back unpickled, `clear()` by prefix, an unreachable server taken as a miss, and
two `dxgov serve` processes where the second official of a province gets the block the first
one's request built, while an official of another province never does."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from dxgov.accounts.models import User
from dxgov.core.sharedcache import SharedRedisCache, TextSerializer, settings_for, shared_caches
from dxgov.dashboard.tests.world import build
from dxgov.testing.clients import client_for
from dxgov.testing.serving import (
    free_port,
    serving_database_url,
    wait_until_serving,
    with_static_collected,
)

REDIS_URL = os.environ.get("DXGOV_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
BLOCK = "/dashboard/agency/UBND-T25/?block=indicators"


def _redis() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            raise  # CI has Redis beside PostgreSQL: its absence is a failure there
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


@pytest.fixture
def server() -> redis.Redis:
    return _redis()


@pytest.fixture
def prefix(server: redis.Redis) -> Iterator[str]:
    name = f"dxgov-test-{uuid.uuid4().hex[:12]}"
    yield name
    for key in server.scan_iter(match=f"{name}:*"):
        server.delete(key)


def _cache(prefix: str, url: str = REDIS_URL) -> SharedRedisCache:
    entry = settings_for(url, prefix)
    params = {key: entry[key] for key in ("KEY_PREFIX", "TIMEOUT", "OPTIONS")}
    return SharedRedisCache(entry["LOCATION"], params)


def test_the_serializer_keeps_text_bytes_and_whole_numbers_and_nothing_else() -> None:
    codec = TextSerializer()
    for value in ("Chỉ số chuyển đổi số", b"\x00\xff page", 0, -7, 2**40):
        assert codec.loads(_as_stored(codec.dumps(value))) == value
    with pytest.raises(TypeError, match="text, bytes and whole numbers"):
        codec.dumps({"a": 1})
    with pytest.raises(TypeError):
        codec.dumps(True)  # a bool is an int to Python, not a counter


def _as_stored(data: int | bytes) -> bytes:
    # Redis hands back every value as bytes, integers as their decimal digits.
    return str(data).encode() if isinstance(data, int) else data


def test_a_pickle_someone_wrote_into_redis_is_never_unpickled(
    server: redis.Redis, prefix: str
) -> None:
    cache = _cache(prefix)
    cache.set("block", "<p>khối</p>")
    stored = cache.make_and_validate_key("block")

    class Boom:
        def __reduce__(self) -> tuple[Any, ...]:
            return (os.system, ("touch /tmp/dxgov-pwned",))

    server.set(stored, pickle.dumps(Boom()))
    assert cache.get("block") is None  # unreadable: a miss, built again from the database
    assert not Path("/tmp/dxgov-pwned").exists()


def test_values_counters_and_additions_round_trip(server: redis.Redis, prefix: str) -> None:
    cache = _cache(prefix)
    cache.set("text", "Tháng 11/2026")
    cache.set("page", b"<html>")
    assert cache.get("text") == "Tháng 11/2026" and cache.get("page") == b"<html>"
    assert cache.add("counter", 0) and not cache.add("counter", 5)
    assert cache.incr("counter") == 1 and cache.incr("counter", 4) == 5
    assert cache.get_many(["text", "page", "absent"]) == {
        "text": "Tháng 11/2026",
        "page": b"<html>",
    }
    cache.delete("text")
    assert cache.get("text", "gone") == "gone"


def test_clear_removes_this_caches_keys_only(server: redis.Redis, prefix: str) -> None:
    mine, neighbour = _cache(f"{prefix}:dashboard"), _cache(f"{prefix}:default")
    for n in range(2500):  # more than one SCAN batch
        mine.set(f"k{n}", "x")
    neighbour.set("ratelimit", 3)
    server.set(f"{prefix}-other-site", "kept")  # another site's key on the same Redis
    try:
        mine.clear()
        assert mine.get("k0") is None and mine.get("k2499") is None
        assert neighbour.get("ratelimit") == 3
        assert server.get(f"{prefix}-other-site") == b"kept"
    finally:
        server.delete(f"{prefix}-other-site")


def test_an_unreachable_server_is_a_miss_not_an_error(caplog: pytest.LogCaptureFixture) -> None:
    cache = _cache("dxgov-down", url="redis://127.0.0.1:9/0")  # nothing listens on port 9
    with caplog.at_level("WARNING", logger="dxgov.cache"):
        cache.set("block", "html")
        assert cache.get("block", "default") == "default"
        assert not cache.add("counter", 0)
        with pytest.raises(ValueError):
            cache.incr("counter")  # as if expired: the rate limit starts its count again
        cache.clear()
    # One outage, one line in the log: later calls within DOWN_SECONDS do not retry.
    assert [r.message for r in caplog.records].count(caplog.records[0].message) == 1
    assert "unreachable" in caplog.records[0].message


def test_the_cache_url_must_name_a_redis_server() -> None:
    with pytest.raises(ImproperlyConfigured, match="DXGOV_CACHE_URL"):
        shared_caches("memcached://127.0.0.1:11211", "dxgov")
    names = shared_caches("redis://127.0.0.1:6379/0", "site")
    assert {e["KEY_PREFIX"] for e in names.values()} == {
        "site:default",
        "site:dashboard",
        "site:dashboard_pages",
    }


# --- two app processes ------------------------------------------------------------------------


def _start(environ: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "dxgov.cli", "serve", "--port", str(port), "--workers", "1"],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return process, port


def _get(port: int, session: str) -> str:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{BLOCK}",
        headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
        assert response.status == 200
        return str(response.read().decode())


def _session(user: User) -> str:
    client = client_for(user)  # signed in, second factor given, stored in the database
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


@pytest.mark.django_db(transaction=True)
def test_two_app_processes_share_one_build_per_scope(
    reference_data: None, server: redis.Redis, prefix: str, tmp_path: Path
) -> None:
    users = {name: User.objects.get(username=name) for name in ("vpcp.dieuphoi", "phutho.lanhdao")}
    build(users["vpcp.dieuphoi"])  # reports and values for Phú Thọ's dashboard, committed
    officer, leader = (
        User.objects.get(username="phutho.canbo"),
        User.objects.get(username="phutho.lanhdao"),
    )
    central = users["vpcp.dieuphoi"]
    environ = with_static_collected(
        {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "dxgov.settings",
            "DXGOV_SECRET_KEY": settings.SECRET_KEY,  # the sessions signed here are read there
            "DXGOV_DATABASE_URL": serving_database_url(),
            "DXGOV_VAR_DIR": str(tmp_path),
            "DXGOV_CACHE_URL": REDIS_URL,
            "DXGOV_CACHE_PREFIX": prefix,
        }
    )
    processes = [_start(environ), _start(environ)]
    try:
        for process, port in processes:
            wait_until_serving(port, process)
        first_port, second_port = (port for _process, port in processes)
        blocks = f"{prefix}:dashboard:*"
        built = _get(first_port, _session(leader))
        kept = sorted(server.scan_iter(match=blocks))
        assert len(kept) == 1  # the first process built the block and put it in Redis
        # Another official of the same province, on the other process: the same block, read
        # from Redis, nothing built.
        assert _get(second_port, _session(officer)) == built
        assert sorted(server.scan_iter(match=blocks)) == kept
        # A central coordinator sees every province: a block of their own scope, built anew.
        _get(second_port, _session(central))
        assert len(list(server.scan_iter(match=blocks))) == 2
    finally:
        for process, _port in processes:
            process.terminate()
            process.wait(timeout=15)
