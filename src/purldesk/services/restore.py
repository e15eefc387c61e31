"""Restore a whole database from an export (`purldesk import`, docs/CLI.md "Import").

An operator's restore, not a domain write: the rows go back with their original ids through
the storage adapter, in one transaction, and are committed only when the ledger they make
verifies as `ledger verify` checks it and the database they make exports to the same document.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from purldesk.domain import ledger as ledger_rules
from purldesk.domain.basis import BasisAltered
from purldesk.domain.errors import Conflict, InvalidInput, LedgerError
from purldesk.services import exports, ledger
from purldesk.services.exports import RestorableUnitOfWork, Snapshot
from purldesk.services.ledger_ports import Signer

# Findings named in the refusal; the rest are counted.
FINDINGS_SHOWN = 5


@dataclass(frozen=True, slots=True)
class Restored:
    rows: int
    entries: int
    head: str


def restore(
    uow: RestorableUnitOfWork,
    tables: dict[str, Any],
    *,
    differences: Callable[[Snapshot], list[str]],
    signer: Signer | None = None,
    progress: Callable[[str, int], None] = lambda _table, _rows: None,
) -> Restored:
    """Write every row of `tables` into the empty database, or nothing: a database with any
    row is Conflict; a ledger that does not verify, or a basis that is not one (its effects
    cannot be rebuilt), is LedgerError; a database whose export differs from the file
    (`differences`: the JSON paths where it does) is InvalidInput."""
    with uow:
        occupied = uow.rows.occupied()
        if occupied:
            held = ", ".join(f"{name} ({count} rows)" for name, count in sorted(occupied.items()))
            raise Conflict(f"the database is not empty ({held}); import only into an empty one")
        try:
            written = uow.rows.load(tables, progress=progress)
        except BasisAltered as error:  # its substitution effects cannot be rebuilt from it
            raise LedgerError(
                f"the file's allocation bases do not read, nothing was written: {error}"
            ) from error
        checked, findings = ledger.verify_open(uow, signer=signer)
        if findings:
            named = "; ".join(
                f"{f.row or (f'entry {f.seq}' if f.seq is not None else 'ledger')}: {f.rule}: "
                f"{f.message}"
                for f in findings[:FINDINGS_SHOWN]
            )
            more = len(findings) - FINDINGS_SHOWN
            named += f"; and {more} more" if more > 0 else ""
            raise LedgerError(f"the file's ledger does not verify, nothing was written: {named}")
        differing = differences(exports.read(uow))
        if differing:
            raise InvalidInput(
                differing[0],
                "differs from what the file's tables restore, nothing was written"
                + (f" ({len(differing)} paths differ)" if len(differing) > 1 else ""),
            )
        head = uow.ledger.head()
        uow.commit()
    return Restored(written, checked, ledger_rules.GENESIS_HASH if head is None else head.hash)
