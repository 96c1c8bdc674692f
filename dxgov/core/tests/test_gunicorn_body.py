"""gunicorn's request body read in the pieces still missing gives the bytes its own read gives."""

from __future__ import annotations

import pytest
from gunicorn.http.body import Body, EOFReader, LengthReader
from gunicorn.http.unreader import IterUnreader
from hypothesis import given, settings
from hypothesis import strategies as st

from dxgov.core import gunicorn_body

chunks = st.lists(st.binary(min_size=1, max_size=20_000), max_size=12)
sizes = st.lists(st.none() | st.integers(-1, 40_000), min_size=1, max_size=6)


def reads(body: Body, steps: list[int | None], patched: bool) -> list[bytes]:
    if patched:
        gunicorn_body.install()
    try:
        return [body.read(size) for size in steps]
    finally:
        gunicorn_body.uninstall()


@settings(max_examples=300, deadline=None)
@given(chunks, sizes, st.booleans(), st.integers(0, 10))
def test_the_same_bytes_as_gunicorns_read(
    parts: list[bytes], steps: list[int | None], by_length: bool, short: int
) -> None:
    data = b"".join(parts)
    length = max(len(data) - short, 0)  # a declared length that may stop before the data end

    def body() -> Body:
        unreader = IterUnreader(parts)
        reader = LengthReader(unreader, length) if by_length else EOFReader(unreader)
        return Body(reader)

    assert reads(body(), steps, patched=True) == reads(body(), steps, patched=False)


def test_a_large_body_in_few_steps() -> None:
    parts = [bytes([i % 251]) * 8192 for i in range(800)]  # 6.5 MB in socket-sized chunks
    steps = 0

    class Counting(LengthReader):
        def read(self, size: int) -> bytes:
            nonlocal steps
            steps += 1
            return super().read(size)

    def read_all(patched: bool) -> bytes:
        body = Body(Counting(IterUnreader(parts), 800 * 8192))
        return reads(body, [800 * 8192], patched)[0]

    assert read_all(patched=False) == b"".join(parts)
    assert steps == 6400  # gunicorn's own: one step per kilobyte
    steps = 0
    assert read_all(patched=True) == b"".join(parts)
    assert steps == 1  # the reader gathers the socket's chunks itself


def test_install_and_uninstall() -> None:
    original = Body.read
    gunicorn_body.install()
    assert Body.read is gunicorn_body.read
    gunicorn_body.uninstall()
    assert Body.read is original
    with pytest.raises(TypeError):
        Body(EOFReader(IterUnreader([b"x"]))).read("1")  # type: ignore[arg-type]
