"""Continuous monitoring: re-screen the customer book when a list changes, and notify.

Only what the new version changed is re-screened: the entries added or changed since the
version last monitored form a small index, and the whole book is screened against that
(cheap: a few dozen entries instead of every list). New hits become alerts (with the
false-positive memory of `review`), and notifications go out through an outbox: a signed
webhook POST retried with backoff until delivered, and a daily digest file.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import os
import pickle
import socket
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from tradescreen.config import int_setting
from tradescreen.domain import EntityKind, Party, ScreeningResult
from tradescreen.errors import InputError
from tradescreen.history import ListingState, status_report
from tradescreen.match import persist
from tradescreen.match.index import name_keys
from tradescreen.match.normalize import normalize_name, validate_name
from tradescreen.match.persist import index_dir
from tradescreen.match.screen import Screener
from tradescreen.review import record_screening
from tradescreen.store.diff import diff_versions
from tradescreen.store.review_tables import AlertRow, CustomerRow, MonitorMarkRow, OutboxRow
from tradescreen.store.versions import active_versions, version_entities

SIGNATURE_HEADER = "X-Tradescreen-Signature"


@dataclass(frozen=True, slots=True)
class BookImport:
    """What an import did."""

    added: int
    updated: int
    unchanged: int


def import_book(session: Session, path: Path) -> BookImport:
    """Add or update customers by id from a CSV (id,name[,country,address,type])."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            "not valid UTF-8", file=str(path), line=path.read_bytes()[: exc.start].count(b"\n") + 1
        ) from exc
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", file=str(path)) from exc
    reader = csv.DictReader(text.splitlines())
    for column in ("id", "name"):
        if column not in (reader.fieldnames or []):
            raise InputError(f"missing column {column!r}", file=str(path), line=1, field=column)
    existing = {c.id: c for c in session.scalars(select(CustomerRow))}
    added = updated = unchanged = 0
    seen: set[str] = set()
    for row in reader:
        line = reader.line_num
        cid, name = (row.get("id") or "").strip(), (row.get("name") or "").strip()
        if not cid:
            raise InputError("empty id", file=str(path), line=line, field="id")
        if cid in seen:
            raise InputError(f"duplicate id {cid!r}", file=str(path), line=line, field="id")
        seen.add(cid)
        if not name:
            raise InputError("empty name", file=str(path), line=line, field="name")
        try:  # a name the matcher cannot screen ("LIMITED", "Dr.") is refused at import
            validate_name(name)
        except InputError as exc:
            raise InputError(exc.problem, file=str(path), line=line, field="name") from exc
        kind = (row.get("type") or "").strip().lower() or None
        if kind and kind not in {k.value for k in EntityKind}:
            raise InputError(f"unknown type {kind!r}", file=str(path), line=line, field="type")
        values = {
            "name": name,
            "country": (row.get("country") or "").strip().upper() or None,
            "address": (row.get("address") or "").strip() or None,
            "type": kind,
        }
        current = existing.get(cid)
        if current is None:
            session.add(CustomerRow(id=cid, **values))
            added += 1
        elif any(getattr(current, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(current, k, v)
            current.updated_at = dt.datetime.now(dt.UTC)
            updated += 1
        else:
            unchanged += 1
    return BookImport(added, updated, unchanged)


def book_parties(session: Session) -> list[Party]:
    """The book as parties to screen."""
    c = CustomerRow
    rows = session.execute(select(c.id, c.name, c.country, c.address, c.type).order_by(c.id))
    return [
        Party(name=name, id=cid, country=country, address=address, kind=EntityKind(kind) if kind else None)
        for cid, name, country, address, kind in rows
    ]


BOOK_KEYS = "book-keys"


def book_keys(session: Session, parties: list[Party]) -> dict[str, frozenset[str]]:
    """The index keys of every party's normalised name, by customer id.

    Normalising 100,000 names takes seconds; the keys are saved beside the database and
    only new or renamed customers are normalised again (the saved file is tied to the
    normalisation code, so a change there recomputes them all)."""
    path = persist.file_for(index_dir(session), BOOK_KEYS, BOOK_KEYS)
    cached: dict[str, tuple[str, frozenset[str]]] = {}
    try:
        loaded = persist.read_object(path, BOOK_KEYS)
        if isinstance(loaded, dict):
            cached = loaded
    except (OSError, persist.IndexFileError, pickle.UnpicklingError, EOFError):
        cached = {}  # missing or untrustworthy: recompute
    fresh: dict[str, tuple[str, frozenset[str]]] = {}
    changed = len(cached) != len(parties)
    for party in parties:
        pid = party.id or party.name
        known = cached.get(pid)
        if known is None or known[0] != party.name:
            known = (party.name, frozenset(name_keys(normalize_name(party.name))))
            changed = True
        fresh[pid] = known
    if changed:
        with contextlib.suppress(OSError):  # a speed-up only: the keys were computed either way
            persist.save_object(path, BOOK_KEYS, fresh)
    return {pid: keys for pid, (_name, keys) in fresh.items()}


@dataclass
class MonitorRun:
    """What a monitoring run did."""

    feeds: dict[str, tuple[int | None, int, int]] = field(default_factory=dict)  # feed: (from, to, entries)
    screened: int = 0
    new_alerts: list[int] = field(default_factory=list)


def live_entity_ids(session: Session, entity_ids: list[str], on: dt.date) -> set[str]:
    """The entities whose listing is in force on `on` (listed, or listed but enjoined)."""
    report = status_report(session, entity_ids, on)
    return {
        s.entity_id
        for s in report.listings
        if s.state in (ListingState.LISTED, ListingState.LISTED_UNKNOWN_START, ListingState.ENJOINED)
    }


def run(
    session: Session,
    *,
    actor: str = "monitor",
    threshold: float | None = None,
    webhook_url: str | None = None,
) -> MonitorRun:
    """Re-screen the book against what changed in every feed since it was last monitored."""
    result = MonitorRun()
    parties = book_parties(session)
    marks = {m.feed: m for m in session.scalars(select(MonitorMarkRow))}
    keys: dict[str, frozenset[str]] | None = None  # computed once, when some feed changed
    for version in active_versions(session):
        mark = marks.get(version.feed)
        if mark is not None and mark.version_id == version.id:
            continue
        entities = version_entities(session, version.id)
        if mark is not None:
            affected = diff_versions(session, mark.version_id, version.id).affected_entity_ids
            entities = [e for e in entities if e.id in affected]
        # Like screening: only listings live today alert (removed or future ones never do).
        live = live_entity_ids(session, [e.id for e in entities], dt.date.today())
        entities = [e for e in entities if e.id in live]
        result.feeds[version.feed] = (mark.version_id if mark else None, version.id, len(entities))
        if entities and parties:
            screener = Screener.build(entities)
            # A party can only hit a changed entry through a shared index key (candidate
            # generation): screen only those; the others would get no candidate at all.
            delta_keys = set(screener.index.postings)
            keys = keys if keys is not None else book_keys(session, parties)
            for party in parties:
                if keys[party.id or party.name].isdisjoint(delta_keys) and not party.identifiers:
                    continue
                hits = screener.screen(party, threshold=threshold)
                if hits:
                    recorded = record_screening(
                        session,
                        ScreeningResult(party, tuple(hits), None, (version.id,)),
                        actor=actor,
                        customer_id=party.id,
                    )
                    result.new_alerts.extend(recorded.new_alerts)
            result.screened += len(parties)
        if mark is None:
            session.add(MonitorMarkRow(feed=version.feed, version_id=version.id, on=dt.date.today()))
        else:
            mark.version_id, mark.on = version.id, dt.date.today()
    session.flush()
    if webhook_url and result.new_alerts:
        enqueue(
            session, webhook_url, {"event": "alerts", "alerts": alert_payload(session, result.new_alerts)}
        )
    return result


def alert_payload(session: Session, alert_ids: list[int]) -> list[dict[str, object]]:
    """JSON-ready alerts."""
    rows = session.scalars(select(AlertRow).where(AlertRow.id.in_(alert_ids)).order_by(AlertRow.id))
    return [
        {
            "alert_id": a.id,
            "customer_id": a.customer_id,
            "name": a.party_name,
            "entity_id": a.entity_id,
            "list_name": a.list_name,
            "source": a.source,
            "score": a.score,
            "reason": a.reason,
        }
        for a in rows
    ]


def enqueue(session: Session, url: str, payload: dict[str, object]) -> OutboxRow:
    """Keep a notification until it is delivered."""
    row = OutboxRow(url=url, body=json.dumps(payload, sort_keys=True, default=str))
    session.add(row)
    session.flush()
    return row


WEBHOOK_SECRET_SETTING = "TRADESCREEN_WEBHOOK_SECRET"
TIMESTAMP_HEADER = "X-Tradescreen-Timestamp"
DELIVERY_HEADER = "X-Tradescreen-Delivery"
# Receivers should refuse a delivery whose timestamp is further than this from their clock,
# and remember delivery ids for at least as long: together that stops replays.
REPLAY_WINDOW_SECONDS = 300
MAX_ATTEMPTS_DEFAULT = 12


def sign(secret: str, body: str, timestamp: int, delivery_id: str) -> str:
    """The signature header value: `v1=` HMAC-SHA256 over `timestamp.delivery_id.body`."""
    message = f"{timestamp}.{delivery_id}.{body}".encode()
    return "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def delivery_id(row: OutboxRow) -> str:
    """A stable id per notification (the same on every retry, so receivers can de-duplicate)."""
    created = row.created_at.isoformat() if row.created_at else ""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"tradescreen-outbox:{row.id}:{created}"))


