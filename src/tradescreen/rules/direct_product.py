"""The Entity List foreign direct product rule (footnote 1, §734.9(e)(1)) as a procedure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

INTRODUCED = dt.date(2020, 5, 15)  # 85 FR 29849
BROADENED = dt.date(2020, 8, 17)  # 85 FR 51596
CITATION = "15 CFR 734.9(e)(1); Supplement No. 4 to Part 744, footnote 1"


@dataclass(frozen=True, slots=True)
class Step:
    """One question of the procedure and the answer given."""

    question: str
    answer: bool | None


@dataclass(frozen=True, slots=True)
class FdpResult:
    """Whether the foreign-made item is subject to the EAR under the footnote 1 rule."""

    subject_to_ear: bool
    steps: tuple[Step, ...]
    conclusion: str
    citation: str
    verified: bool


def entity_list_fdp(
    as_of: dt.date,
    *,
    direct_product_of_specified_technology: bool,
    produced_by_plant_that_is_direct_product: bool,
    footnote1_entity_party_to_transaction: bool,
    incorporated_into_item_of_footnote1_entity: bool = False,
    produced_from_footnote1_design: bool = False,
) -> FdpResult:
    """Walk the footnote 1 questions in order and conclude, with the rule's version on `as_of`.

    `produced_from_footnote1_design` is asked only of the May 2020 version (85 FR 29849), which
    reached only items produced from a footnote 1 entity's own designs (its technology or
    software); from 2020-08-17 (85 FR 51596) party involvement or incorporation suffices."""
    steps = [
        Step(
            f"Was the Entity List FDP rule in force on {as_of.isoformat()} (from {INTRODUCED})?",
            as_of >= INTRODUCED,
        )
    ]
    if as_of < INTRODUCED:
        return FdpResult(
            False,
            tuple(steps),
            "The footnote 1 rule did not exist yet: a foreign-made item is not "
            "subject to the EAR under it (de minimis and other rules may still apply).",
            CITATION,
            True,
        )
    product = direct_product_of_specified_technology or produced_by_plant_that_is_direct_product
    steps.append(
        Step(
            "Is the item a direct product of specified US-origin software or technology, or produced "
            "by a plant (or major component) that is itself such a direct product?",
            product,
        )
    )
    knowledge = footnote1_entity_party_to_transaction or incorporated_into_item_of_footnote1_entity
    steps.append(
        Step(
            "Is there knowledge that a footnote 1 entity is a party to the transaction (purchaser, "
            "intermediate or ultimate consignee, end user), or that the item will be incorporated into, "
            "or used to develop, an item produced, purchased or ordered by one?",
            knowledge,
        )
    )
    if as_of < BROADENED:
        # The May 2020 version (85 FR 29849) reached only items produced from a footnote 1
        # entity's own designs: the foreign-made item had to be produced or developed from
        # technology or software designed by Huawei or an affiliate. Mere party involvement,
        # or incorporation into a Huawei item, was not enough until 85 FR 51596.
        from_design = produced_from_footnote1_design
        steps.append(
            Step(
                "(May 2020 version) Was the item produced from a design (technology or software) of a "
                "footnote 1 entity, for it? (Items not from Huawei designs were outside this version.)",
                from_design,
            )
        )
        subject = product and from_design and knowledge
    else:
        subject = product and knowledge
    version = "August 2020 rule (85 FR 51596)" if as_of >= BROADENED else "May 2020 rule (85 FR 29849)"
    conclusion = (
        f"Subject to the EAR under the Entity List FDP rule ({version}): a license is required; review "
        "policy presumption of denial (case-by-case for some items below 5G capability, verify)."
        if subject
        else f"Not subject to the EAR under the Entity List FDP rule ({version})."
    )
    return FdpResult(subject, tuple(steps), conclusion, CITATION, verified=as_of >= BROADENED)
