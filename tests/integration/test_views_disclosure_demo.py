"""The P-0007 subtraction on the demo, on SQLite and PostgreSQL: once Korea's contribution is
confidential, the Netherlands reads no figure of the package Korea pays part of (page, API
shape, report, CSV, OCDS, package list, overview) from which Korea's money follows; and a
cycle planned far ahead does not take over the public page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from database_world import CHEAP_PASSWORDS
from purldesk.adapters.exports import ocds, reports
from purldesk.bootstrap import Application
from purldesk.bootstrap import build as wire
from purldesk.config import load_settings
from purldesk.demo.scenario import DEMO_OPERATOR
from purldesk.domain.access import Actor, Role, UserId
from purldesk.domain.contributions import Contribution
from purldesk.domain.money import Money
from purldesk.domain.packages import PackageId
from purldesk.domain.participants import ParticipantCode
from purldesk.services import allocations, contributions
from purldesk.services.views import overview, packages, releases, transparency

NLD = Actor(UserId(2), "contributor-nld", ParticipantCode("NLD"), Role.CONTRIBUTOR)
TODAY = date(2026, 1, 15)


@pytest.fixture
def app(demo_url: str) -> Iterator[Application]:
    wired = wire(load_settings(database_url=demo_url), passwords=CHEAP_PASSWORDS)
    yield wired
    wired.close()


def korea_made_confidential(app: Application) -> Contribution:
    (korea,) = contributions.list_all(app.uow(), contributor=ParticipantCode("KOR"))
    command = contributions.SetDisclosure(
        contribution_id=korea.id, confidential=True, anonymous=False
    )
    return app.run(command, actor=DEMO_OPERATOR, request_id="test")


def package_korea_pays(app: Application, korea: Contribution) -> PackageId:
    """Allocate the demo's endorsed list again, on a day Korea's money is in the pool."""
    cycle = transparency.transparency(app.reader(), today=TODAY).cycle
    assert cycle is not None
    command = allocations.Commit(
        cycle_id=cycle.id, package_target=Money.of(50_000_000, "USD"), on=date(2025, 12, 5)
    )
    app.run(command, actor=DEMO_OPERATOR, request_id="test")
    with app.reader() as reader:
        for found in reader.package_totals(with_cancelled=False):
            package = reader.package(found.id)
            if any(a.contribution_id == korea.id for a in package.attributions):
                return package.id
    raise AssertionError("Korea pays for no package in the demo")


def test_nld_reads_no_figure_korea_s_money_follows_from(app: Application) -> None:
    korea = korea_made_confidential(app)
    package_id = package_korea_pays(app, korea)
    viewer = NLD.viewer
    detail = packages.package_detail(app.reader(), viewer=viewer, package_id=package_id)
    with app.reader() as reader:
        package = reader.package(package_id)
        owners = {c.id: c for c in reader.contributions()}
    korea_lines = {a.line_id for a in package.attributions if a.contribution_id == korea.id}
    hidden_givers = {
        owners[a.contribution_id].contributor
        for a in package.attributions
        if owners[a.contribution_id].confidential and owners[a.contribution_id].contributor != "NLD"
    }
    assert hidden_givers == {"KOR"}  # the case of the finding: one hidden contributor

    # The package's cost, its undisclosed bucket and Korea's lines' costs are all withheld.
    assert detail.summary.cost is None and detail.short_usd is None and detail.withheld
    assert all(p.contributor != "undisclosed" for p in detail.payments)
    assert all(p.contribution_ref != korea.ref for p in detail.payments)
    for line in detail.lines:
        if line.line_id in korea_lines:
            assert (line.cost, line.lot_price) == (None, None)

    document = reports.package(detail)
    assert document["cost"] is None and document["withheld"]
    table = reports.sheet(reports.package_table(detail), reports.ReportFormat.CSV)[0].decode()
    assert korea.ref not in table and "undisclosed" not in table

    (history,) = releases.histories(app.reader(), {package_id}).values()
    release = ocds.release(history[-1], ocid_prefix="ocds-test")
    assert "amount" not in release["planning"]["budget"]
    assert "value" not in release["tender"]
    for section in ("awards", "contracts"):
        assert all("value" not in entry for entry in release.get(section, []))

    listed = packages.package_list(app.reader(), viewer=viewer)
    assert next(p for p in listed if p.id == package_id).cost is None
    for reader_view in (
        overview.overview(app.reader(), viewer=viewer, today=TODAY),
        transparency.transparency(app.reader(), today=TODAY),
    ):
        assert reader_view.allocated_usd is None and reader_view.disbursed_usd is None
        assert next(p for p in reader_view.packages if p.id == package_id).cost is None


def test_the_public_page_shows_the_latest_endorsed_cycle_that_has_opened(
    app: Application,
) -> None:
    from purldesk.services import requirements

    before = transparency.transparency(app.reader(), today=TODAY)
    assert before.cycle is not None
    command = requirements.OpenCycle(name="2031-01", opens_on=date(2031, 1, 1))
    app.run(command, actor=DEMO_OPERATOR, request_id="test")
    after = transparency.transparency(app.reader(), today=TODAY)
    assert after.cycle == before.cycle
    assert "2031-01" in [c.name for c in after.cycles]
    chosen = transparency.transparency(app.reader(), today=TODAY, cycle_name="2031-01")
    assert chosen.cycle is not None and chosen.cycle.name == "2031-01"