def max_attempts() -> int:
    """Attempts before a notification goes to the dead letter (`TRADESCREEN_WEBHOOK_MAX_ATTEMPTS`)."""
    return int_setting("TRADESCREEN_WEBHOOK_MAX_ATTEMPTS", MAX_ATTEMPTS_DEFAULT)


def deliver(
    session: Session,
    secret: str,
    *,
    attempts: int = 4,
    backoff: float = 0.2,
    timeout: float = 5.0,
    ids: list[int] | None = None,
) -> tuple[int, int]:
    """Try every undelivered notification, with exponential backoff between tries.

    Returns (delivered, still pending). Failures stay in the outbox with their attempt
    count and last error: nothing is lost. A notification that has failed
    :func:`max_attempts` times in all is a dead letter: no longer tried until
    :func:`retry_dead` puts it back. Without a signing secret nothing is sent
    (InputError naming the setting): an unsigned webhook could be forged.
    """
    if not secret:
        raise InputError(
            "webhook signing secret is not set; refusing to send unsigned notifications",
            field=WEBHOOK_SECRET_SETTING,
        )
    limit = max_attempts()
    delivered = pending = 0
    stmt = select(OutboxRow).where(OutboxRow.delivered_at.is_(None), OutboxRow.attempts < limit)
    if ids is not None:
        stmt = stmt.where(OutboxRow.id.in_(ids))
    for row in session.scalars(stmt.order_by(OutboxRow.id)):
        try:
            destination = check_destination(row.url)
        except DestinationRefused as refused:
            row.last_error = f"destination refused: {refused}"
            row.attempts = limit  # straight to the dead letter: retrying cannot help
            session.flush()
            pending += 1
            continue
        for attempt in range(attempts):
            if row.attempts >= limit:
                break
            row.attempts += 1
            timestamp = int(time.time())
            delivery = delivery_id(row)
            try:
                # Connect to the address that was checked, naming the host it stands for
                # (Host header; SNI and certificate check against the name over https).
                with httpx.Client(timeout=timeout, follow_redirects=False) as client:
                    response = client.post(
                        destination.url,
                        content=row.body,
                        extensions={"sni_hostname": destination.sni} if destination.sni else None,
                        headers={
                            "host": destination.host_header,
                            "content-type": "application/json",
                            TIMESTAMP_HEADER: str(timestamp),
                            DELIVERY_HEADER: delivery,
                            SIGNATURE_HEADER: sign(secret, row.body, timestamp, delivery),
                        },
                    )
                if response.status_code < 300:
                    row.delivered_at = dt.datetime.now(dt.UTC)
                    row.last_error = ""
                    break
                row.last_error = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                row.last_error = f"{type(exc).__name__}: {exc}"
            if attempt + 1 < attempts:
                time.sleep(backoff * 2**attempt)
        session.flush()
        if row.delivered_at:
            delivered += 1
        else:
            pending += 1
    return delivered, pending


