"""The End-User Review Committee: listing decisions as a recorded, rule-checked workflow.

Procedure (REGULATORY_FACTS.md §1; Supplement No. 5 to Part 744, §744.16(d), EO 12981):

- The ERC (Commerce chairing; State, Defense, Energy; Treasury where relevant) decides
  an addition by majority vote and a modification or removal by unanimous vote.
- A tie is a deadlock. A deadlocked case, or a decision a member agency is dissatisfied
  with, may be escalated: ERC -> ACEP (Assistant Secretaries, majority) -> EARB (Cabinet,
  majority) -> the President (final; breaks ties).
- An appeal must be raised within 5 days of the decision at a level (EO 12981; whether
  the same limit applies to ERC matters is unverified). Each higher level decides within
  11 days of the escalation (EO 12981 for license applications; unverified for ERC
  matters), and the ERC within 30 days of a proposal (an assumption, unverified).
  Whether ERC matters pass through the Operating Committee is unverified: this workflow
  goes straight from the ERC to the ACEP and says so in every case's history.
- A decision is only a decision: it does NOT change the official lists. An addition or
  removal takes effect only when published as a rule in the Federal Register (bis.gov ERC
  FAQ; §744.16). `publish(case, fr_cite, effective)` records that publication, and only
  then does the store change: an addition or modification becomes an entry of the `erc`
  feed (a new list version) with an ADDED/MODIFIED event citing the Federal Register; a
  removal becomes a REMOVED event on the listed entity, from the effective date.
- Before publication, `scenario(session, case)` evaluates what the decision would change
  in a transaction that is always rolled back; answers from it are labelled as a scenario.
- The voting rules above the ERC (ACEP, EARB, the President) are unverified: every
  decision taken there says so in its step and in `VOTING_RULES`.

Every step is appended to the case history; rows are never updated or deleted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from html import escape
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradescreen.domain import (
    Address,
    AliasType,
    Citation,
    EventType,
    Feed,
    LicenseDetermination,
    ListEntry,
    ListingEvent,
    ListSource,
    Name,
    Party,
    entity_id,
)
from tradescreen.errors import InputError, NotFoundError, TradescreenError
from tradescreen.store.erc_tables import ErcCaseRow, ErcStepRow
from tradescreen.store.load import event_row
from tradescreen.store.schema import ListVersionRow
from tradescreen.store.versions import import_version, version_entities

if TYPE_CHECKING:
    from tradescreen.rules.licensing import TransactionParty

FEED = Feed.ERC


class ErcLevel(StrEnum):
    """The levels an ERC matter can rise through, in order (stored in `erc_cases.level`)."""

    ERC = "ERC"
    ACEP = "ACEP"
    EARB = "EARB"
    PRESIDENT = "PRESIDENT"


class ErcAction(StrEnum):
    """What a case proposes for the Entity List (stored in `erc_cases.action`)."""

    ADD = "add"
    MODIFY = "modify"
    REMOVE = "remove"


class ErcOutcome(StrEnum):
    """How a level decided (stored in `erc_cases.outcome`; a deadlock is never stored)."""

    APPROVED = "approved"
    REJECTED = "rejected"
    DEADLOCK = "deadlock"


LEVELS = tuple(ErcLevel)
LEVEL_NAMES: dict[str, str] = {
    ErcLevel.ERC: "End-User Review Committee",
    ErcLevel.ACEP: "Advisory Committee on Export Policy (Assistant Secretaries)",
    ErcLevel.EARB: "Export Administration Review Board (Cabinet)",
    ErcLevel.PRESIDENT: "President",
}
AGENCIES = ("Commerce", "State", "Defense", "Energy")
TREASURY = "Treasury"
ACTIONS = tuple(a.value for a in ErcAction)
APPEAL_DAYS = 5
DECISION_DAYS: dict[str, int] = {
    ErcLevel.ERC: 30,
    ErcLevel.ACEP: 11,
    ErcLevel.EARB: 11,
    ErcLevel.PRESIDENT: 11,
}
# How each level decides, and whether that rule was checked against the primary text.
VOTING_RULES: dict[str, tuple[str, bool]] = {
    ErcLevel.ERC: ("majority to add; unanimity to modify or remove (Supplement No. 5 to Part 744)", True),
    ErcLevel.ACEP: ("majority (modelled on EO 12981 license disputes)", False),
    ErcLevel.EARB: ("majority (modelled on EO 12981 license disputes)", False),
    ErcLevel.PRESIDENT: ("final decision of the President (modelled on EO 12981)", False),
}
UNVERIFIED_NOTE = (
    "Time limits from EO 12981 (license applications) applied by analogy; whether ERC matters pass "
    "through the Operating Committee is unverified (verify)."
)


class ERCError(TradescreenError):
    """An action the procedure does not allow."""


@dataclass(frozen=True, slots=True)
class Step:
    """One recorded step of a case."""

    on: dt.date
    level: str
    kind: str
    actor: str
    what: str
    why: str


def _agency(value: str, case: ErcCaseRow | None = None) -> str:
    name = value.strip().title()
    members = committee(case) if case is not None else (*AGENCIES, TREASURY)
    if name not in members:
        raise ERCError(f"{value!r} is not a member of the committee ({', '.join(members)})")
    return name


def committee(case: ErcCaseRow) -> tuple[str, ...]:
    """The voting agencies of a case."""
    return (*AGENCIES, TREASURY) if case.treasury_sits else AGENCIES


def _step(
    session: Session,
    case: ErcCaseRow,
    on: dt.date,
    kind: str,
    actor: str,
    what: str,
    why: str = "",
    **data: object,
) -> None:
    session.add(
        ErcStepRow(
            case_id=case.id, on=on, level=case.level, kind=kind, actor=actor, what=what, why=why, data=data
        )
    )
    session.flush()


def get_case(session: Session, case_id: int) -> ErcCaseRow:
    """A case by id."""
    case = session.get(ErcCaseRow, case_id)
    if case is None:
        raise NotFoundError(f"no ERC case {case_id}")
    return case


def history(session: Session, case_id: int) -> list[Step]:
    """The case's steps in order."""
    rows = session.scalars(select(ErcStepRow).where(ErcStepRow.case_id == case_id).order_by(ErcStepRow.id))
    return [Step(r.on, r.level, r.kind, r.actor, r.what, r.why) for r in rows]


