"""The project's own curated listing histories (`data/curated/*.yaml`).

Each file describes one party (`party:` + `listings:` + optional `ownership:`/`notes:`)
or several (`parties: [...]`). Every event carries its citation; facts that
REGULATORY_FACTS.md marks "(verify)" carry `verified: false`, which the product shows.
Validation is strict: an unknown key, a bad date or an unknown list code is an error
naming the file, line and field.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from tradescreen.domain import (
    Address,
    AliasType,
    Citation,
    EntityKind,
    EventType,
    Feed,
    Identifier,
    ListEntry,
    ListingEvent,
    ListSource,
    Name,
    Relationship,
    RelationshipType,
    entity_id,
)
from tradescreen.errors import InputError
from tradescreen.sources.base import ParsedFile, sha256_of

FEED = Feed.CURATED

PARTY_KEYS = {"key", "name", "kind", "country", "aliases", "addresses", "identifiers"}
LISTING_KEYS = {
    "list",
    "license_requirement",
    "license_policy",
    "footnotes",
    "citations",
    "events",
    "programs",
}
EVENT_KEYS = {"date", "type", "description", "citation", "verified"}
CITATION_KEYS = {"text", "url", "published", "verified"}
OWNERSHIP_KEYS = {
    "owner",
    "owned",
    "share",
    "valid_from",
    "valid_to",
    "description",
    "citation",
    "verified",
    "type",
}
DOC_KEYS = {"party", "listings", "ownership", "notes"}


class _LineLoader(yaml.SafeLoader):
    """A safe loader that remembers each mapping's line as the key `__line__`."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping  # type: ignore[return-value]


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay strings so that a bad one ("2020-13-01") is our error with line and field,
# not a ValueError from inside PyYAML.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, node: dict[str, Any] | None, field: str, problem: str) -> InputError:
        return InputError(problem, file=self.file, line=(node or {}).get("__line__"), field=field)

    def check_keys(self, node: Any, allowed: set[str], where: str) -> dict[str, Any]:
        if not isinstance(node, dict):
            raise InputError(f"expected a mapping, got {type(node).__name__}", file=self.file, field=where)
        unknown = sorted(k for k in node if k != "__line__" and k not in allowed)
        if unknown:
            raise self.fail(
                node, f"{where}.{unknown[0]}", f"unknown key (allowed: {', '.join(sorted(allowed))})"
            )
        return node

    def text(self, node: dict[str, Any], key: str, where: str, *, required: bool = False) -> str | None:
        value = node.get(key)
        if value is None:
            if required:
                raise self.fail(node, f"{where}.{key}", "missing value")
            return None
        return str(value).strip()

    def date(self, node: dict[str, Any], key: str, where: str, *, required: bool = False) -> dt.date | None:
        value = node.get(key)
        if value is None:
            if required:
                raise self.fail(node, f"{where}.{key}", "missing date")
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError as exc:
            raise self.fail(node, f"{where}.{key}", f"not a date (YYYY-MM-DD): {value!r}") from exc

    def verified(self, node: dict[str, Any], where: str) -> bool:
        value = node.get("verified", True)
        if not isinstance(value, bool):
            raise self.fail(node, f"{where}.verified", "must be true or false")
        return value

    def citation(self, node: Any, where: str) -> Citation | None:
        if node is None:
            return None
        node = self.check_keys(node, CITATION_KEYS, where)
        return Citation(
            text=self.text(node, "text", where, required=True) or "",
            url=self.text(node, "url", where),
            published=self.date(node, "published", where),
            verified=self.verified(node, where),
        )


def _listing_source(reader: _Reader, node: dict[str, Any], where: str) -> ListSource:
    code = reader.text(node, "list", where, required=True)
    try:
        return ListSource(code or "")
    except ValueError as exc:
        raise reader.fail(node, f"{where}.list", f"unknown list code {code!r}") from exc


