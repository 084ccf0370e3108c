"""Ownership graph: paths, aggregation across owners, validity dates, CSV import errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from tradescreen.domain import ListSource, Relationship, RelationshipType
from tradescreen.errors import InputError
from tradescreen.ownership import (
    affiliates_rule_in_force,
    assess,
    import_csv,
    owners_graph,
    ownership_paths,
    relationships_on,
)
from tradescreen.store.db import session_scope

OWNER = RelationshipType.OWNER


def test_paths_multiply_along_chains() -> None:
    graph = owners_graph(
        [
            Relationship("A Corp", "B Ltd", OWNER, 60),
            Relationship("B Ltd", "C GmbH", OWNER, 50),
            Relationship("C GmbH", "D Holding", RelationshipType.SUBSIDIARY, 80),
        ]
    )
    paths = {p.owners: p.share for p in ownership_paths(graph, "C GmbH")}
    assert paths == {
        ("B Ltd", "C GmbH"): 50.0,
        ("A Corp", "B Ltd", "C GmbH"): 30.0,
        ("D Holding", "C GmbH"): 80.0,
    }


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "own.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_aggregate_across_listed_owners(engine: Engine, tmp_path: Path) -> None:
    # OFAC's example: two blocked persons owning 25% each make 50% in the aggregate.
    path = _csv(
        tmp_path,
        "owner,owned,share\nBlocked One,Target Co,25\nBlocked Two,Target Co,25\nFree Co,Target Co,50\n",
    )
    with session_scope(engine) as session:
        assert import_csv(session, path) == 3
    with session_scope(engine) as session:
        listed = {"Blocked One": {ListSource.SDN}, "Blocked Two": {ListSource.SDN}}
        [finding] = assess(session, "Target Co", dt.date(2024, 1, 1), listed)
        assert finding.rule == "OFAC 50% rule" and finding.total_share == 50 and finding.applies
        only_one = assess(session, "Target Co", dt.date(2024, 1, 1), {"Blocked One": {ListSource.SDN}})
        assert only_one[0].total_share == 25 and not only_one[0].applies


def test_bis_affiliates_rule_only_in_its_window(engine: Engine, tmp_path: Path) -> None:
    path = _csv(tmp_path, "owner,owned,share\nListed EL Co,Sub Co,60\n")
    with session_scope(engine) as session:
        import_csv(session, path)
    listed = {"Listed EL Co": {ListSource.EL}}
    with session_scope(engine) as session:
        before = assess(session, "Sub Co", dt.date(2025, 9, 28), listed)
        during = assess(session, "Sub Co", dt.date(2025, 10, 15), listed)
        suspended = assess(session, "Sub Co", dt.date(2026, 11, 9), listed)
        back = assess(session, "Sub Co", dt.date(2026, 11, 10), listed)
    # In force 2025-09-29; suspended 2025-11-10 through 2026-11-09; back from 2026-11-10
    # unless the suspension was extended (unverified, said in the note).
    assert [f.applies for f in before + during + suspended + back] == [False, True, False, True]
    assert "not in force" in before[0].note and "suspended" in suspended[0].note
    assert "unverified" in back[0].note
    assert affiliates_rule_in_force(dt.date(2025, 9, 29))
    assert not affiliates_rule_in_force(dt.date(2025, 11, 10))


def test_validity_dates(engine: Engine, tmp_path: Path) -> None:
    path = _csv(tmp_path, "owner,owned,share,valid_from,valid_to\nParent,Child,100,2010-01-01,2020-11-17\n")
    with session_scope(engine) as session:
        import_csv(session, path)
    with session_scope(engine) as session:
        assert len(relationships_on(session, dt.date(2020, 11, 16))) == 1
        assert relationships_on(session, dt.date(2020, 11, 17)) == []
        assert relationships_on(session, dt.date(2009, 12, 31)) == []


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("owner,owned\nA,B\n", 1, "share"),
        ("owner,owned,share\nA,B,ten\n", 2, "share"),
        ("owner,owned,share\nA,B,10\nA,,10\n", 3, "owned"),
        ("owner,owned,share\nA,B,101\n", 2, "share"),
        ("owner,owned,share,valid_from\nA,B,10,2020-13-01\n", 2, "valid_from"),
    ],
)
def test_bad_csv_names_line_and_field_and_imports_nothing(
    engine: Engine, tmp_path: Path, text: str, line: int, field: str
) -> None:
    path = _csv(tmp_path, text)
    with pytest.raises(InputError) as err, session_scope(engine) as session:
        import_csv(session, path)
    assert (err.value.line, err.value.field, err.value.file) == (line, field, str(path))
    with session_scope(engine) as session:
        assert relationships_on(session, dt.date(2024, 1, 1)) == []
