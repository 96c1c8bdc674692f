"""One consistent read of the database for a verification."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection, transaction


@contextlib.contextmanager
def snapshot() -> Iterator[None]:
    """One consistent view of head, checkpoints and events while verifying, so events
    appended meanwhile are not taken for insertions beyond the head. Writers are not held
    up: PostgreSQL reads a REPEATABLE READ snapshot, SQLite (in WAL mode) a deferred read
    transaction (not Django's atomic, which this project makes BEGIN IMMEDIATE)."""
    if connection.in_atomic_block:
        yield  # the caller's transaction decides what is seen
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
    try:
        yield
    finally:
        if connection.connection is not None and connection.connection.in_transaction:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")  # a read: nothing to keep or undo
