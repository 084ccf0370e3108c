"""`tradescreen update` end to end: every manifest feed, served over HTTP on 127.0.0.1."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradescreen.cli import app
from tradescreen.sources.detect import FORMATS, open_list_file
from tradescreen.sources.manifest import FEEDS

runner = CliRunner()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def _serve(directory: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'update.db'}"
    monkeypatch.setenv("TRADESCREEN_DB", url)
    monkeypatch.delenv("TRADESCREEN_SOURCES_FILE", raising=False)
    return url


def test_manifest_covers_every_parsed_feed(shared_data: Path) -> None:
    names = [f.feed for f in FEEDS]
    assert len(names) == len(set(names))
    wanted = {"ofac_sdn", "ofac_cons", "csl", "bis_dpl", "dod_1260h", "bis_meu", "ndaa_889", "ndaa_1286"}
    assert wanted | {"fcc_covered", "un_sc"} <= set(names)
    for feed in FEEDS:
        assert feed.format in FORMATS
        assert feed.official_url.startswith("https://")
        assert all(f.url.startswith("https://") for f in feed.files)
        main = shared_data / feed.files[0].mirror_path
        assert main.exists(), main
        # the manifest's format parses the mirror file into the feed it is listed under
        assert open_list_file(main, feed.format).feed == feed.feed


def _mirror_with(tmp_path: Path, shared_data: Path, broken: str, data: bytes) -> Path:
    """A mirror laid out like shared/data (symlinks) in which one file is replaced by `data`."""
    root = tmp_path / "mirror"
    for feed in FEEDS:
        for source in feed.files:
            origin = shared_data / source.mirror_path
            if not origin.exists():
                continue
            target = root / source.mirror_path
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.mirror_path == broken:
                target.write_bytes(data)
            else:
                target.symlink_to(origin)
    return root


def test_update_loads_every_feed_then_a_broken_feed_changes_nothing(
    db: str, shared_data: Path, tmp_path: Path
) -> None:
    with _serve(shared_data) as mirror:
        result = runner.invoke(app, ["update", "--mirror", mirror])
    assert result.exit_code == 0, result.output
    versions = json.loads(runner.invoke(app, ["lists", "--json"]).output)
    loaded = {v["feed"]: v for v in versions if v["active"]}
    assert set(loaded) == {f.feed for f in FEEDS}
    for feed in FEEDS:
        expected = open_list_file(shared_data / feed.files[0].mirror_path, feed.format)
        assert loaded[feed.feed]["sha256"] == expected.sha256
        assert loaded[feed.feed]["rows"] == len(list(expected.entries)), feed.feed
        assert loaded[feed.feed]["file"].endswith(feed.files[0].mirror_path)

    # The UN file is now truncated on the server: un_sc fails with file and line named,
    # its active version stays, the other feeds are still checked, and the exit is 2.
    whole = (shared_data / "un_consolidated.xml").read_bytes()
    root = _mirror_with(tmp_path, shared_data, "un_consolidated.xml", whole[: len(whole) // 3])
    with _serve(root) as mirror:
        again = runner.invoke(app, ["update", "--mirror", mirror])
    assert again.exit_code == 2, again.output
    said = " ".join(again.output.split())
    assert f"un_sc: {mirror}un_consolidated.xml:" in said and "not well-formed" in said
    assert "tradescreen-update-" not in said  # no temporary path in the message
    assert "update failed for: un_sc" in said
    assert again.output.count("already loaded") == len(FEEDS) - 1
    after = json.loads(runner.invoke(app, ["lists", "--json"]).output)
    assert {v["id"] for v in after if v["active"]} == {v["id"] for v in loaded.values()}
    assert len(after) == len(versions)


def test_update_unknown_feed_is_refused(db: str) -> None:
    result = runner.invoke(app, ["update", "--feeds", "ofac_sdn,nope"])
    assert result.exit_code == 2
    assert "nope" in result.output and "--feeds" in result.output


def test_load_of_a_broken_un_file_exits_2_naming_line_and_field(
    db: str, shared_data: Path, tmp_path: Path
) -> None:
    text = (shared_data / "un_consolidated.xml").read_text(encoding="utf-8")
    broken = tmp_path / "consolidated.xml"
    broken.write_text(text.replace("<DATAID>6907994</DATAID>", "<DATAID></DATAID>", 1), encoding="utf-8")
    result = runner.invoke(app, ["load", str(broken)])
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "DATAID" in said and "missing value" in said
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "<DATAID>6907994</DATAID>" in row)
    assert f"consolidated.xml:{line - 1}" in said  # the line where its INDIVIDUAL element starts
    assert json.loads(runner.invoke(app, ["lists", "--json"]).output) == []
