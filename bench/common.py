"""Shared benchmark helpers: where the official files are, and a screener over them."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from tradescreen.config import CURATED_DIR
from tradescreen.domain import AliasType, Entity, ListEntry, ListSource, Name
from tradescreen.match.screen import Screener
from tradescreen.sources.detect import open_list_file

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("TRADESCREEN_SHARED_DATA") or REPO.parent / "shared" / "data")

LIST_FILES = (
    "ofac_sdn/sdn.csv",
    "ofac_cons/cons_prim.csv",
    "csl_sample/csl.csv",
    "csl_sample/dpl.txt",
    "dod_1260h/1260h.csv",
)


def require_data() -> Path:
    """The shared data folder, or exit with a clear message."""
    if not SHARED.is_dir():
        print(f"official list files not found at {SHARED}; set TRADESCREEN_SHARED_DATA", file=sys.stderr)
        raise SystemExit(2)
    return SHARED


def university_entities() -> list[Entity]:
    """The Entity List's Chinese universities, as EL entities with their English names."""
    rows = json.loads((SHARED / "cross_script" / "entity_list_cn_universities_zh.json").read_text("utf-8"))
    return [
        Entity(
            f"bench_el_univ:{i}",
            "bench_el_univ",
            0,
            ListEntry(
                entry_key=str(i), source=ListSource.EL, name=row["name"], countries=("CN",), aliases=()
            ),
        )
        for i, row in enumerate(rows)
    ]


def all_entities() -> list[Entity]:
    """Every entity of the real files, the curated data and the university EL entries."""
    require_data()
    entities: list[Entity] = []
    for path in (CURATED_DIR, *(SHARED / f for f in LIST_FILES)):
        parsed = open_list_file(path)
        entities.extend(Entity(f"{parsed.feed}:{e.entry_key}", parsed.feed, 0, e) for e in parsed.entries)
    return entities + university_entities()


def screener() -> Screener:
    """A screener over :func:`all_entities`."""
    return Screener.build(all_entities())


__all__ = ["AliasType", "Name", "all_entities", "require_data", "screener", "university_entities"]
