"""Server-sent events, once: a stream that polls a change log for rows after the last one
sent, for a bounded time, with heartbeats; the browser reconnects with Last-Event-ID (or the
page's `?after=`) and misses nothing. The command centre's `/dashboard/events` and the
committees' live session and ballot views use it, each with its own log.

The stream ends after `seconds` (DXGOV_SSE_SECONDS, 25 by default) so that no worker thread
is held for good; EventSource reconnects by itself after `retry`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, StreamingHttpResponse

SSE_SECONDS = 25.0
SSE_POLL = 1.0  # seconds between looks at the log
SSE_HEARTBEAT = 10.0

# Rows after an id: (id, event name, data as JSON-able values).
Poll = Callable[[int], Iterable[tuple[int, str, Any]]]


def start_after(request: HttpRequest, latest: Callable[[], int]) -> int:
    """Where the stream starts: after the browser's last event (Last-Event-ID, or `?after=`
    from the page), else after the latest change (the page shows what came before)."""
    for text in (request.headers.get("Last-Event-ID", ""), request.GET.get("after", "")):
        if text.isdigit() and len(text) < 19:
            return int(text)
    return latest()


def stream(poll: Poll, last: int, seconds: float) -> Iterator[bytes]:
    """Events for every row `poll` gives after `last`, for at most `seconds`."""
    yield b"retry: 2000\n\n"
    end = time.monotonic() + seconds
    beat = time.monotonic()
    while True:
        for ident, event, data in poll(last):
            last = ident
            yield f"id: {ident}\nevent: {event}\ndata: {json.dumps(data)}\n\n".encode()
            beat = time.monotonic()
        now = time.monotonic()
        if now >= end:
            return
        if now - beat >= SSE_HEARTBEAT:
            yield b": heartbeat\n\n"
            beat = now
        time.sleep(min(SSE_POLL, max(0.0, end - now)))


def response(poll: Poll, last: int) -> StreamingHttpResponse:
    seconds = float(getattr(settings, "DXGOV_SSE_SECONDS", SSE_SECONDS))
    answer = StreamingHttpResponse(stream(poll, last, seconds), content_type="text/event-stream")
    answer["Cache-Control"] = "no-cache"
    answer["X-Accel-Buffering"] = "no"
    return answer
