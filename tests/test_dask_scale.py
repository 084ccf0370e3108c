"""The Dask engine against a cluster: a LocalCluster of two worker processes, and a
scheduler given by address (as an existing cluster would be), writes exactly what the
local engine writes, also from a screener opened from the persisted index."""

from __future__ import annotations

from pathlib import Path

import pytest

from tradescreen.batch import screen_csv
from tradescreen.domain import Entity
from tradescreen.match import persist
from tradescreen.match.screen import Screener
from tradescreen.sources.detect import open_list_file

distributed = pytest.importorskip("dask.distributed")


@pytest.fixture
def screener(shared_data: Path, tmp_path: Path) -> Screener:
    """The CSL and DPL samples, saved and reopened (a packed, lazily read screener)."""
    entities = []
    for name in ("csl.csv", "dpl.txt"):
        parsed = open_list_file(shared_data / "csl_sample" / name)
        entities.extend(Entity(f"{parsed.feed}:{e.entry_key}", parsed.feed, 1, e) for e in parsed.entries)
    built = Screener.build(entities)
    persist.save(tmp_path / "i.tsidx", "k", built)
    return persist.read(tmp_path / "i.tsidx", "k", Screener)


def test_cluster_output_is_identical_to_local(screener: Screener, tmp_path: Path) -> None:
    names = [e.name for e in screener.entities[::7]] + ["Quiet Bakery Ltd", "Harbour Logistics GmbH"]
    src = tmp_path / "in.csv"
    src.write_text("id,name\n" + "".join(f'{i},"{n}"\n' for i, n in enumerate(names * 3)), encoding="utf-8")

    def run(**kwargs: object) -> bytes:
        out = tmp_path / f"out-{len(list(tmp_path.iterdir()))}.csv"
        summary = screen_csv(src, out, screener, chunk_size=25, **kwargs)  # type: ignore[arg-type]
        assert summary.parties == len(names) * 3 and summary.hits > 0
        return out.read_bytes()

    local = run(engine="local")
    assert run(engine="dask", workers=2) == local  # a LocalCluster of two processes
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    )
    try:
        assert len(cluster.workers) == 2
        assert run(engine="dask", scheduler=cluster.scheduler_address, workers=2) == local
    finally:
        cluster.close()
