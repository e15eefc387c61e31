"""Burden-sharing: each nation's received contributions against its GDP, and its share of the
pool against its share of the participants' combined GDP.

A group's money counts for its members by the parts they gave (`member_parts`); a group's
contribution that lists no parts stays the group's, said so, and is never split by guess.

Confidentiality (docs/SECURITY.md, "Confidential amounts"): GDP is public, so a nation's share
of its GDP, or of the pool, gives its amount back. A nation with received money the viewer may
not see has its amount and every ratio withheld; money whose giver is anonymous to the viewer
is counted for no nation. The undisclosed money enters the pool only as one bucket summed over
at least k contributors (`disclosure`); with fewer, the pool is the disclosed money alone, and
the report says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction

from purldesk.domain.gdp import GdpFigure
from purldesk.domain.money import USD, Money
from purldesk.domain.participants import Participant, ParticipantCode, ParticipantStatus

CENTS_PER_USD = 100
GDP_SHARE_PLACES = 4  # a share of GDP is some hundredths of a percent: 0.0517%
SHARE_PLACES = 2  # shares of the pool and of the combined GDP, in percent


def rounded(ratio: Fraction | None, *, places: int = SHARE_PLACES) -> Decimal | None:
    """A ratio as a decimal, rounded half-even to `places` decimals (None stays None)."""
    if ratio is None:
        return None
    with localcontext() as context:
        context.prec = 50
        value = Decimal(ratio.numerator) / Decimal(ratio.denominator)
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)


def percent(ratio: Fraction | None, *, places: int = SHARE_PLACES) -> Decimal | None:
    """A ratio in percent, rounded half-even to `places` decimals."""
    return None if ratio is None else rounded(ratio * 100, places=places)


@dataclass(frozen=True, slots=True)
class ReceivedBy:
    """Received money of one giver as one viewer may see it: the USD of its contributions whose
    amounts it may see, and how many of its contributions' amounts it may not."""

    contributor: ParticipantCode | None  # None: every giver anonymous to the viewer, as one
    usd_minor: int
    hidden: int


@dataclass(frozen=True, slots=True)
class HiddenReceived:
    """Received money whose amounts the viewer may not see, summed: published only as a bucket
    over at least k distinct contributors."""

    usd_minor: int
    contributors: int  # distinct givers
    contributions: int


NOTHING_HIDDEN = HiddenReceived(0, 0, 0)


@dataclass(frozen=True, slots=True)
class NationShare:
    """One nation's row. Its money and ratios are None where withheld (`withheld`), its GDP
    figures where it has no GDP figure."""

    code: ParticipantCode
    name: str
    received_usd: Money | None  # directly and through its groups' parts
    through_groups_usd: Money | None  # of which its parts of groups' contributions
    gdp: GdpFigure | None
    share_of_gdp: Fraction | None  # received USD over GDP
    share_of_pool: Fraction | None  # received USD over the pool
    share_of_combined_gdp: Fraction | None  # GDP over the listed nations' combined GDP
    withheld: bool = False  # it has received money the viewer may not see

    @property
    def fair_share_index(self) -> Fraction | None:
        """Its share of the pool over its share of the combined GDP: 1 pays its GDP's share."""
        if self.share_of_pool is None or not self.share_of_combined_gdp:
            return None
        return self.share_of_pool / self.share_of_combined_gdp


@dataclass(frozen=True, slots=True)
class UnsplitGroup:
    """A group's received money that lists no members' parts: the group's, not split."""

    code: ParticipantCode
    name: str
    members: tuple[ParticipantCode, ...]
    received_usd: Money
    share_of_pool: Fraction | None


@dataclass(frozen=True, slots=True)
class BurdenSharing:
    nations: tuple[NationShare, ...]
    unsplit: tuple[UnsplitGroup, ...]
    anonymous_usd: Money  # disclosed money whose giver is anonymous to the viewer
    undisclosed_usd: Money | None  # the bucket; None: there is none, or it is withheld
    undisclosed_count: int  # contributions whose amounts the viewer may not see
    undisclosed_from: tuple[ParticipantCode, ...]  # the givers of those it may know by name
    pool_usd: Money  # what every share of the pool is measured against
    pool_complete: bool  # False: undisclosed money is left out of the pool
    combined_gdp_usd: int  # of the listed nations that have a GDP figure

    @property
    def withheld_any(self) -> bool:
        return not self.pool_complete or any(n.withheld for n in self.nations)