def _party(reader: _Reader, doc: dict[str, Any], out: ParsedFile) -> None:
    reader.check_keys(doc, DOC_KEYS, "document")
    party = reader.check_keys(doc.get("party"), PARTY_KEYS, "party")
    key = reader.text(party, "key", "party", required=True) or ""
    name = reader.text(party, "name", "party", required=True) or ""
    country = reader.text(party, "country", "party")
    aliases: list[Name] = []
    for i, alias in enumerate(party.get("aliases") or []):
        where = f"party.aliases[{i}]"
        alias = reader.check_keys(alias, {"name", "type", "script"}, where)
        try:
            alias_type = AliasType(alias.get("type", "aka"))
        except ValueError as exc:
            raise reader.fail(alias, f"{where}.type", f"unknown alias type {alias.get('type')!r}") from exc
        aliases.append(
            Name(
                reader.text(alias, "name", where, required=True) or "",
                alias_type,
                reader.text(alias, "script", where),
            )
        )
    addresses = []
    for i, address in enumerate(party.get("addresses") or []):
        where = f"party.addresses[{i}]"
        address = reader.check_keys(
            address, {"full", "street", "city", "state", "postal_code", "country"}, where
        )
        addresses.append(
            Address(
                full=reader.text(address, "full", where, required=True) or "",
                street=reader.text(address, "street", where),
                city=reader.text(address, "city", where),
                state=reader.text(address, "state", where),
                postal_code=reader.text(address, "postal_code", where),
                country=reader.text(address, "country", where),
            )
        )
    identifiers = []
    for i, ident in enumerate(party.get("identifiers") or []):
        where = f"party.identifiers[{i}]"
        ident = reader.check_keys(ident, {"type", "value", "country"}, where)
        identifiers.append(
            Identifier(
                (reader.text(ident, "type", where, required=True) or "").upper(),
                reader.text(ident, "value", where, required=True) or "",
                reader.text(ident, "country", where),
            )
        )
    try:
        kind = EntityKind(party.get("kind", "entity"))
    except ValueError as exc:
        raise reader.fail(party, "party.kind", f"unknown kind {party.get('kind')!r}") from exc

    for i, listing in enumerate(doc.get("listings") or []):
        where = f"listings[{i}]"
        listing = reader.check_keys(listing, LISTING_KEYS, where)
        source = _listing_source(reader, listing, where)
        entry_key = f"{key}:{source.value}"
        listed_id = entity_id(FEED, entry_key)
        events: list[ListingEvent] = []
        for j, event in enumerate(listing.get("events") or []):
            ewhere = f"{where}.events[{j}]"
            event = reader.check_keys(event, EVENT_KEYS, ewhere)
            try:
                event_type = EventType(str(event.get("type")))
            except ValueError as exc:
                raise reader.fail(
                    event, f"{ewhere}.type", f"unknown event type {event.get('type')!r}"
                ) from exc
            citation = reader.citation(event.get("citation"), f"{ewhere}.citation")
            verified = reader.verified(event, ewhere) and (citation.verified if citation else True)
            if citation is None:
                raise reader.fail(event, f"{ewhere}.citation", "every curated event needs a citation")
            events.append(
                ListingEvent(
                    entity_id=listed_id,
                    source=source,
                    event_type=event_type,
                    date=reader.date(event, "date", ewhere, required=True) or dt.date.min,
                    description=reader.text(event, "description", ewhere) or "",
                    citation=citation,
                    verified=verified,
                    origin="curated",
                )
            )
        events.sort(key=lambda e: e.date)
        added = [e.date for e in events if e.event_type is EventType.ADDED]
        removed = [e.date for e in events if e.event_type is EventType.REMOVED]
        citations = tuple(
            c
            for c in (
                reader.citation(c, f"{where}.citations[{k}]")
                for k, c in enumerate(listing.get("citations") or [])
            )
            if c
        )
        out.events.extend(events)
        assert isinstance(out.entries, list)
        out.entries.append(
            ListEntry(
                entry_key=entry_key,
                source=source,
                name=name,
                kind=kind,
                aliases=tuple(aliases),
                addresses=tuple(addresses),
                countries=(country,) if country else (),
                identifiers=tuple(identifiers),
                programs=tuple(str(p) for p in listing.get("programs") or ()),
                federal_register=citations,
                license_requirement=reader.text(listing, "license_requirement", where),
                license_policy=reader.text(listing, "license_policy", where),
                start_date=min(added) if added else None,
                end_date=max(removed) if removed and (not added or max(removed) >= max(added)) else None,
                extra={
                    "footnotes": [str(f) for f in listing.get("footnotes") or []],
                    "party_key": key,
                    "unverified": [e.description for e in events if not e.verified],
                },
                line=listing.get("__line__"),
            )
        )

    for i, link in enumerate(doc.get("ownership") or []):
        where = f"ownership[{i}]"
        link = reader.check_keys(link, OWNERSHIP_KEYS, where)
        owner = reader.text(link, "owner", where) or name
        owned = reader.text(link, "owned", where) or name
        share = link.get("share")
        if share is not None and (not isinstance(share, int | float) or not 0 <= share <= 100):
            raise reader.fail(link, f"{where}.share", "must be a percentage between 0 and 100")
        citation = reader.citation(link.get("citation"), f"{where}.citation")
        out.relationships.append(
            Relationship(
                subject=owner,
                object=owned,
                type=RelationshipType(link.get("type", "owner")),
                share=float(share) if share is not None else None,
                valid_from=reader.date(link, "valid_from", where),
                valid_to=reader.date(link, "valid_to", where),
                source=f"curated: {citation.text if citation else reader.file}",
            )
        )
    for i, note in enumerate(doc.get("notes") or []):
        reader.check_keys(note, {"date", "description", "verified"}, f"notes[{i}]")


def parse_curated(path: Path) -> ParsedFile:
    """Parse one curated YAML file or a directory of them (feed `curated`)."""
    path = Path(path)
    files = sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")) if path.is_dir() else [path]
    if not files:
        raise InputError("no curated YAML files", file=str(path))
    out = ParsedFile(feed=FEED, file_name=str(path), sha256=sha256_of(files), entries=[], paths=tuple(files))
    for file in files:
        reader = _Reader(str(file))
        try:
            document = yaml.load(file.read_text(encoding="utf-8"), Loader=_LineLoader)
        except UnicodeDecodeError as exc:
            raise InputError("not valid UTF-8", file=str(file)) from exc
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise InputError(
                f"invalid YAML: {getattr(exc, 'problem', exc)}",
                file=str(file),
                line=mark.line + 1 if mark else None,
            ) from exc
        if not isinstance(document, dict):
            raise InputError("expected a mapping at the top", file=str(file), line=1)
        docs = document.get("parties", [document])
        for doc in docs:
            _party(reader, doc, out)
    keys = [e.entry_key for e in out.entries]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise InputError(f"duplicate curated listing {sorted(duplicates)[0]!r}", file=str(path))
    return out
