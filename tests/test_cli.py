"""The CLI as a user runs it: exit codes, messages, real subprocesses, update over HTTP."""

from __future__ import annotations

import csv
import http.server
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import ClassVar

import pytest
from typer.testing import CliRunner

from tradescreen.cli import app

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("TRADESCREEN_DB", url)
    return url


def _init_official(shared_data: Path) -> None:
    """The curated data and one official list (the store refuses to screen without one)."""
    assert runner.invoke(app, ["init"]).exit_code == 0
    loaded = runner.invoke(app, ["load", str(shared_data / "csl_sample" / "dpl.txt")])
    assert loaded.exit_code == 0, loaded.output


def test_load_lists_diff_and_noop(db: str, shared_data: Path) -> None:
    result = runner.invoke(app, ["load", str(shared_data / "csl_sample" / "dpl.txt")])
    assert result.exit_code == 0, result.output
    assert "581 entries" in result.output
    again = runner.invoke(app, ["load", str(shared_data / "csl_sample" / "dpl.txt")])
    assert again.exit_code == 0 and "already loaded" in again.output
    listed = runner.invoke(app, ["lists", "--json"])
    versions = json.loads(listed.output)
    assert [(v["feed"], v["rows"], v["active"]) for v in versions] == [("bis_dpl", 581, True)]
    same = runner.invoke(app, ["diff", "1", "1"])
    assert same.exit_code == 0 and "+0" in same.output
    missing = runner.invoke(app, ["diff", "1", "9"])
    assert missing.exit_code == 2 and "no list version 9" in missing.output


@pytest.mark.parametrize("broken", ["sdn.csv", "csl.csv"])
def test_invalid_files_exit_2_and_keep_active_version(db: str, shared_data: Path, broken: str) -> None:
    good = shared_data / ("ofac_sdn/sdn.csv" if broken == "sdn.csv" else "csl_sample/csl.csv")
    assert runner.invoke(app, ["load", str(good)]).exit_code == 0
    result = runner.invoke(app, ["load", str(shared_data / "invalid" / broken)])
    assert result.exit_code == 2
    # the message names the broken file (an OFAC load reads the sibling files too) and line
    assert "shared/data/invalid/" in result.output and "Traceback" not in result.output
    versions = json.loads(runner.invoke(app, ["lists", "--json"]).output)
    assert len(versions) == 1 and versions[0]["active"]


def test_status_xiaomi_as_of(db: str, shared_data: Path) -> None:
    _init_official(shared_data)
    feb = json.loads(
        runner.invoke(app, ["status", "Xiaomi Corporation", "--as-of", "2021-02-01", "--json"]).output
    )
    assert feb["restricted"] is True
    april = json.loads(
        runner.invoke(app, ["status", "Xiaomi Corporation", "--as-of", "2021-04-01", "--json"]).output
    )
    assert april["restricted"] is False and april["listings"][0]["state"] == "enjoined"
    june = json.loads(
        runner.invoke(app, ["status", "Xiaomi Corporation", "--as-of", "2021-06-01", "--json"]).output
    )
    assert june["restricted"] is False and june["listings"][0]["state"] == "removed"
    assert june["listings"][0]["unverified"]
    bad = runner.invoke(app, ["status", "Xiaomi", "--as-of", "2021-13-01"])
    assert bad.exit_code == 2 and "--as-of" in bad.output


def test_entity_command(db: str) -> None:
    runner.invoke(app, ["init"])
    result = runner.invoke(app, ["entity", "curated:huawei:EL"])
    assert result.exit_code == 0
    assert "84 FR 22961" in result.output and "2019-05-16" in result.output
    assert runner.invoke(app, ["entity", "nope:1"]).exit_code == 2


def test_screen_exit_codes_and_json(db: str, shared_data: Path) -> None:
    _init_official(shared_data)
    hit = runner.invoke(app, ["screen", "HUAWEI TECH. CO LTD", "--json", "--fail-on-hit"])
    assert hit.exit_code == 1
    first = json.loads(hit.output)["results"][0]
    assert "Huawei Technologies Co., Ltd." in {m["name"] for m in first["memberships"]}
    assert runner.invoke(app, ["screen", "Completely Unrelated Bakery", "--fail-on-hit"]).exit_code == 0
    assert runner.invoke(app, ["screen", "Huawei", "--sources", "XX"]).exit_code == 2
    assert runner.invoke(app, ["screen", "   "]).exit_code == 2


def test_screen_file_and_compare_file(db: str, tmp_path: Path, shared_data: Path) -> None:
    _init_official(shared_data)
    src = tmp_path / "in.csv"
    src.write_text("id,name,country\n1,华为技术有限公司,CN\n2,Kind Bakery,US\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["screen-file", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == (
        "id,name,rank,score,entity_id,source,list_name,matched_name,programs,explanation,state,since,lists"
    )
    assert all(line.startswith("1,") for line in lines[1:]) and len(lines) > 1
    bad = tmp_path / "bad.csv"
    bad.write_text("id,nom\n1,x\n", encoding="utf-8")
    failed = runner.invoke(app, ["screen-file", str(bad), "--out", str(tmp_path / "o.csv")])
    assert failed.exit_code == 2 and "name" in failed.output
    dup = tmp_path / "dup.csv"
    dup.write_text("id,name\n1,a\n1,b\n", encoding="utf-8")
    failed = runner.invoke(app, ["screen-file", str(dup), "--out", str(tmp_path / "o.csv")])
    assert failed.exit_code == 2 and ":3" in failed.output and "duplicate" in failed.output
    assert not (tmp_path / "o.csv").exists()
    utf = tmp_path / "latin1.csv"
    utf.write_bytes(b"id,name\n1,Caf\xe9\n")
    assert runner.invoke(app, ["screen-file", str(utf), "--out", str(tmp_path / "o.csv")]).exit_code == 2
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        'name1,name2,type\n华为技术有限公司,"Huawei Technologies Co., Ltd.",entity\n'
        "Kibaha Cement Traders Ltd,Kibaha Cement Products Ltd,\n",
        encoding="utf-8",
    )
    scores = tmp_path / "scores.csv"
    assert runner.invoke(app, ["compare-file", str(pairs), "--out", str(scores)]).exit_code == 0
    rows = scores.read_text(encoding="utf-8").splitlines()
    assert rows[0] == "name1,name2,type,score,explanation" and len(rows) == 3
    parsed = list(csv.DictReader(rows))
    assert float(parsed[0]["score"]) > 0.9 > float(parsed[1]["score"])


