"""Reading input files for commands, with errors that name the file."""

from __future__ import annotations

from pathlib import Path

from purldesk.domain.errors import InvalidInput


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
