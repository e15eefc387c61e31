"""A package's money as one viewer may see it, a page of its payments at a time.

What a viewer may see of a package's money is decided by counts, not by who the hidden payers
are: how many attributions it may see, the sum of the rest, and how many distinct contributors
pay that rest on the whole package and on each line (`PaymentFacts`). A page of payments made
from those facts is the same page whether they were counted here, over the whole package, or
by the database (`Reader.package_payments`), so a package of a thousand payers shows one page
at the cost of one page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from math import inf

from purldesk.domain.access import Actor, Viewer, viewer_of
from purldesk.domain.confidentiality import can_see_amount
from purldesk.domain.contributions import Contribution, ContributionId
from purldesk.domain.disclosure import Seal, counted_seal, withheld_reason
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Attribution, Package, Restriction
from purldesk.domain.requirements import LineId


@dataclass(frozen=True, slots=True)
class AttributionView:
    """Money of one contribution on one line; contribution None is the undisclosed bucket."""

    contribution_id: ContributionId | None
    line_id: int | None
    amount: Money


@dataclass(frozen=True, slots=True)
class PackageMoney:
    """A package's money as one viewer may see it: a page of the attributions it may see (with
    the undisclosed bucket last, where it may be published), how many there are in all, and
    what is withheld (see `disclosure`)."""

    attributions: list[AttributionView]
    withheld: Seal[LineId]
    reason: str  # why a withheld figure is not published
    contents_shown: bool = True  # False: restricted, only the viewer's own attributions
    count: int = 0  # every attribution the viewer may see, the bucket included
    offset: int = 0  # where in them the page starts

    @property
    def cost_shown(self) -> bool:
        return not self.withheld.whole

    def line_cost_shown(self, line_id: LineId) -> bool:
        return line_id not in self.withheld.keys


@dataclass(frozen=True, slots=True)
class HiddenMoney:
    """The money of a package a viewer may not see the amount of: its sum (USD minor units) and
    how many distinct contributors pay it, on the whole package and on each line."""

    minor: int = 0
    payers: int = 0
    payers_by_line: Mapping[LineId, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PaymentFacts:
    """All a page of a package's payments needs: the attributions the viewer may see from
    `offset` on (at most a page of them, in the package's order), how many it may see in all,
    and the money it may not see. Where the contents are restricted from the viewer
    (`own_only`), the attributions it may see are its own."""

    page: tuple[Attribution, ...]
    offset: int
    shown: int
    hidden: HiddenMoney
    own_only: bool = False


def own_only(viewer: Viewer, restriction: Restriction | None) -> bool:
    """Whether the viewer sees only its own attributions of a package under `restriction`."""
    return not viewer.sees_contents(restriction)


def payment_facts(
    viewer: Actor | Viewer,
    package: Package,
    contributions: Mapping[ContributionId, Contribution],
    *,
    offset: int = 0,
    limit: int | None = None,
) -> PaymentFacts:
    """`PaymentFacts` counted over the whole package, whose payers are `contributions` (a part
    whose contribution is missing is hidden, from a payer of its own)."""
    reader = viewer_of(viewer)
    only_own = own_only(reader, package.restriction)
    shown: list[Attribution] = []
    minor = 0
    by_line: dict[LineId, set[str]] = {}
    for part in package.attributions:
        owner = contributions.get(part.contribution_id)
        if owner is None or not can_see_amount(reader, owner):
            minor += part.amount.minor
            by_line.setdefault(part.line_id, set()).add("" if owner is None else owner.contributor)
        elif not only_own or reader.owns(owner.contributor):
            shown.append(part)
    payers = len(set().union(*by_line.values())) if by_line else 0
    hidden = HiddenMoney(minor, payers, {line: len(who) for line, who in by_line.items()})
    end = None if limit is None else offset + limit
    return PaymentFacts(tuple(shown[offset:end]), offset, len(shown), hidden, only_own)


def package_money(
    viewer: Actor | Viewer,
    facts: PaymentFacts,
    *,
    min_hidden_contributors: int,
    limit: int | None = None,
) -> PackageMoney:
    """The page of the package's money that `facts` describe, as the viewer may see it: the
    money it may not see folded into one bucket, published only where it covers enough
    contributors (k is `min_hidden_contributors`, `Viewer.bucket_minimum`), and where it does
    not, the package's cost withheld with the cost of each line it would reveal. Where the
    contents are restricted from the viewer, only its own attributions, and no bucket."""
    k = viewer_of(viewer).bucket_minimum(min_hidden_contributors)
    hidden = facts.hidden
    withheld = counted_seal(hidden.payers_by_line, hidden.payers, k=k)
    page = [AttributionView(a.contribution_id, a.line_id, a.amount) for a in facts.page]
    bucket = hidden.payers > 0 and not withheld.whole and not facts.own_only
    count = facts.shown + bucket
    if bucket and facts.offset <= facts.shown < facts.offset + (inf if limit is None else limit):
        page.append(AttributionView(None, None, Money(hidden.minor, USD)))
    return PackageMoney(page, withheld, withheld_reason(k), not facts.own_only, count, facts.offset)


def redact_attributions(
    viewer: Actor | Viewer,
    package: Package,
    contributions: Mapping[ContributionId, Contribution],
    *,
    min_hidden_contributors: int,
    offset: int = 0,
    limit: int | None = None,
) -> PackageMoney:
    """The package's money as the viewer may see it (`package_money`), counted over the whole
    package: all of it, or the page from `offset` of at most `limit` attributions."""
    facts = payment_facts(viewer, package, contributions, offset=offset, limit=limit)
    return package_money(
        viewer, facts, min_hidden_contributors=min_hidden_contributors, limit=limit
    )


def payers_of(money: PackageMoney) -> Sequence[ContributionId]:
    """The contributions the page's payments name (the bucket names none)."""
    return [a.contribution_id for a in money.attributions if a.contribution_id is not None]
