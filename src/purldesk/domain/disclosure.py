"""What of a total with parts may be published to one viewer, so that no amount it may not see
follows from the published figures by subtraction.

A *hidden part* is money of a contribution whose amount the viewer may not see. Hidden parts
are published only as one bucket summed over at least `k` distinct contributors; where fewer
pay into it, the bucket would be their amount, and so would the total minus the visible parts:
both are withheld (the total is the figure to withhold, since visible parts are known to their
owners in any case).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from purldesk.domain.money import Money

DEFAULT_MIN_HIDDEN_CONTRIBUTORS = 2  # k: the fewest contributors a published hidden sum covers
Key = TypeVar("Key", bound=Hashable)
Total = TypeVar("Total", bound=Hashable)
WITHHELD = "withheld: fewer than {k} contributors share the undisclosed money it would reveal"
# Why a package's items, lines and payments are left out (see `Viewer.sees_contents`).
CONTENTS_RESTRICTED = "restricted: the package's contents are not published"


def withheld_reason(k: int) -> str:
    """Why a figure is not published, as every document states it."""
    return WITHHELD.format(k=k)


def is_exposed(hidden_contributors: Collection[str], *, k: int) -> bool:
    """Whether a sum of hidden parts from these contributors would reveal someone's amount."""
    return exposes(len(set(hidden_contributors)), k=k)


def exposes(hidden_contributors: int, *, k: int) -> bool:
    """`is_exposed`, given how many distinct contributors pay the hidden parts."""
    return 0 < hidden_contributors < k


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a total: whose money it is, and whether the viewer may see its amount."""

    amount: Money
    contributor: str
    hidden: bool


@dataclass(frozen=True, slots=True)
class Publication:
    """What of a total may be published: the visible parts, the hidden bucket (None when there
    is no hidden part or it must be withheld) and whether the total itself may be published."""

    visible: tuple[Part, ...]
    bucket: Money | None
    total_shown: bool


def publish(parts: Iterable[Part], *, k: int) -> Publication:
    """The one rule: a hidden bucket of fewer than `k` distinct contributors is withheld, and
    with it the total, from which it would follow by subtracting the visible parts."""
    found = list(parts)
    hidden = [p for p in found if p.hidden]
    visible = tuple(p for p in found if not p.hidden)
    if not hidden:
        return Publication(visible, None, True)
    if is_exposed([p.contributor for p in hidden], k=k):
        return Publication(visible, None, False)
    bucket = sum((p.amount for p in hidden[1:]), hidden[0].amount)
    return Publication(visible, bucket, True)


@dataclass(frozen=True, slots=True)
class Seal(Generic[Key]):
    """What of a total split over keys (a package's cost over its lines) is withheld: the
    total and its bucket (`whole`), and the keys whose own total is withheld.

    A withheld key also withholds the whole: the total minus the other keys' figures would
    give it back (complementary suppression)."""

    whole: bool
    keys: frozenset[Key]


def seal(hidden: Iterable[tuple[Key, str]], *, k: int) -> Seal[Key]:
    """The seal of a total whose hidden parts are `(key, contributor)` pairs."""
    by_key: dict[Key, set[str]] = defaultdict(set)
    everyone: set[str] = set()
    for key, contributor in hidden:
        by_key[key].add(contributor)
        everyone.add(contributor)
    return counted_seal({key: len(who) for key, who in by_key.items()}, len(everyone), k=k)


def counted_seal(by_key: Mapping[Key, int], everyone: int, *, k: int) -> Seal[Key]:
    """`seal`, given how many distinct contributors pay the hidden parts of each key
    (`by_key`) and of the whole total (`everyone`): all the rule needs of who they are."""
    keys = frozenset(key for key, count in by_key.items() if exposes(count, k=k))
    return Seal(bool(keys) or exposes(everyone, k=k), keys)


def seals(hidden: Iterable[tuple[Total, Key, str]], *, k: int) -> Mapping[Total, Seal[Key]]:
    """The seal of each total (by package, say) that has hidden parts; others have none."""
    by_total: dict[Total, list[tuple[Key, str]]] = defaultdict(list)
    for total, key, contributor in hidden:
        by_total[total].append((key, contributor))
    return {total: seal(found, k=k) for total, found in by_total.items()}
