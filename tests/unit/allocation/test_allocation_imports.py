"""The engine is self-contained: only the standard library and itself (HiGHS in mip.py)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import purldesk.allocation

PACKAGE = Path(purldesk.allocation.__file__).parent


def imported_roots(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_allocation_imports_only_stdlib_itself_and_highspy_in_mip() -> None:
    for path in sorted(PACKAGE.glob("*.py")):
        for name in imported_roots(path):
            root = name.split(".")[0]
            if root == "purldesk":
                assert name.startswith("purldesk.allocation"), (path.name, name)
            elif root == "highspy":
                assert path.name == "mip.py", path.name
            else:
                assert root in sys.stdlib_module_names, (path.name, name)


def test_the_engine_runs_without_highspy() -> None:
    code = (
        "import sys; sys.modules['highspy'] = None\n"
        "import purldesk.allocation as a\n"
        "assert 'highspy' not in [m for m in sys.modules if sys.modules[m] is not None]\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_cli_module_imports_the_engine_lazily() -> None:
    code = (
        "import sys, purldesk.entrypoints.cli.allocate\n"
        "assert 'purldesk.allocation' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
