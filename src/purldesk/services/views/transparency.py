"""The public transparency report: the overview as the public sees it, whoever asks."""

from __future__ import annotations

from datetime import date

from purldesk.domain.access import PUBLIC
from purldesk.services.read_ports import Reader
from purldesk.services.views.overview import ContributorsBy, OverviewView, overview


def transparency(
    reader: Reader,
    *,
    today: date,
    cycle_name: str | None = None,
    contributors_by: ContributorsBy = ContributorsBy.GROUPS,
) -> OverviewView:
    """What the mechanism achieved, as the public sees it: hidden amounts are only counted.
    The received money is shown by contributor, a group as one, or (`MEMBERS`) by the members'
    parts of the groups' contributions that list them.

    The same for every caller, so kept while no command has committed (`services/memo.py`)."""
    with reader:
        mark = reader.state_mark()
    return reader.memo.get(
        ("transparency", mark, today, cycle_name, contributors_by),
        lambda: overview(
            reader, viewer=PUBLIC, today=today, cycle_name=cycle_name,
            contributors_by=contributors_by,
        ),
    )  # fmt: skip
