"""What templates format with: labels for codes, amounts that never break inside a number,
and links that keep a page's filters."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlencode

from jinja2 import Environment
from markupsafe import Markup, escape

from purldesk.domain.money import Money
from purldesk.services.views import labels


def amount(money: Money) -> Markup:
    """The amount as one unbreakable piece ("USD 1,595,300,000.00"): a line may break around
    it, never inside it."""
    return Markup(f'<span class="amount">{escape(money.format())}</span>')


# An amount as `Money.format` writes it, in running text: "USD 1,595,300,000.00", "KRW 30,000".
AMOUNT_IN_TEXT = re.compile(r"\b[A-Z]{3} -?[0-9]{1,3}(?:,[0-9]{3})*(?:\.[0-9]+)?(?![0-9,-])")


def unbroken(text: str) -> Markup:
    """Running text (a memo, a reason) with each amount in it kept on one line."""
    escaped = str(escape(text))
    return Markup(
        AMOUNT_IN_TEXT.sub(lambda m: f'<span class="amount">{m.group(0)}</span>', escaped)
    )


def with_query(params: Mapping[str, object], **changes: object) -> str:
    """The query string of `params` with `changes` (a change to None or "" drops the
    parameter): a link to another page of a list keeps its filters."""
    merged = {**params, **changes}
    kept = {k: str(v) for k, v in merged.items() if v is not None and str(v) != ""}
    return "?" + urlencode(kept) if kept else "?"


def install(environment: Environment) -> None:
    environment.filters["label"] = labels.label
    environment.globals["label"] = labels.label
    environment.filters["amount"] = amount
    environment.filters["unbroken"] = unbroken
    environment.globals["with_query"] = with_query
    environment.globals["choices"] = labels.choices
