"""Request and response shapes of the fx router: reference rates and the conversion they give."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from purldesk.domain.rates import FxRate
from purldesk.entrypoints.api.schemas import Day, Input, Schema
from purldesk.services.views.rates import ConversionRow, RateRow

Rate = Annotated[
    str,
    Field(
        pattern=r"^[0-9][0-9,]{0,20}(\.[0-9]{1,12})?$",
        description="Units of the currency per euro, as an exact decimal such as 41.2713.",
    ),
]


class FxRateRead(Schema):
    currency: str
    per_eur: str | None = Field(description="Units of the currency per euro; null: no rate.")
    rate_date: date | None
    source: str | None
    loaded_at: datetime | None = Field(
        description="When it was loaded into the database; null for a rate bundled with the "
        "software (or no rate)."
    )
    current: bool = Field(
        description="Whether the rate is as current as publication on working days allows."
    )

    @classmethod
    def of(cls, row: RateRow) -> FxRateRead:
        return cls(
            currency=row.currency, per_eur=None if row.per_eur is None else str(row.per_eur),
            rate_date=row.rate_date, source=row.source, loaded_at=row.loaded_at,
            current=row.is_current,
        )  # fmt: skip


class ConversionRead(Schema):
    currency: str
    into: str
    on: date
    rate: str = Field(description="Units of `into` per unit of `currency`, as recorded.")
    rate_date: date = Field(description="The day of the rate (of the older leg, if crossed).")
    source: str

    @classmethod
    def of(cls, row: ConversionRow) -> ConversionRead:
        return cls(
            currency=row.currency, into=row.into, on=row.on, rate=str(row.rate),
            rate_date=row.rate_date, source=row.source,
        )  # fmt: skip


class FxRatesRead(Schema):
    on: date
    rates: list[FxRateRead]
    conversion: ConversionRead | None = Field(
        description="With `currency`: the rate a conversion of it into USD on `on` would take."
    )


class FxRateCreate(Input):
    """A rate per euro from another official source, for a currency the ECB does not publish."""

    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    rate_date: Day
    per_eur: Rate
    source: Annotated[str, Field(min_length=1, max_length=200)]


class FxRateRecorded(Schema):
    currency: str
    per_eur: str
    rate_date: date
    source: str
    loaded_at: datetime

    @classmethod
    def of(cls, rate: FxRate) -> FxRateRecorded:
        return cls(
            currency=rate.currency, per_eur=str(rate.per_eur), rate_date=rate.rate_date,
            source=rate.source, loaded_at=rate.loaded_at,
        )  # fmt: skip
