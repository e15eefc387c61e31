"""A pledge earmarked to a package from the command line and from a contributions file, on the
demo once an allocation has cut P-0001: the package is kept; a package that is not one is
refused naming `earmark.package` (with its row, in a file), and nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from purldesk.entrypoints.cli.app import app

HEADER = "contributor,amount,currency,pledged_on,received_on,confidential,purpose,earmark_package\n"


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def allocated(demo_url: str) -> str:
    """The demo with its allocation committed: P-0001 and the packages after it are drafts."""
    code, _out, err = run(
        demo_url, "allocate", "--cycle", "2025-09", "--on", "2025-12-05", "--commit"
    )
    assert code == 0, err
    return demo_url


def earmarks(db: str) -> list[int | None]:
    code, out, err = run(db, "contributions", "list", "--json")
    assert code == 0, err
    return [c["earmark"]["package_id"] for c in json.loads(out)]


def test_a_pledge_option_earmarks_money_to_a_package(allocated: str) -> None:
    before = earmarks(allocated)
    code, _out, err = run(
        allocated, "contributions", "pledge", "NLD", "1000", "EUR", "--on", "2025-12-05",
        "--earmark-package", "P-0001",
    )  # fmt: skip
    assert code == 0, err
    assert earmarks(allocated) == [*before, 1]


def test_a_file_earmarks_money_to_a_package_and_refuses_one_that_is_not(
    allocated: str, tmp_path: Path
) -> None:
    before = earmarks(allocated)
    path = tmp_path / "earmarked.csv"
    path.write_text(
        HEADER + "NLD,1000,EUR,2025-12-05,,false,first,P-0001\n"
        "DEU,1000,EUR,2025-12-05,,false,second,P-0999\n",
        encoding="utf-8",
    )
    code, _out, err = run(allocated, "contributions", "import", str(path))
    assert code == 2
    assert "3" in err and "earmark.package" in err and "P-0999 is not a package" in err
    assert earmarks(allocated) == before

    path.write_text(path.read_text().replace("P-0999", ""), encoding="utf-8")
    code, _out, err = run(allocated, "contributions", "import", str(path))
    assert code == 0, err
    assert earmarks(allocated) == [*before, 1, None]
