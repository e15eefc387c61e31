"""Tables of reference data: exchange rates per euro and nations' GDP figures, as loaded.

On the same declarative base as `tables.py` (so in the same metadata, which the migrations
environment imports with this module)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from purldesk.adapters.storage.tables import NAME, RATE, URL, Base, UtcDateTime


class FxRateRow(Base):
    """Append-only: a reference rate per euro; the key is also the lookup's index."""

    __tablename__ = "fx_rates"

    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    rate_date: Mapped[date] = mapped_column(Date, primary_key=True)
    per_eur: Mapped[str] = mapped_column(String(RATE))  # a Decimal's exact string
    source: Mapped[str] = mapped_column(String(NAME))
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class GdpFigureRow(Base):
    """A nation's GDP of one year (whole current USD), as imported; a later import of the same
    nation and year replaces it. Figures bundled with the software are not stored."""

    __tablename__ = "gdp_figures"

    nation: Mapped[str] = mapped_column(ForeignKey("participants.code"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    gdp_usd: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(NAME))
    url: Mapped[str] = mapped_column(String(URL))
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime())
