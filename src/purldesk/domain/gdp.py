"""Gross domestic product: one nation's GDP of one year, in current US dollars, as its source
published it. Reference data for the burden-sharing report: the figures bundled with the
software, and those imported since (`purldesk reference gdp import`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from purldesk.domain.errors import InvalidInput
from purldesk.domain.participants import Participant, ParticipantCode

FIRST_YEAR = 1960  # the first year of the World Bank's and the IMF's series
LAST_YEAR = 2100
# Far beyond the largest economy (some USD 30 trillion): a figure typed in cents or in local
# currency units is refused instead of skewing every share.
MAX_GDP_USD = 10**15
SOURCE_MAX = 200  # characters of a source's name
URL_MAX = 500


@dataclass(frozen=True, slots=True)
class GdpFigure:
    """A nation's GDP in `year`, in whole current US dollars, from `source` (its name) at `url`;
    `loaded_at` is when it was imported, None for a figure bundled with the software."""

    nation: ParticipantCode
    year: int
    gdp_usd: int
    source: str
    url: str
    loaded_at: datetime | None = None

    @property
    def is_bundled(self) -> bool:
        return self.loaded_at is None


def check_figure(figure: GdpFigure) -> GdpFigure:
    """The figure, if its year, value, source and address are plausible; InvalidInput naming
    the field otherwise."""
    if type(figure.year) is not int or not FIRST_YEAR <= figure.year <= LAST_YEAR:
        raise InvalidInput("year", f"{figure.year} is not a year from {FIRST_YEAR} to {LAST_YEAR}")
    if type(figure.gdp_usd) is not int or figure.gdp_usd <= 0:
        raise InvalidInput("gdp_usd", "must be a positive whole number of US dollars")
    if figure.gdp_usd > MAX_GDP_USD:
        raise InvalidInput("gdp_usd", f"{figure.gdp_usd:,} is beyond any economy (USD 10^15)")
    if not figure.source.strip():
        raise InvalidInput("source", "name the source, such as the World Bank's indicator")
    if len(figure.source) > SOURCE_MAX:
        raise InvalidInput("source", f"is {len(figure.source)} characters; at most {SOURCE_MAX}")
    if not figure.url.startswith(("https://", "http://")):
        raise InvalidInput("url", f"{figure.url!r} is not a web address (https://…)")
    if len(figure.url) > URL_MAX:
        raise InvalidInput("url", f"is {len(figure.url)} characters; at most {URL_MAX}")
    return figure


def check_nation(participant: Participant | None, code: str) -> ParticipantCode:
    """A GDP figure is a nation's: a registered participant that is not a group."""
    if participant is None:
        raise InvalidInput("nation", f"{code} is not a registered participant")
    if participant.is_group:
        raise InvalidInput(
            "nation",
            f"{code} is a group; give its members' figures ({', '.join(participant.members)})",
        )
    return participant.code


def latest_by_nation(figures: Iterable[GdpFigure]) -> dict[ParticipantCode, GdpFigure]:
    """Each nation's figure of its latest year; of two figures of one year, an imported one over
    a bundled one, then the one given last (the stored figures come after the bundled ones)."""
    chosen: dict[ParticipantCode, GdpFigure] = {}
    for figure in figures:
        known = chosen.get(figure.nation)
        if known is None or (figure.year, not figure.is_bundled) >= (
            known.year,
            not known.is_bundled,
        ):
            chosen[figure.nation] = figure
    return dict(sorted(chosen.items()))
