"""A statement's world for the read side: `reader_world` with NLD given `count` more
contributions (public, confidential, anonymous, some in euros), each paying a line of a package
of its own batch and holding money in its pool, written through the write ports so that the
fake and both databases hold the same rows. One of them has an id past five digits, whose
reference ("C-123456") is not zero-padded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal

import reader_world
from purldesk.domain import ledger
from purldesk.domain.contributions import Contribution, ContributionId
from purldesk.domain.ledger import LedgerTransaction, Posting, TransactionKind
from purldesk.domain.money import USD, Money, convert
from purldesk.domain.packages import Attribution, PackageId, PackageStatus
from purldesk.domain.requirements import LineId
from purldesk.services.ports import UnitOfWork

NLD = reader_world.NLD
FIRST = 101  # the first id of NLD's added contributions
LONG_ID = ContributionId(123_456)
BATCH = 40  # attributions per package


def contribution(cid: int, n: int) -> Contribution:
    """The `n`th of NLD's added contributions: every third confidential, every fourth
    anonymous, every fifth pledged (and received) in euros."""
    euros = n % 5 == 0
    made = Contribution(
        id=ContributionId(cid), contributor=NLD,
        amount=Money(10_000_00 + n, reader_world.EUR if euros else USD),
        pledged_on=date(2025, 10, 2), purpose="support", source="press release",
        confidential=n % 3 == 0, anonymous=n % 4 == 0,
    )  # fmt: skip
    conversion = convert(
        made.amount, target="USD", rate=Decimal("1.1") if euros else Decimal(1),
        rate_date=date(2025, 10, 9), source="ECB",
    )  # fmt: skip
    return made.receive(on=date(2025, 10, 10), conversion=conversion)


def ids(count: int, *, start: int = 0) -> list[ContributionId]:
    """The ids of the added contributions `start` to `start + count` (the first is LONG_ID)."""
    return [LONG_ID if n == 0 else ContributionId(FIRST + n) for n in range(start, start + count)]


def grow(
    uow_factory: Callable[[], UnitOfWork],
    *,
    count: int,
    start: int = 0,
    into: PackageId | None = None,
) -> None:
    """Add NLD's contributions `start` to `start + count`, their packages (one per BATCH,
    numbered 100 + the number of its first contribution; or all in the package `into`, after
    its own) and their pools."""
    added = ids(count, start=start)
    with uow_factory() as uow:
        for n, cid in enumerate(added, start=start):
            uow.contributions.add(contribution(cid, n))
        if into is not None:
            kept = uow.packages.get(into)
            paying = tuple(_paying(cid, n) for n, cid in enumerate(added, start=start))
            uow.packages.save(replace(kept, attributions=kept.attributions + paying))
        for first in range(0, count if into is None else 0, BATCH):
            batch = list(enumerate(added, start=start))[first : first + BATCH]
            number = 100 + batch[0][0]  # after the first contribution it holds
            package = replace(
                reader_world.packages()[0], id=PackageId(number), name=f"P-{number:04d}",
                status=PackageStatus.ACCEPTED,
                attributions=tuple(_paying(cid, n) for n, cid in batch),
            )  # fmt: skip
            uow.packages.add(package)
        uow.ledger.append(
            [_pooled(cid, n) for n, cid in enumerate(added, start=start)],
            recorded_at=reader_world.AT,
        )
        uow.commit()


def _paying(cid: ContributionId, n: int) -> Attribution:
    return Attribution(cid, LineId(2 + n % 2), Money(100_00 + n, USD))


def _pooled(cid: ContributionId, n: int) -> LedgerTransaction:
    amount = Money(1_000_00 + n, USD)
    return LedgerTransaction(
        kind=TransactionKind.RECEIPT, occurred_on=date(2025, 10, 10), contribution_id=cid,
        postings=(Posting(ledger.pool(cid), amount), Posting(f"receivable:C-{cid:05d}", -amount)),
    )  # fmt: skip


def seed(uow_factory: Callable[[], UnitOfWork], *, count: int) -> None:
    reader_world.seed(uow_factory)
    grow(uow_factory, count=count)