def _listed_entity(session: Session, party: str, on: dt.date) -> str | None:
    """The Entity List entity id a removal or modification refers to, if listed on `on`."""
    from tradescreen.rules.parties import PartyResolver

    for found in PartyResolver(session).listings(Party(party), on):
        if found.status.source is ListSource.EL and found.status.restricted:
            return found.status.entity_id
    return None


def propose(
    session: Session,
    *,
    action: str,
    party: str,
    country: str,
    by: str,
    on: dt.date,
    aliases: list[str] | None = None,
    addresses: list[str] | None = None,
    license_requirement: str = "",
    review_policy: str = "",
    reasons: str = "",
    evidence: str = "",
    treasury: bool = False,
) -> ErcCaseRow:
    """Open a case. A removal or modification must name a party listed on that date."""
    from tradescreen.rules.countries import check_country

    if action not in ACTIONS:
        raise InputError(f"unknown action {action!r} ({', '.join(ACTIONS)})", field="action")
    if not party.strip():
        raise InputError("empty party name", field="party")
    target = None
    if action in (ErcAction.MODIFY, ErcAction.REMOVE):
        target = _listed_entity(session, party, on)
        if target is None:
            raise ERCError(f"cannot {action} {party!r}: not on the Entity List on {on}")
    elif not license_requirement:
        license_requirement = "For all items subject to the EAR (see §744.11 of the EAR)"
    case = ErcCaseRow(
        action=action,
        party=party.strip(),
        country=check_country(country, "country"),
        aliases=aliases or [],
        addresses=addresses or [],
        license_requirement=license_requirement,
        review_policy=review_policy or ("Presumption of denial" if action == ErcAction.ADD else ""),
        reasons=reasons,
        evidence=evidence,
        target_entity_id=target,
        proposed_by="",
        proposed_on=on,
        treasury_sits=treasury,
        level=ErcLevel.ERC,
        status="open",
        level_opened_on=on,
    )
    session.add(case)
    session.flush()
    case.proposed_by = _agency(by, case)
    _step(
        session,
        case,
        on,
        "proposed",
        case.proposed_by,
        f"proposal to {action} {case.party}",
        reasons,
        target=target,
    )
    _step(session, case, on, "note", "system", "procedure", UNVERIFIED_NOTE)
    return case


