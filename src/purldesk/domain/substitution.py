"""The substitution effect of a contributor's restricted money in one allocation.

Restricted money is spent where only it can go, so it may pay a line other money would have
paid, and that other money then pays lines the restricted contributor excludes. The effect is
measured against the counterfactual where the contributor's money is placed after everyone
else's (as a policy saying `additional = true` places it): per line, how much less or more of
the other money the allocation put there, and how much more of it stayed unallocated.

Money moved is money placed, so the effect balances exactly: what left the lines it took over
and the other lines that lost money is what went to lines that gained, plus what stayed
unallocated (negative: money the counterfactual left unallocated was spent).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Generic, TypeVar

from purldesk.domain.packages import PackageId, package_ref, parse_package_ref
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import LineId

K = TypeVar("K")  # how a line is named: the engine's line reference, or the line's id
J = TypeVar("J")


class Standing(StrEnum):
    """Whether a contributor's money can have a substitution effect at all."""

    RESTRICTED = "restricted"  # some of it is restricted and placed with everyone else's
    UNRESTRICTED = "unrestricted"  # none of it is restricted: it excludes no line to free money for
    ADDITIONAL = "additional"  # placed after everyone else's: it takes over nothing


@dataclass(frozen=True, slots=True)
class Shift(Generic[K]):
    """Other money on one line, against the counterfactual: `amount_minor` less or more."""

    line: K
    amount_minor: int
    packages: tuple[PackageId, ...] = ()  # the packages of the allocation holding the line

    def __post_init__(self) -> None:
        if type(self.amount_minor) is not int or self.amount_minor <= 0:
            raise ValueError(f"a shift moves a positive amount, not {self.amount_minor!r}")


@dataclass(frozen=True, slots=True)
class Substitution(Generic[K]):
    """One contributor's substitution effect; empty unless `standing` is restricted.

    `took_over`: lines carrying less other money than in the counterfactual, by the part its
    own money pays in its stead (beyond what it pays there in the counterfactual); `left`: the
    rest of the other money those lines, and any other, lost to the shift (a line may be in
    both); `went_to`: lines that carry more other money; `unallocated_minor`: how much more
    other money stayed unallocated. Each list is in the allocation's priority order."""

    contributor: ParticipantCode
    standing: Standing
    took_over: tuple[Shift[K], ...] = ()
    left: tuple[Shift[K], ...] = ()
    went_to: tuple[Shift[K], ...] = ()
    unallocated_minor: int = 0

    def __post_init__(self) -> None:
        if self.standing is not Standing.RESTRICTED and not self.is_empty:
            raise ValueError(f"{self.standing} money has no substitution effect")
        if self.moved_minor != total(self.went_to) + self.unallocated_minor:
            raise ValueError(
                f"{self.contributor}'s substitution does not balance: {self.moved_minor} moved, "
                f"{total(self.went_to)} placed and {self.unallocated_minor} unallocated"
            )

    @property
    def moved_minor(self) -> int:
        """Other money that left lines: from those it took over and those that lost it."""
        return total(self.took_over) + total(self.left)

    @property
    def is_empty(self) -> bool:
        return not (self.took_over or self.left or self.went_to or self.unallocated_minor)

    def named(
        self, name: Callable[[K], J], packages: Mapping[K, tuple[PackageId, ...]] | None = None
    ) -> Substitution[J]:
        """The same effect with lines named by `name`, each with the packages holding it."""
        held = packages or {}

        def renamed(shifts: tuple[Shift[K], ...]) -> tuple[Shift[J], ...]:
            return tuple(
                Shift(name(s.line), s.amount_minor, held.get(s.line, s.packages)) for s in shifts
            )

        return Substitution(
            self.contributor, self.standing, renamed(self.took_over), renamed(self.left),
            renamed(self.went_to), self.unallocated_minor,
        )  # fmt: skip


def total(shifts: Iterable[Shift[Any]]) -> int:
    return sum(shift.amount_minor for shift in shifts)


# -- as stored in an allocation basis (`domain/basis.py`), lines by id ---------------------------


def document(effect: Substitution[LineId]) -> dict[str, Any]:
    return {
        "contributor": effect.contributor, "standing": effect.standing.value,
        "took_over": _shifts_document(effect.took_over), "left": _shifts_document(effect.left),
        "went_to": _shifts_document(effect.went_to),
        "unallocated_minor": effect.unallocated_minor,
    }  # fmt: skip


def _shifts_document(shifts: Iterable[Shift[LineId]]) -> list[dict[str, Any]]:
    return [
        {
            "line": shift.line,
            "amount_minor": shift.amount_minor,
            "packages": [package_ref(p) for p in shift.packages],
        }
        for shift in shifts
    ]


def parse(stored: Mapping[str, Any]) -> Substitution[LineId]:
    """A stored effect; ValueError if it does not balance, InvalidInput if a package reference
    is not one."""
    return Substitution(
        ParticipantCode(stored["contributor"]), Standing(stored["standing"]),
        _parse_shifts(stored["took_over"]), _parse_shifts(stored["left"]),
        _parse_shifts(stored["went_to"]), stored["unallocated_minor"],
    )  # fmt: skip


def _parse_shifts(stored: Iterable[Mapping[str, Any]]) -> tuple[Shift[LineId], ...]:
    return tuple(
        Shift(
            LineId(shift["line"]),
            shift["amount_minor"],
            tuple(parse_package_ref(p) for p in shift["packages"]),
        )
        for shift in stored
    )
