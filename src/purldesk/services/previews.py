"""What an allocation preview showed, as a digest, so that a commit writes exactly that.

Between a preview and its commit, money may be received or spent and lines may change; the
commit recomputes the allocation under the ledger lock and, given the preview's digest, refuses
to write packages that differ from those shown.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from typing import Protocol

from purldesk.domain.errors import InvalidInput, ProposalChanged
from purldesk.domain.packages import Attribution
from purldesk.domain.requirements import LineId

_DIGEST = re.compile(r"[0-9a-f]{64}\Z")


class Cut(Protocol):
    """A package as an allocation proposes it: its lots per line and who pays each part."""

    @property
    def name(self) -> str: ...
    @property
    def lots(self) -> tuple[tuple[LineId, int], ...]: ...
    @property
    def attributions(self) -> tuple[Attribution, ...]: ...


def digest(packages: Iterable[Cut]) -> str:
    """SHA-256 (hex) of the proposed packages' names, lots and attributions, in their order."""
    document = [
        {
            "name": p.name,
            "lots": [[line_id, lots] for line_id, lots in p.lots],
            "attributions": [
                [a.contribution_id, a.line_id, a.amount.minor, a.amount.currency]
                for a in p.attributions
            ],
        }
        for p in packages
    ]
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def parse_digest(text: str, *, field: str = "expected_digest") -> str:
    """A digest as `digest` writes it (64 lowercase hex digits); anything else is refused."""
    if not _DIGEST.match(text):
        raise InvalidInput(field, "must be the 64 hex digits of a preview's digest")
    return text


def check_unchanged(packages: Iterable[Cut], *, expected: str | None) -> None:
    """`ProposalChanged` if `expected` is given and the packages are not those it was taken
    from."""
    if expected is not None and digest(packages) != expected:
        raise ProposalChanged()
