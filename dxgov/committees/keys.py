"""The key that encrypts the signing keys the platform keeps, and reading signers' keys.

The key-encryption key is derived (HKDF-SHA256, committees.signing.derive_kek) from the bytes
of DXGOV_MEMBER_KEY_FILE when that names a file, else from DXGOV_SECRET_KEY. Kept keys are
readable only with the same secret: rotating DXGOV_SECRET_KEY without a key file makes them
unusable (each member then gets a new key at their next answer; their earlier answers stay
verifiable, as verification needs only the public keys, which are kept).
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from dxgov.committees import signing
from dxgov.committees.models import KeyOrigin, SigningKey


def kek() -> bytes:
    named = str(getattr(settings, "DXGOV_MEMBER_KEY_FILE", "") or "")
    if named:
        try:
            material = Path(named).read_bytes()
        except OSError as exc:
            raise ImproperlyConfigured(
                f"DXGOV_MEMBER_KEY_FILE={named!r} cannot be read: {exc}"
            ) from None
        if len(material) < 32:
            raise ImproperlyConfigured(f"DXGOV_MEMBER_KEY_FILE={named!r} holds under 32 bytes.")
        return signing.derive_kek(material)
    return signing.derive_kek(str(settings.SECRET_KEY).encode())


def active_key(user_id: int) -> SigningKey | None:
    return SigningKey.objects.filter(user_id=user_id, revoked_at__isnull=True).first()


def private_key(key: SigningKey) -> Ed25519PrivateKey:
    """The kept private key of a generated key (signing.KeyUnusable if it cannot be read)."""
    if key.origin != KeyOrigin.GENERATED or not key.encrypted_private_key:
        raise signing.KeyUnusable("the platform does not hold this key's private half")
    return signing.decrypt_private(key.encrypted_private_key, key.key_id, kek())
