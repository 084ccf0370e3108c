"""Property-based run of the OpenAPI schema against a live server: no 5xx, ever."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from sqlalchemy import Engine

from tests.live_server import live_server
from tradescreen.config import CURATED_DIR
from tradescreen.services.auth import Role, create_key
from tradescreen.store.db import make_engine, migrate, session_scope
from tradescreen.store.load import load_path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[tuple[str, str]]:
    engine: Engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('schema') / 's.db'}")
    migrate(engine)
    with session_scope(engine) as s:
        load_path(s, CURATED_DIR)
        # an official list: without one, screening answers 503 by design (fail closed)
        load_path(s, shared_data / "csl_sample" / "dpl.txt")
        key = create_key(s, Role.ADMIN, "schemathesis")
    with live_server(engine) as base:
        yield base, key


def test_no_server_errors(server: tuple[str, str], tmp_path: Path) -> None:
    import schemathesis

    base, key = server
    schema = schemathesis.openapi.from_url(base + "/openapi.json")
    operations = [op.ok() for op in schema.get_all_operations()]
    assert len(operations) >= 6
    failures: list[str] = []
    for operation in operations:
        strategy = operation.as_strategy()

        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        @given(case=strategy)
        def check(case: object) -> None:
            response = case.call(base_url=base, headers={"X-API-Key": key})  # type: ignore[attr-defined]
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")  # type: ignore[attr-defined]

        check()
    assert failures == []
    assert httpx.get(base + "/api/v1/healthz").status_code == 200
