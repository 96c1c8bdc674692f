"""Token format and digest (pure). Tokens are 256-bit random, so SHA-256 suffices at rest."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "dxg_"  # noqa: S105 (a marker, not a secret)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def display_prefix(token: str) -> str:
    return token[:10]
