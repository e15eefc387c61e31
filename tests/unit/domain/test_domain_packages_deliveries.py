"""Packages (cost, attribution) and deliveries (shipments and their confirmation)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from builders import (
    DAY,
    make_attribution,
    make_package,
    make_package_line,
    make_shipment,
    money,
    usd,
)
from purldesk.domain.errors import Conflict, CurrencyMismatch, InvalidInput
from purldesk.domain.packages import DEFAULT_TARGET, package_ref


def test_default_target_is_usd_500_million() -> None:
    assert usd(50_000_000_000) == DEFAULT_TARGET
    assert make_package().target == DEFAULT_TARGET


def test_package_cost_is_its_lines_in_whole_lots() -> None:
    package = make_package(
        lines=(
            make_package_line(line_id=1, lots=3, lot_price=usd(1_000_00)),
            make_package_line(line_id=2, lots=1, lot_price=usd(250_00)),
        )
    )
    assert package.cost == usd(3_250_00)
    assert make_package().cost == usd(0)


def test_package_is_fully_attributed_when_money_meets_the_cost() -> None:
    line = make_package_line(lots=2, lot_price=usd(500))
    partly = make_package(lines=(line,), attributions=(make_attribution(amount=usd(600)),))
    assert partly.attributed == usd(600)
    assert not partly.is_fully_attributed
    full = make_package(
        lines=(line,),
        attributions=(
            make_attribution(contribution_id=1, amount=usd(600)),
            make_attribution(contribution_id=2, amount=usd(400)),
        ),
    )
    assert full.is_fully_attributed


def test_package_line_needs_at_least_one_lot() -> None:
    with pytest.raises(InvalidInput) as caught:
        make_package_line(lots=0)
    assert caught.value.field == "lots"


def test_a_line_priced_in_another_currency_cannot_be_summed_into_usd() -> None:
    package = make_package(lines=(make_package_line(lot_price=money(100, "EUR")),))
    with pytest.raises(CurrencyMismatch):
        _ = package.cost


def test_package_ref() -> None:
    assert package_ref(3) == "P-0003"
    assert make_package(id=42).ref == "P-0042"


# --- deliveries ---------------------------------------------------------------------------


def test_recipient_confirms_receipt_of_a_shipment() -> None:
    shipment = make_shipment(shipped_on=DAY)
    assert not shipment.is_confirmed
    confirmed = shipment.confirm_receipt(on=DAY + timedelta(days=3))
    assert confirmed.is_confirmed
    assert confirmed.received_on == DAY + timedelta(days=3)
    assert not shipment.is_confirmed


def test_receipt_on_the_shipping_day_is_fine() -> None:
    assert make_shipment(shipped_on=DAY).confirm_receipt(on=DAY).received_on == DAY


def test_receipt_before_shipping_is_rejected() -> None:
    with pytest.raises(InvalidInput) as caught:
        make_shipment(shipped_on=DAY).confirm_receipt(on=DAY - timedelta(days=1))
    assert caught.value.field == "received_on"


def test_a_shipment_is_confirmed_once() -> None:
    confirmed = make_shipment().confirm_receipt(on=DAY)
    with pytest.raises(Conflict):
        confirmed.confirm_receipt(on=DAY + timedelta(days=1))


def test_a_shipment_carries_at_least_one_unit() -> None:
    with pytest.raises(InvalidInput) as caught:
        make_shipment(quantity=0)
    assert caught.value.field == "quantity"
