"""Tables at any width: a listing never cuts an amount short, piped or on a narrow terminal."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from purldesk.entrypoints.cli import common
from purldesk.entrypoints.cli.app import app

MONEY = re.compile(r"\b[A-Z]{3} [0-9][0-9,]*(?:\.[0-9]+)?")


def run(db: str, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--db", db])
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("width", [40, 80, 200])
def test_every_amount_of_a_listing_is_printed_whole_at_any_width(
    demo_url: str, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common.console, "width", width)
    listed = json.loads(run(demo_url, "contributions", "list", "--json"))
    table = run(demo_url, "contributions", "list")

    assert "…" not in table
    printed = set(MONEY.findall(table))
    for contribution in listed:
        assert _money(contribution["amount_minor"], contribution["currency"]) in printed
    assert common.console.width == width  # the terminal's width is left as it was


def _money(minor: int, currency: str) -> str:
    decimals = 0 if currency in {"JPY", "KRW"} else 2
    return f"{currency} {Decimal(minor).scaleb(-decimals):,.{decimals}f}"


def test_piped_at_80_columns_every_amount_is_whole(demo_url: str) -> None:
    """`COLUMNS=80 purldesk contributions list | cat`: a process of its own, its output a pipe."""
    purldesk = str(Path(sys.executable).with_name("purldesk"))
    env = {**os.environ, "COLUMNS": "80"}
    listed = json.loads(run(demo_url, "contributions", "list", "--json"))  # what to look for
    table = subprocess.run(
        [purldesk, "contributions", "list", "--db", demo_url],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "…" not in table
    printed = set(MONEY.findall(table))
    assert all(_money(c["amount_minor"], c["currency"]) in printed for c in listed)
