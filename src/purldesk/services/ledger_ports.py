"""The ledger's ports: the hash-chained ledger with the balances kept beside it, the audit
log, their Merkle trees, signed checkpoints and the key that signs them. Adapters satisfy them
structurally; `ports.UnitOfWork` holds one of each."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Protocol

from purldesk.domain.audit import AuditEntry, AuditEvent
from purldesk.domain.checkpoints import Checkpoint, Tree, TreeHead
from purldesk.domain.contributions import ContributionId
from purldesk.domain.ledger import LedgerEntry, LedgerTransaction, TransactionKind
from purldesk.domain.merkle import Frontier, Node


class Ledger(Protocol):
    def head(self) -> LedgerEntry | None: ...
    def head_seq(self) -> int:
        """The sequence number of the head entry (0: the ledger is empty), without reading it."""
        ...

    def append(
        self, transactions: Sequence[LedgerTransaction], *, recorded_at: datetime
    ) -> list[LedgerEntry]:
        """Seal the transactions onto the chain; appends are serialised across processes."""
        ...

    def lock(self) -> None:
        """Hold the ledger's write lock until the transaction ends.

        Take it before reading balances that decide a movement of money, so two writers
        can never both spend the same balance.
        """
        ...

    def entries(self) -> list[LedgerEntry]:
        """Every entry in sequence order."""
        ...

    def entries_of(self, contribution_id: int) -> list[LedgerEntry]:
        """The entries recorded for one contribution, in sequence order (by index)."""
        ...

    def entries_page(
        self,
        *,
        contribution_ids: Collection[int] | None = None,
        package_id: int | None = None,
        kind: TransactionKind | None = None,
        offset: int,
        limit: int,
    ) -> tuple[list[LedgerEntry], int]:
        """One page, in sequence order, of the entries recorded for one of `contribution_ids`,
        for `package_id` and of `kind` (each where given), and how many there are in all."""
        ...

    def balances(self) -> dict[tuple[str, str], int]:
        """(account, currency) -> non-zero balance in minor units, over the whole ledger.

        For reports; a write reads `balances_of` or `contribution_balances` instead, so its
        cost does not grow with the ledger's history.
        """
        ...

    def balances_of(self, accounts: Iterable[str]) -> dict[tuple[str, str], int]:
        """(account, currency) -> non-zero balance, of these accounts only."""
        ...

    def contribution_balances(self, contribution_ids: Iterable[int]) -> dict[tuple[str, str], int]:
        """(account, currency) -> non-zero balance, of every account of these contributions
        (`ledger.account_contribution` names the contribution an account belongs to)."""
        ...

    def pools_holding(self) -> dict[ContributionId, int]:
        """Contribution id -> the USD in its pool, of every contribution whose pool holds more
        than zero: what may be spent, found without reading every contribution ever made."""
        ...

    def kept_balances(self) -> dict[tuple[str, str], int]:
        """(account, currency) -> balance as stored beside the postings (those at zero too),
        for `verify` to hold against the postings; the other reads are derived from these."""
        ...

    def rebuild_balances(self) -> int:
        """Every kept balance and kind total again from the postings, under the write lock;
        returns how many accounts it keeps."""
        ...

    def mislabelled_balances(self) -> list[tuple[str, str]]:
        """(account, currency) of each kept balance whose stored kind or contribution is not
        what the account's name gives: reads by kind or by contribution would miss it."""
        ...

    def kept_kind_balances(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(kind, currency) -> (the balances of the accounts of that kind summed, how many of
        them are not zero), as stored beside the balances (those at zero too), for `verify`
        to hold against the postings; a kind is `ledger.reported_kind`'s."""
        ...


class AuditLog(Protocol):
    def lock(self) -> None:
        """Hold the write lock shared with ledger appends until commit, so that what the
        transaction reads next (balances, keys) is what it writes after."""
        ...

    def append(self, event: AuditEvent, *, at: datetime) -> AuditEntry: ...
    def entries(self) -> list[AuditEntry]: ...
    def page(self, *, offset: int, limit: int) -> list[AuditEntry]: ...
    def count(self) -> int: ...


class MerkleTrees(Protocol):
    """The Merkle trees over the ledger and the audit log, grown by their appends."""

    def frontier(self, tree: Tree) -> Frontier:
        """The tree as its perfect subtrees: its size and root, and what an append needs."""
        ...

    def head(self, tree: Tree) -> TreeHead:
        """The tree's size and root, to be signed: ChainBroken if its log's last entry is not
        its last leaf (entries deleted or added behind the adapters' back)."""
        ...

    def nodes(self, tree: Tree, wanted: Collection[Node]) -> dict[Node, bytes]:
        """The stored perfect subtrees among `wanted` (a proof names the ones it reads)."""
        ...


class CheckpointRepository(Protocol):
    """Signed checkpoints, append-only, numbered from 1."""

    def add(self, checkpoint: Checkpoint) -> None: ...
    def latest(self) -> Checkpoint | None: ...
    def get(self, seq: int) -> Checkpoint:
        """NotFound names the checkpoint."""
        ...

    def list(self, *, offset: int = 0, limit: int | None = None) -> list[Checkpoint]:
        """Oldest first."""
        ...

    def count(self) -> int: ...


class Signer(Protocol):
    """The key checkpoints are signed with (Ed25519 in production)."""

    @property
    def key_id(self) -> str:
        """Names the key: 16 hexadecimal digits of the SHA-256 of its public key."""
        ...

    def sign(self, message: bytes) -> bytes: ...
    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether this key signed `message`."""
        ...
