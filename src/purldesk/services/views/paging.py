"""Pages of a long list: which page is asked for, and where it starts and ends."""

from __future__ import annotations

import re
from dataclasses import dataclass

from purldesk.domain.errors import InvalidInput

MAX_PAGE = 10**6  # far past any list's last page; a larger number is refused as a typo


@dataclass(frozen=True, slots=True)
class Page:
    """Page `number` (from 1) of `size` items of a list of `total`."""

    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first(self) -> int:
        """The position (from 1) of the page's first item; 0 for an empty list."""
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.offset + self.size, self.total)

    def around(self, *, width: int = 2) -> list[int | None]:
        """The page numbers a pager links to: the first, the last and those within `width`
        of this one, with None where numbers are skipped."""
        shown = sorted(
            {1, self.pages}
            | set(range(self.number - width, self.number + width + 1))
            & set(range(1, self.pages + 1))
        )
        numbers: list[int | None] = []
        for n in shown:
            if numbers and numbers[-1] is not None and n - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(n)
        return numbers


@dataclass(frozen=True, slots=True)
class Window:
    """What a reader asks of a long list: at most `limit` items from `offset` on (the first
    item is 0); no limit: every item from there."""

    offset: int = 0
    limit: int | None = None


WHOLE = Window()  # every item of the list


@dataclass(frozen=True, slots=True)
class Slice:
    """Part of a long list as read: where it starts in the whole list, and how long that is."""

    offset: int
    total: int


NONE_READ = Slice(0, 0)  # of an empty list


def page_number(text: str | None, *, field: str = "page") -> int:
    """The page asked for ("" or None: the first); anything but a whole number from 1 is
    refused, naming the field."""
    cleaned = (text or "").strip()
    if not cleaned:
        return 1
    if not re.fullmatch(r"[0-9]{1,7}", cleaned) or not 1 <= int(cleaned) <= MAX_PAGE:
        raise InvalidInput(field, "Enter a page number, 1 or more.")
    return int(cleaned)


def page(asked: int, *, size: int, total: int) -> Page:
    """Page `asked` of the list, or its last page if the list is shorter (it shrank since
    the link was made)."""
    last = Page(1, size, total).pages
    return Page(min(max(asked, 1), last), size, total)
