"""License determination: do the parties' listings require a license for this item, to this
destination, on this date — and which rules fired, with their legal basis."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tradescreen.domain import LicenseDetermination, ListSource, Party, RuleFiring, Verdict
from tradescreen.errors import InputError
from tradescreen.history import ListingState
from tradescreen.match.screen import Screener
from tradescreen.ownership import assess, listed_owner_names, owners_graph, ownership_paths, relationships_on
from tradescreen.rules.countries import check_country
from tradescreen.rules.eccn import Eccn, parse_eccn
from tradescreen.rules.parties import PartyListing, PartyResolver

ROLES = ("buyer", "consignee", "end_user", "intermediate_consignee", "purchaser", "party")


@dataclass(frozen=True, slots=True)
class TransactionParty:
    """A party to the transaction and its role."""

    name: str
    role: str = "party"
    country: str | None = None


_ECCN_IN_TEXT = re.compile(r"\b[0-9][A-E][0-9]{3}\b", re.IGNORECASE)


def requirement_covers(requirement: str | None, item: Eccn) -> bool:
    """Does an Entity List license requirement column cover this item?

    "All items subject to the EAR" covers EAR99 too, unless EAR99 is carved out after an
    "except"; a requirement naming ECCNs covers only those; anything else is read as covering
    CCL items (a conservative reading for requirements we cannot parse)."""
    text = (requirement or "").lower()
    if not text:
        return True
    head, _, carve_out = text.partition("except")
    if "all items" in head:
        if item.is_ear99:
            return "ear99" not in carve_out
        return item.code[:5].lower() not in carve_out
    named = {m.lower() for m in _ECCN_IN_TEXT.findall(head)}
    if named:
        return not item.is_ear99 and item.code[:5].lower() in named
    return item.on_ccl


def _entity_list(listing: PartyListing, item: Eccn, party: str) -> list[RuleFiring]:
    status = listing.status
    covers = requirement_covers(status.license_requirement, item)
    rules = []
    if covers:
        rules.append(
            RuleFiring(
                rule="entity_list",
                summary=f"{status.name} is on the Entity List (since {status.since or 'unknown'}): "
                f"license required ({status.license_requirement or 'for all items subject to the EAR'}); "
                "no license exceptions unless the entry says so (§744.16(b)).",
                citation="15 CFR 744.11; Supplement No. 4 to Part 744; "
                + "; ".join(c.text for c in status.citations),
                party=party,
                entity_id=status.entity_id,
                review_policy=status.license_policy,
                license_exceptions_available=False,
                verified=not status.unverified,
            )
        )
    if "1" in status.footnotes:
        rules.append(
            RuleFiring(
                rule="fdp_footnote_1",
                summary="Footnote 1: the Entity List foreign direct product rule applies — "
                "foreign-made items that are direct products of specified US software or "
                "technology are subject to the EAR when this party is involved "
                "(run `tradescreen fdp` for a foreign-made item).",
                citation="15 CFR 734.9(e)(1); 85 FR 29849; 85 FR 51596",
                party=party,
                entity_id=status.entity_id,
                review_policy="Presumption of denial",
            )
        )
    if status.general_license_active:
        rules.append(
            RuleFiring(
                rule="temporary_general_license",
                summary="The Huawei Temporary General License was in force: it authorised only "
                "narrow activities (continuity of existing networks and handsets, cybersecurity "
                "research, 5G standards work).",
                citation="84 FR 23468",
                party=party,
                entity_id=status.entity_id,
                license_exceptions_available=True,
            )
        )
    return rules


def _rules_for(listing: PartyListing, item: Eccn, party: str) -> list[RuleFiring]:
    status = listing.status
    if status.state is ListingState.ENJOINED:
        return [
            RuleFiring(
                rule="enjoined",
                summary=f"{status.name}: {status.source.label} listing enjoined by a "
                f"court since {status.since}: not enforced on this date.",
                citation="; ".join(c.text for c in status.citations),
                party=party,
                entity_id=status.entity_id,
            )
        ]
    if not status.restricted:
        return []
    source = status.source
    if source is ListSource.EL:
        return _entity_list(listing, item, party)
    if source is ListSource.DPL:
        return [
            RuleFiring(
                rule="denied_persons",
                summary=f"{status.name} is subject to a denial order: no "
                "participation in any transaction subject to the EAR.",
                citation="15 CFR 764.3; Denied Persons List",
                party=party,
                entity_id=status.entity_id,
            )
        ]
    if source is ListSource.SDN:
        return [
            RuleFiring(
                rule="sdn_blocking",
                summary=f"{status.name} is an SDN: property blocked; US persons may "
                "not deal with it (OFAC), whatever the item.",
                citation="31 CFR Chapter V; SDN List",
                party=party,
                entity_id=status.entity_id,
            )
        ]
    if source is ListSource.MEU:
        return [
            RuleFiring(
                rule="military_end_user",
                summary=f"{status.name} is a listed military end user: license "
                "required for items in Supplement No. 2 to Part 744"
                + ("" if item.on_ccl else " (EAR99 items are generally outside it; check the supplement)")
                + ".",
                citation="15 CFR 744.21; Supplement No. 7 to Part 744",
                party=party,
                entity_id=status.entity_id,
                review_policy="Presumption of denial",
            )
        ]
    if source is ListSource.UVL:
        return [
            RuleFiring(
                rule="unverified_list",
                summary=f"{status.name} is on the Unverified List: no license "
                "exceptions; obtain a UVL statement from the party before export.",
                citation="15 CFR 744.15",
                party=party,
                entity_id=status.entity_id,
            )
        ]
    if source is ListSource.EO:
        return [
            RuleFiring(
                rule="executive_order",
                summary=f"{status.name}: transactions prohibited under "
                f"{', '.join(status.programs) or 'an executive order'}.",
                citation="; ".join(c.text for c in status.citations),
                party=party,
                entity_id=status.entity_id,
            )
        ]
    if source in (
        ListSource.CMIC,
        ListSource.DOD1237,
        ListSource.DOD1260H,
        ListSource.FCC,
        ListSource.NDAA889,
    ):
        return [
            RuleFiring(
                rule="no_export_license_effect",
                summary=f"{status.name} is on the {source.label}: "
                "this list has no export-licensing effect by itself (securities, procurement or "
                "equipment-authorisation restrictions; see `tradescreen securities`).",
                citation="; ".join(c.text for c in status.citations) or source.label,
                party=party,
                entity_id=status.entity_id,
            )
        ]
    return [
        RuleFiring(
            rule="other_list",
            summary=f"{status.name} is on the {source.label}: review before export.",
            citation=source.label,
            party=party,
            entity_id=status.entity_id,
        )
    ]


PROHIBITING = {"denied_persons", "sdn_blocking", "executive_order"}
REQUIRING = {"entity_list", "military_end_user", "ownership_ofac", "ownership_bis"}


def determine(
    session: Session,
    parties: list[TransactionParty],
    eccn: str,
    destination: str,
    as_of: dt.date | None = None,
    resolver: PartyResolver | None = None,
) -> LicenseDetermination:
    """Determine the list-based license requirements of a transaction on `as_of`.

    Pass a `resolver` to reuse its name index across many determinations (building one
    indexes every entity the store ever held)."""
    if not parties:
        raise InputError("at least one party is needed", field="parties")
    item = parse_eccn(eccn)
    country = check_country(destination, "destination")
    day = as_of or dt.date.today()
    resolver = resolver or PartyResolver(session)
    fired: list[RuleFiring] = []
    for party in parties:
        if not party.name.strip():
            raise InputError("empty party name", field="parties.name")
        if party.role not in ROLES:
            raise InputError(f"unknown role {party.role!r} ({', '.join(ROLES)})", field="parties.role")
        for listing in resolver.listings(Party(party.name, country=party.country), day):
            fired.extend(_rules_for(listing, item, party.name))
        fired.extend(_ownership_rules(session, resolver, party.name, day))
    names = {r.rule for r in fired}
    verdict = (
        Verdict.PROHIBITED
        if names & PROHIBITING
        else Verdict.LICENSE_REQUIRED
        if names & REQUIRING
        else Verdict.NO_LICENSE_REQUIRED
    )
    steps = _next_steps(verdict, fired, item.is_ear99)
    return LicenseDetermination(
        verdict=verdict,
        eccn=item.code,
        destination=country,
        as_of=day,
        rules=tuple(_dedupe(fired)),
        next_steps=steps,
        parties=tuple(f"{p.role}: {p.name}" for p in parties),
    )


def _ownership_rules(session: Session, resolver: PartyResolver, name: str, day: dt.date) -> list[RuleFiring]:
    paths = ownership_paths(owners_graph(relationships_on(session, day)), name)
    if not paths:
        return []
    listed: dict[str, set[ListSource]] = {}
    for owner in listed_owner_names(paths):
        listed[owner] = {
            pl.status.source for pl in resolver.listings(Party(owner), day) if pl.status.restricted
        }
    rules = []
    for finding in assess(session, name, day, listed):
        chain = "; ".join(" → ".join(p.owners) + f" ({p.share:.0f}%)" for p in finding.paths)
        rule = "ownership_ofac" if finding.rule.startswith("OFAC") else "ownership_bis"
        rules.append(
            RuleFiring(
                rule=rule if finding.applies else "ownership_noted",
                summary=f"{name}: {finding.note} via {chain}.",
                citation="OFAC 50% rule guidance (2014)"
                if rule == "ownership_ofac"
                else "BIS affiliates rule (2025-09-29; suspended November 2025) (verify)",
                party=name,
                verified=rule == "ownership_ofac",
            )
        )
    return rules


def ownership_flags(
    session: Session, name: str, as_of: dt.date | None = None, screener: Screener | None = None
) -> list[RuleFiring]:
    """Listed owners of a screened party on `as_of` (OFAC 50% rule, BIS affiliates rule),
    with the owner chains: what screening shows beside the name hits. `screener`: the
    caller's index over every entity ever held (the screening service's cache)."""
    return _ownership_rules(session, PartyResolver(session, screener), name, as_of or dt.date.today())


def _dedupe(rules: list[RuleFiring]) -> list[RuleFiring]:
    seen, out = set(), []
    for r in rules:
        key = (r.rule, r.party, r.summary)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


# Steps specific to a rule that fired, whatever the verdict.
RULE_STEPS = {
    "fdp_footnote_1": "A footnote 1 entity is involved: for foreign-made items, run `tradescreen fdp` "
    "(§734.9(e)(1)) before relying on de minimis.",
    "temporary_general_license": "Check whether the activity fits the Temporary General License "
    "(84 FR 23468) and keep the certification it required.",
    "unverified_list": "Obtain a UVL statement from the listed party before export (§744.15); "
    "no license exceptions.",
    "military_end_user": "Check whether the ECCN is in Supplement No. 2 to Part 744.",
    "no_export_license_effect": "Securities or procurement restrictions apply: run `tradescreen securities` "
    "for investments.",
    "ownership_noted": "Ownership by a listed party was noted: document your review of it.",
    "enjoined": "A court halted enforcement on this date: follow the litigation before relying on it.",
}


def _next_steps(verdict: Verdict, rules: list[RuleFiring], ear99: bool) -> tuple[str, ...]:
    fired = list(dict.fromkeys(r.rule for r in rules))
    specific = [RULE_STEPS[r] for r in fired if r in RULE_STEPS]
    if verdict is Verdict.PROHIBITED:
        return (
            "Stop: do not proceed. Escalate to compliance counsel; a denial order or blocking cannot be "
            "licensed around in the ordinary course.",
            *specific,
        )
    if verdict is Verdict.LICENSE_REQUIRED:
        policies = sorted({r.review_policy for r in rules if r.review_policy})
        return (
            "Do not ship without a BIS license; no license exceptions are available.",
            f"Expect license review under: {', '.join(policies) or 'the policy stated in the entry'}.",
            *specific,
            "Record this determination with the order.",
        )
    steps = ["No list-based license requirement found for these parties on this date."]
    if not ear99:
        steps.append(
            "Still check the Commerce Control List and the Country Chart for this ECCN and destination."
        )
    steps.extend(specific)
    return tuple(steps)
