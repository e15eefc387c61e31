"""The recipient's inbox: the shipments awaiting its confirmation that they arrived."""

from __future__ import annotations

from dataclasses import dataclass

from purldesk.domain.access import Viewer
from purldesk.services.deliveries import ConfirmReceipt
from purldesk.services.read_ports import Reader
from purldesk.services.views.offers import is_offered
from purldesk.services.views.rows import DeliveryRow, delivery, restricted_from

SHOWN = 50  # the earliest shipped are listed; the rest are counted


@dataclass(frozen=True, slots=True)
class InboxView:
    shipments: list[DeliveryRow]  # the earliest shipped first
    waiting: int  # every shipment awaiting confirmation, those listed or not


def inbox(reader: Reader, *, viewer: Viewer) -> InboxView | None:
    """What awaits the viewer's confirmation; None for a viewer that confirms nothing."""
    if not is_offered(viewer, ConfirmReceipt):
        return None
    with reader:
        hidden = restricted_from(reader, viewer)
        found = reader.unconfirmed_shipments(limit=SHOWN)
        waiting = reader.count_unconfirmed_shipments()
    rows = [
        delivery(s.shipment, line_ref=s.line_ref, item_name=s.item_name)
        for s in found
        if s.shipment.package_id not in hidden
    ]
    return InboxView(rows, waiting)
