"""The store migrates and imports a version atomically."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from tradescreen.domain import ListEntry, ListSource
from tradescreen.store.db import session_scope
from tradescreen.store.versions import active_entities, import_version, list_versions


def _entries(n: int, fail_at: int | None = None):  # type: ignore[no-untyped-def]
    for i in range(n):
        if fail_at is not None and i == fail_at:
            raise ValueError("broken row")
        yield ListEntry(entry_key=str(i), source=ListSource.SDN, name=f"Name {i}")


def test_import_is_atomic_and_idempotent(engine: Engine) -> None:
    with session_scope(engine) as s:
        first = import_version(s, feed="ofac_sdn", file_name="a", sha256="a" * 64, entries=_entries(5))
    assert first.created
    with pytest.raises(ValueError), session_scope(engine) as s:
        import_version(s, feed="ofac_sdn", file_name="b", sha256="b" * 64, entries=_entries(5, fail_at=3))
    with session_scope(engine) as s:
        again = import_version(s, feed="ofac_sdn", file_name="a", sha256="a" * 64, entries=_entries(5))
        assert not again.created
        assert [v.sha256[0] for v in list_versions(s)] == ["a"]
        assert len(active_entities(s)) == 5
