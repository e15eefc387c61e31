"""The statement report as a JSON document and as a table (CSV, XLSX): what a contributor's
money bought, line by line, a member's shares of what its groups' money bought, and the
substitution effects of its restricted money. Registered as `reports.STATEMENT`."""

from __future__ import annotations

from typing import Any

from purldesk.adapters.exports.report_values import amount, day, figure, money_cell
from purldesk.adapters.exports.sheets import Cell, Table
from purldesk.adapters.exports.substitution import told_document
from purldesk.services.views.contributions import ContributionRow
from purldesk.services.views.member_statement import MemberPartRow, MemberShareRow, ThroughGroups
from purldesk.services.views.statement import StatementView
from purldesk.services.views.substitutions import SubstitutionRow


def _contribution(row: ContributionRow) -> dict[str, Any]:
    view = row.view
    return {
        "ref": view.ref, "status": view.status.value, "pledged_on": day(view.pledged_on),
        "received_on": day(view.received_on), "confidential": view.confidential,
        "amount": None if view.amount is None else amount(view.amount),
        "usd": None if row.usd is None else amount(row.usd),
    }  # fmt: skip


def _member_part(row: MemberPartRow) -> dict[str, Any]:
    conversion = row.part.conversion
    return {
        "contribution": row.contribution_ref, "group": row.group, "group_name": row.group_name,
        "status": row.status, "amount": amount(row.part.amount), "usd": amount(row.part.usd),
        "fx_rate": str(conversion.rate), "fx_rate_date": day(conversion.rate_date),
        "fx_source": conversion.source, "group_usd": figure(row.whole_usd),
        "shares_shown": row.shares_shown,
    }  # fmt: skip


def _member_share(row: MemberShareRow) -> dict[str, Any]:
    return {
        "contribution": row.contribution_ref, "group": row.group, "package": row.package_ref,
        "package_status": row.package_status, "line": row.line_ref, "item": row.item_name,
        "amount": amount(row.amount), "group_amount": amount(row.group_amount),
        "shipped": row.shipped, "received": row.received,
    }  # fmt: skip


def through_groups(groups: ThroughGroups) -> dict[str, Any]:
    """A member's parts of its groups' contributions and its shares of what they bought."""
    return {
        "parts": [_member_part(p) for p in groups.parts],
        "rows": [_member_share(r) for r in groups.rows],
        "spent_usd": amount(groups.spent_usd),
    }


def statement(view: StatementView) -> dict[str, Any]:
    return {
        "contributor": view.contributor,
        "name": view.contributor_name,
        "contributions": [_contribution(c) for c in view.contributions],
        "contribution_count": view.contributions_slice.total,
        "contributions_offset": view.contributions_slice.offset,
        "rows": [
            {
                "contribution": r.contribution_ref,
                "package": r.package_ref,
                "package_status": r.package_status,
                "line": r.line_ref,
                "item": r.item_name,
                "amount": amount(r.amount),
                "shipped": r.shipped,
                "received": r.received,
            }
            for r in view.rows
        ],
        "line_count": view.lines_slice.total,
        "lines_offset": view.lines_slice.offset,
        "spent_usd": amount(view.spent_usd),
        "unallocated_usd": amount(view.unallocated_usd),
        "substitutions": statement_substitutions(view),
        "effect_count": view.effects_slice.total,
        "effects_offset": view.effects_slice.offset,
        "through_groups": through_groups(view.through_groups),
    }


def statement_substitutions(view: StatementView) -> list[dict[str, Any]]:
    """Per allocation, what the contributor's restricted money took over, and where the other
    money went: lines and line amounts (null: withheld), never whose money."""
    return [_substitution(found) for found in view.substitutions]


def _substitution(found: SubstitutionRow) -> dict[str, Any]:
    return {
        "on": found.on.isoformat(), "recorded_at": found.recorded_at.isoformat(),
        "packages": list(found.packages),
        **told_document(found.effect, sentence=found.sentence, money=amount),
    }  # fmt: skip


# `other_money_usd` is filled on substitution rows only: money that is not the contributor's,
# so it never adds up with `amount_usd`.
STATEMENT_HEADER = ("contribution", "package", "package status", "line", "item", "amount_usd",
                    "shipped", "received", "other_money_usd")  # fmt: skip


def statement_table(view: StatementView) -> Table:
    """What the contributor's money bought, line by line; then a member's shares of what its
    groups' money bought, the contribution named with its group (`C-00002 via NORDIC-3`); then
    the substitution rows."""
    rows: list[list[Cell]] = [
        [r.contribution_ref, r.package_ref, r.package_status, r.line_ref, r.item_name,
         money_cell(r.amount), r.shipped, r.received, ""]
        for r in view.rows
    ]  # fmt: skip
    rows += [
        [f"{r.contribution_ref} via {r.group}", r.package_ref, r.package_status, r.line_ref,
         r.item_name, money_cell(r.amount), r.shipped, r.received, ""]
        for r in view.through_groups.rows
    ]  # fmt: skip
    return Table(
        "statement", STATEMENT_HEADER, rows + substitution_rows(view),
        money=frozenset({"amount_usd", "other_money_usd"}), totals=statement_totals(view),
    )  # fmt: skip


def statement_totals(view: StatementView) -> list[list[Cell]]:
    """What a workbook adds below the rows: the contributor's own money in packages and, for
    a member, its shares of what its groups' money bought."""
    totals = [("total in packages", view.spent_usd)]
    if view.through_groups.rows:
        totals.append(("total through groups", view.through_groups.spent_usd))
    column = STATEMENT_HEADER.index("amount_usd")
    return [[label if i == 0 else money_cell(money) if i == column else ""
             for i in range(len(STATEMENT_HEADER))] for label, money in totals]  # fmt: skip


def substitution_rows(view: StatementView) -> list[list[Cell]]:
    """A row per line an allocation's substitution effect names: `package status` says how the
    other money moved ("substitution: took over", "… also left", "… went to", "… stayed
    unallocated" (negative: less), "… lines not named"); its amount is in `other_money_usd`,
    empty where withheld."""
    rows: list[list[Cell]] = []
    for found in view.substitutions:
        packages, effect = " ".join(found.packages), found.effect
        for kind, lines in (("took over", effect.took_over), ("also left", effect.left),
                            ("went to", effect.went_to)):  # fmt: skip
            rows += [
                ["", packages, f"substitution: {kind}", line.ref, "", "", "", "",
                 money_cell(line.amount)]
                for line in lines
            ]  # fmt: skip
        if effect.unallocated is not None and effect.unallocated.minor:
            unallocated = money_cell(effect.unallocated)
            rows.append(["", packages, "substitution: stayed unallocated", "", "", "", "", "",
                         unallocated])  # fmt: skip
        if effect.unnamed:
            rows.append(["", packages, "substitution: lines not named", "", "", "", "", "",
                         ""])  # fmt: skip
    return rows
