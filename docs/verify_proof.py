#!/usr/bin/env python3
"""Check a dxgov audit proof without dxgov: python3 verify_proof.py PROOF.json PUBLIC_KEY.pem

PROOF.json is the answer of GET /api/v1/audit/events/{seq}/proof; PUBLIC_KEY.pem is the
key from GET /api/v1/audit/public-key (the PEM, or that endpoint's JSON answer), obtained
separately. Needs only Python 3 and the `cryptography` package. Prints OK or the reason,
and exits 0 or 1.
"""

from __future__ import annotations

import hashlib
import json
import sys
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

# The fields an event's hash covers: dxgov.audit.chain.HASHED_FIELDS, copied so that this file
# runs without dxgov (a test in dxgov holds the two equal).
HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "actor_id",
    "actor_label",
    "event_type",
    "target_type",
    "target_id",
    "agency_id",
    "data",
    "reason",
    "prev_hash",
)


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def root_from_path(leaf: bytes, index: int, size: int, path: list[bytes]) -> bytes | None:
    """RFC 9162 §2.1.3.2; None when the path does not fit the tree."""
    if not 0 <= index < size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def check(proof: dict[str, Any], pem: bytes) -> str | None:
    event, body = proof["event"], proof["checkpoint"]["body"]
    if set(event) != {*HASHED_FIELDS, "hash"}:
        return "the event does not have exactly an audit event's fields"
    digest = hashlib.sha256(canonical({k: event[k] for k in HASHED_FIELDS})).hexdigest()
    if digest != event["hash"]:
        return "the event's fields do not match its hash"
    if proof["leaf_index"] != event["seq"] - body["seq_from"]:
        return "the leaf index does not match the event's place in the checkpoint"
    if proof["tree_size"] != body["tree_size"]:
        return "the tree size differs from the signed checkpoint's"
    leaf = hashlib.sha256(b"\x00" + bytes.fromhex(digest)).digest()
    path = [bytes.fromhex(p) for p in proof["path"]]
    root = root_from_path(leaf, proof["leaf_index"], body["tree_size"], path)
    if root is None or root.hex() != body["root"]:
        return "the inclusion path does not lead to the signed root"
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        return "the public key is not an Ed25519 key"
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if hashlib.sha256(raw).hexdigest() != body["key_id"]:
        return "the checkpoint was signed with another key"
    try:
        key.verify(bytes.fromhex(proof["checkpoint"]["signature"]), canonical(body))
    except (InvalidSignature, ValueError):
        return "the checkpoint's signature does not verify"
    return None


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[0])
        return 2
    try:
        with open(argv[1], encoding="utf-8") as handle:
            proof = json.load(handle)
        with open(argv[2], "rb") as handle:
            pem = handle.read()
        if pem.lstrip().startswith(b"{"):
            pem = json.loads(pem)["public_key"].encode()
        problem = check(proof, pem)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        problem = f"unreadable input: {exc!r}"
    print("OK" if problem is None else f"FAILED: {problem}")
    return 0 if problem is None else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
