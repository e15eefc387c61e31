"""Hash chains, as the ledger and the audit log keep them: each link is sealed by a SHA-256
over its canonical JSON document, which names the previous link's hash as `prev`.

A link's hash is also the leaf a Merkle tree over the chain is built from."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, TypeVar

GENESIS_HASH = "0" * 64  # the `prev` of the first link


class Link(Protocol):
    """A sealed link: its place in the chain, its predecessor's hash and its own."""

    @property
    def seq(self) -> int: ...

    @property
    def prev_hash(self) -> str: ...

    @property
    def hash(self) -> str: ...


L = TypeVar("L", bound=Link)


def canonical_json(document: Any) -> str:
    """The one text of a JSON document: sorted keys, no spaces, ASCII only."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def link_bytes(document: Mapping[str, Any], prev_hash: str) -> bytes:
    """What a link's hash covers: its document with the previous link's hash as `prev`."""
    return canonical_json({**document, "prev": prev_hash}).encode()


def link_hash(document: Mapping[str, Any], prev_hash: str) -> str:
    return hashlib.sha256(link_bytes(document, prev_hash)).hexdigest()


def tip(last: Link | None) -> tuple[int, str]:
    """(seq, hash) of the last link, which the next one follows; (0, genesis) when empty."""
    return (0, GENESIS_HASH) if last is None else (last.seq, last.hash)


class BreakRule(StrEnum):
    SEQUENCE = "sequence"  # the link is not numbered one after its predecessor
    CHAIN = "chain"  # it does not name its predecessor's hash
    HASH = "hash"  # its content no longer gives its hash


@dataclass(frozen=True, slots=True)
class Break:
    """One place where a chain does not hold."""

    rule: BreakRule
    seq: int  # as the link says
    expected_seq: int

    def describe(self, messages: Mapping[BreakRule, str]) -> str:
        """The chain's own words for this break: `messages` may name {seq} and {expected_seq}."""
        return messages[self.rule].format(seq=self.seq, expected_seq=self.expected_seq)


def walk(links: Iterable[L], rehash: Callable[[L], str]) -> Iterator[tuple[L, list[Break]]]:
    """Each link with its breaks, in order; `rehash` recomputes a link's hash from its content."""
    prev_hash = GENESIS_HASH
    for expected_seq, link in enumerate(links, start=1):
        breaks = []
        if link.seq != expected_seq:
            breaks.append(Break(BreakRule.SEQUENCE, link.seq, expected_seq))
        if link.prev_hash != prev_hash:
            breaks.append(Break(BreakRule.CHAIN, link.seq, expected_seq))
        if rehash(link) != link.hash:
            breaks.append(Break(BreakRule.HASH, link.seq, expected_seq))
        yield link, breaks
        prev_hash = link.hash
