"""Bounds on numbers the API takes, so that none reaches the database beyond its columns.

SQLite refuses to bind an integer past 64 bits (OverflowError) and PostgreSQL's bigint stops at
the same place; an id or page beyond these bounds cannot name anything, so the API answers 404
(ids in the path) or 422 (ids and pages in a query or body) instead of failing.
"""

from __future__ import annotations

# BigAutoField (DEFAULT_AUTO_FIELD), SQLite's INTEGER and PostgreSQL's bigint all end here.
MAX_ID = 2**63 - 1
# Far beyond any real list, and page * page_size stays well inside 64 bits.
MAX_PAGE = 1_000_000


def could_be_id(value: int) -> bool:
    """Whether `value` fits an id column; one that does not names no row."""
    return 0 < value <= MAX_ID
