"""A commit given the digest of a preview writes exactly the packages that preview showed, or
nothing: money received in between changes the allocation, and the commit is refused."""

from __future__ import annotations

from dataclasses import replace

import pytest
from test_services_allocation_reasons import AT, LOT, ON, World

from purldesk.domain.contributions import ContributionId
from purldesk.domain.errors import InvalidInput, ProposalChanged
from purldesk.domain.money import USD, Money
from purldesk.services import allocations, previews

TARGET = Money(3_000_000, USD)  # USD 30,000: three kits a package


def preview(world: World) -> allocations.Proposal:
    return allocations.propose(world.uow(), cycle_id=world.cycle_id, on=ON, target=TARGET, at=AT)


def commit(world: World, digest: str | None) -> allocations.Proposal:
    command = allocations.Commit(
        cycle_id=world.cycle_id, package_target=TARGET, on=ON, expected_digest=digest
    )
    result: allocations.Proposal = world.run(command)
    return result


def written(world: World) -> tuple[int, int, int]:
    with world.uow() as uow:
        return len(uow.packages.list()), len(uow.ledger.entries()), len(uow.audit.entries())


@pytest.fixture
def world() -> World:
    made = World()
    made.money("NLD", 50_000)
    return made


def test_the_digest_of_the_preview_commits_the_packages_it_showed(world: World) -> None:
    shown = preview(world)
    assert len(shown.packages) == 2
    made = commit(world, shown.digest)
    assert [
        (tuple((line.line_id, line.lots) for line in p.lines), p.attributions)
        for p in made.committed
    ] == [(s.lots, s.attributions) for s in shown.packages]
    assert made.digest == shown.digest


def test_money_received_after_the_preview_refuses_the_commit_and_writes_nothing(
    world: World,
) -> None:
    shown = preview(world)
    world.money("NLD", 40_000)
    before = written(world)
    with pytest.raises(ProposalChanged) as refused:
        commit(world, shown.digest)
    assert str(refused.value) == "the allocation changed since the preview; preview again"
    assert written(world) == before
    again = preview(world)
    assert again.digest != shown.digest
    assert len(commit(world, again.digest).committed) == len(again.packages) == 3


def test_without_a_digest_the_commit_writes_what_it_computes_now(world: World) -> None:
    preview(world)
    world.money("NLD", 40_000)
    assert len(commit(world, None).committed) == 3


def test_the_digest_covers_lots_and_who_pays_them(world: World) -> None:
    shown = preview(world)
    first, rest = shown.packages[0], shown.packages[1:]
    [part] = first.attributions
    fewer_lots = replace(first, lots=((first.lots[0][0], first.lots[0][1] - 1),))
    paid_less = replace(first, attributions=(replace(part, amount=part.amount - LOT),))
    paid_by_another = replace(
        first, attributions=(replace(part, contribution_id=ContributionId(99)),)
    )
    assert previews.digest(shown.packages) == shown.digest
    for changed in (fewer_lots, paid_less, paid_by_another):
        assert previews.digest([changed, *rest]) != shown.digest
    assert previews.digest(rest) != shown.digest


@pytest.mark.parametrize("digest", ["", "abc", "A" * 64, "0" * 63 + "g"])
def test_a_digest_that_is_not_one_is_refused_naming_its_field(world: World, digest: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        allocations.Commit(cycle_id=world.cycle_id, package_target=TARGET, expected_digest=digest)
    assert refused.value.field == "expected_digest"
