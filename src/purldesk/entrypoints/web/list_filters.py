"""The requirements page's search, filters and page, read from its parameters: every field at
fault is named, and the page is shown with what could be read of the others."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from purldesk.domain.catalog import AidClass
from purldesk.domain.errors import InvalidInput
from purldesk.domain.requirements import LineStatus
from purldesk.domain.text import parse_choice
from purldesk.entrypoints.web.render import Errors
from purldesk.services.read_ports import Funding, LineFilter
from purldesk.services.views import paging
from purldesk.services.views.requirements import DEFAULT_PAGE_SIZE, PAGE_SIZES, ListQuery

E = TypeVar("E", bound=StrEnum)
MAX_SEARCH = 200  # characters of a search
MAX_AREA = 100

# The parameters a form posted from the list carries to come back to the same page.
PARAMS = ("q", "area", "aid_class", "status", "funding", "per_page", "page")


def _choice(choices: type[E], params: Mapping[str, str], name: str, errors: Errors) -> E | None:
    text = params.get(name, "").strip()
    if not text:
        return None
    try:
        return parse_choice(choices, text, field=name)
    except InvalidInput:
        errors[name] = "Choose one of the options shown."
        return None


def _size(params: Mapping[str, str], errors: Errors) -> int:
    text = params.get("per_page", "").strip()
    if not text:
        return DEFAULT_PAGE_SIZE
    if text not in {str(size) for size in PAGE_SIZES}:
        errors["per_page"] = f"Choose {', '.join(map(str, PAGE_SIZES))} lines a page."
        return DEFAULT_PAGE_SIZE
    return int(text)


def list_query(params: Mapping[str, str], errors: Errors) -> ListQuery:
    """The list the parameters ask for; a field at fault goes into `errors` and is ignored."""
    text = params.get("q", "")
    if len(text) > MAX_SEARCH:
        errors["q"] = f"Keep the search to {MAX_SEARCH:,} characters."
        text = ""
    area = params.get("area", "").strip() or None
    if area is not None and len(area) > MAX_AREA:
        errors["area"] = "Choose one of the options shown."
        area = None
    try:
        number = paging.page_number(params.get("page"))
    except InvalidInput as error:
        errors["page"], number = error.message, 1
    matching = LineFilter(
        text=text.strip(), area=area, aid_class=_choice(AidClass, params, "aid_class", errors),
        status=_choice(LineStatus, params, "status", errors),
        funding=_choice(Funding, params, "funding", errors),
    )  # fmt: skip
    return ListQuery(matching=matching, page=number, size=_size(params, errors))
