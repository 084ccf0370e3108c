"""Loading files as versions: atomic, idempotent, diffable; events derived from versions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from tradescreen.errors import InputError
from tradescreen.sources.csl import parse_csl_csv
from tradescreen.store import load as load_module
from tradescreen.store.db import session_scope
from tradescreen.store.diff import diff_versions
from tradescreen.store.load import load_path
from tradescreen.store.schema import EntryRow, ListingEventRow, ListVersionRow
from tradescreen.store.versions import active_versions, list_versions


def _counts(engine: Engine) -> tuple[int, int, int]:
    with session_scope(engine) as s:
        return (
            s.scalar(select(func.count()).select_from(ListVersionRow)) or 0,
            s.scalar(select(func.count()).select_from(EntryRow)) or 0,
            s.scalar(select(func.count()).select_from(ListingEventRow)) or 0,
        )


def test_load_twice_is_a_no_op(engine: Engine, shared_data: Path) -> None:
    path = shared_data / "ofac_cons" / "cons_prim.csv"
    with session_scope(engine) as s:
        first = load_path(s, path)
    before = _counts(engine)
    with session_scope(engine) as s:
        second = load_path(s, path)
    assert first.created and not second.created
    assert second.version.id == first.version.id
    assert _counts(engine) == before
    assert before[1] == 442


def test_failure_mid_load_leaves_previous_version_active(
    engine: Engine, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session_scope(engine) as s:
        good = load_path(s, shared_data / "csl_sample" / "csl.csv")
    before = _counts(engine)

    # A changed file whose parse fails half-way through, after rows were already written.
    real = parse_csl_csv

    def failing(path: Path):  # type: ignore[no-untyped-def]
        parsed = real(path)
        entries = list(parsed.entries)

        def broken():  # type: ignore[no-untyped-def]
            for i, entry in enumerate(entries):
                if i == 60:
                    raise InputError("injected failure", file=str(path), line=i + 2)
                yield entry

        parsed.entries = broken()
        parsed.sha256 = "f" * 64
        return parsed

    monkeypatch.setattr("tradescreen.sources.csl.parse_csl_csv", failing)
    with pytest.raises(InputError, match="injected"), session_scope(engine) as s:
        load_path(s, shared_data / "csl_sample" / "csl.csv", "csl")
    assert _counts(engine) == before
    with session_scope(engine) as s:
        assert [v.id for v in active_versions(s)] == [good.version.id]


def test_failure_in_a_load_hook_rolls_back(
    engine: Engine, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def hook(*_args: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(load_module, "LOAD_HOOKS", [hook])
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        load_path(s, shared_data / "csl_sample" / "dpl.txt")
    assert _counts(engine) == (0, 0, 0)


def test_broken_file_never_replaces_active_version(engine: Engine, shared_data: Path, tmp_path: Path) -> None:
    with session_scope(engine) as s:
        good = load_path(s, shared_data / "ofac_sdn" / "sdn.csv")
    for name in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"):
        shutil.copy(shared_data / "ofac_sdn" / name, tmp_path / name)
    shutil.copy(shared_data / "invalid" / "add.csv", tmp_path / "add.csv")
    with pytest.raises(InputError), session_scope(engine) as s:
        load_path(s, tmp_path / "sdn.csv")
    with session_scope(engine) as s:
        assert [v.id for v in active_versions(s)] == [good.version.id]
        assert len(list_versions(s)) == 1


def test_diff_and_derived_events(engine: Engine, shared_data: Path, tmp_path: Path) -> None:
    original = (shared_data / "csl_sample" / "csl.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header, rows = original[0], original[1:]
    old_file, new_file = tmp_path / "old" / "csl.csv", tmp_path / "new" / "csl.csv"
    old_file.parent.mkdir()
    new_file.parent.mkdir()
    old_file.write_text(header + "".join(rows[:-1]), encoding="utf-8")  # last row not yet listed
    sdn_row = next(i for i, r in enumerate(rows) if r.startswith("Specially Designated") and "200G PSA" in r)
    rows[sdn_row] = rows[sdn_row].replace("200G PSA HOLDINGS LLC", "200G P.S.A. HOLDINGS LLC")
    old_file.write_text(header + "".join(rows[:-1]).replace("200G P.S.A.", "200G PSA"), encoding="utf-8")
    new_file.write_text(header + "".join(rows[:1] + rows[2:]), encoding="utf-8")  # row 2 removed
    with session_scope(engine) as s:
        v1 = load_path(s, old_file).version
        v2 = load_path(s, new_file).version
        diff = diff_versions(s, v1.id, v2.id)
        assert len(diff.added) == 1 and len(diff.removed) == 1
        assert len(diff.changed) == 1 and diff.changed[0].changes[0].field == "name"
        assert diff.changed[0].changes[0].new == "200G P.S.A. HOLDINGS LLC"
        events = {(e.event_type, e.origin) for e in s.scalars(select(ListingEventRow))}
        assert ("removed", f"version:{v2.id}") in events
        assert ("modified", f"version:{v2.id}") in events


def test_diff_refuses_versions_of_different_feeds(engine: Engine, shared_data: Path) -> None:
    with session_scope(engine) as s:
        a = load_path(s, shared_data / "csl_sample" / "dpl.txt").version
        b = load_path(s, shared_data / "csl_sample" / "csl.csv").version
        with pytest.raises(InputError, match="different feeds"):
            diff_versions(s, a.id, b.id)


def test_migrations_match_the_models(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import tradescreen.store.tables  # noqa: F401
    from tradescreen.store.schema import Base

    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []
