"""What a form offers to choose from instead of a typed code: contributors, who has a
statement, the catalog's capability areas, the currencies money may come in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from purldesk.domain.money import EXPONENTS
from purldesk.domain.participants import CONTRIBUTING_KINDS, Participant
from purldesk.services.read_ports import Reader
from purldesk.services.views import labels


@dataclass(frozen=True, slots=True)
class Choice:
    value: str  # what the form sends: a code
    label: str  # what people read


def _named(participants: Iterable[Participant]) -> list[Choice]:
    return sorted(
        (Choice(p.code, f"{p.name} ({p.code})") for p in participants), key=lambda c: c.label
    )


def contributors(reader: Reader) -> list[Choice]:
    """The participants that may give money (allies and partners), by name."""
    with reader:
        found = reader.participants()
    return _named(p for p in found if p.kind in CONTRIBUTING_KINDS)


def givers(reader: Reader) -> list[Choice]:
    """The participants that have a statement: a contribution of their own, or a part of a
    group's; by name."""
    with reader:
        codes = set(reader.givers())
        found = reader.participants()
    return _named(p for p in found if p.code in codes)


def members(reader: Reader, group: str) -> list[Choice]:
    """The members of `group` in the order it lists them, by name (none if it is a nation)."""
    with reader:
        found: dict[str, Participant] = {p.code: p for p in reader.participants()}
    listed = found[group].members if group in found else ()
    return [
        Choice(code, f"{found[code].name} ({code})" if code in found else code) for code in listed
    ]


def areas(reader: Reader) -> list[Choice]:
    """The catalog's capability areas, by label."""
    with reader:
        items = reader.items()
    return [Choice(code, name) for code, name in labels.choices(i.area for i in items.values())]


def currencies(rated: Iterable[str]) -> list[Choice]:
    """The currencies purldesk knows that the reference rates convert, by code."""
    return [Choice(code, code) for code in sorted(set(EXPONENTS).intersection(rated))]
