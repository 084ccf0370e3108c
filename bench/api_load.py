"""Bounded API load test: `tradescreen serve` on 127.0.0.1, a fixed duration, then it stops.

For each database (SQLite in a temporary folder; PostgreSQL when TRADESCREEN_TEST_PG_URL
or TRADESCREEN_BENCH_PG_URL names a server, in a database made and dropped here):
load the real SDN, OFAC consolidated and CSL files, start the server with the persisted
index, time the first request, then

- /api/v1/search with 50 concurrent clients for DURATION seconds: req/s, p50, p99, errors;
- /api/v1/screen with 100 parties per request (10 concurrent clients): parties/s, p50, p99.

Beside them, in the same run: a rapidfuzz brute-force baseline (`process.extract`,
token_sort_ratio, over every list name) in names/s on one core.

    python -m bench.api_load [--duration 20] [--workers 2] [--db sqlite,postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from bench.common import require_data

HOST = "127.0.0.1"  # never anywhere else
FILES = ("ofac_sdn/sdn.csv", "ofac_cons/cons_prim.csv", "csl_sample/csl.csv")
SEARCH_CLIENTS = 50
SCREEN_CLIENTS = 10
PARTIES_PER_REQUEST = 100


@dataclass
class Figures:
    """What one load phase measured."""

    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    def line(self, label: str, per_request: int = 1) -> str:
        lat = sorted(self.latencies_ms) or [float("nan")]
        p99 = lat[max(0, int(len(lat) * 0.99) - 1)]
        rate = self.requests / self.seconds
        extra = f", {rate * per_request:,.0f} parties/s" if per_request > 1 else ""
        return (
            f"{label}: {rate:,.1f} req/s{extra}, p50 {statistics.median(lat):.0f} ms, "
            f"p99 {p99:.0f} ms, errors {self.errors} of {self.requests + self.errors}"
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def list_names(shared: Path) -> list[str]:
    """Every primary name of the loaded files (queries and the brute-force corpus)."""
    from tradescreen.sources.detect import open_list_file

    names: list[str] = []
    for f in FILES:
        for entry in open_list_file(shared / f).entries:
            names.extend(n.value for n in entry.all_names)
    return names


def queries(names: list[str], count: int, seed: int = 7) -> list[str]:
    """Listed names, some with a typo, and made-up names that should not hit."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        name = rng.choice(names)
        if i % 3 == 1 and len(name) > 6:
            j = rng.randrange(len(name))
            name = name[:j] + name[j + 1 :]
        elif i % 3 == 2:
            name = f"{rng.choice(['Nordic', 'Pacific', 'Alpine'])} {rng.choice(['Trading', 'Logistics'])} {i}"
        out.append(name)
    return out


def brute_force_rate(names: list[str], sample: list[str], seconds: float = 5.0) -> float:
    """Names/s of rapidfuzz `process.extract` (token_sort_ratio) over every name, one core."""
    from rapidfuzz import fuzz, process

    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        process.extract(sample[done % len(sample)], names, scorer=fuzz.token_sort_ratio, limit=10)
        done += 1
    return done / (time.perf_counter() - start)


async def run_phase(
    base: str, clients: int, seconds: float, make_request: object, rng_seed: int = 1
) -> Figures:
    """`clients` loops sending requests until `seconds` have passed."""
    latencies: list[float] = []
    errors = 0
    ok = 0
    deadline = time.perf_counter() + seconds

    async def client(n: int) -> None:
        nonlocal errors, ok
        rng = random.Random(rng_seed * 1000 + n)
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                try:
                    response = await make_request(http, rng)  # type: ignore[operator]
                    good = response.status_code == 200
                except httpx.HTTPError:
                    good = False
                if good:
                    ok += 1
                    latencies.append((time.perf_counter() - start) * 1000)
                else:
                    errors += 1

    start = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    return Figures(ok, errors, time.perf_counter() - start, latencies)


