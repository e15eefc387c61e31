"""The Merkle tree against an independent reference: RFC 9162 §2.1 written out as its
recursive definitions over lists of leaves (MTH, PATH, PROOF / SUBPROOF), with nothing shared
with the project's code but hashlib. For random append sequences, the project's roots and
proofs equal the reference's, every proof verifies, and a proof altered anywhere does not."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from purldesk.domain import merkle

# -- the reference: RFC 9162 §2.1.1, §2.1.3.1, §2.1.4.1, literally ------------------------------


def ref_hash(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def ref_k(n: int) -> int:
    """The largest power of two smaller than n."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: list[bytes]) -> bytes:
    n = len(d)
    if n == 0:
        return ref_hash(b"")
    if n == 1:
        return ref_hash(b"\x00" + d[0])
    k = ref_k(n)
    return ref_hash(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:]))


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    n = len(d)
    if n == 1:
        return []
    k = ref_k(n)
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if b else [ref_mth(d)]
    k = ref_k(n)
    if m <= k:
        return [*ref_subproof(m, d[:k], b), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


def ref_proof(m: int, d: list[bytes]) -> list[bytes]:
    return ref_subproof(m, d, True)


# -- the project's tree, appended to in random pieces ---------------------------------------------

leaf_data = st.binary(max_size=40)
pieces = st.lists(st.lists(leaf_data, min_size=1, max_size=9), min_size=1, max_size=8)


def grown(
    batches: list[list[bytes]],
) -> tuple[list[bytes], merkle.Frontier, dict[merkle.Node, bytes]]:
    """The tree after appending each batch in turn: its leaves, frontier and stored nodes."""
    frontier, nodes, leaves = merkle.Frontier(), {}, []
    for batch in batches:
        frontier, completed = merkle.extend(frontier, batch)
        for node, digest in completed:
            assert node not in nodes  # a node completes once and never changes
            nodes[node] = digest
        leaves += batch
    return leaves, frontier, nodes


def lookup(nodes: dict[merkle.Node, bytes], allowed: set[merkle.Node]) -> merkle.Lookup:
    """Read a stored node, only among those the proof said it needs."""

    def read(node: merkle.Node) -> bytes:
        assert node in allowed, node
        return nodes[node]

    return read


@given(pieces)
def test_every_size_has_the_reference_root(batches: list[list[bytes]]) -> None:
    leaves, frontier, _ = grown(batches)
    assert frontier.root == ref_mth(leaves)
    assert frontier.size == len(leaves)
    assert merkle.root_of(leaves[:3]) == ref_mth(leaves[:3])


@given(pieces, st.data())
def test_every_inclusion_proof_is_the_reference_one_and_verifies(
    batches: list[list[bytes]], data: st.DataObject
) -> None:
    leaves, _, nodes = grown(batches)
    size = data.draw(st.integers(1, len(leaves)), label="size")
    root = ref_mth(leaves[:size])
    for index in range(size):
        needed = merkle.inclusion_nodes(index, size)
        proof = merkle.inclusion_proof(index, size, lookup(nodes, needed))
        assert proof == ref_path(index, leaves[:size])
        leaf = merkle.leaf_hash(leaves[index])
        assert merkle.verify_inclusion(index, size, leaf, proof, root)
        assert not merkle.verify_inclusion(
            index, size, merkle.leaf_hash(b"other" + leaf), proof, root
        )


@given(pieces, st.data())
def test_every_consistency_proof_is_the_reference_one_and_verifies(
    batches: list[list[bytes]], data: st.DataObject
) -> None:
    leaves, _, nodes = grown(batches)
    new = data.draw(st.integers(1, len(leaves)), label="new")
    new_root = ref_mth(leaves[:new])
    for old in range(1, new + 1):
        needed = merkle.consistency_nodes(old, new)
        proof = merkle.consistency_proof(old, new, lookup(nodes, needed))
        assert proof == ref_proof(old, leaves[:new])
        old_root = ref_mth(leaves[:old])
        assert merkle.verify_consistency(old, new, old_root, new_root, proof)
        if old < new:
            other = ref_mth([*leaves[: old - 1], b"changed" + leaves[old - 1]])
            assert not merkle.verify_consistency(old, new, other, new_root, proof)
            assert not merkle.verify_consistency(
                old, new, old_root, ref_mth([*leaves[: new - 1], b"x"]), proof
            )


@given(pieces, st.data())
def test_a_proof_with_any_hash_altered_fails(
    batches: list[list[bytes]], data: st.DataObject
) -> None:
    leaves, _, nodes = grown(batches)
    size = len(leaves)
    index = data.draw(st.integers(0, size - 1), label="index")
    proof = merkle.inclusion_proof(index, size, nodes.__getitem__)
    root, leaf = ref_mth(leaves), merkle.leaf_hash(leaves[index])
    for position in range(len(proof)):
        flipped = bytearray(proof[position])
        flipped[data.draw(st.integers(0, 31))] ^= 1 << data.draw(st.integers(0, 7))
        altered = [*proof[:position], bytes(flipped), *proof[position + 1 :]]
        assert not merkle.verify_inclusion(index, size, leaf, altered, root)
    old = data.draw(st.integers(1, size), label="old")
    consistency = merkle.consistency_proof(old, size, nodes.__getitem__)
    old_root = ref_mth(leaves[:old])
    for position in range(len(consistency)):
        flipped = bytearray(consistency[position])
        flipped[0] ^= 0x80
        altered = [*consistency[:position], bytes(flipped), *consistency[position + 1 :]]
        assert not merkle.verify_consistency(old, size, old_root, root, altered)
