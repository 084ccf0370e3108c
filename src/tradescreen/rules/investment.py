"""Investment bans on securities: the NS-CMIC list (EO 13959 as amended by EO 14032) and the
earlier Section 1237 designations (EO 13959, e.g. Xiaomi in 2021)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tradescreen.domain import Entity, ListSource, Party
from tradescreen.errors import InputError
from tradescreen.history import ListingState, all_entities, status_report
from tradescreen.match.screen import Screener
from tradescreen.rules.parties import RESOLVE_THRESHOLD

PURCHASE_DELAY = dt.timedelta(days=60)  # EO 14032: purchases prohibited 60 days after listing
DIVESTMENT_WINDOW = dt.timedelta(days=365)  # sales to divest allowed for 365 days after listing
SECURITIES_LISTS = {ListSource.CMIC, ListSource.DOD1237}

# EO 13959 (2020-11-12), as amended by EO 13974 (2021-01-13): purchases of a Section 1237
# company's publicly traded securities barred from 9:30 a.m. EST 2021-01-11 for companies
# listed by the order's date, and 60 days after listing for later ones; EO 13974 added a
# ban on *holding* them after the 365-day divestment window. EO 14032 replaced the regime
# from 2021-08-02 (purchases only; no holding ban).
EO13959_ORDER = dt.date(2020, 11, 12)
EO13959_FIRST_BAN = dt.date(2021, 1, 11)
EO14032_REGIME = dt.date(2021, 8, 2)
EO13959_CITATION = (
    "EO 13959 (85 FR 73185) as amended by EO 13974 (86 FR 4875); Section 1237 of the FY1999 NDAA"
)
EO14032_CITATION = "EO 14032 (86 FR 30145); 31 CFR Part 586"
# Court records fix some dates: Luokung's ban was due 2021-05-08 (Luokung Tech. Corp. v.
# DoD, No. 21-cv-583 (D.D.C.), preliminary injunction 2021-05-05).
BAN_DATE_OVERRIDES = {"luokung": dt.date(2021, 5, 8)}


@dataclass(frozen=True, slots=True)
class SecuritiesRegime:
    """What a listing barred on a date: buying, and holding, the issuer's securities."""

    purchase_prohibited: bool
    holding_prohibited: bool
    purchase_ban_from: dt.date | None
    holding_ban_from: dt.date | None
    explanation: str
    citation: str
    verified: bool


def section_1237_regime(
    listed: dt.date, as_of: dt.date, *, key: str = "", enforced: bool = True
) -> SecuritiesRegime:
    """EO 13959 as amended by EO 13974, for a Section 1237 designation made on `listed`."""
    ban = BAN_DATE_OVERRIDES.get(key) or (
        EO13959_FIRST_BAN if listed <= EO13959_ORDER else listed + PURCHASE_DELAY
    )
    holding = dt.date(2021, 11, 11) if listed <= EO13959_ORDER else listed + DIVESTMENT_WINDOW
    superseded = as_of >= EO14032_REGIME
    purchase = enforced and not superseded and ban <= as_of
    # The holding ban never bit: EO 14032 replaced the regime before any divestment window closed.
    held = enforced and not superseded and holding <= as_of
    if superseded:
        why = (
            f"EO 13959's Section 1237 regime was replaced by EO 14032 from {EO14032_REGIME}: "
            "the designation no longer bars purchases by itself (see the NS-CMIC list)"
        )
    elif not enforced:
        why = "the designation is not enforced on this date"
    elif purchase:
        why = (
            f"purchases of the securities barred since {ban} (EO 13959 §1(a)); holding them stays "
            f"allowed until {holding} (EO 13974 holding ban, which EO 14032 later dropped)"
        )
    else:
        why = f"listed {listed}; purchases barred from {ban}; sales to divest allowed until {holding}"
    return SecuritiesRegime(
        purchase,
        held,
        ban,
        holding,
        why,
        EO13959_CITATION,
        verified=False,
    )


@dataclass(frozen=True, slots=True)
class SecuritiesFinding:
    """Whether US persons may buy or must divest one issuer's securities on a date."""

    entity_id: str
    issuer: str
    list: ListSource
    state: ListingState
    listing_date: dt.date | None
    purchase_ban_from: dt.date | None
    divest_until: dt.date | None
    purchase_prohibited: bool
    divestment_sales_allowed: bool
    explanation: str
    citation: str