def dead_letters(session: Session) -> list[OutboxRow]:
    """Notifications given up on after :func:`max_attempts` tries (or refused destinations)."""
    return list(
        session.scalars(
            select(OutboxRow)
            .where(OutboxRow.delivered_at.is_(None), OutboxRow.attempts >= max_attempts())
            .order_by(OutboxRow.id)
        )
    )


def retry_dead(session: Session, secret: str, ids: list[int] | None = None) -> tuple[int, int]:
    """Put dead letters (all, or `ids`) back in the outbox and try them once more now."""
    chosen = [r for r in dead_letters(session) if ids is None or r.id in ids]
    for row in chosen:
        row.attempts = 0
    session.flush()
    if not chosen:
        return 0, 0
    return deliver(session, secret, ids=[r.id for r in chosen])


# Cloud metadata services (beyond the link-local range, which is refused as a whole).
METADATA_ADDRESSES = frozenset({"169.254.169.254", "fd00:ec2::254", "100.100.100.200"})
# Private networks (RFC 1918, and IPv6 unique local addresses), refused unless allowed.
PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
)
ALLOW_HOSTS_SETTING = "TRADESCREEN_WEBHOOK_ALLOW_HOSTS"


class DestinationRefused(ValueError):
    """A webhook URL the destination policy does not allow."""


