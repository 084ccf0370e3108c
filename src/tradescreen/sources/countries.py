"""Country names and codes to ISO 3166-1 alpha-2, via the `countrynames` library."""

from __future__ import annotations

from functools import lru_cache

import countrynames
import pycountry


@lru_cache(maxsize=4096)
def country_code(name: str | None) -> str | None:
    """ISO-2 code for a country name or code as lists write it; None when unknown."""
    if not name or not name.strip():
        return None
    code = countrynames.to_code(name.strip(), fuzzy=False)
    return code.upper() if code else None


def is_country_code(code: str) -> bool:
    """True when `code` is an assigned ISO 3166-1 alpha-2 code."""
    return len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None
