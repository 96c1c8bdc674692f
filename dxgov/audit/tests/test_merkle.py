"""RFC 6962 Merkle trees: known vectors, every index of small trees, and properties."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dxgov.audit.merkle import (
    EMPTY_ROOT,
    event_leaf,
    inclusion_proof,
    leaf_hash,
    merkle_root,
    node_hash,
    root_from_proof,
    root_of_event_hashes,
    verify_inclusion,
)

# The certificate-transparency test vectors (RFC 6962 reference implementation).
CT_INPUTS = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657"]
CT_INPUTS.append("606162636465666768696a6b6c6d6e6f")
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def _reference_root(leaves: list[bytes]) -> bytes:
    """MTH straight from RFC 6962 §2.1, with list slices."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(_reference_root(leaves[:k]), _reference_root(leaves[k:]))


def _reference_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) straight from RFC 6962 §2.1.1."""
    if len(leaves) == 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m < k:
        return [*_reference_path(m, leaves[:k]), _reference_root(leaves[k:])]
    return [*_reference_path(m - k, leaves[k:]), _reference_root(leaves[:k])]


def _leaves(n: int) -> list[bytes]:
    return [event_leaf(hashlib.sha256(str(i).encode()).hexdigest()) for i in range(n)]


def test_certificate_transparency_vectors() -> None:
    leaves = [leaf_hash(bytes.fromhex(x)) for x in CT_INPUTS]
    for n, expected in enumerate(CT_ROOTS, start=1):
        assert merkle_root(leaves[:n]).hex() == expected


def test_empty_tree_and_leaf_prefixes() -> None:
    assert merkle_root([]) == EMPTY_ROOT == hashlib.sha256(b"").digest()
    digest = "ab" * 32
    assert event_leaf(digest) == hashlib.sha256(b"\x00" + bytes.fromhex(digest)).digest()
    left, right = b"l" * 32, b"r" * 32
    assert node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()
    assert root_of_event_hashes([digest]) == event_leaf(digest).hex()


@pytest.mark.parametrize("n", range(1, 34))
def test_every_index_of_trees_up_to_33(n: int) -> None:
    leaves = _leaves(n)
    root = merkle_root(leaves)
    assert root == _reference_root(leaves)
    for index in range(n):
        proof = inclusion_proof(leaves, index)
        assert proof == _reference_path(index, leaves)
        assert verify_inclusion(leaves[index], index, n, proof, root)
        # Any other leaf, position, size or path fails.
        other = leaves[(index + 1) % n] if n > 1 else leaf_hash(b"x")
        assert not verify_inclusion(other, index, n, proof, root)
        # (A bigger tree_size can share the path's shape; the signed checkpoint fixes it.)
        if n > 1:
            smaller = _reference_root(leaves[:-1])
            assert not verify_inclusion(leaves[index], index, n, proof, smaller)
        assert not verify_inclusion(leaves[index], index, n, [*proof, root], root)
        for j in range(n):
            if j != index:
                assert not verify_inclusion(leaves[index], j, n, proof, root)
        for k in range(len(proof)):
            forged = [*proof]
            forged[k] = hashlib.sha256(forged[k]).digest()
            assert not verify_inclusion(leaves[index], index, n, forged, root)
        if proof:
            assert not verify_inclusion(leaves[index], index, n, proof[:-1], root)


def test_out_of_range_index() -> None:
    leaves = _leaves(3)
    with pytest.raises(IndexError):
        inclusion_proof(leaves, 3)
    with pytest.raises(IndexError):
        inclusion_proof(leaves, -1)
    assert root_from_proof(leaves[0], 3, 3, []) is None
    assert root_from_proof(leaves[0], 0, 0, []) is None


def test_proof_length_is_logarithmic() -> None:
    leaves = _leaves(1000)
    assert max(len(inclusion_proof(leaves, i)) for i in range(0, 1000, 37)) <= 10


hashes = st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=80, unique=True)


@given(data=hashes, pick=st.integers(min_value=0))
def test_property_every_proof_verifies(data: list[bytes], pick: int) -> None:
    leaves = [event_leaf(d.hex()) for d in data]
    index = pick % len(leaves)
    root = merkle_root(leaves)
    proof = inclusion_proof(leaves, index)
    assert root_from_proof(leaves[index], index, len(leaves), proof) == root
    assert root == _reference_root(leaves)


@given(data=hashes, pick=st.integers(min_value=0), flip=st.integers(min_value=0, max_value=255))
def test_property_changing_any_leaf_changes_the_root(
    data: list[bytes], pick: int, flip: int
) -> None:
    leaves = [event_leaf(d.hex()) for d in data]
    index = pick % len(leaves)
    changed = bytearray(data[index])
    changed[flip % 32] ^= 0xFF
    forged = [*leaves]
    forged[index] = event_leaf(bytes(changed).hex())
    assert merkle_root(forged) != merkle_root(leaves)
    proof = inclusion_proof(leaves, index)
    assert not verify_inclusion(forged[index], index, len(leaves), proof, merkle_root(leaves))


@given(data=hashes, a=st.integers(min_value=0), b=st.integers(min_value=0))
def test_property_order_matters(data: list[bytes], a: int, b: int) -> None:
    leaves = [event_leaf(d.hex()) for d in data]
    i, j = a % len(leaves), b % len(leaves)
    if i == j:
        return
    swapped = [*leaves]
    swapped[i], swapped[j] = swapped[j], swapped[i]
    assert merkle_root(swapped) != merkle_root(leaves)


@given(data=hashes, extra=st.binary(min_size=32, max_size=32))
def test_property_appending_changes_the_root(data: list[bytes], extra: bytes) -> None:
    leaves = [event_leaf(d.hex()) for d in data]
    assert merkle_root([*leaves, event_leaf(extra.hex())]) != merkle_root(leaves)