@dataclass(frozen=True, slots=True)
class Destination:
    """A checked webhook destination, pinned to the address that was checked.

    `url` has the host replaced by `address`: the HTTP client connects there and does not
    resolve the name again (a second lookup could answer differently: DNS rebinding).
    `host_header` and `sni` keep the name the receiver expects (virtual hosts, TLS).
    """

    url: str
    address: str
    host_header: str
    sni: str | None


def _resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (one lookup; tests replace this)."""
    return [str(info[4][0]).split("%", 1)[0] for info in socket.getaddrinfo(host, port)]


def _address_refusal(host: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    checked = mapped or address
    if str(checked) in METADATA_ADDRESSES or str(address) in METADATA_ADDRESSES:
        return f"{host} resolves to a cloud metadata address ({address})"
    for label, bad in (
        ("loopback", checked.is_loopback),
        ("link-local", checked.is_link_local),
        ("private", any(checked.version == n.version and checked in n for n in PRIVATE_NETWORKS)),
        ("multicast", checked.is_multicast),
        ("unspecified", checked.is_unspecified),
        ("reserved", checked.is_reserved),
    ):
        if bad:
            return f"{host} resolves to a {label} address ({address}); allow it with {ALLOW_HOSTS_SETTING}"
    return None


def check_destination(url: str) -> Destination:
    """The destination `url` may be delivered to, pinned to its checked address.

    Refused (:class:`DestinationRefused`): schemes other than http(s); hosts resolving to
    loopback, link-local, cloud metadata, private (10/8, 172.16/12, 192.168/16, fc00::/7),
    multicast, unspecified or reserved addresses. Hosts (or IPs) listed in
    `TRADESCREEN_WEBHOOK_ALLOW_HOSTS` (comma-separated) are allowed anyway, e.g. a receiver
    on 127.0.0.1 in tests or on the company network. The name is resolved once, here;
    every address it resolves to must pass, and the delivery connects to the first.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DestinationRefused(f"{url!r} is not an http(s) URL")
    host = parts.hostname.lower()
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise DestinationRefused(f"{url!r}: bad port ({exc})") from exc
    allowed = {h.strip().lower() for h in os.environ.get(ALLOW_HOSTS_SETTING, "").split(",") if h.strip()}
    try:
        addresses = [ipaddress.ip_address(a) for a in _resolve(host, port)]
    except (OSError, ValueError) as exc:
        raise DestinationRefused(f"cannot resolve {host!r} ({exc})") from exc
    if not addresses:
        raise DestinationRefused(f"cannot resolve {host!r} (no address)")
    if host not in allowed:
        for address in addresses:
            if str(address) not in allowed:
                refusal = _address_refusal(host, address)
                if refusal:
                    raise DestinationRefused(refusal)
    chosen = addresses[0]
    literal = f"[{chosen}]" if chosen.version == 6 else str(chosen)
    netloc = literal if parts.port is None else f"{literal}:{parts.port}"
    try:
        ipaddress.ip_address(host.strip("[]"))
        is_literal = True
    except ValueError:
        is_literal = False
    shown_host = f"[{host}]" if ":" in host else host
    return Destination(
        url=urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")),
        address=str(chosen),
        host_header=shown_host if parts.port is None else f"{shown_host}:{parts.port}",
        sni=host if parts.scheme == "https" and not is_literal else None,
    )


def destination_refusal(url: str) -> str | None:
    """Why a webhook may not go to `url` (see :func:`check_destination`), or None when it may."""
    try:
        check_destination(url)
    except DestinationRefused as exc:
        return str(exc)
    return None


def write_digest(session: Session, directory: Path, day: dt.date | None = None) -> Path:
    """The day's digest: alerts raised that day, as a JSON file named by the date."""
    day = day or dt.date.today()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
    rows = session.scalars(
        select(AlertRow).where(
            AlertRow.created_at >= start, AlertRow.created_at < start + dt.timedelta(days=1)
        )
    )
    ids = [a.id for a in rows]
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"digest-{day.isoformat()}.json"
    path.write_text(
        json.dumps(
            {"date": day.isoformat(), "alerts": alert_payload(session, ids)}, indent=2, ensure_ascii=False
        ),
        encoding="utf-8",
    )
    return path