def _votes(session: Session, case: ErcCaseRow) -> dict[str, bool]:
    rows = session.scalars(
        select(ErcStepRow).where(
            ErcStepRow.case_id == case.id, ErcStepRow.kind == "vote", ErcStepRow.level == case.level
        )
    )
    return {r.actor: bool(r.data.get("yes")) for r in rows}


def vote(session: Session, case_id: int, *, agency: str, yes: bool, rationale: str, on: dt.date) -> None:
    """Record an agency's vote at the case's current level."""
    case = get_case(session, case_id)
    if case.status not in ("open",):
        raise ERCError(f"case {case_id} is {case.status} at the {case.level}: no more votes there")
    if case.level == ErcLevel.PRESIDENT:
        raise ERCError("the President decides alone: use president-decide")
    name = _agency(agency, case)
    if name in _votes(session, case):
        raise ERCError(f"{name} has already voted at the {case.level} on case {case_id}")
    if on < case.level_opened_on:
        raise InputError("vote dated before the level was seized", field="on")
    _step(session, case, on, "vote", name, f"{'for' if yes else 'against'} the proposal", rationale, yes=yes)


def _deadline(case: ErcCaseRow) -> dt.date:
    return case.level_opened_on + dt.timedelta(days=DECISION_DAYS[case.level])


def decide(session: Session, case_id: int, *, on: dt.date) -> str:
    """Tally the votes at the current level by that level's rule; returns the outcome."""
    case = get_case(session, case_id)
    if case.status != "open":
        raise ERCError(f"case {case_id} is already {case.status} at the {case.level}")
    if case.level == ErcLevel.PRESIDENT:
        raise ERCError("the President decides alone: use president-decide")
    if on > _deadline(case):
        raise ERCError(
            f"the {case.level} had until {_deadline(case)} to decide case {case_id} (unverified limit)"
        )
    votes = _votes(session, case)
    missing = [a for a in committee(case) if a not in votes]
    if missing:
        raise ERCError(f"waiting for votes from {', '.join(missing)}")
    tally = Counter(votes.values())
    unanimity = case.level == ErcLevel.ERC and case.action in (ErcAction.MODIFY, ErcAction.REMOVE)
    if unanimity:
        rule = "unanimity (ERC, modification or removal)"
        outcome = ErcOutcome.APPROVED if tally[False] == 0 else ErcOutcome.REJECTED
    elif tally[True] == tally[False]:
        rule, outcome = f"majority ({case.level}): {tally[True]}-{tally[False]} tie", ErcOutcome.DEADLOCK
    else:
        rule = f"majority ({case.level}): {tally[True]} for, {tally[False]} against"
        outcome = ErcOutcome.APPROVED if tally[True] > tally[False] else ErcOutcome.REJECTED
    case.status = "deadlocked" if outcome == ErcOutcome.DEADLOCK else "decided"
    case.outcome = None if outcome == ErcOutcome.DEADLOCK else outcome
    case.decided_on = on
    if not VOTING_RULES[case.level][1]:
        rule += " (voting rule above the ERC: unverified)"
    why = f"decided by {rule}" + (
        "; may be escalated by any member agency"
        if outcome == ErcOutcome.DEADLOCK
        else f"; any member agency may appeal within {APPEAL_DAYS} days"
    )
    _step(session, case, on, "decision", case.level, outcome, why, rule=rule, votes=votes)
    return outcome


