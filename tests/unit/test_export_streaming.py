"""The streamed JSON writer gives, byte for byte, what `json_text` gives for the whole
document, whatever the shapes: empty lists and objects, nesting, text that JSON escapes, more
elements than a batch, generators and mappings read as they are written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from purldesk.adapters.exports import streaming
from purldesk.entrypoints.cli.common import json_text

DOCUMENT: dict[str, Any] = {
    "format": "x/1",
    "empty": [],
    "nothing": {},
    "scalars": [1, -2.5, True, None, 'é\n"q"\t\u2028', ""],
    "rows": [
        {"b": 1, "a": "z", "c": None},
        {},
        {"nested": {"k": [1, {"x": []}], "j": {}}, "list": [[], [1, 2]], "a": 0.1},
        {"postings": [{"account": "pool:C-1", "minor": 10}], "conversion": None},
        [],
        [{"a": 1}],
        {2: "int keys", 1: "as json writes them"},
    ],
    "tables": {"t2": [{"id": 2}], "t1": [{"id": i, "v": f"ü{i}"} for i in range(2_345)]},
}


def written(parts: dict[str, Callable[[], Any]], **options: Any) -> str:
    pieces: list[str] = []
    streaming.write_document(parts, pieces.append, **options)
    return "".join(pieces)


def lazily(value: Any) -> Any:
    """A part's lists, and its object's lists, as generators: what an export hands the writer."""
    if isinstance(value, list):
        return (v for v in value)
    if isinstance(value, dict):
        return {k: (x for x in v) if isinstance(v, list) else v for k, v in value.items()}
    return value


@pytest.mark.parametrize("make", [lambda v: v, lazily])
def test_the_stream_is_the_documents_json_text(make: Callable[[Any], Any]) -> None:
    parts = {key: (lambda value=value: make(value)) for key, value in DOCUMENT.items()}
    assert written(parts) == json_text(DOCUMENT)


def test_an_empty_document() -> None:
    assert written({}) == json_text({})


def test_progress_counts_each_lists_elements_and_ends_each_list() -> None:
    seen: list[tuple[str, int]] = []
    written({"tables": lambda: DOCUMENT["tables"]}, progress=lambda p, n: seen.append((p, n)))
    assert seen == [
        ("tables.t1", 1_000), ("tables.t1", 1_000), ("tables.t1", 345), ("tables.t1", 0),
        ("tables.t2", 1), ("tables.t2", 0),
    ]  # fmt: skip
