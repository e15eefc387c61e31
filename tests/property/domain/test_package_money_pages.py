"""A package's payments read a page at a time are its payments read whole: the pages, laid end
to end, are the whole list (the undisclosed bucket last), and each page withholds what the
whole withholds and counts what the whole holds, for every viewer and page size."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from test_disclosure_inference import VIEWERS, K, Scenario, scenarios

from purldesk.domain.package_money import AttributionView, redact_attributions


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.integers(1, 4))
def test_pages_laid_end_to_end_are_the_whole(scenario: Scenario, size: int) -> None:
    for viewer in VIEWERS:
        for package in scenario.packages:
            whole = redact_attributions(
                viewer, package, scenario.contributions, min_hidden_contributors=K
            )
            assert whole.count == len(whole.attributions)
            laid: list[AttributionView] = []
            for offset in range(0, whole.count + size, size):
                page = redact_attributions(
                    viewer, package, scenario.contributions, min_hidden_contributors=K,
                    offset=offset, limit=size,
                )  # fmt: skip
                assert (page.count, page.offset, page.withheld) == (
                    whole.count,
                    offset,
                    whole.withheld,
                )
                assert page.contents_shown == whole.contents_shown
                assert len(page.attributions) <= size
                laid.extend(page.attributions)
            assert laid == whole.attributions
