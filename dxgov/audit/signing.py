"""The Ed25519 key that signs audit checkpoints, and the signed body's canonical form.

The key lives in a PEM file named by DXGOV_AUDIT_KEY_FILE; without it the platform uses
(and on first use creates, readable by its owner only) var/audit_ed25519.pem. The key id
is the SHA-256 of the raw public key, so anyone holding the public key can recompute it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_KEY_NAME = "audit_ed25519.pem"


def canonical_body(body: Mapping[str, Any]) -> bytes:
    """Sorted keys, no spaces, UTF-8: the bytes that are signed."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def key_path() -> tuple[Path, bool]:
    """The key file, and whether it may be created when missing (only the default one)."""
    named = getattr(settings, "DXGOV_AUDIT_KEY_FILE", "")
    if named:
        return Path(named), False
    return Path(settings.VAR_DIR) / DEFAULT_KEY_NAME, True


def _create(path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process created it first; use theirs
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


def load_private_key() -> Ed25519PrivateKey:
    path, may_create = key_path()
    if not path.exists():
        if not may_create:
            raise ImproperlyConfigured(f"DXGOV_AUDIT_KEY_FILE={str(path)!r} does not exist.")
        _create(path)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"audit key {str(path)!r} cannot be read: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"audit key {str(path)!r} is not an Ed25519 private key.")
    return key


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def key_id(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def load_public_pem(pem: str | bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def sign(key: Ed25519PrivateKey, body: Mapping[str, Any]) -> str:
    return key.sign(canonical_body(body)).hex()


def signature_valid(key: Ed25519PublicKey, body: Mapping[str, Any], signature_hex: str) -> bool:
    try:
        key.verify(bytes.fromhex(signature_hex), canonical_body(body))
    except (InvalidSignature, ValueError):
        return False
    return True
