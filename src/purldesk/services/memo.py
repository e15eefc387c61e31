"""Views that are the same for everyone, kept while the database is as it was when they were
read.

The public transparency report (and the public page) is one answer for every caller, rebuilt
from the current cycle's lines, every package and every contribution group: the costliest read
the public makes, and the one it makes most. A `ViewMemo` keeps the latest few such views in
this process, each under the database's state mark (`Reader.state_mark`: the heads of the
ledger and of the audit log, their numbers and hashes, which every command advances) and what was asked. A request
reads the mark first, in its own transaction: a view is reused only while no command has
committed since, and one computed after a later commit is filed under the earlier mark, which
no later request reads again. It is an optimisation, never a source of truth: the database
stays the only one, and each worker process keeps its own.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, NamedTuple, TypeVar

V = TypeVar("V")


class StateMark(NamedTuple):
    """The heads of the ledger and of the audit log: their numbers (0 where empty), which only
    grow, and their hashes, which also tell apart two databases of the same length (one
    restored or rebuilt under a running server)."""

    ledger_seq: int
    audit_seq: int
    ledger_hash: str
    audit_hash: str


KEPT = 16  # views kept: a few days and cycles asked for, in both groupings


class ViewMemo:
    """The latest `kept` views by key; safe to share between the threads of one process."""

    def __init__(self, kept: int = KEPT) -> None:
        self._kept = kept
        self._views: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], V]) -> V:
        """The view kept under `key`, else `compute()`'s, kept from now on. Two threads that
        miss together both compute it; either answer is the same."""
        with self._lock:
            if key in self._views:
                self._views.move_to_end(key)
                found: V = self._views[key]
                return found
        view = compute()
        with self._lock:
            self._views[key] = view
            while len(self._views) > self._kept:
                self._views.popitem(last=False)
        return view
