#!/usr/bin/env python3
"""Check a dxgov ballot's signed answers without dxgov: verify_ballot.py ANSWERS.json KEY.pem…

ANSWERS.json is the answer of GET /api/v1/committees/ballots/{id}/answers; each KEY.pem a
signer's public key (GET /api/v1/committees/keys/{key_id}: the PEM, or that JSON answer),
obtained separately. Checks that what was asked hashes to the content hash, and that each
answer's signed body names that hash and this ballot and says what the answer says, under a
signature that verifies with the key whose SHA-256 is its key id. Needs only Python 3 and the
`cryptography` package. Prints one line per answer; exits 0 when every answer verifies.
"""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

# What the signed body must agree with in the answer as listed (dxgov.committees.reads).
LISTED = {"member": "member", "choice": "choice", "comment": "comment", "sequence": "sequence"}


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def load_key(raw: bytes) -> tuple[str, Ed25519PublicKey]:
    if raw.lstrip().startswith(b"{"):
        raw = json.loads(raw)["public_key"].encode()
    key = serialization.load_pem_public_key(raw)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    plain = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(plain).hexdigest(), key


def check(data: dict[str, Any], keys: dict[str, Ed25519PublicKey]) -> list[str | None]:
    """One problem (None: it verifies) per answer; ValueError when the question itself does
    not hash to the content hash the answers sign."""
    digest = hashlib.sha256(canonical(data["ballot"])).hexdigest()
    if digest != data["content_hash"]:
        raise ValueError("what was asked does not hash to the ballot's content hash")
    problems: list[str | None] = []
    for answer in data["answers"]:
        body = answer["signed_body"]
        key = keys.get(answer["key_id"])
        if body.get("content_hash") != digest or body.get("ballot") != data["ballot"]["ballot"]:
            problems.append("signed for another question or ballot")
        elif any(body.get(k) != answer[v] for k, v in LISTED.items()):
            problems.append("the signed body does not say what the answer says")
        elif body.get("stand_in") != answer["stand_in"]:
            problems.append("the signed body hides or invents a stand-in")
        elif key is None:
            problems.append(f"no public key given for key id {answer['key_id']}")
        else:
            try:
                key.verify(bytes.fromhex(answer["signature"]), canonical(body))
                problems.append(None)
            except (InvalidSignature, ValueError):
                problems.append("the signature does not verify")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[0])
        return 2
    try:
        with open(argv[1], encoding="utf-8") as handle:
            data = json.load(handle)
        keys = {}
        for name in argv[2:]:
            with open(name, "rb") as handle:
                identifier, key = load_key(handle.read())
            keys[identifier] = key
        problems = check(data, keys)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"FAILED: {exc}")
        return 1
    for answer, problem in zip(data["answers"], problems, strict=True):
        label = f"answer {answer['id']} (member {answer['member']}, {answer['choice']})"
        print(f"OK {label}" if problem is None else f"FAILED {label}: {problem}")
    return 0 if problems and all(p is None for p in problems) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
