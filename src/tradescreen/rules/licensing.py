"""License determination: do the parties' listings require a license for this item, to this
destination, on this date — and which rules fired, with their legal basis."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tradescreen.domain import EventType, LicenseDetermination, ListSource, Party, RuleFiring, Verdict
from tradescreen.errors import InputError
from tradescreen.history import ListingState, ListingStatus
from tradescreen.match.screen import Screener
from tradescreen.ownership import (
    affiliates_rule_in_force,
    affiliates_rule_unverified,
    assess,
    listed_owner_names,
    owners_graph,
    ownership_paths,
    relationships_on,
)
from tradescreen.rules.countries import check_country
from tradescreen.rules.country_chart import chart_answer, check_known
from tradescreen.rules.destinations import destination_controls
from tradescreen.rules.eccn import Eccn, parse_eccn
from tradescreen.rules.investment import EO14032_CITATION, section_1237_regime
from tradescreen.rules.parties import PartyListing, PartyResolver, is_huawei_affiliate
from tradescreen.rules.red_flags import checklist

FDP_BROADENED = dt.date(2020, 8, 17)  # 85 FR 51596
TGL_NARROWED = dt.date(2019, 8, 19)  # the extension of that date dropped 5G standards work
SMIC_QUESTION = (
    "Is the item uniquely required for the production of semiconductors at advanced technology "
    "nodes (10 nanometers and below, incl. extreme ultraviolet technology)? Yes: presumption of "
    "denial; no: case-by-case review (85 FR 83416)."
)
EO_DELAY = dt.timedelta(days=45)  # EO 13942 / EO 13943: prohibitions begin 45 days after the order
DOD_1260H_BAR = dt.date(2026, 6, 30)  # FY2024 NDAA §805: DoD contracting bar (unverified)
FCC_EQUIPMENT_BAR = dt.date(2023, 2, 6)  # FCC 22-84 (Nov 2022 order) in force (unverified date)
NDAA889_A = dt.date(2019, 8, 13)  # §889(a)(1)(A): procurement of covered equipment
NDAA889_B = dt.date(2020, 8, 13)  # §889(a)(1)(B): contracting with entities that use it

# Foreign direct product rules other than footnote 1: named, not decided here.
OTHER_FDP_RULES = (
    "§734.9(e)(2) (Entity List footnote 4: advanced computing and supercomputer end uses)",
    "§734.9(e)(3) (Entity List footnote 5)",
    "§734.9(h) advanced computing FDP rule and §734.9(i) supercomputer FDP rule",
    "§734.9(f) Russia/Belarus FDP rule and §734.9(g) Russia/Belarus military end-user FDP rule",
    "§734.9(k) semiconductor manufacturing equipment FDP rule",
)

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
    policy = (status.license_policy or "").lower()
    if covers and "uniquely required" in policy and "case-by-case" in policy:
        rules.append(
            RuleFiring(
                rule="split_review_policy",
                summary=f"{status.name} has a split license review policy; the deciding question: "
                + SMIC_QUESTION,
                citation="Supplement No. 4 to Part 744; 85 FR 83416",
                party=party,
                entity_id=status.entity_id,
                review_policy=status.license_policy,
            )
        )
    if "1" in status.footnotes:
        if status.as_of < FDP_BROADENED:
            scope = (
                "May 2020 version (85 FR 29849): only foreign-made items produced from Huawei's own "
                "designs — a direct product of specified US software or technology (or of a plant that "
                "is one) produced from technology or software of a footnote 1 entity"
            )
            cite = "15 CFR 734.9(e)(1) (then 736.2(b)(3)(vi)); 85 FR 29849"
        else:
            scope = (
                "August 2020 version (85 FR 51596): any foreign-made direct product of specified US "
                "software or technology (or of such a plant) when a footnote 1 entity is a party, or the "
                "item will be incorporated into, or used to produce or develop, an item of one"
            )
            cite = "15 CFR 734.9(e)(1); 85 FR 51596"
        rules.append(
            RuleFiring(
                rule="fdp_footnote_1",
                summary="Footnote 1: the Entity List foreign direct product rule applies"
                + (" (this party is a listed Huawei affiliate)" if is_huawei_affiliate(status) else "")
                + f" — {scope} (run `tradescreen fdp` for a foreign-made item).",
                citation=cite,
                party=party,
                entity_id=status.entity_id,
                review_policy="Presumption of denial",
            )
        )
    if status.general_license_active:
        scope = (
            "continuity of existing networks and handsets, cybersecurity research, 5G standards work"
            if status.as_of < TGL_NARROWED
            else "continuity of existing networks and handsets, cybersecurity research (5G standards "
            "work dropped from 2019-08-19)"
        )
        rules.append(
            RuleFiring(
                rule="temporary_general_license",
                summary="The Huawei Temporary General License was in force"
                + (" (this party is a listed Huawei affiliate)" if is_huawei_affiliate(status) else "")
                + f": it authorised only narrow activities ({scope}).",
                citation="84 FR 23468; 15 CFR 744.2 Supplement (TGL, extended 84 FR 43487)",
                party=party,
                entity_id=status.entity_id,
                license_exceptions_available=True,
            )
        )
    return rules


def _rules_for(listing: PartyListing, item: Eccn, party: str) -> list[RuleFiring]:
    """The rules a listing fires; a listing resting on an unverified fact (an unknown
    listing date, an unchecked event) makes its rules unverified too."""
    rules = _listing_rules(listing, item, party)
    unverified = listing.status.unverified
    if not unverified:
        return rules
    note = " Unverified: " + "; ".join(unverified) + "."
    return [
        dataclasses.replace(r, verified=False, summary=r.summary + note) if r.verified else r for r in rules
    ]


def _listing_rules(listing: PartyListing, item: Eccn, party: str) -> list[RuleFiring]:
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
                rule="military_end_user" if item.on_ccl else "military_end_user_noted",
                summary=f"{status.name} is a listed military end user (§744.21): a license is "
                "required for items in Supplement No. 2 to Part 744"
                + (
                    " — check whether this ECCN is in the supplement (not checked here)."
                    if item.on_ccl
                    else "; EAR99 items are outside that supplement: no license requirement from "
                    "this listing (still watch for §744.21 knowledge of a military end use)."
                ),
                citation="15 CFR 744.21; Supplement No. 2 and No. 7 to Part 744",
                party=party,
                entity_id=status.entity_id,
                review_policy="Presumption of denial" if item.on_ccl else None,
                verified=not item.on_ccl,
            )
        ]
    if source is ListSource.MIEU:
        return [
            RuleFiring(
                rule="military_intelligence_end_user",
                summary=f"{status.name} is a military-intelligence end user (§744.22): a license is "
                "required for all items subject to the EAR, EAR99 included.",
                citation="15 CFR 744.22",
                party=party,
                entity_id=status.entity_id,
                review_policy="Policy of denial",
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
        return _executive_order(status, party)
    if source in (ListSource.CMIC, ListSource.DOD1237):
        return [_securities(status, party)]
    if source is ListSource.DOD1260H:
        return [
            RuleFiring(
                rule="dod_1260h",
                summary=f"{status.name} is on the DoD §1260H list (Chinese military companies): no "
                "export-licensing effect by itself; DoD may not contract with it from "
                f"{DOD_1260H_BAR} (FY2024 NDAA §805; effective date unverified)"
                + (" — in force on this date." if status.as_of >= DOD_1260H_BAR else "."),
                citation="Section 1260H of the FY2021 NDAA; Section 805 of the FY2024 NDAA",
                party=party,
                entity_id=status.entity_id,
                verified=False,
            )
        ]
    if source is ListSource.FCC:
        return [
            RuleFiring(
                rule="fcc_covered_list",
                summary=f"{status.name}: equipment or services on the FCC Covered List since "
                f"{status.since or 'an unknown date'} (no Universal Service Fund support); no new "
                f"equipment authorizations from {FCC_EQUIPMENT_BAR} (FCC 22-84; date unverified). "
                "No export-licensing effect.",
                citation="47 CFR 1.50002 (Covered List); Secure and Trusted Communications Networks Act of "
                "2019; FCC 22-84",
                party=party,
                entity_id=status.entity_id,
                verified=False,
            )
        ]
    if source is ListSource.NDAA889:
        day = status.as_of
        effects = ["named in §889 (enacted 2018-08-13)"]
        if day >= NDAA889_A:
            effects.append("federal agencies may not procure its covered equipment (from 2019-08-13)")
        if day >= NDAA889_B:
            effects.append("nor contract with entities that use it (from 2020-08-13)")
        return [
            RuleFiring(
                rule="ndaa_889",
                summary=f"{status.name}: " + "; ".join(effects) + ". No export-licensing effect.",
                citation="Section 889 of the John S. McCain NDAA for FY2019 (Pub. L. 115-232); FAR 52.204-25",
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


def _executive_order(status: ListingStatus, party: str) -> list[RuleFiring]:
    added = next((e.date for e in status.events if e.event_type is EventType.ADDED), status.since)
    start = added + EO_DELAY if added else None
    live = start is not None and status.as_of >= start
    return [
        RuleFiring(
            rule="executive_order",
            summary=f"{status.name}: {', '.join(status.programs) or 'an executive order'} "
            + (
                f"prohibitions in effect from {start}, but only for the transactions the Secretary "
                "of Commerce identified (app distribution, hosting and the like), not exports "
                "generally."
                if live
                else f"signed {added}; its prohibitions begin only 45 days later ({start}) and only "
                "for transactions the Secretary of Commerce identifies: nothing is prohibited yet."
            ),
            citation="; ".join(c.text for c in status.citations) or "EO 13942; EO 13943",
            party=party,
            entity_id=status.entity_id,
            verified=False,
        )
    ]


def _securities(status: ListingStatus, party: str) -> RuleFiring:
    day = status.as_of
    if status.source is ListSource.DOD1237 and status.since is not None:
        key = status.entity_id.split(":")[1] if ":" in status.entity_id else ""
        regime = section_1237_regime(status.since, day, key=key)
        return RuleFiring(
            rule="investment_ban" if regime.purchase_prohibited else "investment_noted",
            summary=f"{status.name} (Section 1237 designation): {regime.explanation}. "
            f"Holding barred: {'yes' if regime.holding_prohibited else 'no'}. No export-licensing effect.",
            citation=regime.citation,
            party=party,
            entity_id=status.entity_id,
            verified=regime.verified,
        )
    since = status.since
    ban = since + dt.timedelta(days=60) if since else None
    barred = ban is not None and day >= ban
    return RuleFiring(
        rule="investment_ban" if barred else "investment_noted",
        summary=f"{status.name} is on the {status.source.label}: purchases of its publicly traded "
        + (
            f"securities barred since {ban} (EO 14032; no holding ban)"
            if barred
            else f"securities barred from {ban}"
        )
        + ". No export-licensing effect (see `tradescreen securities`).",
        citation=EO14032_CITATION,
        party=party,
        entity_id=status.entity_id,
    )


PROHIBITING = {"denied_persons", "sdn_blocking", "ownership_ofac"}
REQUIRING = {
    "entity_list",
    "military_end_user",
    "military_intelligence_end_user",
    "ownership_bis",
    "destination_control",
    "country_chart",
}


def determine(
    session: Session,
    parties: list[TransactionParty],
    eccn: str,
    destination: str,
    as_of: dt.date | None = None,
    resolver: PartyResolver | None = None,
) -> LicenseDetermination:
    """Determine the license requirements of a transaction on `as_of`: the parties' listings
    (and listed owners), the destination's embargoes and sanctions programs (Part 746, OFAC),
    and the Commerce Country Chart for the ECCN.

    Pass a `resolver` to reuse its name index across many determinations (building one
    indexes every entity the store ever held)."""
    if not parties:
        raise InputError("at least one party is needed", field="parties")
    item = check_known(parse_eccn(eccn))
    country = check_country(destination, "destination")
    if as_of is not None and not isinstance(as_of, dt.date):
        raise InputError(f"not a date: {as_of!r}", field="as_of")
    day = as_of or dt.date.today()
    resolver = resolver or PartyResolver(session)
    fired: list[RuleFiring] = []
    ownership_unknown = False
    for party in parties:
        if not party.name.strip():
            raise InputError("empty party name", field="parties.name")
        if party.role not in ROLES:
            raise InputError(f"unknown role {party.role!r} ({', '.join(ROLES)})", field="parties.role")
        for listing in resolver.listings(Party(party.name, country=party.country), day):
            fired.extend(_rules_for(listing, item, party.name))
        owned = _ownership_rules(session, resolver, party.name, day)
        fired.extend(owned)
        if not ownership_paths(owners_graph(relationships_on(session, day)), party.name):
            ownership_unknown = True
    fired.extend(_destination_rules(item, country, day))
    fired.extend(_fdp_named(fired))
    names = {r.rule for r in fired}
    verdict = (
        Verdict.PROHIBITED
        if names & PROHIBITING
        else Verdict.LICENSE_REQUIRED
        if names & REQUIRING
        else Verdict.NO_LICENSE_REQUIRED
    )
    reasons = _unverified_reasons(verdict, fired, day)
    steps = _next_steps(verdict, fired, item.is_ear99)
    return LicenseDetermination(
        verdict=verdict,
        eccn=item.code,
        destination=country,
        as_of=day,
        rules=tuple(_dedupe(fired)),
        next_steps=steps,
        parties=tuple(f"{p.role}: {p.name}" for p in parties),
        verdict_unverified=bool(reasons),
        unverified_reasons=reasons,
        red_flags=checklist(
            ownership_unknown_under_affiliates_rule=ownership_unknown and affiliates_rule_in_force(day)
        ),
    )


def _destination_rules(item: Eccn, country: str, day: dt.date) -> list[RuleFiring]:
    rules = [
        RuleFiring(
            rule="destination_control",
            summary=f"{control.name}: {control.requirement}",
            citation=control.citation,
            verified=control.verified,
        )
        for control in destination_controls(country, item, day)
    ]
    answer = chart_answer(item, country)
    if answer is not None:
        exceptions = (
            " License exceptions to check (not decided here): " + ", ".join(answer.exceptions) + "."
            if answer.exceptions
            else ""
        )
        special = f" Also: {answer.special}." if answer.special else ""
        rules.append(
            RuleFiring(
                rule="country_chart"
                if answer.license_required
                else "country_chart_unanswered"
                if answer.license_required is None
                else "country_chart_clear",
                summary=answer.note + exceptions + special,
                citation=answer.citation,
                license_exceptions_available=bool(answer.exceptions),
                verified=answer.verified,
            )
        )
    return rules


def _fdp_named(fired: list[RuleFiring]) -> list[RuleFiring]:
    """The other foreign direct product rules: named as out of scope, so nobody reads the
    footnote 1 answer as the whole FDP analysis."""
    return [
        RuleFiring(
            rule="fdp_out_of_scope",
            summary="Other foreign direct product rules are not decided by tradescreen; for a "
            "foreign-made item check: " + "; ".join(OTHER_FDP_RULES) + ".",
            citation="15 CFR 734.9",
            verified=False,
        )
    ]


def _unverified_reasons(verdict: Verdict, fired: list[RuleFiring], day: dt.date) -> tuple[str, ...]:
    """Unverified facts the verdict rests on. A license requirement or prohibition is
    unverified only when every rule that produces it is; a clear verdict is unverified when
    any rule we report rests on an unchecked fact or could not be answered (fail closed)."""
    if verdict is Verdict.NO_LICENSE_REQUIRED:
        relevant = [r for r in fired if r.rule != "fdp_out_of_scope"]
    else:
        deciding = PROHIBITING if verdict is Verdict.PROHIBITED else REQUIRING
        relevant = [r for r in fired if r.rule in deciding]
        if any(r.verified for r in relevant):
            return ()
    reasons = [
        f"{r.rule}: {r.citation} (not verified against the primary text)" for r in relevant if not r.verified
    ]
    if any(r.rule == "country_chart_unanswered" for r in relevant):
        reasons.append("the Country Chart was not answered for this ECCN or destination")
    if any(r.rule == "ownership_bis" for r in relevant) and affiliates_rule_unverified(day):
        reasons.append(
            "BIS affiliates rule: applies again from 2026-11-10 unless its suspension was extended "
            "(extension unverified)"
        )
    return tuple(dict.fromkeys(reasons))


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
                citation="OFAC Revised Guidance on Entities Owned by Persons Whose Property and Interests "
                "in Property Are Blocked (2014-08-13)"
                if rule == "ownership_ofac"
                else "15 CFR 744.11(a)(2) (BIS affiliates rule, 90 FR 47201; in force 2025-09-29, "
                "suspended 2025-11-10 through 2026-11-09)",
                party=name,
                verified=rule == "ownership_ofac" or not affiliates_rule_unverified(day),
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
    "split_review_policy": "Answer the deciding question of the split review policy: " + SMIC_QUESTION,
    "military_end_user_noted": "Military end user: EAR99 is outside Supplement No. 2 to Part 744; "
    "record the check.",
    "destination_control": "A destination control applies (Part 746 / OFAC program): a license or "
    "OFAC authorization is needed whoever the parties are.",
    "country_chart": "The Country Chart requires a license for this ECCN and destination; check the "
    "license exceptions named (not decided here).",
    "country_chart_unanswered": "The Country Chart was not answered here: check Supplement No. 1 to "
    "Part 738 and the ECCN entry by hand.",
    "executive_order": "Executive-order transaction bans reach only identified transactions: check "
    "whether yours is one.",
    "investment_ban": "Securities restrictions apply: run `tradescreen securities` for investments.",
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
        exceptions = any(r.license_exceptions_available for r in rules if r.rule == "country_chart")
        listed = any(r.rule in REQUIRING - {"country_chart", "destination_control"} for r in rules)
        return (
            "Do not ship without a BIS license (or OFAC authorization for a sanctions program); "
            + (
                "no license exceptions are available for the listed party."
                if listed
                else "check the license exceptions named (not decided here)."
                if exceptions
                else "no license exception was identified."
            ),
            f"Expect license review under: {', '.join(policies) or 'the policy stated in the entry'}.",
            *specific,
            "Record this determination with the order.",
        )
    steps = ["No license requirement found for these parties, this destination and this ECCN on this date."]
    steps.extend(specific)
    return tuple(steps)
