"""The public transparency report: the overview as the public sees it, whoever asks."""

from __future__ import annotations

from datetime import date

from purldesk.domain.access import PUBLIC
from purldesk.services.read_ports import Reader
from purldesk.services.views.overview import OverviewView, overview


def transparency(reader: Reader, *, today: date, cycle_name: str | None = None) -> OverviewView:
    """What the mechanism achieved, as the public sees it: hidden amounts are only counted."""
    return overview(reader, viewer=PUBLIC, today=today, cycle_name=cycle_name)
