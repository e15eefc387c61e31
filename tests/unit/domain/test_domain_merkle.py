"""The Merkle tree against the Certificate Transparency test vectors (RFC 6962 / RFC 9162):
roots of the reference leaves at every size, two published inclusion proofs, and what a proof
of the wrong shape is."""

from __future__ import annotations

import pytest

from purldesk.domain import merkle

# The reference leaves and the roots of their first n, n = 0..8, shared by every CT log.
LEAVES = [
    bytes.fromhex(text)
    for text in (
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]  # fmt: skip
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = {
    (0, 8): [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (5, 8): [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
}


def stored_tree(leaves: list[bytes]) -> tuple[merkle.Frontier, dict[merkle.Node, bytes]]:
    frontier, nodes = merkle.extend(merkle.Frontier(), leaves)
    return frontier, dict(nodes)


@pytest.mark.parametrize("size", range(9))
def test_the_root_of_the_reference_leaves_is_the_published_one(size: int) -> None:
    assert merkle.root_of(LEAVES[:size]).hex() == ROOTS[size]


def test_appending_in_pieces_gives_the_root_of_appending_at_once() -> None:
    frontier, _ = merkle.extend(merkle.Frontier(), LEAVES[:3])
    frontier, _ = merkle.extend(frontier, LEAVES[3:])
    assert frontier.root.hex() == ROOTS[8]
    assert frontier.size == 8


@pytest.mark.parametrize(("index", "size"), sorted(INCLUSION))
def test_inclusion_proofs_are_the_published_ones(index: int, size: int) -> None:
    _, nodes = stored_tree(LEAVES[:size])
    proof = merkle.inclusion_proof(index, size, nodes.__getitem__)
    assert [p.hex() for p in proof] == INCLUSION[index, size]
    root = bytes.fromhex(ROOTS[size])
    assert merkle.verify_inclusion(index, size, merkle.leaf_hash(LEAVES[index]), proof, root)


def test_an_inclusion_proof_for_another_place_or_size_fails() -> None:
    _, nodes = stored_tree(LEAVES)
    proof = merkle.inclusion_proof(5, 8, nodes.__getitem__)
    leaf, root = merkle.leaf_hash(LEAVES[5]), bytes.fromhex(ROOTS[8])
    assert not merkle.verify_inclusion(4, 8, leaf, proof, root)
    assert not merkle.verify_inclusion(5, 6, leaf, proof, root)
    assert not merkle.verify_inclusion(5, 8, leaf, proof[:-1], root)
    assert not merkle.verify_inclusion(5, 8, leaf, [*proof, proof[0]], root)
    assert not merkle.verify_inclusion(8, 8, leaf, proof, root)


def test_a_tree_extends_itself_and_the_empty_tree_with_an_empty_proof() -> None:
    root = bytes.fromhex(ROOTS[5])
    assert merkle.verify_consistency(5, 5, root, root, [])
    assert merkle.verify_consistency(0, 5, merkle.EMPTY_ROOT, root, [])
    assert not merkle.verify_consistency(0, 5, root, root, [])
    assert not merkle.verify_consistency(5, 4, root, root, [])
    assert not merkle.verify_consistency(3, 5, bytes.fromhex(ROOTS[3]), root, [])


def test_a_frontier_has_one_subtree_per_bit_of_its_size() -> None:
    frontier, nodes = stored_tree(LEAVES[:7])
    assert frontier.nodes == [(2, 0), (1, 2), (0, 6)]
    assert list(frontier.hashes) == [nodes[node] for node in frontier.nodes]
    with pytest.raises(ValueError, match="subtrees"):
        merkle.Frontier(7, frontier.hashes[:2])


def test_only_ranges_of_the_tree_break_into_subtrees() -> None:
    assert merkle.subtrees(4, 7) == [(1, 2), (0, 6)]
    with pytest.raises(ValueError, match="not a range"):
        merkle.subtrees(1, 5)
