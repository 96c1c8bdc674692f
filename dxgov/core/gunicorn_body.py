"""Request bodies read from gunicorn in the pieces still missing, not 1 KB at a time (ADR 18).

gunicorn 23's `Body.read(size)` asks its reader for 1,024 bytes per step. Each step reads a
socket chunk of 8 KB, keeps 1 KB and pushes the rest back into a buffer, so a 6 MB dossier
batch took ~6,000 Python steps and ~50 MB of copying: ~3 µs of the server's CPU per record,
about 6 % of the whole ingestion (py-spy). `read` below is gunicorn's own, except that each
step asks for what is still missing (at least 1,024 bytes): the bytes returned are the same,
in ~750 socket-sized steps instead. The body size limits are unchanged (Django's, and the API's
own before decoding).
"""

from __future__ import annotations

import io
from typing import Any

from gunicorn.http.body import Body

_original_read = Body.read


def read(self: Any, size: int | None = None) -> bytes:
    size = self.getsize(size)
    if size == 0:
        return b""
    if size < self.buf.tell():
        data = self.buf.getvalue()
        ret, rest = data[:size], data[size:]
        self.buf = io.BytesIO()
        self.buf.write(rest)
        return bytes(ret)
    if not self.buf.tell():
        # Nothing buffered (a whole body read at once, as Django does): the reader's bytes are
        # returned as they are, without a round through the buffer (~5 copies of 6 MB).
        data = self.reader.read(max(size, 1024))
        if len(data) >= size or not data:
            self.buf.write(data[size:])
            return bytes(data[:size]) if len(data) > size else bytes(data)
        self.buf.write(data)
    while size > self.buf.tell():
        data = self.reader.read(max(size - self.buf.tell(), 1024))
        if not data:
            break
        self.buf.write(data)
    data = self.buf.getvalue()
    ret, rest = data[:size], data[size:]
    self.buf = io.BytesIO()
    self.buf.write(rest)
    return bytes(ret)


def install() -> None:
    """Replace gunicorn's `Body.read` (in this process and the workers it forks)."""
    Body.read = read


def uninstall() -> None:
    Body.read = _original_read