def listed_nations(
    participants: Iterable[Participant], gave: Iterable[ParticipantCode]
) -> list[Participant]:
    """The nations the report lists: every contributing nation that joined, and any other that
    gave money the viewer knows of."""
    known = set(gave)
    return [
        p
        for p in participants
        if not p.is_group
        and p.can_contribute
        and (p.status is ParticipantStatus.JOINED or p.code in known)
    ]


def _share(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole > 0 else None


def burden_sharing(
    *,
    participants: Sequence[Participant],
    received: Iterable[ReceivedBy],
    member_parts: Iterable[tuple[ParticipantCode, ParticipantCode, int]],
    hidden: HiddenReceived = NOTHING_HIDDEN,
    gdp: Mapping[ParticipantCode, GdpFigure],
    k: int,
) -> BurdenSharing:
    """The report from what the viewer may see: `received` by giver, the members' parts (group,
    member, USD) of the groups' contributions it sees in full, the undisclosed money summed
    (`hidden`), each nation's GDP, and k, the fewest contributors a published bucket covers."""
    visible: dict[ParticipantCode, int] = defaultdict(int)
    hidden_from: set[ParticipantCode] = set()
    anonymous = undisclosed = 0
    for row in received:
        undisclosed += row.hidden
        if row.contributor is None:
            anonymous += row.usd_minor
            continue
        visible[row.contributor] += row.usd_minor
        if row.hidden:
            hidden_from.add(row.contributor)
    through: dict[ParticipantCode, int] = defaultdict(int)
    split: dict[ParticipantCode, int] = defaultdict(int)
    for group, member, usd_minor in member_parts:
        through[member] += usd_minor
        split[group] += usd_minor
    bucket_shown = hidden.contributions > 0 and hidden.contributors >= k
    pool = sum(visible.values()) + anonymous + (hidden.usd_minor if bucket_shown else 0)
    gave = {code for code, minor in visible.items() if minor} | set(through) | hidden_from
    nations = listed_nations(participants, gave)
    combined = sum(gdp[n.code].gdp_usd for n in nations if n.code in gdp)
    rows = [
        _nation(n, visible.get(n.code, 0), through.get(n.code, 0), gdp.get(n.code),
                pool=pool, combined=combined, withheld=n.code in hidden_from)
        for n in nations
    ]  # fmt: skip
    unsplit = [
        UnsplitGroup(g.code, g.name, g.members, Money(rest, USD), _share(rest, pool))
        for g in participants
        if g.is_group and (rest := visible.get(g.code, 0) - split.get(g.code, 0)) > 0
    ]
    return BurdenSharing(
        nations=tuple(sorted(rows, key=_order)), unsplit=tuple(unsplit),
        anonymous_usd=Money(anonymous, USD),
        undisclosed_usd=Money(hidden.usd_minor, USD) if bucket_shown else None,
        undisclosed_count=undisclosed, undisclosed_from=tuple(sorted(hidden_from)),
        pool_usd=Money(pool, USD),
        pool_complete=hidden.contributions == 0 or bucket_shown, combined_gdp_usd=combined,
    )  # fmt: skip


def _nation(
    nation: Participant,
    direct_minor: int,
    through_minor: int,
    figure: GdpFigure | None,
    *,
    pool: int,
    combined: int,
    withheld: bool,
) -> NationShare:
    gdp_share = None if figure is None else _share(figure.gdp_usd, combined)
    if withheld:
        return NationShare(
            nation.code, nation.name, None, None, figure, None, None, gdp_share, True
        )
    received = direct_minor + through_minor
    return NationShare(
        nation.code, nation.name, Money(received, USD), Money(through_minor, USD), figure,
        None if figure is None else Fraction(received, figure.gdp_usd * CENTS_PER_USD),
        _share(received, pool), gdp_share,
    )  # fmt: skip


def _order(row: NationShare) -> tuple[bool, Fraction, str]:
    """The largest share of GDP first; a withheld share or one without GDP last, by name."""
    share = row.share_of_gdp
    return (share is None, -share if share is not None else Fraction(0), row.name)
