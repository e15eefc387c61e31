"""Request shapes of the policies router: indicators and policy documents."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query
from pydantic import Field

from purldesk.entrypoints.api.schemas import Day, Input, Text

KnownOn = Annotated[
    Day | None,
    Query(
        description="Count only policy versions and observations recorded by the end of this "
        "day (default: everything recorded)."
    ),
]


class IndicatorCreate(Input):
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    value: Annotated[
        str,
        Field(
            pattern=r"^-?[0-9][0-9,]{0,30}(\.[0-9]{1,12})?$",
            description="An exact decimal, such as 12000 or 0.5.",
        ),
    ]
    observed_on: Day
    source: Annotated[str, Field(min_length=1, max_length=2000)]
    note: Text = ""
    supersedes: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None


class PolicyWrite(Input):
    """A policy document (TOML, see docs/CLI.md) as text."""

    document: Annotated[str, Field(min_length=1, max_length=100_000)]
    filename: Annotated[str, Field(min_length=1, max_length=200)] = "policy.toml"
