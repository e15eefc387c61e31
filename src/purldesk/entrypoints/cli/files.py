"""Reading input files for commands, with errors that name the file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeVar

from purldesk.domain.errors import ImportRejected, InvalidInput

if TYPE_CHECKING:
    from purldesk.adapters.imports.csv_files import Parsed
    from purldesk.domain.errors import RowError

T = TypeVar("T")


def read_text(path: Path) -> str:
    """The file's text as UTF-8; a missing or unreadable file is InvalidInput naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(str(path), "no such file") from None
    except UnicodeDecodeError:
        raise InvalidInput(str(path), "is not UTF-8 text") from None
    except OSError as error:
        raise InvalidInput(str(path), error.strerror or "cannot be read") from None


def read_rows(
    path: Path,
    parse: Callable[[str], Parsed[T]],
    *,
    check: Callable[[list[T]], list[RowError]] | None = None,
) -> tuple[T, ...]:
    """The rows `parse` reads from the file. Any invalid row rejects the whole file, naming every
    finding; `check` adds its own about the rows that did parse, so one run reports them all."""
    parsed = parse(read_text(path))
    if parsed.errors:
        errors = parsed.errors
        if check is not None:
            errors = sorted(errors + check(parsed.rows), key=lambda e: (e.line, e.field))
        raise ImportRejected(str(path), errors)
    return tuple(parsed.rows)


def read_json(path: Path) -> object:
    """The JSON document in the file; one that is not JSON is InvalidInput naming the file."""
    import json

    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(str(path), f"is not JSON: {error.msg} at line {error.lineno}") from None


def write_text(path: Path, text: str, *, field: str = "out") -> None:
    """Write `text` to the file as UTF-8; a file that cannot be written is InvalidInput."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InvalidInput(field, f"cannot write {path}: {error.strerror}") from None


def replace_file(
    path: Path,
    data: bytes,
    *,
    chunk_bytes: int = 1 << 20,
    progress: Callable[[int], None] = lambda _written: None,
) -> None:
    """Write `data` to a temporary file beside `path`, flush it to disk and rename it over
    `path`: a reader finds the old file or the whole new one, never a part (a crash leaves the
    old one and, at worst, a stray `.tmp` file). InvalidInput if it cannot be written."""
    with replacing(path) as out:
        for start in range(0, len(data), chunk_bytes):
            piece = data[start : start + chunk_bytes]
            out.write(piece)
            progress(len(piece))


@contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A file to write, in a temporary file beside `path` that replaces `path` once the block
    ends without an error (flushed to disk, then renamed over it: see `replace_file`); an
    error leaves `path` as it was. InvalidInput if it cannot be written."""
    import os
    import tempfile

    folder = path.parent
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise InvalidInput(str(path), f"cannot be written: {error.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        os.unlink(temporary)
        if isinstance(error, OSError):
            raise InvalidInput(str(path), f"cannot be written: {error.strerror}") from None
        raise
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a crash
    finally:
        os.close(directory)
