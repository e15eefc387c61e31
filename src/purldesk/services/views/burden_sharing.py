"""The burden-sharing report: each nation's received contributions against its GDP, and its
share of the pool against its share of the participants' combined GDP, as one viewer may see
them (the rule is `domain/burden.py`'s; GDP figures are the bundled ones, then those imported)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from purldesk.domain import burden
from purldesk.domain.access import PUBLIC, Viewer
from purldesk.domain.burden import BurdenSharing
from purldesk.domain.disclosure import withheld_reason
from purldesk.domain.gdp import GdpFigure
from purldesk.domain.participants import ParticipantCode
from purldesk.services import gdp
from purldesk.services.read_ports import Reader
from purldesk.services.views.overview import LIVE


@dataclass(frozen=True, slots=True)
class BurdenSharingView:
    report: BurdenSharing
    names: Mapping[ParticipantCode, str]
    withheld: str = ""  # why the figures that are None are not published ("": none is)


def burden_sharing(
    reader: Reader, *, viewer: Viewer, bundled: Iterable[GdpFigure]
) -> BurdenSharingView:
    """The report as `viewer` may see it, with the `bundled` GDP figures where none was
    imported for a later (or the same) year. The public's, the same for everyone (the public
    page shows it), is kept while no command has committed (`services/memo.py`)."""
    figures = tuple(bundled)
    if viewer != PUBLIC:
        return _burden_sharing(reader, viewer=viewer, bundled=figures)
    with reader:
        mark = reader.state_mark()
    return reader.memo.get(
        ("burden-sharing", mark, figures),
        lambda: _burden_sharing(reader, viewer=viewer, bundled=figures),
    )


def _burden_sharing(
    reader: Reader, *, viewer: Viewer, bundled: tuple[GdpFigure, ...]
) -> BurdenSharingView:
    with reader:
        participants = reader.participants()
        received = reader.received_by_giver(viewer, statuses=LIVE)
        parts = reader.member_received(viewer, statuses=LIVE)
        hidden = reader.hidden_received(viewer, statuses=LIVE)
        stored = reader.gdp_figures()
        k = viewer.bucket_minimum(reader.min_hidden_contributors)
    report = burden.burden_sharing(
        participants=participants, received=received,
        member_parts=[(p.group, p.member, p.received_usd_minor) for p in parts],
        hidden=hidden, gdp=gdp.in_force(bundled, stored), k=k,
    )  # fmt: skip
    return BurdenSharingView(
        report,
        {p.code: p.name for p in participants},
        withheld_reason(k) if report.withheld_any else "",
    )


def stored_figures(reader: Reader) -> list[GdpFigure]:
    """The GDP figures imported: public reference data, as the FX rates are."""
    with reader:
        return reader.gdp_figures()
