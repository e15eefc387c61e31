"""The acceptance of policies in the demo: Korea's phases, history, and `whatif` (SQLite copies)."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from database_world import SqliteFiles, build_demo, build_demo_with_ample_supply
from purldesk.adapters.imports.scenarios import parse_scenario
from purldesk.adapters.storage.tables import metadata
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.bootstrap import Application, build
from purldesk.config import load_settings
from purldesk.domain.catalog import AidClass
from purldesk.domain.money import Money
from purldesk.domain.participants import ParticipantCode, ParticipantStatus
from purldesk.entrypoints.cli.app import app
from purldesk.services import (
    allocations,
    catalog,
    contributions,
    eligibility,
    indicators,
    participants,
)
from purldesk.services import whatif as service

ON = date(2025, 12, 5)
BEFORE = date(2025, 12, 4)  # the day the Korean money arrives, before the crossing
KOREA_FUND = "C-00014"
TROOPS = "dprk_troops_in_theatre"
ALLOWED_IN_BASELINE = {AidClass.HUMANITARIAN, AidClass.NONLETHAL}


def run(url: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", url])
    return result.exit_code, result.stdout, result.stderr


def ok(url: str, *args: str) -> str:
    code, out, err = run(url, *args)
    assert code == 0, out + err
    return out


@pytest.fixture(scope="module")
def demo_file(sqlite_files: SqliteFiles) -> Path:
    return sqlite_files.seed("demo", build_demo)


@pytest.fixture(scope="module")
def ample_demo_file(sqlite_files: SqliteFiles) -> Path:
    return sqlite_files.seed("demo with ample supply", build_demo_with_ample_supply)


def _copies(template: Path, directory: Path) -> Callable[[], str]:
    made = iter(range(100))

    def make() -> str:
        target = directory / f"copy-{template.stem}-{next(made)}.sqlite3"
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"

    return make


@pytest.fixture
def copy(demo_file: Path, tmp_path: Path) -> Callable[[], str]:
    """A fresh copy of the demo database at each call: its URL."""
    return _copies(demo_file, tmp_path)


@pytest.fixture
def ample_copy(ample_demo_file: Path, tmp_path: Path) -> Callable[[], str]:
    """A fresh copy of the demo with ample supply at each call: its URL. A pledge moves money
    only there; on the demo every short line waits for supply."""
    return _copies(ample_demo_file, tmp_path)


@pytest.fixture
def wired() -> Iterator[Callable[[str], Application]]:
    opened: list[Application] = []

    def make(url: str) -> Application:
        opened.append(build(load_settings(database_url=url)))
        return opened[-1]

    yield make
    for application in opened:
        application.close()


def proposal(application: Application, on: date) -> allocations.Proposal:
    """The allocation as the allocation service makes it, with policies applied."""
    cycle = next(iter(_cycles(application)))
    return allocations.propose(
        application.uow(), cycle_id=cycle, on=on, target=Money.of(500_000_000, "USD"),
        restrictions=eligibility.restrictions_for(),
    )  # fmt: skip


def _cycles(application: Application) -> list[Any]:
    with application.uow() as uow:
        return [c.id for c in uow.cycles.list()]


def korean_spending(result: allocations.Proposal) -> dict[AidClass, int]:
    lines = result.inputs.lines
    spent: dict[AidClass, int] = {}
    for allocated in result.result.lines:
        for fund, amount in allocated.by_fund:
            if fund == KOREA_FUND:
                aid_class = lines[allocated.id].aid_class
                spent[aid_class] = spent.get(aid_class, 0) + amount
    return spent


def korean_fund(result: allocations.Proposal) -> Any:
    return next(f for f in result.inputs.problem.funds if f.id == KOREA_FUND)


def test_the_demo_shows_korea_in_its_baseline_phase_with_the_observation_behind_it(
    copy: Callable[[], str],
) -> None:
    url = copy()
    shown = json.loads(ok(url, "policy", "show", "KOR", "--on", ON.isoformat(), "--json"))
    assert shown["in_force"]["phase"] == "baseline"
    (evidence,) = shown["in_force"]["evidence"]
    assert (evidence["value"], evidence["observed_on"]) == ("14000", "2025-04-15")
    assert evidence["source"].startswith("https://")
    explained = json.loads(
        ok(
            url,
            "policy",
            "explain",
            "KOR",
            "--on",
            ON.isoformat(),
            "--line",
            "UKR-2025-001",
            "--json",
        )
    )
    (line,) = explained["lines"]
    assert line["aid_class"] == "defensive" and line["allowed"] is False
    (reason,) = line["reasons"]
    assert (reason["rule"], reason["phase"], reason["observations"]) == (
        "policy.aid_classes", "baseline", [evidence["id"]],
    )  # fmt: skip
    assert [(c["ref"], c["allowed"]) for c in line["contributions"]] == [(KOREA_FUND, False)]
    text = ok(url, "policy", "explain", "KOR", "--on", ON.isoformat(), "--line", "UKR-2025-001")
    assert "NOT eligible" in text and "C-00014 may not pay" in text


def test_korean_money_never_pays_for_a_lethal_or_defensive_line_under_the_baseline(
    copy: Callable[[], str], wired: Callable[[str], Application]
) -> None:
    result = proposal(wired(copy()), ON)
    assert korean_fund(result).aid_classes == {"humanitarian", "nonlethal"}
    spent = korean_spending(result)
    assert sum(spent.values()) > 0  # the Korean money is used, so the check below means something
    assert set(spent) <= ALLOWED_IN_BASELINE


def test_a_crossing_observation_switches_the_phase_from_its_date_and_the_past_is_reproduced(
    copy: Callable[[], str], wired: Callable[[str], Application]
) -> None:
    url = copy()
    application = wired(url)
    earlier = proposal(application, BEFORE)
    ok(
        url,
        "indicators",
        "record",
        TROOPS,
        "25000",
        "--on",
        ON.isoformat(),
        "--source",
        "https://example.org/report",
    )
    assert (
        json.loads(ok(url, "policy", "show", "KOR", "--on", ON.isoformat(), "--json"))["in_force"][
            "phase"
        ]
        == "defensive"
    )
    assert (
        json.loads(ok(url, "policy", "show", "KOR", "--on", BEFORE.isoformat(), "--json"))[
            "in_force"
        ]["phase"]
        == "baseline"
    )
    again = proposal(application, BEFORE)
    assert again.result == earlier.result and again.packages == earlier.packages
    assert korean_fund(again).aid_classes == {"humanitarian", "nonlethal"}
    now = proposal(application, ON)
    assert korean_fund(now).aid_classes == {"humanitarian", "nonlethal", "defensive"}
    assert AidClass.LETHAL not in korean_spending(now)


def snapshot(path: Path, application: Application) -> tuple[str, str | None, dict[str, int]]:
    with application.uow() as uow:
        assert isinstance(uow, SqlUnitOfWork)
        head = uow.ledger.head()
        counts = {
            name: int(uow.session.scalar(select(func.count()).select_from(table)) or 0)
            for name, table in metadata.tables.items()
        }
    application.close()  # the last connection checkpoints the write-ahead log into the file
    return (
        hashlib.sha256(path.read_bytes()).hexdigest(),
        None if head is None else head.hash,
        counts,
    )


EVERYTHING = (
    "--indicator", f"{TROOPS}=25000", "--pledge", "KOR:300000000000:KRW",
    "--phase", "KOR:defensive", "--price", "PAT-PAC3MSE:+20%",
)  # fmt: skip


def test_whatif_leaves_the_database_byte_for_byte_unchanged(
    copy: Callable[[], str], wired: Callable[[str], Application]
) -> None:
    url = copy()
    path = Path(url.removeprefix("sqlite:///"))
    before = snapshot(path, wired(url))
    document = json.loads(
        ok(url, "whatif", "--cycle", "2025-09", "--on", ON.isoformat(), *EVERYTHING, "--json")
    )
    assert document["lines"] and document["phases"] == [
        {"contributor": "KOR", "before": "baseline", "after": "defensive"}
    ]
    assert "nothing was stored" in ok(
        url, "whatif", "--cycle", "2025-09", "--on", ON.isoformat(), *EVERYTHING
    )
    after = snapshot(path, wired(url))
    assert after == before
    assert before[2]["indicator_observations"] == 7 and before[1] is not None


def apply_indicator(application: Application) -> None:
    indicators.record(
        application.uow(), name=TROOPS, value=Decimal(25000), observed_on=ON,
        source="https://example.org/report", at=application.clock.now(),
    )  # fmt: skip


def apply_pledge(code: str, amount: int, currency: str) -> Callable[[Application], None]:
    def apply(application: Application) -> None:
        # A what-if may ask about a participant that has not joined (Japan, invited); here
        # it joins first, as it would have to before it could pledge.
        found = {p.code: p for p in participants.list_all(application.uow())}
        if found[ParticipantCode(code)].status is not ParticipantStatus.JOINED:
            participants.move(application.uow(), code=code, status=ParticipantStatus.JOINED)
        pledged = contributions.pledge(
            application.uow(), contributor=code, amount=Money.of(amount, currency), pledged_on=ON,
            at=application.clock.now(),
        )  # fmt: skip
        contributions.receive(
            application.uow(), application.fx, contribution_id=pledged.id, received_on=ON,
            at=application.clock.now(),
        )  # fmt: skip

    return apply


def apply_price(application: Application) -> None:
    from dataclasses import replace

    item = next(i for i in catalog.list_all(application.uow()) if i.code == "PAT-PAC3MSE")
    dearer = replace(
        item, unit_price=Money(item.unit_price.minor * 6 // 5, item.unit_price.currency)
    )
    catalog.import_items(application.uow(), items=[dearer])


def apply_everything(application: Application) -> None:
    apply_indicator(application)
    apply_pledge("KOR", 300_000_000_000, "KRW")(application)
    apply_price(application)


@pytest.mark.parametrize(
    ("options", "apply"),
    [
        ((f"{TROOPS}=25000",), apply_indicator),
        (("pledge", "JPN:10000000000:JPY"), apply_pledge("JPN", 10_000_000_000, "JPY")),
        (("price", "PAT-PAC3MSE:+20%"), apply_price),
        (("phase", "KOR:defensive"), apply_indicator),  # the crossing observation puts it in force
        (("everything",), apply_everything),
    ],
    ids=["indicator", "pledge", "price", "phase", "everything"],
)
def test_whatif_numbers_equal_those_of_applying_the_change_in_a_copy(
    copy: Callable[[], str],
    ample_copy: Callable[[], str],
    wired: Callable[[str], Application],
    options: tuple[str, ...],
    apply: Callable[[Application], None],
) -> None:
    if options[0] == "pledge":
        copy = ample_copy
    scenario = _scenario(options)
    original = wired(copy())
    cycle = _cycles(original)[0]
    what = service.whatif(
        original.uow(), original.fx, cycle_id=cycle, on=ON, scenario=scenario,
        at=original.clock.now(),
    )  # fmt: skip
    assert what.baseline == proposal(original, ON).result
    if options[0] not in (f"{TROOPS}=25000", "phase"):
        assert what.lines  # the change moves money, so the comparison below means something
    changed = wired(copy())
    apply(changed)
    applied = proposal(changed, ON).result
    assert what.modified == applied
    assert sum(line.change_minor for line in what.lines) == sum(
        line.funded_minor for line in applied.lines
    ) - sum(line.funded_minor for line in what.baseline.lines)


def _scenario(options: tuple[str, ...]) -> service.Scenario:
    if options == ("everything",):
        return parse_scenario(
            indicators=[f"{TROOPS}=25000"], pledges=["KOR:300000000000:KRW"], phases=[],
            prices=["PAT-PAC3MSE:+20%"],
        )  # fmt: skip
    if len(options) == 1:
        return parse_scenario(indicators=list(options), pledges=[], phases=[], prices=[])
    kind, value = options
    return parse_scenario(
        indicators=[], pledges=[value] if kind == "pledge" else [],
        phases=[value] if kind == "phase" else [], prices=[value] if kind == "price" else [],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("option", "words"),
    [
        (("--indicator", "troops"), "--indicator: 'troops' is not NAME=VALUE"),
        (("--indicator", "nobody_counts=1"), "indicator: 'nobody_counts' has never been observed"),
        (("--pledge", "KOR:12.5:KRW"), "--pledge: '12.5' has more than 0 decimal place(s) for KRW"),
        (("--phase", "KOR:offensive"), "phase: 'offensive' is not a phase of this policy"),
        (("--phase", "NLD:defensive"), "phase: NLD has no policy valid on 2025-12-05"),
        (("--price", "PAT-PAC3MSE:20"), "--price: 'PAT-PAC3MSE:20' is not ITEM:+N% or ITEM:-N%"),
        (("--price", "PAT-PAC3MSE:-100%"), "price: -100% would make PAT-PAC3MSE free"),
    ],
)
def test_a_bad_whatif_option_is_refused_naming_it(
    copy: Callable[[], str], option: tuple[str, ...], words: str
) -> None:
    code, _out, err = run(copy(), "whatif", "--cycle", "2025-09", "--on", ON.isoformat(), *option)
    assert code == 2, err
    assert words in err
