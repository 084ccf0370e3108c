"""Batch screening: the local, process-pool and Dask engines write identical output."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from tradescreen.batch import screen_csv
from tradescreen.errors import InputError
from tradescreen.services.screeners import screener_for
from tradescreen.store.db import session_scope


def test_engines_agree(loaded_engine: Engine, tmp_path: Path) -> None:
    with session_scope(loaded_engine) as s:
        screener = screener_for(s).screener
    names = [
        "Huawei Technologies Co Ltd",
        "KIM Jong Un",
        "Quiet Bakery Ltd",
        "Aerocaribbean Airlines",
        "华为技术有限公司",
        "Rosneft Trading SA",
    ]
    src = tmp_path / "in.csv"
    src.write_text(
        "id,name\n" + "".join(f"{i},{names[i % len(names)]}\n" for i in range(600)), encoding="utf-8"
    )
    outputs = {}
    for engine in ("local", "processes", "dask"):
        out = tmp_path / f"{engine}.csv"
        summary = screen_csv(src, out, screener, engine=engine, workers=2, chunk_size=100)
        assert summary.parties == 600 and summary.hits > 0
        outputs[engine] = out.read_bytes()
    assert outputs["local"] == outputs["processes"] == outputs["dask"]


def test_bad_input_leaves_no_output(loaded_engine: Engine, tmp_path: Path) -> None:
    with session_scope(loaded_engine) as s:
        screener = screener_for(s).screener
    src = tmp_path / "in.csv"
    src.write_text("id,name\n1,a\n2,\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    with pytest.raises(InputError) as info:
        screen_csv(src, out, screener)
    assert info.value.line == 3 and info.value.field == "name"
    assert not out.exists() and not (tmp_path / "out.csv.partial").exists()
    with pytest.raises(InputError, match="engine"):
        screen_csv(tmp_path / "in.csv", out, screener, engine="spark")