def _dates(entity: Entity, start: dt.date | None) -> tuple[dt.date | None, dt.date | None, dt.date | None]:
    extra = entity.entry.extra
    listing = dt.date.fromisoformat(extra["cmic_listing_date"]) if extra.get("cmic_listing_date") else start
    effective = (
        dt.date.fromisoformat(extra["cmic_effective_date"])
        if extra.get("cmic_effective_date")
        else listing + PURCHASE_DELAY
        if listing
        else None
    )
    divest = (
        dt.date.fromisoformat(extra["cmic_divestment_date"])
        if extra.get("cmic_divestment_date")
        else listing + DIVESTMENT_WINDOW
        if listing
        else None
    )
    return listing, effective, divest


def check_security(
    session: Session,
    *,
    issuer: str | None = None,
    ticker: str | None = None,
    isin: str | None = None,
    as_of: dt.date | None = None,
) -> list[SecuritiesFinding]:
    """Findings for the issuer named, or identified by ticker or ISIN, on `as_of`."""
    if not (issuer or ticker or isin):
        raise InputError("give an issuer name, a ticker or an ISIN", field="issuer")
    if isin and (len(isin.strip()) != 12 or not isin.strip().isalnum()):
        raise InputError(f"not an ISIN: {isin!r} (12 letters and digits)", field="isin")
    day = as_of or dt.date.today()
    entities = [e for e in all_entities(session) if e.source in SECURITIES_LISTS]
    wanted = {
        ("ISIN", isin.strip().upper()) if isin else None,
        ("TICKER", ticker.strip().upper()) if ticker else None,
    }
    found = [e for e in entities if any((i.type, i.value.upper()) in wanted for i in e.entry.identifiers)]
    if issuer:
        hits = Screener.build(entities).screen(Party(issuer), threshold=RESOLVE_THRESHOLD, top=20)
        found += [e for e in entities if e.id in {h.entity_id for h in hits}]
    unique = {e.id: e for e in found}
    report = {s.entity_id: s for s in status_report(session, list(unique), day).listings}
    findings = []
    for entity_id, entity in unique.items():
        status = report.get(entity_id)
        if status is None:
            continue
        listing, effective, divest = _dates(
            entity,
            status.since if status.state is not ListingState.NOT_YET_LISTED else entity.entry.start_date,
        )
        enforced = status.state.restricted
        prohibited = enforced and effective is not None and day >= effective
        divesting = enforced and divest is not None and day < divest
        if entity.source is ListSource.DOD1237 and listing is not None:
            regime = section_1237_regime(
                listing, day, key=entity.id.split(":")[1] if ":" in entity.id else "", enforced=enforced
            )
            prohibited, effective = regime.purchase_prohibited, regime.purchase_ban_from
            divest = regime.holding_ban_from
            divesting = enforced and divest is not None and day < divest
        if status.state is ListingState.ENJOINED:
            why = f"designation enjoined by a court since {status.since}: the ban is not enforced on {day}"
        elif status.state is ListingState.REMOVED:
            why = f"removed from the {entity.source.label} on {status.since}: no ban"
        elif status.state is ListingState.NOT_YET_LISTED:
            why = f"not yet listed on {day}" + (f" (listed {listing})" if listing else "")
        elif entity.source is ListSource.DOD1237 and listing is not None:
            why = section_1237_regime(
                listing, day, key=entity.id.split(":")[1] if ":" in entity.id else "", enforced=enforced
            ).explanation
        elif prohibited:
            why = f"purchases prohibited since {effective}" + (
                f"; sales to divest allowed until {divest}"
                if divesting
                else "; the divestment window has closed"
            )
        else:
            why = (
                f"listed {listing}; purchases prohibited from {effective}; "
                f"sales to divest allowed until {divest}"
            )
        findings.append(
            SecuritiesFinding(
                entity_id=entity_id,
                issuer=entity.name,
                list=entity.source,
                state=status.state,
                listing_date=listing,
                purchase_ban_from=effective,
                divest_until=divest,
                purchase_prohibited=prohibited,
                divestment_sales_allowed=divesting,
                explanation=why,
                citation="EO 13959 as amended by EO 14032; 31 CFR Part 586"
                if entity.source is ListSource.CMIC
                else EO13959_CITATION,
            )
        )
    return findings


__all__ = ["check_security", "section_1237_regime"]
