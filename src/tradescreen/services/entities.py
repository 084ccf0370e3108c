"""One list entity as every front end shows it: names, listing status on a date, history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tradescreen.errors import NotFoundError
from tradescreen.history import status_report, timeline
from tradescreen.store.versions import get_entity


def entity_document(session: Session, entity_id: str, as_of: dt.date | None = None) -> dict[str, Any]:
    """Names, listing status, history and links of one entity (shared with the web UI)."""
    entity = get_entity(session, entity_id)
    if entity is None:
        raise NotFoundError(f"no entity {entity_id!r}")
    entry = entity.entry.to_json()
    day = as_of or dt.date.today()
    status = status_report(session, [entity_id], day).listings
    return {
        "id": entity.id,
        "feed": entity.feed,
        "entry": entry,
        "status": [
            {
                "as_of": day.isoformat(),
                "state": s.state.value,
                "restricted": s.restricted,
                "since": s.since.isoformat() if s.since else None,
                "footnotes": list(s.footnotes),
                "unverified": list(s.unverified),
            }
            for s in status
        ],
        "history": [
            {
                "date": e.date.isoformat(),
                "type": e.event_type.value,
                "description": e.description,
                "citation": e.citation.text if e.citation else None,
                "verified": e.verified,
                "origin": e.origin,
            }
            for e in timeline(session, entity_id)
        ],
        "links": list(entity.entry.linked_to),
    }
