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


# A JSON body nested deeper than this is refused (400) before anything walks it: no body the API
# takes nests beyond a handful of levels, and Python's decoders and walkers recurse, so a body
# nested 100,000 deep used to end as a RecursionError (a 500).
MAX_JSON_DEPTH = 64


def nests_deeper_than(value: object, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a decoded JSON value has arrays or objects nested more than `limit` deep.

    Walked with a stack of its own, not by recursion, so that any depth is measured safely.
    """
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: list[object] = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False
