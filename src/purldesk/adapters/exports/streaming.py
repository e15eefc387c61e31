"""A JSON document written piece by piece as its parts are read, byte for byte what
`json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\\n"` gives for the
whole document (`json_text`), so that a large export is never held in memory whole."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from typing import Any

# Elements of a list are written in batches of this many.
BATCH = 1_000
INDENT = "  "


def write_document(
    parts: Mapping[str, Callable[[], Any]],
    write: Callable[[str], object],
    *,
    progress: Callable[[str, int], None] = lambda _path, _rows: None,
) -> None:
    """Write the object whose keys are `parts`' and each value what its function returns when
    called, one after the other (in sorted key order, as `sort_keys` writes them). A value may
    be a scalar, a list, any other iterable written as a list (a generator: read as written),
    or a mapping, written as an object. `progress(path, n)` after each batch of `n` elements
    of a list is written (`path` as `tables.ledger_entries`), and `progress(path, 0)` once a
    list is complete."""
    if not parts:
        write("{}\n")
        return
    separator = "{"
    for key in sorted(parts):
        write(f"{separator}\n{INDENT}{_SCALAR(key)}: ")
        _write_value(parts[key](), write, 1, key, progress)
        separator = ","
    write("\n}\n")


def _write_value(
    value: Any,
    write: Callable[[str], object],
    level: int,
    path: str,
    progress: Callable[[str, int], None],
) -> None:
    if isinstance(value, Mapping):
        if not value:
            write("{}")
            return
        inner = INDENT * (level + 1)
        separator = "{"
        for key in sorted(value):
            write(f"{separator}\n{inner}{_SCALAR(key)}: ")
            _write_value(value[key], write, level + 1, f"{path}.{key}", progress)
            separator = ","
        write(f"\n{INDENT * level}}}")
    elif isinstance(value, str) or not isinstance(value, Iterable):
        write(_SCALAR(value))
    else:
        _write_list(value, write, level, path, progress)


def _write_list(
    items: Iterable[Any],
    write: Callable[[str], object],
    level: int,
    path: str,
    progress: Callable[[str, int], None],
) -> None:
    inner = INDENT * (level + 1)
    batch: list[str] = []
    written = 0
    for item in items:
        batch.append(element(item, inner))
        if len(batch) == BATCH:
            write(("[\n" if not written else ",\n") + ",\n".join(batch))
            written += len(batch)
            progress(path, len(batch))
            batch = []
    if batch:
        write(("[\n" if not written else ",\n") + ",\n".join(batch))
        written += len(batch)
        progress(path, len(batch))
    write(f"\n{INDENT * level}]" if written else "[]")
    progress(path, 0)


def element(item: Any, indent: str) -> str:
    """One element of a list as it stands indented by `indent` (its first line included)."""
    return indent + _text(item, indent)


def _text(value: Any, indent: str) -> str:
    """`json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False)` with each line after
    the first moved right by `indent`, made faster: an object of scalars by the C encoder with
    the indented lines as its separator, and each scalar by the C encoder."""
    inner = indent + INDENT
    if isinstance(value, dict):
        if not value:
            return "{}"
        if not all(isinstance(key, str) for key in value):  # json's own conversion of keys
            text = json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False)
            return text.replace("\n", "\n" + indent)
        if not any(isinstance(v, dict | list | tuple) for v in value.values()):
            flat = _flat(f",\n{inner}").encode(value)
            return f"{{\n{inner}{flat[1:-1]}\n{indent}}}"
        fields = ",\n".join(
            f"{inner}{_SCALAR(key)}: {_text(v, inner)}" for key, v in sorted(value.items())
        )
        return f"{{\n{fields}\n{indent}}}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + _text(v, inner) for v in value) + f"\n{indent}]"
    return _SCALAR(value)


@cache
def _flat(separator: str) -> json.JSONEncoder:
    return json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(separator, ": "))


_SCALAR = json.JSONEncoder(ensure_ascii=False).encode