def escalate(session: Session, case_id: int, *, by: str, reason: str, on: dt.date) -> str:
    """Take a deadlocked or appealed case to the next level."""
    case = get_case(session, case_id)
    name = _agency(by, case)
    if case.status == "final":
        raise ERCError(f"case {case_id} was finally decided: it cannot be escalated")
    if case.status == "open":
        raise ERCError(f"the {case.level} has not decided case {case_id} yet")
    assert case.decided_on is not None
    if on > case.decided_on + dt.timedelta(days=APPEAL_DAYS):
        raise ERCError(
            f"the appeal window closed on {case.decided_on + dt.timedelta(days=APPEAL_DAYS)} "
            f"(5 days after the {case.level} decision)"
        )
    next_level = LEVELS[LEVELS.index(case.level) + 1]
    _step(session, case, on, "escalation", name, f"escalated from {case.level} to {next_level}", reason)
    case.level, case.status, case.outcome, case.decided_on, case.level_opened_on = (
        next_level,
        "open",
        None,
        None,
        on,
    )
    return next_level


def president_decide(
    session: Session,
    case_id: int,
    *,
    approve: bool,
    rationale: str,
    on: dt.date,
    effective: dt.date | None = None,
) -> str:
    """The President's final decision."""
    case = get_case(session, case_id)
    if case.level != ErcLevel.PRESIDENT or case.status != "open":
        raise ERCError(f"case {case_id} is not before the President")
    if on > _deadline(case):
        raise ERCError(f"the President had until {_deadline(case)} to decide (unverified limit)")
    outcome = ErcOutcome.APPROVED if approve else ErcOutcome.REJECTED
    case.outcome, case.decided_on = outcome, on
    _step(
        session,
        case,
        on,
        "decision",
        "President",
        outcome,
        f"{rationale} (the President's role in ERC matters is unverified: modelled on EO 12981)",
        rule="final decision of the President (unverified: modelled on EO 12981)",
    )
    _finalize(session, case, on, effective or on)
    return outcome


def finalize(session: Session, case_id: int, *, on: dt.date, effective: dt.date | None = None) -> str:
    """Close a decided case once its appeal window has passed, applying an approval."""
    case = get_case(session, case_id)
    if case.status == "final":
        raise ERCError(f"case {case_id} is already final")
    if case.status != "decided":
        raise ERCError(
            f"case {case_id} is {case.status} at the {case.level}: it needs a decision first"
            + (" or an escalation" if case.status == "deadlocked" else "")
        )
    assert case.decided_on is not None and case.outcome is not None
    window_end = case.decided_on + dt.timedelta(days=APPEAL_DAYS)
    if on <= window_end:
        raise ERCError(f"the appeal window is open until {window_end}")
    _finalize(session, case, on, effective or on)
    return case.outcome


def _finalize(session: Session, case: ErcCaseRow, on: dt.date, effective: dt.date) -> None:
    case.status = "final"
    if case.outcome != ErcOutcome.APPROVED:
        _step(session, case, on, "final", case.level, "no listing change", "the proposal was rejected")
        return
    _step(
        session,
        case,
        on,
        "final",
        case.level,
        f"approved; proposed effective date {effective}",
        "a decision only: the official lists do not change until the rule is published in the "
        "Federal Register (erc publish)",
        effective=effective.isoformat(),
    )


def publish(
    session: Session, case_id: int, *, fr_cite: str, effective: dt.date, on: dt.date | None = None
) -> str:
    """Record the Federal Register publication of an approved decision; from `effective` on,
    the change reaches the official answers (determine, screen, status)."""
    case = get_case(session, case_id)
    cite = (fr_cite or "").strip()
    if not cite:
        raise InputError("the Federal Register citation is required (e.g. 86 FR 12345)", field="fr_cite")
    if not isinstance(effective, dt.date):
        raise InputError(f"not a date: {effective!r}", field="effective")
    if case.status == "published":
        raise ERCError(f"case {case_id} was already published")
    if case.status != "final" or case.outcome != ErcOutcome.APPROVED:
        raise ERCError(
            f"case {case_id} is {case.status} ({case.outcome or 'no outcome'}): only a final approval "
            "can be published"
        )
    _apply(session, case, effective, Citation(cite, verified=True))
    case.status = "published"
    _step(
        session,
        case,
        on or effective,
        "publication",
        "Federal Register",
        f"published as {cite}, effective {effective}",
        "the change reaches the official lists from the effective date",
        fr_cite=cite,
        effective=effective.isoformat(),
    )
    return cite


