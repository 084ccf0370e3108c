"""Know-your-customer red flags (Supplement No. 3 to Part 732) as a checklist, and the
affiliates-rule red flag (an unknown ownership while the BIS affiliates rule is in force)."""

from __future__ import annotations

CITATION = '15 CFR Part 732, Supplement No. 3 (BIS "Know Your Customer" guidance and red flags)'

# Our wording of the red flags BIS lists; check the supplement for the exact text.
KYC_RED_FLAGS: tuple[str, ...] = (
    "The customer or its address is similar to a party on a restricted-party list.",
    "The customer or purchasing agent is reluctant to give information on the item's end use.",
    "The product's capabilities do not fit the buyer's line of business.",
    "The item ordered is incompatible with the technical level of the destination country.",
    "The customer will pay cash for a very expensive item when the terms would normally be financed.",
    "The customer has little or no business background.",
    "The customer is unfamiliar with the product's performance characteristics but still wants it.",
    "Routine installation, training or maintenance services are declined.",
    "Delivery dates are vague, or deliveries are planned for out-of-the-way destinations.",
    "A freight forwarding firm is listed as the product's final destination.",
    "The shipping route is abnormal for the product and destination.",
    "Packaging is inconsistent with the stated method of shipment or destination.",
    "When questioned, the buyer is evasive about whether the item is for domestic use, export or reexport.",
)

AFFILIATES_RED_FLAG = (
    "Ownership of a party is unknown: under the BIS affiliates rule (in force on this date) an "
    "exporter must determine whether listed parties own 50% or more of a foreign party "
    "(affiliates rule red flag, Red Flag 29 of Supplement No. 3 to Part 732: knowledge of a "
    "listed owner with an undetermined share needs a license); do not proceed until ownership is known."
)


def checklist(*, ownership_unknown_under_affiliates_rule: bool) -> tuple[str, ...]:
    """The red flags to check for this determination."""
    flags = [f"[{CITATION}] {flag}" for flag in KYC_RED_FLAGS]
    if ownership_unknown_under_affiliates_rule:
        flags.insert(0, AFFILIATES_RED_FLAG)
    return tuple(flags)
