"""De minimis (§734.4): is a foreign-made item subject to the EAR by its US content?"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tradescreen.errors import InputError
from tradescreen.rules.countries import check_country, in_group_e

CITATION = "15 CFR 734.4 (de minimis); Supplement No. 2 to Part 734"


@dataclass(frozen=True, slots=True)
class DeMinimisResult:
    """The calculation and its outcome, with the arithmetic shown."""

    controlled_us_content: float
    price: float
    destination: str
    percentage: float
    threshold: float
    subject_to_ear: bool
    arithmetic: str
    citation: str = CITATION


def de_minimis(
    controlled_us_content: float, price: float, destination: str, *, no_de_minimis: bool = False
) -> DeMinimisResult:
    """Controlled US-origin content over the foreign-made item's price, against 25% (10% for
    Country Group E:1/E:2). `no_de_minimis` is for items the EAR gives no de minimis (0%)."""
    for field, value in (("controlled_us_content", controlled_us_content), ("price", price)):
        if not math.isfinite(value):
            raise InputError(f"not a finite number: {value!r}", field=field)
    if controlled_us_content < 0:
        raise InputError("must not be negative", field="controlled_us_content")
    if price <= 0:
        raise InputError("must be greater than zero", field="price")
    if controlled_us_content > price:
        raise InputError(
            "controlled US content is more than the item's price (over 100%)", field="controlled_us_content"
        )
    country = check_country(destination, "destination")
    threshold = 0.0 if no_de_minimis else (10.0 if in_group_e(country) else 25.0)
    percentage = controlled_us_content / price * 100
    subject = percentage > threshold if threshold else controlled_us_content > 0
    basis = (
        "no de minimis for this item"
        if no_de_minimis
        else f"{threshold:.0f}% for {country}" + (" (Country Group E:1/E:2)" if in_group_e(country) else "")
    )
    arithmetic = (
        f"{controlled_us_content:,.2f} / {price:,.2f} × 100 = {percentage:.2f}% "
        f"{'>' if subject else '<='} {threshold:.0f}% ({basis}): "
        f"{'subject to the EAR' if subject else 'not subject to the EAR by de minimis'}"
    )
    return DeMinimisResult(
        controlled_us_content, price, country, round(percentage, 4), threshold, subject, arithmetic
    )
