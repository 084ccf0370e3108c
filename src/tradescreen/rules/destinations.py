"""Destination controls: Part 746 embargoes and OFAC country programs.

A destination requirement applies whoever the parties are, so `determine` reports it even
for a clean party. Each control carries its citation and whether its text was checked
against the primary source (see docs/regulatory-sources.md); an unchecked one is shown as
unverified next to the verdict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tradescreen.rules.eccn import Eccn


@dataclass(frozen=True, slots=True)
class DestinationControl:
    """A country-wide control and what it requires."""

    country: str
    name: str
    requirement: str  # what the rule requires
    citation: str
    ear99_covered: bool  # does the license requirement reach EAR99 items?
    prohibits: bool  # an OFAC embargo that bars the dealing outright (no BIS license cures it)
    verified: bool
    since: dt.date | None = None
    until: dt.date | None = None  # exclusive

    def in_force(self, day: dt.date) -> bool:
        """True on `day`."""
        return (self.since is None or self.since <= day) and (self.until is None or day < self.until)


# Part 746 (EAR) controls, by destination.
EAR_CONTROLS: tuple[DestinationControl, ...] = (
    DestinationControl(
        "CU",
        "Cuba embargo (EAR)",
        "A license is required to export or reexport all items subject to the EAR to Cuba, "
        "except as §746.2 and license exceptions named there allow.",
        "15 CFR 746.2",
        ear99_covered=True,
        prohibits=False,
        verified=True,
    ),
    DestinationControl(
        "IR",
        "Iran (EAR)",
        "A license is required for items on the CCL and for many EAR99 items; OFAC's Iranian "
        "Transactions and Sanctions Regulations also bar exports by US persons and from the US.",
        "15 CFR 746.7; 31 CFR Part 560",
        ear99_covered=True,
        prohibits=False,
        verified=True,
    ),
    DestinationControl(
        "KP",
        "North Korea (EAR)",
        "A license is required for all items subject to the EAR except food and medicines designated EAR99.",
        "15 CFR 746.4",
        ear99_covered=True,
        prohibits=False,
        verified=True,
    ),
    DestinationControl(
        "SY",
        "Syria (EAR)",
        "A license is required for all items subject to the EAR except some EAR99 food and "
        "medicine; OFAC's Syria program ended 2025-07-01 (EO 14312): the EAR requirement remains.",
        "15 CFR 746.9",
        ear99_covered=True,
        prohibits=False,
        verified=False,
    ),
    DestinationControl(
        "RU",
        "Russia (EAR)",
        "A license is required for all items on the CCL and for EAR99 items listed in "
        "Supplements No. 2 to 7 to Part 746 (and others the section names); policy of denial.",
        "15 CFR 746.8",
        ear99_covered=True,
        prohibits=False,
        verified=True,
        since=dt.date(2022, 2, 24),
    ),
    DestinationControl(
        "BY",
        "Belarus (EAR)",
        "A license is required for all items on the CCL and for EAR99 items listed in "
        "Supplements No. 2 to 7 to Part 746 (and others the section names); policy of denial.",
        "15 CFR 746.8",
        ear99_covered=True,
        prohibits=False,
        verified=True,
        since=dt.date(2022, 3, 2),
    ),
)

# Covered regions of Ukraine (§746.6): not a country code. Named in every UA determination.
UKRAINE_REGIONS = DestinationControl(
    "UA",
    "Covered regions of Ukraine (Crimea, so-called DNR and LNR) (EAR)",
    "A license is required for all items subject to the EAR except food and medicine designated "
    "EAR99 to the covered regions; the rest of Ukraine is not covered: check the address.",
    "15 CFR 746.6",
    ear99_covered=True,
    prohibits=False,
    verified=False,
)

# OFAC comprehensive country programs: dealings by US persons are prohibited, whatever BIS says.
OFAC_PROGRAMS: tuple[DestinationControl, ...] = (
    DestinationControl(
        "CU",
        "Cuban Assets Control Regulations (OFAC)",
        "Transactions by persons subject to US jurisdiction involving Cuba are prohibited unless authorized.",
        "31 CFR Part 515",
        ear99_covered=True,
        prohibits=True,
        verified=True,
    ),
    DestinationControl(
        "IR",
        "Iranian Transactions and Sanctions Regulations (OFAC)",
        "Exports of goods, services "
        "or technology to Iran from the US or by US persons are prohibited unless authorized.",
        "31 CFR Part 560",
        ear99_covered=True,
        prohibits=True,
        verified=True,
    ),
    DestinationControl(
        "KP",
        "North Korea Sanctions Regulations (OFAC)",
        "Exports to North Korea from the US or by US persons are prohibited unless authorized.",
        "31 CFR Part 510",
        ear99_covered=True,
        prohibits=True,
        verified=True,
    ),
    DestinationControl(
        "SY",
        "Syrian Sanctions Regulations (OFAC)",
        "Exports of services to Syria by US persons were "
        "prohibited; the program ended 2025-07-01 (EO 14312).",
        "31 CFR Part 542; EO 13582",
        ear99_covered=True,
        prohibits=True,
        verified=False,
        until=dt.date(2025, 7, 1),
    ),
    DestinationControl(
        "UA",
        "Crimea / DNR / LNR regions (OFAC)",
        "New investment and exports to the covered "
        "regions by US persons are prohibited (EO 13685, EO 14065).",
        "31 CFR Part 589; EO 13685; EO 14065",
        ear99_covered=True,
        prohibits=False,
        verified=False,
    ),
)


def destination_controls(country: str, item: Eccn, day: dt.date) -> list[DestinationControl]:
    """The country-wide controls that apply to shipping `item` to `country` on `day`."""
    found = [c for c in (*EAR_CONTROLS, *OFAC_PROGRAMS) if c.country == country and c.in_force(day)]
    if country == "UA":
        found.insert(0, UKRAINE_REGIONS)
    return [c for c in found if item.on_ccl or c.ear99_covered]
