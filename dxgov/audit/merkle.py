"""RFC 6962 Merkle trees over audit event hashes, as pure functions (no ORM).

A leaf is SHA-256(0x00 || data) and an inner node SHA-256(0x01 || left || right); for
audit events the data is the 32 bytes of the event's hash. A tree of n leaves splits at
the largest power of two below n (RFC 6962 §2.1), so a checkpoint's root commits to the
exact events and their order, and an inclusion proof has at most ⌈log2 n⌉ hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def event_leaf(event_hash_hex: str) -> bytes:
    """The leaf for an audit event: its hex hash taken as bytes."""
    return leaf_hash(bytes.fromhex(event_hash_hex))


def _split(n: int) -> int:
    """The largest power of two strictly below n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _root(leaves: Sequence[bytes], lo: int, hi: int) -> bytes:
    if hi - lo == 1:
        return leaves[lo]
    k = _split(hi - lo)
    return node_hash(_root(leaves, lo, lo + k), _root(leaves, lo + k, hi))


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """The root over leaf hashes (already passed through leaf_hash)."""
    if not leaves:
        return EMPTY_ROOT
    return _root(leaves, 0, len(leaves))


def inclusion_proof(leaves: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path for leaves[index], bottom to top (RFC 6962 §2.1.1)."""
    if not 0 <= index < len(leaves):
        raise IndexError(f"leaf {index} is outside a tree of {len(leaves)}")
    path: list[bytes] = []
    lo, hi, m = 0, len(leaves), index
    while hi - lo > 1:
        k = _split(hi - lo)
        if m < k:
            path.append(_root(leaves, lo + k, hi))
            hi = lo + k
        else:
            path.append(_root(leaves, lo, lo + k))
            lo, m = lo + k, m - k
    path.reverse()
    return path


def root_from_proof(
    leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes]
) -> bytes | None:
    """The root a proof leads to (RFC 9162 §2.1.3.2), or None when the proof is malformed."""
    if not 0 <= index < tree_size:
        return None
    fn, sn, r = index, tree_size - 1, leaf
    for p in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def verify_inclusion(
    leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    return root_from_proof(leaf, index, tree_size, proof) == root


def root_of_event_hashes(hashes: Sequence[str]) -> str:
    """Hex root over audit event hashes (hex), in sequence order."""
    return merkle_root([event_leaf(h) for h in hashes]).hex()


class RootBuilder:
    """The RFC 6962 root over leaves added one at a time, holding O(log n) subtree hashes.

    The stack holds the roots of complete subtrees of descending power-of-two sizes (the
    binary digits of the leaf count); folding them from the right gives the root, since
    RFC 6962 splits a tree at the largest power of two below its size.
    """

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[tuple[int, bytes]] = []

    def add(self, leaf: bytes) -> None:
        self.size += 1
        size, node = 1, leaf
        while self._stack and self._stack[-1][0] == size:
            left = self._stack.pop()[1]
            size, node = size * 2, node_hash(left, node)
        self._stack.append((size, node))

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY_ROOT
        node = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            node = node_hash(left, node)
        return node


def path_ranges(tree_size: int, index: int) -> list[tuple[int, int]]:
    """The leaf ranges [lo, hi) whose subtree roots form the audit path, bottom to top."""
    if not 0 <= index < tree_size:
        raise IndexError(f"leaf {index} is outside a tree of {tree_size}")
    ranges: list[tuple[int, int]] = []
    lo, hi = 0, tree_size
    while hi - lo > 1:
        k = _split(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo = lo + k
    ranges.reverse()
    return ranges


def inclusion_proof_streamed(leaves: Iterable[bytes], tree_size: int, index: int) -> list[bytes]:
    """inclusion_proof over leaves read once, in order, holding O(log n) hashes.

    The path's subtrees are disjoint, so each leaf feeds at most one of them.
    """
    ranges = path_ranges(tree_size, index)
    builders = [RootBuilder() for _ in ranges]
    order = sorted(range(len(ranges)), key=lambda i: ranges[i][0])
    at, count = 0, 0
    for position, leaf in enumerate(leaves):
        count += 1
        if position >= tree_size:
            raise ValueError(f"more than {tree_size} leaves")
        while at < len(order) and ranges[order[at]][1] <= position:
            at += 1
        if at < len(order) and ranges[order[at]][0] <= position:
            builders[order[at]].add(leaf)
    if count != tree_size:
        raise ValueError(f"{count} leaves for a tree of {tree_size}")
    return [b.root() for b in builders]
