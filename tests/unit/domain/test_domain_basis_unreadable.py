"""A stored basis that is not a basis document (altered in the database) is refused as altered,
naming its package, never with a parser's traceback: restore, `ledger rebuild-balances` and the
statement's reads stop on it with that message, and `ledger verify` names it as a finding."""

from __future__ import annotations

import pytest

from purldesk.domain.basis import BasisAltered, parse
from purldesk.domain.packages import PackageId

NOT_BASES = [
    "{not json",
    "null",
    "[]",
    "{}",
    '{"package": "P-0001"}',
    '{"package": "P-0001", "funds": [], "on": "2026-13-01", "recorded_at": "2026-01-01T00:00:00"}',
    '{"package": "P-0001", "funds": 3, "on": "2026-01-01", "recorded_at": "2026-01-01T00:00:00"}',
]


@pytest.mark.parametrize("text", NOT_BASES)
def test_a_document_that_is_not_a_basis_is_refused_as_altered(text: str) -> None:
    with pytest.raises(BasisAltered, match="altered: P-0001: "):
        parse(PackageId(1), text)


def test_a_document_of_another_package_is_refused_naming_both() -> None:
    other = '{"package": "P-0002", "funds": [], "on": "2026-01-01", "recorded_at": "x"}'
    with pytest.raises(BasisAltered, match="P-0001's document names P-0002"):
        parse(PackageId(1), other)
