"""Initial schema: participants, catalog, cycles and lines, contributions, packages,
shipments, the hash-chained ledger and named id sequences.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "catalog_items",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("area", sa.String(length=40), nullable=False),
        sa.Column("aid_class", sa.String(length=32), nullable=False),
        sa.Column("unit_price_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("lot_size", sa.Integer(), nullable=False),
        sa.Column("available_per_cycle", sa.Integer(), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_catalog_items")),
    )
    op.create_table(
        "cycles",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cycles")),
        sa.UniqueConstraint("name", name=op.f("uq_cycles_name")),
    )
    op.create_table(
        "id_sequences",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_id_sequences")),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=True),
        sa.Column("package_id", sa.Integer(), nullable=True),
        sa.Column("reverses", sa.Integer(), nullable=True),
        sa.Column("fx_from_minor", sa.BigInteger(), nullable=True),
        sa.Column("fx_from_currency", sa.String(length=3), nullable=True),
        sa.Column("fx_to_minor", sa.BigInteger(), nullable=True),
        sa.Column("fx_to_currency", sa.String(length=3), nullable=True),
        sa.Column("fx_rate", sa.String(length=64), nullable=True),
        sa.Column("fx_rate_date", sa.Date(), nullable=True),
        sa.Column("fx_source", sa.String(length=200), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_ledger_entries")),
        sa.UniqueConstraint("hash", name=op.f("uq_ledger_entries_hash")),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ledger_entries_contribution_id"), ["contribution_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ledger_entries_package_id"), ["package_id"], unique=False
        )

    op.create_table(
        "participants",
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_participants")),
    )
    op.create_table(
        "contributions",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("contributor", sa.String(length=16), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("pledged_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("earmark_package_id", sa.Integer(), nullable=True),
        sa.Column("earmark_areas", sa.Text(), nullable=True),
        sa.Column("earmark_aid_classes", sa.Text(), nullable=True),
        sa.Column("earmark_expires_on", sa.Date(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("usd_minor", sa.BigInteger(), nullable=True),
        sa.Column("fx_rate", sa.String(length=64), nullable=True),
        sa.Column("fx_rate_date", sa.Date(), nullable=True),
        sa.Column("fx_source", sa.String(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contributor"],
            ["participants.code"],
            name=op.f("fk_contributions_contributor_participants"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contributions")),
    )
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contributions_contributor"), ["contributor"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contributions_status"), ["status"], unique=False)

    op.create_table(
        "ledger_postings",
        sa.Column("entry_seq", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_seq"],
            ["ledger_entries.seq"],
            name=op.f("fk_ledger_postings_entry_seq_ledger_entries"),
        ),
        sa.PrimaryKeyConstraint("entry_seq", "position", name=op.f("pk_ledger_postings")),
    )
    with op.batch_alter_table("ledger_postings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ledger_postings_account_currency", ["account", "currency"], unique=False
        )

    op.create_table(
        "packages",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("target_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name=op.f("fk_packages_cycle_id_cycles")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_packages")),
    )
    with op.batch_alter_table("packages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_packages_cycle_id"), ["cycle_id"], unique=False)

    op.create_table(
        "participant_members",
        sa.Column("group_code", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("member_code", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_code"],
            ["participants.code"],
            name=op.f("fk_participant_members_group_code_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_code", "position", name=op.f("pk_participant_members")),
    )
    op.create_table(
        "requirement_lines",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("ref", sa.String(length=40), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("area", sa.String(length=40), nullable=False),
        sa.Column("aid_class", sa.String(length=32), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("needed_by", sa.Date(), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["cycles.id"], name=op.f("fk_requirement_lines_cycle_id_cycles")
        ),
        sa.ForeignKeyConstraint(
            ["item_code"],
            ["catalog_items.code"],
            name=op.f("fk_requirement_lines_item_code_catalog_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requirement_lines")),
        sa.UniqueConstraint("cycle_id", "ref", name=op.f("uq_requirement_lines_cycle_id_ref")),
    )
    with op.batch_alter_table("requirement_lines", schema=None) as batch_op:
        batch_op.create_index("ix_requirement_lines_cycle_rank", ["cycle_id", "rank"], unique=False)

    op.create_table(
        "attributions",
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("contribution_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["contribution_id"],
            ["contributions.id"],
            name=op.f("fk_attributions_contribution_id_contributions"),
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["requirement_lines.id"],
            name=op.f("fk_attributions_line_id_requirement_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["packages.id"],
            name=op.f("fk_attributions_package_id_packages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("package_id", "position", name=op.f("pk_attributions")),
    )
    with op.batch_alter_table("attributions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attributions_contribution_id"), ["contribution_id"], unique=False
        )

    op.create_table(
        "package_lines",
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("lots", sa.Integer(), nullable=False),
        sa.Column("lot_price_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_code"],
            ["catalog_items.code"],
            name=op.f("fk_package_lines_item_code_catalog_items"),
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["requirement_lines.id"],
            name=op.f("fk_package_lines_line_id_requirement_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["package_id"],
            ["packages.id"],
            name=op.f("fk_package_lines_package_id_packages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("package_id", "position", name=op.f("pk_package_lines")),
    )
    with op.batch_alter_table("package_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_package_lines_line_id"), ["line_id"], unique=False)

    op.create_table(
        "rank_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["requirement_lines.id"],
            name=op.f("fk_rank_changes_line_id_requirement_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rank_changes")),
    )
    with op.batch_alter_table("rank_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rank_changes_line_id"), ["line_id"], unique=False)

    op.create_table(
        "shipments",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("package_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("shipped_on", sa.Date(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["requirement_lines.id"],
            name=op.f("fk_shipments_line_id_requirement_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["package_id"], ["packages.id"], name=op.f("fk_shipments_package_id_packages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipments")),
    )
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipments_package_id"), ["package_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("shipments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipments_package_id"))

    op.drop_table("shipments")
    with op.batch_alter_table("rank_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rank_changes_line_id"))

    op.drop_table("rank_changes")
    with op.batch_alter_table("package_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_package_lines_line_id"))

    op.drop_table("package_lines")
    with op.batch_alter_table("attributions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attributions_contribution_id"))

    op.drop_table("attributions")
    with op.batch_alter_table("requirement_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_requirement_lines_cycle_rank")

    op.drop_table("requirement_lines")
    op.drop_table("participant_members")
    with op.batch_alter_table("packages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_packages_cycle_id"))

    op.drop_table("packages")
    with op.batch_alter_table("ledger_postings", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_postings_account_currency")

    op.drop_table("ledger_postings")
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contributions_status"))
        batch_op.drop_index(batch_op.f("ix_contributions_contributor"))

    op.drop_table("contributions")
    op.drop_table("participants")
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_entries_package_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_entries_contribution_id"))

    op.drop_table("ledger_entries")
    op.drop_table("id_sequences")
    op.drop_table("cycles")
    op.drop_table("catalog_items")