def _apply(session: Session, case: ErcCaseRow, effective: dt.date, citation: Citation) -> None:
    """Write the decision into the store (publication, or a scenario that is rolled back)."""
    origin = f"erc:{case.id}"
    if case.action == ErcAction.REMOVE:
        assert case.target_entity_id is not None
        event = ListingEvent(
            case.target_entity_id,
            ListSource.EL,
            EventType.REMOVED,
            effective,
            f"removed by decision of the {case.level} (ERC case {case.id}), published {citation.text}",
            citation,
            verified=citation.verified,
            origin=origin,
        )
        session.add(event_row(event, None))
        session.flush()
        return
    version = _new_erc_version(session, case, effective, citation)
    case.listing_version_id = version


def _proposed_effective(session: Session, case: ErcCaseRow) -> dt.date:
    for step in reversed(history_rows(session, case.id)):
        if step.data and step.data.get("effective"):
            return dt.date.fromisoformat(str(step.data["effective"]))
    return case.decided_on or case.proposed_on


def history_rows(session: Session, case_id: int) -> list[ErcStepRow]:
    """The raw step rows of a case, in order."""
    return list(
        session.scalars(select(ErcStepRow).where(ErcStepRow.case_id == case_id).order_by(ErcStepRow.id))
    )


def scenario_label(case: ErcCaseRow, effective: dt.date) -> str:
    """How answers under a scenario are labelled."""
    return (
        f"SCENARIO (not an official answer): ERC case {case.id}, {case.action} {case.party}, "
        f"as if {'approved and ' if case.outcome != 'approved' else ''}published effective {effective}; "
        f"case status {case.status}"
    )


@contextmanager
def scenario(
    session: Session, case_id: int, *, effective: dt.date | None = None
) -> Iterator[tuple[Session, str]]:
    """A session in which the case's decision is applied as if published, and its label.

    The change is written inside a savepoint that is always rolled back: the official lists
    never see it. Evaluate determine/screen/status with the yielded session (the caller's
    own session), inside the `with` block only."""
    from tradescreen.rules.parties import forget_screeners

    case = get_case(session, case_id)
    if case.status == "published":
        raise ERCError(f"case {case_id} is published: its change is already official")
    if case.action in (ErcAction.MODIFY, ErcAction.REMOVE) and case.target_entity_id is None:
        raise ERCError(f"case {case_id} names no listed entity")
    day = effective or _proposed_effective(session, case)
    label = scenario_label(case, day)
    session.flush()
    savepoint = session.begin_nested()
    try:
        _apply(session, case, day, Citation(f"ERC case {case_id} (scenario; not published)", verified=False))
        session.flush()
        forget_screeners()
        yield session, label
    finally:
        if savepoint.is_active:
            savepoint.rollback()
        session.expire_all()
        forget_screeners()


def scenario_determine(
    session: Session,
    case_id: int,
    parties: list[TransactionParty],
    eccn: str,
    destination: str,
    as_of: dt.date | None = None,
) -> LicenseDetermination:
    """`determine` under a scenario: what the case's decision would change, labelled so."""
    from tradescreen.rules.licensing import determine

    with scenario(session, case_id) as (hypothetical, label):
        result = determine(hypothetical, parties, eccn, destination, as_of)
    return dataclasses.replace(result, scenario=label)


def _entry(case: ErcCaseRow, effective: dt.date, citation: Citation) -> ListEntry:
    return ListEntry(
        entry_key=f"case-{case.id}",
        source=ListSource.EL,
        name=case.party,
        aliases=tuple(Name(a, AliasType.AKA) for a in case.aliases),
        addresses=tuple(Address(full=a, country=case.country) for a in case.addresses),
        countries=(case.country,),
        federal_register=(citation,),
        license_requirement=case.license_requirement,
        license_policy=case.review_policy,
        start_date=effective,
        extra={"erc_case": case.id},
    )


