"""An append-only Merkle tree as RFC 9162 §2.1 defines it (Certificate Transparency 2.0).

The hash of a leaf is SHA-256(0x00 || leaf), of an inner node SHA-256(0x01 || left || right),
and a tree of n leaves splits at k, the largest power of two below n: its left part is a
perfect tree of k leaves, its right part the tree of the other n - k. So every tree is a
row of perfect subtrees, largest first (one per bit of n): its *frontier*. Appending keeps
the frontier and yields the perfect subtrees it completes; they are all a proof ever needs.

A perfect subtree is a `Node` (level, index): the 2**level leaves from index * 2**level.
Proofs are built from a lookup of nodes and checked by the verification algorithms of
RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency), which need nothing stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()  # the root of a tree with no leaves

Node = tuple[int, int]  # (level, index): leaves [index * 2**level, (index + 1) * 2**level)
Lookup = Callable[[Node], bytes]


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """k of RFC 9162: the largest power of two smaller than `size` (> 1)."""
    return 1 << ((size - 1).bit_length() - 1)


def subtrees(start: int, end: int) -> list[Node]:
    """The perfect subtrees that make up leaves [start, end), largest first.

    Only for ranges the tree's own splits make (and the whole tree), where `start` is a
    multiple of the largest power of two not above end - start.
    """
    nodes, position = [], start
    for level in range((end - start).bit_length() - 1, -1, -1):
        if (end - start) >> level & 1:
            if position % (1 << level):
                raise ValueError(f"leaves [{start}, {end}) are not a range of the tree")
            nodes.append((level, position >> level))
            position += 1 << level
    return nodes


def fold(hashes: Sequence[bytes]) -> bytes:
    """The root over a row of perfect subtrees, largest first: each joins all right of it."""
    if not hashes:
        return EMPTY_ROOT
    root = hashes[-1]
    for left in reversed(hashes[:-1]):
        root = node_hash(left, root)
    return root


def range_hash(start: int, end: int, lookup: Lookup) -> bytes:
    """MTH of leaves [start, end) from the perfect subtrees that make it up."""
    return fold([lookup(node) for node in subtrees(start, end)])


@dataclass(frozen=True, slots=True)
class Frontier:
    """A tree as its perfect subtrees, largest first: all that appending to it needs."""

    size: int = 0
    hashes: tuple[bytes, ...] = ()

    def __post_init__(self) -> None:
        if self.size < 0 or len(self.hashes) != self.size.bit_count():
            raise ValueError(f"a tree of {self.size} leaves has {self.size.bit_count()} subtrees")

    @property
    def root(self) -> bytes:
        return fold(self.hashes)

    @property
    def nodes(self) -> list[Node]:
        return subtrees(0, self.size)


def extend(
    frontier: Frontier, leaves: Iterable[bytes]
) -> tuple[Frontier, list[tuple[Node, bytes]]]:
    """Append `leaves` (their data, not yet hashed): the new frontier, and every node the
    leaves complete, each leaf's own (level 0) included, in the order they complete."""
    stack = list(zip((level for level, _ in frontier.nodes), frontier.hashes, strict=True))
    size, completed = frontier.size, []
    for leaf in leaves:
        level, index, digest = 0, size, leaf_hash(leaf)
        completed.append(((0, index), digest))
        while stack and stack[-1][0] == level:
            digest = node_hash(stack.pop()[1], digest)
            level, index = level + 1, index >> 1
            completed.append(((level, index), digest))
        stack.append((level, digest))
        size += 1
    return Frontier(size, tuple(digest for _, digest in stack)), completed


def root_of(leaves: Iterable[bytes]) -> bytes:
    """MTH of a whole list of leaves (their data), computed as they are appended."""
    return extend(Frontier(), leaves)[0].root


# -- proofs, built from perfect subtrees -------------------------------------------------------


def _inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The sibling ranges of PATH(index, D[0:size]), from the leaf up."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    ranges, low, high = [], 0, size
    while high - low > 1:
        k = _split(high - low)
        if index - low < k:
            ranges.append((low + k, high))
            high = low + k
        else:
            ranges.append((low, low + k))
            low += k
    return ranges[::-1]


def _consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """The ranges of PROOF(old, D[0:new]) = SUBPROOF(old, D[0:new], true), in proof order."""
    if not 0 <= old <= new:
        raise ValueError(f"a tree of {old} leaves cannot precede one of {new}")
    if old in (0, new):
        return []
    ranges, low, high, known, complete = [], 0, new, old, True
    while known != high - low:
        k = _split(high - low)
        if known <= k:
            ranges.append((low + k, high))
            high = low + k
        else:
            ranges.append((low, low + k))
            low, known, complete = low + k, known - k, False
    if not complete:
        ranges.append((low, high))
    return ranges[::-1]


def _needed(ranges: Iterable[tuple[int, int]]) -> set[Node]:
    return {node for start, end in ranges for node in subtrees(start, end)}


def inclusion_nodes(index: int, size: int) -> set[Node]:
    """The perfect subtrees the inclusion proof of leaf `index` in a tree of `size` reads."""
    return _needed(_inclusion_ranges(index, size))


def inclusion_proof(index: int, size: int, lookup: Lookup) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 §2.1.3.1."""
    return [range_hash(start, end, lookup) for start, end in _inclusion_ranges(index, size)]


def consistency_nodes(old: int, new: int) -> set[Node]:
    """The perfect subtrees the consistency proof from `old` leaves to `new` reads."""
    return _needed(_consistency_ranges(old, new))


def consistency_proof(old: int, new: int, lookup: Lookup) -> list[bytes]:
    """PROOF(old, D[0:new]) of RFC 9162 §2.1.4.1 (empty when old is 0 or new)."""
    return [range_hash(start, end, lookup) for start, end in _consistency_ranges(old, new)]


# -- verification: RFC 9162 §2.1.3.2 and §2.1.4.2, from hashes alone ----------------------------


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes | None:
    """The root that `proof` makes of leaf `index` (its hash `leaf`) in a tree of `size`, or
    None where the proof cannot be one for that place (too long or too short)."""
    if not 0 <= index < size:
        return None
    fn, sn, root = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            root = node_hash(sibling, root)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            root = node_hash(root, sibling)
        fn, sn = fn >> 1, sn >> 1
    return root if sn == 0 else None


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether `proof` shows the leaf hashed `leaf` at `index` in the tree of `size` and `root`."""
    return root_from_inclusion(index, size, leaf, proof) == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether `proof` shows the tree (new_size, new_root) extends (old_size, old_root)."""
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # a power of two: the old root is a node of the new tree
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    first = second = path[0]
    for node in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            first, second = node_hash(node, first), node_hash(node, second)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            second = node_hash(second, node)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and first == old_root and second == new_root
