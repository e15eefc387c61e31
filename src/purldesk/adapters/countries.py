"""ISO 3166 country codes, from pycountry."""

from __future__ import annotations

from functools import cache


@cache
def _alpha3() -> frozenset[str]:
    import pycountry

    return frozenset(country.alpha_3 for country in pycountry.countries)


def is_nation_code(code: str) -> bool:
    """True for an ISO 3166-1 alpha-3 country code such as NLD or KOR."""
    return code in _alpha3()


def country_name(code: str) -> str | None:
    import pycountry

    country = pycountry.countries.get(alpha_3=code)
    return None if country is None else str(country.name)
