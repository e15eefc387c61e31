"""Reference rates per euro: the repository of a unit of work, and the FX adapter's reads."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from sqlalchemy import func, insert, select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from purldesk.adapters.storage.engine import READ_ONLY, session_open_here
from purldesk.adapters.storage.reference_tables import FxRateRow
from purldesk.domain.money import Currency
from purldesk.domain.rates import FxRate, RateRevised

# Rows compared or inserted per statement: well under every driver's bound on parameters.
BATCH = 500


def _rate(row: FxRateRow) -> FxRate:
    return FxRate(
        Currency(row.currency), row.rate_date, Decimal(row.per_eur), row.source, row.loaded_at
    )


class SqlFxRateRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, rates: Sequence[FxRate]) -> int:
        new = [rate for batch in _batches(rates) for rate in self._unstored(batch)]
        for batch in _batches(new):
            self._session.execute(
                insert(FxRateRow),
                [
                    {"currency": r.currency, "rate_date": r.rate_date, "per_eur": str(r.per_eur),
                     "source": r.source, "loaded_at": r.loaded_at}
                    for r in batch
                ],
            )  # fmt: skip
        return len(new)

    def _unstored(self, rates: Sequence[FxRate]) -> list[FxRate]:
        """The rates of `rates` not stored yet; a stored one that differs is refused."""
        keys = [(rate.currency, rate.rate_date) for rate in rates]
        query = select(FxRateRow).where(tuple_(FxRateRow.currency, FxRateRow.rate_date).in_(keys))
        stored = {(r.currency, r.rate_date): _rate(r) for r in self._session.scalars(query)}
        for rate in rates:
            known = stored.get((rate.currency, rate.rate_date))
            if known is not None and known.per_eur != rate.per_eur:
                raise RateRevised(known, rate.per_eur)
        return [rate for rate in rates if (rate.currency, rate.rate_date) not in stored]

    def find(self, currency: str, on: date, *, since: date) -> FxRate | None:
        query = (
            select(FxRateRow)
            .where(FxRateRow.currency == currency)
            .where(FxRateRow.rate_date <= on, FxRateRow.rate_date >= since)
            .order_by(FxRateRow.rate_date.desc())
            .limit(1)
        )
        row = self._session.scalars(query).first()
        return None if row is None else _rate(row)

    def currencies(self) -> frozenset[str]:
        return frozenset(self._session.scalars(select(FxRateRow.currency).distinct()))

    def latest(self) -> list[FxRate]:
        last = (
            select(FxRateRow.currency, func.max(FxRateRow.rate_date).label("rate_date"))
            .group_by(FxRateRow.currency)
            .subquery()
        )
        query = (
            select(FxRateRow)
            .join(
                last,
                (FxRateRow.currency == last.c.currency) & (FxRateRow.rate_date == last.c.rate_date),
            )
            .order_by(FxRateRow.currency)
        )
        return [_rate(row) for row in self._session.scalars(query)]


def _batches(rates: Sequence[FxRate]) -> list[Sequence[FxRate]]:
    return [rates[start : start + BATCH] for start in range(0, len(rates), BATCH)]


class SqlStoredRates:
    """The FX adapter's reads: inside a command, in its own transaction (the rates it read are
    then those its writes rest on, and it needs no second connection); elsewhere, each a short
    read-only transaction of its own, which never takes the write lock."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def find(self, currency: str, on: date, *, since: date) -> FxRate | None:
        with self._read() as rates:
            return rates.find(currency, on, since=since)

    def currencies(self) -> frozenset[str]:
        with self._read() as rates:
            return rates.currencies()

    @contextmanager
    def _read(self) -> Iterator[SqlFxRateRepository]:
        open_here = session_open_here()
        if open_here is not None:
            yield SqlFxRateRepository(open_here)
            return
        with self._sessions() as session:
            session.connection(execution_options={READ_ONLY: True})
            yield SqlFxRateRepository(session)
