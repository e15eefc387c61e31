"""What `purldesk import` checks of a file before and after restoring it: its shape, and
where the database it restored exports to something else."""

from __future__ import annotations

from typing import Any

from purldesk.adapters.exports.json import EXPORT_FORMAT
from purldesk.domain.errors import InvalidInput
from purldesk.domain.ledger import GENESIS_HASH

# Sections of an export besides `format` and `tables`: each a list, checked against the
# database the tables restore rather than read.
SECTIONS = (
    "participants", "catalog", "cycles", "requirement_lines", "rank_changes", "line_changes",
    "contributions", "packages", "shipments", "ledger", "policies", "observations",
)  # fmt: skip
# Paths reported when the restored database exports differently; the first is named.
DIFFERENCES_KEPT = 20


def restorable_tables(document: Any) -> dict[str, Any]:
    """The `tables` of an export this version can restore; InvalidInput naming the JSON path
    of the first thing that is not as `export` writes it."""
    if not isinstance(document, dict):
        raise InvalidInput("$", "must be a JSON object, as `purldesk export --format json` writes")
    found = document.get("format")
    if found != EXPORT_FORMAT:
        older = isinstance(found, str) and found.startswith("purldesk.export/")
        hint = "; it carries no stored rows: export again with this version" if older else ""
        raise InvalidInput("format", f"{found!r} cannot be imported, only {EXPORT_FORMAT!r}{hint}")
    expected = {"format", "tables", *SECTIONS}
    for key in sorted(set(document) - expected):
        raise InvalidInput(key, "is no section of an export")
    for key in SECTIONS:
        if not isinstance(document.get(key), list):
            raise InvalidInput(key, "must be a list")
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise InvalidInput("tables", "must be an object of tables, each a list of rows")
    return tables


def differences(expected: Any, actual: Any, path: str = "") -> list[str]:
    """The JSON paths (`contributions[3].amount_minor`) where `actual` differs from
    `expected`, the first few, in document order."""
    found: list[str] = []
    _walk(expected, actual, path, found)
    return found


def _walk(expected: Any, actual: Any, path: str, found: list[str]) -> None:
    if len(found) >= DIFFERENCES_KEPT:
        return
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            _walk(expected.get(key), actual.get(key), f"{path}.{key}" if path else key, found)
    elif isinstance(expected, list) and isinstance(actual, list):
        for i in range(max(len(expected), len(actual))):
            left = expected[i] if i < len(expected) else None
            right = actual[i] if i < len(actual) else None
            _walk(left, right, f"{path}[{i}]", found)
    elif type(expected) is not type(actual) or expected != actual:
        found.append(path or "$")


def ledger_head(document: Any) -> tuple[int, str]:
    """(entries, head hash) of the ledger an export carries: what `backup` prints and
    `restore` compares with; an empty ledger's head is the genesis hash."""
    entries = document.get("ledger") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise InvalidInput("ledger", "must be a list")
    if not entries:
        return 0, GENESIS_HASH
    last = entries[-1]
    if not isinstance(last, dict) or not isinstance(last.get("hash"), str):
        raise InvalidInput(f"ledger[{len(entries) - 1}].hash", "must be a string")
    return len(entries), last["hash"]