class _Handler(http.server.SimpleHTTPRequestHandler):
    fail_first: ClassVar[dict[str, int]] = {}
    truncate: ClassVar[set[str]] = set()

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        left = self.fail_first.get(self.path, 0)
        if left:
            self.fail_first[self.path] = left - 1
            self.send_error(500)
            return
        if self.path in self.truncate:
            data = Path(self.translate_path(self.path)).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            return
        super().do_GET()


@pytest.fixture
def mirror(shared_data: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Handler, directory=str(shared_data)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    _Handler.fail_first = {}
    _Handler.truncate = set()


def test_update_from_loopback_mirror_with_retries(db: str, mirror: str) -> None:
    _Handler.fail_first = {"/ofac_sdn/sdn.csv": 2}
    result = runner.invoke(app, ["update", "--mirror", mirror, "--feeds", "ofac_sdn,bis_dpl"])
    assert result.exit_code == 0, result.output
    versions = json.loads(runner.invoke(app, ["lists", "--json"]).output)
    assert {v["feed"]: v["rows"] for v in versions} == {"ofac_sdn": 8976, "bis_dpl": 581}
    again = runner.invoke(app, ["update", "--mirror", mirror, "--feeds", "ofac_sdn"])
    assert "already loaded" in again.output


def test_update_then_monitors_the_book(db: str, mirror: str, tmp_path: Path) -> None:
    book = tmp_path / "book.csv"
    book.write_text("id,name,country\nk1,KIM Jong Un,KP\nk2,Quiet Bakery,GB\n", encoding="utf-8")
    assert runner.invoke(app, ["book", "import", str(book)]).exit_code == 0
    result = runner.invoke(app, ["update", "--mirror", mirror, "--feeds", "ofac_sdn"])
    assert result.exit_code == 0, result.output
    assert "monitoring: book re-screened" in result.output
    queue = runner.invoke(app, ["review", "list"])
    assert "KIM Jong Un" in queue.output and "Quiet Bakery" not in queue.output
    assert runner.invoke(app, ["audit", "verify"]).exit_code == 0


def test_update_refuses_truncated_download(db: str, mirror: str) -> None:
    _Handler.truncate = {"/csl_sample/dpl.txt"}
    result = runner.invoke(app, ["update", "--mirror", mirror, "--feeds", "bis_dpl", "--retries", "2"])
    assert result.exit_code == 2
    assert "expected 145613" in result.output or "truncated" in result.output
    assert json.loads(runner.invoke(app, ["lists", "--json"]).output) == []


def test_real_subprocess(tmp_path: Path, shared_data: Path) -> None:
    env = {**os.environ, "TRADESCREEN_DB": f"sqlite:///{tmp_path / 'p.db'}", "COLUMNS": "200"}
    exe = [sys.executable, "-m", "tradescreen"]
    ok = subprocess.run(
        [*exe, "load", str(shared_data / "ofac_cons" / "cons_prim.csv")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run(
        [*exe, "load", str(shared_data / "invalid" / "alt.csv")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert bad.returncode == 2
    assert "Traceback" not in bad.stderr + bad.stdout


def test_screen_shows_listed_owners_on_the_date(db: str, shared_data: Path) -> None:
    _init_official(shared_data)
    owned = json.loads(
        runner.invoke(app, ["screen", "Honor Device Co., Ltd.", "--as-of", "2020-06-01", "--json"]).output
    )
    assert owned["ownership"] and "Huawei Technologies" in owned["ownership"][0]["summary"]
    # the BIS affiliates rule was not in force in 2020: noted, not a restriction
    assert owned["ownership"][0]["rule"] == "ownership_noted"
    sold = json.loads(
        runner.invoke(app, ["screen", "Honor Device Co., Ltd.", "--as-of", "2021-01-01", "--json"]).output
    )
    assert sold["ownership"] == []


def test_erc_agency_is_one_option_with_the_old_spelling_hidden(db: str) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    opened = runner.invoke(
        app, ["erc", "propose", "--party", "Acme Trading", "--country", "CN", "--agency", "Commerce"]
    )
    assert opened.exit_code == 0 and "proposed by Commerce" in opened.output, opened.output
    old = runner.invoke(app, ["erc", "propose", "--party", "Beta Ltd", "--country", "CN", "--by", "Defense"])
    assert old.exit_code == 0 and "proposed by Defense" in old.output, old.output
    voted = runner.invoke(app, ["erc", "vote", "1", "--agency", "Energy", "--yes"])
    assert voted.exit_code == 0, voted.output
    missing = runner.invoke(app, ["erc", "propose", "--party", "X", "--country", "CN"])
    assert missing.exit_code == 2 and "--agency" in missing.output
    for command in ("propose", "vote", "escalate"):
        shown = runner.invoke(app, ["erc", command, "--help"]).output
        assert "--agency" in shown and "--by " not in shown
