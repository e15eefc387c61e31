"""The layers import only inwards: checked by walking every module's imports with `ast`.

domain       the standard library and purldesk.domain
allocation   the standard library, purldesk.allocation, and highspy in allocation/mip.py only
services     the standard library, purldesk.domain, purldesk.allocation, purldesk.services
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "purldesk"
STDLIB = frozenset(sys.stdlib_module_names)


@dataclass(frozen=True)
class Layer:
    name: str
    own_packages: tuple[str, ...]
    # third-party top-level module -> the only files (relative to the layer folder) allowed it
    third_party: tuple[tuple[str, frozenset[str]], ...] = ()


LAYERS = {
    "domain": Layer("domain", ("purldesk.domain",)),
    "allocation": Layer(
        "allocation", ("purldesk.allocation",), (("highspy", frozenset({"mip.py"})),)
    ),
    "services": Layer("services", ("purldesk.domain", "purldesk.allocation", "purldesk.services")),
}


def module_name(path: Path) -> str:
    """`src/purldesk/domain/money.py` -> `purldesk.domain.money` (a package is its __init__)."""
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, *, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """(line, absolute module) for every import in `source`, relative ones resolved."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts)
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if target == "purldesk" or (node.level and not node.module):
                # `from purldesk import domain` / `from . import x` import submodules by name
                for alias in node.names:
                    yield node.lineno, f"{target}.{alias.name}"
            else:
                yield node.lineno, target


def _within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def is_allowed(imported: str, *, layer: Layer, file_in_layer: str) -> bool:
    top = imported.split(".", 1)[0]
    if top == "purldesk":
        return any(_within(imported, own) for own in layer.own_packages)
    if top in STDLIB:
        return True
    return any(top == name and file_in_layer in files for name, files in layer.third_party)


def forbidden_imports(
    source: str, *, layer: Layer, module: str, file_in_layer: str, is_package: bool = False
) -> list[str]:
    """Each import of `source` its layer does not allow, as 'module:line imports name'."""
    return [
        f"{module}:{line} imports {imported}"
        for line, imported in imported_modules(source, module=module, is_package=is_package)
        if not is_allowed(imported, layer=layer, file_in_layer=file_in_layer)
    ]


def layer_files(name: str) -> list[Path]:
    return sorted((PACKAGE / name).rglob("*.py"))


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layer_imports_only_what_it_may(name: str) -> None:
    layer = LAYERS[name]
    files = layer_files(name)
    assert files, f"no modules found under {PACKAGE / name}"
    violations = [
        violation
        for path in files
        for violation in forbidden_imports(
            path.read_text(encoding="utf-8"),
            layer=layer,
            module=module_name(path),
            file_in_layer=path.relative_to(PACKAGE / name).as_posix(),
            is_package=path.name == "__init__.py",
        )
    ]
    assert not violations, f"{name} imports what it must not:\n" + "\n".join(violations)


def test_the_api_and_the_web_do_not_reach_into_the_command_line() -> None:
    """The CLI is outermost (it serves the app); what the API or the web shares with it lives
    in adapters/ or services/."""
    files = [
        path
        for name in ("api", "web")
        for path in sorted((PACKAGE / "entrypoints" / name).rglob("*.py"))
    ]
    assert files
    offenders = [
        f"{module_name(path)}:{line} imports {imported}"
        for path in files
        for line, imported in imported_modules(
            path.read_text(encoding="utf-8"), module=module_name(path),
            is_package=path.name == "__init__.py",
        )
        if _within(imported, "purldesk.entrypoints.cli")
    ]  # fmt: skip
    assert not offenders, "\n".join(offenders)


# --- the checker itself -------------------------------------------------------------------


def check(source: str, layer: str, file_in_layer: str = "thing.py") -> list[str]:
    module = f"purldesk.{layer}.{file_in_layer.removesuffix('.py').replace('/', '.')}"
    return forbidden_imports(
        source, layer=LAYERS[layer], module=module, file_in_layer=file_in_layer
    )


def test_checker_flags_each_forbidden_import_with_its_line() -> None:
    source = (
        "from __future__ import annotations\n"
        "import json\n"
        "import sqlalchemy.orm\n"
        "from purldesk.services import ports\n"
        "from purldesk.domain.money import Money\n"
        "if True:\n"
        "    from fastapi import APIRouter\n"
    )
    assert check(source, "domain") == [
        "purldesk.domain.thing:3 imports sqlalchemy.orm",
        "purldesk.domain.thing:4 imports purldesk.services",
        "purldesk.domain.thing:7 imports fastapi",
    ]


def test_checker_sees_imports_inside_functions_and_type_checking_blocks() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from purldesk.adapters.storage import tables\n"
        "def f() -> None:\n"
        "    import rich\n"
    )
    assert check(source, "domain") == [
        "purldesk.domain.thing:3 imports purldesk.adapters.storage",
        "purldesk.domain.thing:5 imports rich",
    ]


def test_checker_resolves_relative_and_package_imports() -> None:
    assert check("from . import money\nfrom .errors import InvalidInput\n", "domain") == []
    assert check("from ..services import ports\n", "domain") == [
        "purldesk.domain.thing:1 imports purldesk.services"
    ]
    assert check("from purldesk import domain\n", "allocation") == [
        "purldesk.allocation.thing:1 imports purldesk.domain"
    ]
    assert check("import purldesk\n", "services") == ["purldesk.services.thing:1 imports purldesk"]


def test_highspy_is_allowed_in_allocation_mip_only() -> None:
    assert check("import highspy\n", "allocation", "mip.py") == []
    assert check("import highspy\n", "allocation", "solve.py") == [
        "purldesk.allocation.solve:1 imports highspy"
    ]
    assert check("from highspy import Highs\n", "services") == [
        "purldesk.services.thing:1 imports highspy"
    ]


def test_services_may_use_domain_allocation_and_each_other_but_not_adapters() -> None:
    source = (
        "from purldesk.domain.ledger import verify\n"
        "from purldesk.allocation import solve\n"
        "from purldesk.services.ports import UnitOfWork\n"
        "from purldesk.adapters.fx import EcbRates\n"
        "from purldesk.entrypoints.cli import app\n"
        "import typer\n"
    )
    assert check(source, "services") == [
        "purldesk.services.thing:4 imports purldesk.adapters.fx",
        "purldesk.services.thing:5 imports purldesk.entrypoints.cli",
        "purldesk.services.thing:6 imports typer",
    ]


def test_allocation_may_not_import_the_domain() -> None:
    assert check("from purldesk.domain.money import Money\n", "allocation") == [
        "purldesk.allocation.thing:1 imports purldesk.domain.money"
    ]


def test_a_domain_test_module_name_is_not_a_package_prefix_trick() -> None:
    # purldesk.domainx is not purldesk.domain
    assert check("import purldesk.domainx\n", "domain") == [
        "purldesk.domain.thing:1 imports purldesk.domainx"
    ]
