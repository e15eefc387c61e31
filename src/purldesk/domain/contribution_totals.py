"""The contributions summed by every column a viewer's masking and the reads' filters depend
on: who gave (whether a viewer sees everything of a contribution depends on its contributor
alone), the currency, the status and both disclosure flags. Totals kept so are read in a row
per combination however many contributions made them, and give exactly what summing the
contributions row by row gives, each row masked as the viewer may see it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from purldesk.domain.contributions import Contribution
from purldesk.domain.ledger import Finding


@dataclass(frozen=True, slots=True, order=True)
class TotalKey:
    contributor: str
    currency: str
    status: str
    confidential: bool
    anonymous: bool


@dataclass(frozen=True, slots=True)
class Total:
    """How many contributions, their amounts summed, their USD values summed and how many of
    them have one (none converted: the USD sum is no sum at all, not zero)."""

    count: int = 0
    amount_minor: int = 0
    usd_minor: int = 0
    converted: int = 0

    def __add__(self, other: Total) -> Total:
        return Total(
            self.count + other.count,
            self.amount_minor + other.amount_minor,
            self.usd_minor + other.usd_minor,
            self.converted + other.converted,
        )

    def __neg__(self) -> Total:
        return Total(-self.count, -self.amount_minor, -self.usd_minor, -self.converted)


NOTHING = Total()
ContributionTotals = dict[TotalKey, Total]


Entry = tuple[TotalKey, Total]


def entry(contribution: Contribution) -> Entry:
    """The key a contribution is summed under, and what it adds there."""
    conversion = contribution.conversion
    key = TotalKey(
        contribution.contributor,
        contribution.amount.currency,
        contribution.status.value,
        contribution.confidential,
        contribution.anonymous,
    )
    usd = 0 if conversion is None else conversion.converted.minor
    return key, Total(1, contribution.amount.minor, usd, int(conversion is not None))


def moved(removed: Iterable[Entry], added: Iterable[Entry]) -> ContributionTotals:
    """What writing the `added` entries in place of the `removed` ones moves each total by
    (those it leaves as they were left out)."""
    moves: ContributionTotals = {}
    for key, total in removed:
        moves[key] = moves.get(key, NOTHING) + -total
    for key, total in added:
        moves[key] = moves.get(key, NOTHING) + total
    return {key: total for key, total in moves.items() if total != NOTHING}


def totals(contributions: Iterable[Contribution]) -> ContributionTotals:
    """Every key's total over `contributions` (only the keys some contribution has)."""
    return moved((), map(entry, contributions))


def kept_total_findings(
    contributions: Iterable[Contribution], kept: Mapping[TotalKey, Total]
) -> list[Finding]:
    """Each kept total (`kept`, those at zero too) that is not what the contributions sum to."""
    summed = totals(contributions)
    found = []
    for key in sorted(summed.keys() | kept.keys()):
        says, sums = kept.get(key, NOTHING), summed.get(key, NOTHING)
        if says != sums:
            shown = "confidential" if key.confidential else "disclosed"
            named = "anonymous" if key.anonymous else "named"
            row = (
                f"contribution_totals {key.contributor} {key.currency} {key.status} {shown} {named}"
            )
            message = f"{row} holds {_said(says)}, the contributions sum to {_said(sums)}"
            found.append(Finding("contribution-total", message, row=row))
    return found


def _said(total: Total) -> str:
    return (
        f"{total.count} of {total.amount_minor} minor units, {total.converted} of them "
        f"converted to {total.usd_minor} USD minor units"
    )