def prepare(url: str, data_dir: Path, shared: Path) -> dict[str, str]:
    """Load the files into the database at `url`; the environment for the server."""
    env = {
        **os.environ,
        "TRADESCREEN_DB": url,
        "TRADESCREEN_DATA_DIR": str(data_dir),
        "TRADESCREEN_LOCAL_AUTH": "1",
    }
    tool = str(Path(sys.executable).with_name("tradescreen"))
    subprocess.run([tool, "init"], env=env, check=True, capture_output=True)
    for f in FILES:
        subprocess.run([tool, "load", str(shared / f)], env=env, check=True, capture_output=True)
    return env


def serve_and_load(env: dict[str, str], workers: int, duration: float, sample: list[str], label: str) -> None:
    """Start the server, measure, stop it."""
    port = free_port()
    tool = str(Path(sys.executable).with_name("tradescreen"))
    started = time.perf_counter()
    log_path = Path(env["TRADESCREEN_DATA_DIR"]) / "server.log"
    log = log_path.open("wb")  # a file, not a pipe: a full pipe would stall the server
    server = subprocess.Popen(
        [tool, "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://{HOST}:{port}"
    try:
        while True:
            if server.poll() is not None:
                raise SystemExit(f"server exited: {log_path.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(f"{base}/api/v1/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.perf_counter() - started > 600:
                raise SystemExit("server did not start in 600 s")
            time.sleep(0.2)
        ready = time.perf_counter() - started
        t = time.perf_counter()
        httpx.get(f"{base}/api/v1/search", params={"name": sample[0]}, timeout=60).raise_for_status()
        first = (time.perf_counter() - t) * 1000
        print(f"[{label}] server ready after {ready:.1f} s; first /search {first:.0f} ms")

        async def search(http: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
            return await http.get("/api/v1/search", params={"name": rng.choice(sample)})

        async def screen(http: httpx.AsyncClient, rng: random.Random) -> httpx.Response:
            parties = [{"id": str(i), "name": rng.choice(sample)} for i in range(PARTIES_PER_REQUEST)]
            return await http.post("/api/v1/screen", json={"parties": parties})

        found = asyncio.run(run_phase(base, SEARCH_CLIENTS, duration, search))
        print(f"[{label}] " + found.line(f"/search, {SEARCH_CLIENTS} clients, {duration:.0f} s"))
        found = asyncio.run(run_phase(base, SCREEN_CLIENTS, duration, screen))
        print(
            f"[{label}] "
            + found.line(
                f"/screen, {PARTIES_PER_REQUEST} parties x {SCREEN_CLIENTS} clients, {duration:.0f} s",
                PARTIES_PER_REQUEST,
            )
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
        errors = [line for line in log_path.read_text(errors="replace").splitlines() if "Error" in line]
        if errors:  # what failed, so a figure with errors can be explained
            print(f"[{label}] server errors (last 3 distinct): {sorted(set(errors))[-3:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per phase")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", default="sqlite,postgres")
    args, _rest = parser.parse_known_args()
    shared = require_data()
    names = list_names(shared)
    sample = queries(names, 2000)
    rate = brute_force_rate(names, sample)
    print(
        f"baseline (same run): rapidfuzz process.extract token_sort_ratio over {len(names):,} names: "
        f"{rate:,.1f} names/s on one core"
    )
    for kind in args.db.split(","):
        with tempfile.TemporaryDirectory(prefix="ts-api-load-") as tmp:
            if kind == "sqlite":
                env = prepare(f"sqlite:///{tmp}/bench.db", Path(tmp), shared)
                serve_and_load(env, args.workers, args.duration, sample, "SQLite")
                continue
            admin_url = os.environ.get("TRADESCREEN_BENCH_PG_URL") or os.environ.get(
                "TRADESCREEN_TEST_PG_URL"
            )
            if not admin_url:
                print("[PostgreSQL] skipped: set TRADESCREEN_TEST_PG_URL (scripts/test-env.sh)")
                continue
            name = f"ts_bench_{uuid.uuid4().hex[:10]}"
            admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                env = prepare(admin_url.rsplit("/", 1)[0] + f"/{name}", Path(tmp), shared)
                serve_and_load(env, args.workers, args.duration, sample, "PostgreSQL")
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()


if __name__ == "__main__":
    main()
