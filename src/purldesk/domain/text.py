"""Text from outside: the one rule every adapter applies before anything is stored."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from enum import StrEnum
from typing import TypeVar

from purldesk.domain.errors import InvalidInput

E = TypeVar("E", bound=StrEnum)

# C0 controls and DEL, but tab, newline and carriage return. PostgreSQL cannot store NUL at
# all, and none of the others belongs in a name, a justification or a note.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Where = tuple[str | int, ...]


def check_text(field: str, text: str) -> str:
    """`text` itself, if it holds no control character; else InvalidInput naming `field`."""
    found = CONTROL_CHARACTER.search(text)
    if found is None:
        return text
    code, where = f"U+{ord(found.group()):04X}", _position(text, found.start())
    raise InvalidInput(
        field,
        f"contains the control character {code} {where}; "
        "only tab, newline and carriage return are allowed",
    )


def _position(text: str, index: int) -> str:
    if "\n" not in text:
        return f"at character {index + 1}"
    line = text.count("\n", 0, index) + 1
    column = index - text.rfind("\n", 0, index)
    return f"at line {line}, column {column}"


def strings_in(value: object, where: Where = ()) -> Iterator[tuple[Where, str]]:
    """Every string in `value`, however deep in lists, tuples and dicts (keys too), with the
    path of keys and indexes that leads to it."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from strings_in(item, (*where, index))
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield (*where, key), key
            yield from strings_in(item, (*where, key))


def parse_choice(
    choices: type[E], text: str, *, field: str, allowed: Collection[E] | None = None
) -> E:
    """The member of `choices` that `text` names, in any case; else InvalidInput listing them.

    `allowed` narrows the members accepted (and listed) to some of them.
    """
    options = tuple(choices) if allowed is None else tuple(allowed)
    named = {choice.value: choice for choice in options}.get(text.strip().lower())
    if named is None:
        raise InvalidInput(field, f"{text!r} is not one of {', '.join(options)}")
    return named
