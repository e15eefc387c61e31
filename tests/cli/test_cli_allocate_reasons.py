"""`purldesk allocate --cycle` words every reason's amounts as money, never as minor units."""

from __future__ import annotations

import re

from test_cli_allocate_cycle import propose, run

SHORT_IN_MONEY = re.compile(r"USD \d{1,3}(,\d{3})*\.\d{2} short")


def test_the_json_reasons_name_the_shortfall_in_money(demo_url: str) -> None:
    proposal = propose(demo_url)
    blocked = [line["blocked_by"] for line in proposal["result"]["lines"] if line["blocked_by"]]
    assert blocked
    for reason in blocked:
        assert SHORT_IN_MONEY.search(reason["message"]), reason["message"]
        assert "minor units" not in reason["message"]


def test_the_printed_reasons_name_the_shortfall_in_money(demo_url: str) -> None:
    code, out, err = run(demo_url, "allocate", "--cycle", "2025-09", "--on", "2025-12-05")
    assert code == 0, err
    assert SHORT_IN_MONEY.search(out) and "minor units" not in out
