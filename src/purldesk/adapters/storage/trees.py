"""The Merkle trees over the ledger and the audit log, and the signed checkpoints of both.

A tree grows in the transaction that appends its entries, under the same lock: its frontier
is one row (read, and written back), the perfect subtrees the entries complete are inserted. So
an append costs the same few statements however long the history, and a proof reads only
the nodes it names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable

from sqlalchemy import func, insert, select, union_all
from sqlalchemy.orm import Session

from purldesk.adapters.storage.checkpoint_tables import CheckpointRow, MerkleNodeRow, MerkleTreeRow
from purldesk.adapters.storage.rows import IN_LIST_CHUNK, _upsert
from purldesk.adapters.storage.tables import AuditEntryRow, LedgerEntryRow
from purldesk.domain import merkle
from purldesk.domain.checkpoints import Checkpoint, Tree, TreeHead, checkpoint_ref
from purldesk.domain.errors import NotFound, TreeOutOfStep
from purldesk.domain.merkle import HASH_SIZE


class SqlMerkleTrees:
    def __init__(self, session: Session) -> None:
        self._session = session

    def frontier(self, tree: Tree) -> merkle.Frontier:
        """The tree's frontier; a tree without a row yet is empty."""
        row = self._session.execute(
            select(MerkleTreeRow.size, MerkleTreeRow.frontier).where(MerkleTreeRow.name == tree)
        ).one_or_none()
        if row is None:
            return merkle.Frontier()
        packed = bytes(row.frontier)
        hashes = tuple(packed[i : i + HASH_SIZE] for i in range(0, len(packed), HASH_SIZE))
        return merkle.Frontier(row.size, hashes)

    def head(self, tree: Tree) -> TreeHead:
        frontier = self.frontier(tree)
        seq = (LedgerEntryRow if tree is Tree.LEDGER else AuditEntryRow).seq
        last = self._session.scalar(select(func.max(seq))) or 0
        if last != frontier.size:
            raise TreeOutOfStep(tree, last, frontier.size)
        return TreeHead.of(frontier)

    def nodes(self, tree: Tree, wanted: Collection[merkle.Node]) -> dict[merkle.Node, bytes]:
        """One SELECT per level, joined by UNION ALL, so that each finds its nodes by the key
        (tree, level, position): a row-value IN would scan the whole tree on SQLite."""
        keys, found = sorted(set(wanted)), {}
        for start in range(0, len(keys), IN_LIST_CHUNK):
            by_level: dict[int, list[int]] = defaultdict(list)
            for level, position in keys[start : start + IN_LIST_CHUNK]:
                by_level[level].append(position)
            selects = [
                select(MerkleNodeRow.level, MerkleNodeRow.position, MerkleNodeRow.hash).where(
                    MerkleNodeRow.tree == tree,
                    MerkleNodeRow.level == level,
                    MerkleNodeRow.position.in_(positions),
                )
                for level, positions in sorted(by_level.items())
            ]
            query = selects[0] if len(selects) == 1 else union_all(*selects)
            rows = self._session.execute(query)
            found.update({(level, position): bytes(digest) for level, position, digest in rows})
        return found

    def append(self, tree: Tree, leaves: Iterable[bytes], *, after: int) -> merkle.Frontier:
        """Append leaves to the tree, which must hold `after` of them: the log's size before
        its new entries. A tree out of step with its log (entries removed in SQL) refuses."""
        frontier = self.frontier(tree)
        if frontier.size != after:
            raise TreeOutOfStep(tree, after, frontier.size)
        grown, completed = merkle.extend(frontier, leaves)
        self._session.execute(
            insert(MerkleNodeRow),
            [
                {"tree": tree.value, "level": level, "position": position, "hash": digest}
                for (level, position), digest in completed
            ],
        )
        grown_row = {"size": grown.size, "frontier": b"".join(grown.hashes)}
        self._session.execute(
            _upsert(self._session, MerkleTreeRow)
            .values(name=tree.value, **grown_row)
            .on_conflict_do_update(index_elements=["name"], set_=grown_row)
        )
        return grown


class SqlCheckpoints:
    """Append-only, by number."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, checkpoint: Checkpoint) -> None:
        self._session.execute(
            insert(CheckpointRow).values(
                seq=checkpoint.seq, at=checkpoint.at,
                ledger_size=checkpoint.ledger.size, ledger_root=checkpoint.ledger.root.hex(),
                audit_size=checkpoint.audit.size, audit_root=checkpoint.audit.root.hex(),
                key_id=checkpoint.key_id, signature=checkpoint.signature.hex(),
            )
        )  # fmt: skip

    def latest(self) -> Checkpoint | None:
        row = self._session.scalars(
            select(CheckpointRow).order_by(CheckpointRow.seq.desc()).limit(1)
        ).first()
        return None if row is None else _checkpoint(row)

    def get(self, seq: int) -> Checkpoint:
        row = self._session.get(CheckpointRow, seq)
        if row is None:
            raise NotFound("checkpoint", checkpoint_ref(seq))
        return _checkpoint(row)

    def list(self, *, offset: int = 0, limit: int | None = None) -> list[Checkpoint]:
        query = select(CheckpointRow).order_by(CheckpointRow.seq).offset(offset).limit(limit)
        return [_checkpoint(row) for row in self._session.scalars(query)]

    def count(self) -> int:
        return int(self._session.scalar(select(func.count()).select_from(CheckpointRow)) or 0)


def _checkpoint(row: CheckpointRow) -> Checkpoint:
    """A stored checkpoint; hashes edited in SQL into something that is not hex read as
    empty, so that checking it fails instead of loading."""
    return Checkpoint(
        seq=row.seq, at=row.at,
        ledger=TreeHead(row.ledger_size, _bytes(row.ledger_root)),
        audit=TreeHead(row.audit_size, _bytes(row.audit_root)),
        key_id=row.key_id, signature=_bytes(row.signature),
    )  # fmt: skip


def _bytes(text: str) -> bytes:
    try:
        return bytes.fromhex(text)
    except ValueError:
        return b""
