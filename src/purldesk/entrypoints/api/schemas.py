"""What the API's request and response shapes share: the bases (`Schema`, `Input`), `Page`, the
constrained types, and `MoneyRead`. Amounts are integer minor units beside a currency; each router
keeps its own shapes beside it, in `routers/<router>_schemas.py`."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from purldesk.domain.errors import InvalidInput
from purldesk.domain.money import MAX_AMOUNT_MINOR, MAX_QUANTITY, Money
from purldesk.domain.text import check_text, strings_in

T = TypeVar("T")

MinorUnits = Annotated[
    int, Field(description="Integer minor units (cents; KRW and JPY have none).")
]
# The domain's bounds on one amount and one count (`domain/money.py`), shown in the OpenAPI.
PositiveMinor = Annotated[int, Field(ge=1, le=MAX_AMOUNT_MINOR)]
Quantity = Annotated[int, Field(ge=1, le=MAX_QUANTITY)]
Text = Annotated[str, Field(max_length=2000)]
Code = Annotated[str, Field(min_length=1, max_length=40)]
Day = Annotated[date, Field(ge=date(1999, 1, 4), le=date(2100, 12, 31))]


def decimal_text(money: Money) -> str:
    return f"{money.to_decimal():.{money.exponent}f}"


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @classmethod
    def from_attributes(cls, source: object, **computed: Any) -> Self:
        """This shape of `source`: each field is its attribute of the same name, unless given."""
        copied = {name: getattr(source, name) for name in cls.model_fields if name not in computed}
        return cls.model_validate(copied | computed)


class Input(Schema):
    """A request body: no string in it, however nested, may hold a control character.

    Response models stay plain `Schema`, so that text stored before this rule can be read.
    """

    @field_validator("*")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        for where, text in strings_in(value):
            try:
                check_text("value", text)
            except InvalidInput as error:
                inside = "".join(f"[{part}]" for part in where)  # within a list or dict field
                message = f"{inside} {error.message}".lstrip()
                raise PydanticCustomError(
                    "control_character", "{message}", {"message": message}
                ) from None
        return value


class Page(Schema, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class OnDate(Input):
    on: Day | None = Field(default=None, description="The day it happened; default today.")


class MoneyRead(Schema):
    """Money as `{amount_minor, amount, currency}`: integer minor units, the exact decimal in major
    units, the ISO 4217 code."""

    amount_minor: int
    amount: str
    currency: str

    @classmethod
    def of(cls, money: Money) -> Self:
        return cls(amount_minor=money.minor, amount=decimal_text(money), currency=money.currency)
