"""Dates of acts: none after the day it is recorded, none before the facts it rests on."""

from __future__ import annotations

from datetime import date

from purldesk.domain.errors import InvalidInput


def not_after(on: date, today: date, *, field: str) -> date:
    """`on`, unless it is after `today`: an act is not recorded before it happens."""
    if on > today:
        raise InvalidInput(field, f"{on} is after today ({today})")
    return on


def not_before(on: date, fact_on: date, *, field: str, fact: str) -> date:
    """`on`, unless it is before `fact_on`, the date of the `fact` the act rests on."""
    if on < fact_on:
        raise InvalidInput(field, f"{on} is before {fact} ({fact_on})")
    return on
