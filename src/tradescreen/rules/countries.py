"""Destinations: ISO codes checked, and the EAR country groups the rules need."""

from __future__ import annotations

from tradescreen.errors import InputError
from tradescreen.sources.countries import is_country_code

# Supplement No. 1 to Part 740: Country Group E:1 (terrorist-supporting) and E:2
# (unilateral embargo). These are the destinations with a 10% de minimis level.
GROUP_E1 = frozenset({"IR", "KP", "SY"})
GROUP_E2 = frozenset({"CU"})


def check_country(code: str, field: str = "country") -> str:
    """The upper-case ISO 3166-1 alpha-2 code, or an InputError naming the field."""
    value = (code or "").strip().upper()
    if not is_country_code(value):
        raise InputError(
            f"unknown country {code!r} (want an ISO 3166-1 alpha-2 code such as CN)", field=field
        )
    return value


def in_group_e(code: str) -> bool:
    """True for Country Group E:1 or E:2 destinations."""
    return code in GROUP_E1 or code in GROUP_E2


def country_codes() -> list[str]:
    """Every assigned ISO 3166-1 alpha-2 code, sorted (for schemas that list them)."""
    import pycountry

    return sorted(str(c.alpha_2) for c in pycountry.countries)
