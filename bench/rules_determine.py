"""Latency of license determinations on a store holding the real lists + curated data:
time to build the party name index once, then p50/p99/max per determination."""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import Session

from bench.common import LIST_FILES, require_data
from tradescreen.config import CURATED_DIR
from tradescreen.rules.licensing import TransactionParty, determine
from tradescreen.rules.parties import PartyResolver
from tradescreen.store.db import make_engine, migrate, session_scope
from tradescreen.store.load import load_path

PARTIES = (
    "Huawei Technologies Co., Ltd.",
    "Honor Device Co., Ltd.",
    "Semiconductor Manufacturing International Corporation",
    "SZ DJI Technology Co., Ltd.",
    "KIM Jong Un",
    "Bosch Rexroth AG",
    "Siemens AG",
    "Xiaomi Corporation",
)
DATES = (
    dt.date(2019, 5, 15),
    dt.date(2019, 6, 1),
    dt.date(2020, 9, 1),
    dt.date(2021, 1, 1),
    dt.date(2024, 1, 1),
)


def main() -> None:
    shared = require_data()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        migrate(engine)
        for path in (CURATED_DIR, *(shared / f for f in LIST_FILES)):
            with session_scope(engine) as session:
                load_path(session, path)
        with Session(engine) as session:
            start = time.perf_counter()
            resolver = PartyResolver(session)
            built = time.perf_counter() - start
            timings = []
            for name in PARTIES:
                for day in DATES:
                    start = time.perf_counter()
                    determine(
                        session, [TransactionParty(name, "end_user")], "EAR99", "CN", day, resolver=resolver
                    )
                    timings.append((time.perf_counter() - start) * 1000)
        engine.dispose()
    timings.sort()
    p99 = timings[max(0, int(len(timings) * 0.99) - 1)]
    print(
        f"name index built in {built:.1f} s; {len(timings)} determinations: "
        f"p50 {statistics.median(timings):.1f} ms, p99 {p99:.1f} ms, max {timings[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
