"""Members' parts in SQL on both databases: migration 0013 adds their table to a database that
holds contributions already (which read back as given as one), and the database itself refuses
a member twice in one contribution."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError

import member_world
from member_world import DENMARK_PART, PUBLIC_GIFT, PUBLIC_PARTS
from purldesk.adapters.storage import migrate
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.domain.contributions import ContributionId

UowFactory = Callable[[], SqlUnitOfWork]


def test_migration_0013_adds_the_parts_to_contributions_made_before_it(
    database_url: str, engine: Engine, uow_factory: UowFactory
) -> None:
    command.downgrade(migrate.alembic_config(database_url), "0012")
    with engine.connect() as connection:
        assert "contribution_members" not in inspect(connection).get_table_names()
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO participants (code, name, kind, status) VALUES ('NLD', 'Netherlands',"
                " 'ally', 'joined')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO contributions (id, contributor, amount_minor, currency, pledged_on,"
                " status, confidential, anonymous, purpose, source, version) VALUES (1, 'NLD',"
                " 100, 'USD', '2025-08-04', 'pledged', false, false, '', '', 1)"
            )
        )
    migrate.upgrade(database_url)
    with uow_factory() as uow:
        assert uow.contributions.get(ContributionId(1)).members == ()


def test_a_member_twice_in_one_contribution_is_refused_by_the_database(
    engine: Engine, uow_factory: UowFactory
) -> None:
    member_world.seed(uow_factory)
    with uow_factory() as uow:
        assert uow.contributions.get(PUBLIC_GIFT).members == PUBLIC_PARTS
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO contribution_members (contribution_id, position, member,"
                " amount_minor, currency, usd_minor, fx_rate, fx_rate_date, fx_source)"
                " VALUES (:cid, 9, :member, 1, 'DKK', 0, '0.15', '2025-10-02', 'ECB')"
            ),
            {"cid": PUBLIC_GIFT, "member": DENMARK_PART.member},
        )