def _new_erc_version(session: Session, case: ErcCaseRow, effective: dt.date, citation: Citation) -> int:
    """A new version of the `erc` feed: every earlier ERC entry plus this decision's."""
    active = session.scalars(
        select(ListVersionRow).where(ListVersionRow.feed == FEED, ListVersionRow.active.is_(True))
    ).first()
    entries = [e.entry for e in version_entities(session, active.id)] if active else []
    entries = [e for e in entries if e.name.casefold() != case.party.casefold()]
    new_entry = _entry(case, effective, citation)
    entries.append(new_entry)
    event = ListingEvent(
        entity_id(FEED, new_entry.entry_key),
        ListSource.EL,
        EventType.ADDED if case.action == ErcAction.ADD else EventType.MODIFIED,
        effective,
        f"{case.action} decided by the {case.level} (ERC case {case.id})",
        citation,
        verified=citation.verified,
        origin=f"erc:{case.id}",
    )
    digest = hashlib.sha256(f"erc-case-{case.id}-{effective.isoformat()}".encode()).hexdigest()

    def events(s: Session, version: ListVersionRow) -> None:
        s.add(event_row(event, None))
        if case.action == ErcAction.MODIFY and case.target_entity_id:
            s.add(
                event_row(
                    ListingEvent(
                        case.target_entity_id,
                        ListSource.EL,
                        EventType.MODIFIED,
                        effective,
                        f"modified by ERC case {case.id}",
                        citation,
                        verified=citation.verified,
                        origin=f"erc:{case.id}",
                    ),
                    None,
                )
            )

    result = import_version(
        session,
        feed=FEED,
        file_name=f"ERC case {case.id}",
        sha256=digest,
        entries=entries,
        published=effective,
        after_insert=events,
    )
    return result.version.id


def notice_text(case: ErcCaseRow) -> str:
    """A draft Federal Register style entry for Supplement No. 4 to Part 744."""
    names = "; ".join([case.party, *[f"a.k.a. {a}" for a in case.aliases]])
    addresses = "; ".join(case.addresses) or "[address]"
    verb = {"add": "adding", "modify": "revising", "remove": "removing"}[case.action]
    return (
        "DEPARTMENT OF COMMERCE\nBureau of Industry and Security\n15 CFR Part 744\n[Docket No. ____]\n"
        f"Entity List: {verb.title()} an Entry\n\n"
        f"SUMMARY: This final rule amends the Export Administration Regulations (EAR) by {verb} "
        f"{case.party} ({case.country}) {'to' if case.action == 'add' else 'on'} the Entity List.\n\n"
        "Supplement No. 4 to Part 744 - Entity List\n"
        f"Country: {case.country}\nEntity: {names}, {addresses}.\n"
        f"License requirement: {case.license_requirement or '[unchanged]'}\n"
        f"License review policy: {case.review_policy or '[unchanged]'}\n"
        "Federal Register citation: [__ FR ____, (date of publication)]\n"
    )


def notice_html(case: ErcCaseRow) -> str:
    """The same draft notice as HTML."""
    rows = [
        ("Country", case.country),
        ("Entity", "; ".join([case.party, *[f"a.k.a. {a}" for a in case.aliases]])),
        ("Addresses", "; ".join(case.addresses) or "[address]"),
        ("License requirement", case.license_requirement or "[unchanged]"),
        ("License review policy", case.review_policy or "[unchanged]"),
        ("Federal Register citation", "[__ FR ____, (date of publication)]"),
    ]
    body = "".join(f"<tr><th scope='row'>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return (
        f"<article class='fr-notice'><h2>Entity List: {escape(case.action.title())} an Entry</h2>"
        f"<p>Supplement No. 4 to Part 744 (draft, ERC case {case.id})</p><table>{body}</table></article>"
    )
