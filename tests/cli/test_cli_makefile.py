"""The commands `make demo` runs are commands the CLI accepts."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from typer.testing import CliRunner

from purldesk.entrypoints.cli.app import app

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"


def test_every_purldesk_call_in_the_makefile_parses() -> None:
    calls = re.findall(r"\$\(VENV\)/bin/purldesk (.+)", MAKEFILE.read_text())
    assert len(calls) >= 2
    for call in calls:
        words = shlex.split(call.replace("$(DEMO_DB)", "demo.sqlite3"))
        result = CliRunner().invoke(app, [*words, "--help"])
        assert result.exit_code == 0, (call, result.output)
