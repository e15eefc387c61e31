"""The layer rules of docs/ARCHITECTURE.md hold: import-linter checks the contracts written in
pyproject.toml ([tool.importlinter]) over every import of src/purldesk, indirect ones included;
`make lint` runs the same check as `lint-imports`."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_the_layer_contracts_are_stated() -> None:
    contracts = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"][
        "contracts"
    ]
    kinds = {contract["type"] for contract in contracts}
    assert {"layers", "forbidden", "protected", "acyclic_siblings"} <= kinds


def test_every_layer_contract_is_kept() -> None:
    command = [str(Path(sys.executable).parent / "lint-imports"), "--config", str(PYPROJECT)]
    result = subprocess.run(
        command, check=False, capture_output=True, text=True, cwd=PYPROJECT.parent
    )
    assert result.returncode == 0, result.stdout + result.stderr
