"""Loading hostile or broken list files: the shrink guard, structure checks and parser
limits. Every case exits 2 naming the file (and line/field where there is one) and
leaves the active version unchanged."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tradescreen.cli import app
from tradescreen.store.db import get_engine, session_scope
from tradescreen.store.review_tables import AuditRow
from tradescreen.store.schema import ListVersionRow

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("TRADESCREEN_DB", url)
    monkeypatch.setenv("TRADESCREEN_CONFIG_DIR", str(tmp_path / "config"))
    return url


def _active(feed: str) -> tuple[int, int] | None:
    with session_scope(get_engine()) as s:
        row = s.scalars(
            select(ListVersionRow).where(ListVersionRow.feed == feed, ListVersionRow.active.is_(True))
        ).first()
        return (row.id, row.row_count) if row else None


def _refused(path: Path, *words: str, feed: str | None = None, args: tuple[str, ...] = ()) -> str:
    before = _active(feed) if feed else None
    result = runner.invoke(app, ["load", str(path), *args])
    out = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for word in words:
        assert word in out, out
    if feed:
        assert _active(feed) == before
    return out


def test_near_empty_sdn_csv_is_refused_with_both_counts(db: str, shared_data: Path, tmp_path: Path) -> None:
    assert runner.invoke(app, ["load", str(shared_data / "ofac_sdn" / "sdn.csv")]).exit_code == 0
    before = _active("ofac_sdn")
    assert before is not None and before[1] > 8000
    tiny = tmp_path / "cut" / "sdn.csv"
    tiny.parent.mkdir()
    first = (shared_data / "ofac_sdn" / "sdn.csv").read_bytes().split(b"\n", 1)[0]
    tiny.write_bytes(first + b"\n\x1a")
    out = _refused(tiny, str(before[1]), " 1 ", "--allow-shrink", feed="ofac_sdn")
    assert "fewer than" in out
    screened = runner.invoke(app, ["screen", "BANCO NACIONAL DE CUBA"])
    assert "BANCO NACIONAL DE CUBA" in screened.output

    allowed = runner.invoke(app, ["load", str(tiny), "--allow-shrink"])
    assert allowed.exit_code == 0, allowed.output
    assert _active("ofac_sdn")[1] == 1  # type: ignore[index]
    with session_scope(get_engine()) as s:
        kinds = [r.kind for r in s.scalars(select(AuditRow).order_by(AuditRow.seq))]
    assert "list_shrink_allowed" in kinds


def test_sdn_csv_without_siblings_warns_naming_them(db: str, shared_data: Path, tmp_path: Path) -> None:
    alone = tmp_path / "alone" / "sdn.csv"
    alone.parent.mkdir()
    shutil.copyfile(shared_data / "ofac_sdn" / "sdn.csv", alone)
    result = runner.invoke(app, ["load", str(alone)])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "alt.csv" in out and "add.csv" in out and "sdn_comments.csv" in out and "warning" in out


def test_ofac_xml_without_sanctions_list_is_refused(db: str, tmp_path: Path) -> None:
    ns = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML"
    path = tmp_path / "one.xml"
    path.write_text(
        f'<?xml version="1.0"?><sanctionsData xmlns="{ns}"><entities><entity id="1"><names><name>'
        "<isPrimary>true</isPrimary><translations><translation><formattedFullName>X CORP"
        "</formattedFullName><script>Latin</script></translation></translations></name></names>"
        "</entity></entities></sanctionsData>",
        encoding="utf-8",
    )
    _refused(path, "one.xml", "publicationInfo")


def test_csl_json_missing_keys_is_refused(db: str, tmp_path: Path) -> None:
    path = tmp_path / "csl.json"
    path.write_text(json.dumps({"results": [{"foo": "bar"}]}), encoding="utf-8")
    _refused(path, "csl.json", "'source'")


def test_oversize_field_is_exit_2_naming_line_and_field(db: str, shared_data: Path, tmp_path: Path) -> None:
    src = (shared_data / "csl_sample" / "csl.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "csl.csv"
    header, first = src[0], src[1]
    path.write_text(header + first + '"' + "A" * 200_000 + '"' + first[first.index(",") :], encoding="utf-8")
    _refused(path, "csl.csv:3", "128 KiB")


def test_deep_json_is_exit_2(db: str, tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"results": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    _refused(path, "deep.json", "nest")


def test_zip_bomb_is_refused_quickly(db: str, tmp_path: Path) -> None:
    path = tmp_path / "CONS_ENHANCED.ZIP"
    block = b"<a>" + b" " * (1 << 20) + b"</a>"
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("CONS_ENHANCED.XML", "w", force_zip64=True) as member,
    ):
        for _ in range(256):  # ~256 MiB of XML in a small archive
            member.write(block)
    assert path.stat().st_size < 5 * 1024 * 1024
    _refused(path, "CONS_ENHANCED.ZIP", "compression ratio")


def test_zip_lying_about_its_size_is_refused(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADESCREEN_ZIP_MAX_BYTES", "1000")
    path = tmp_path / "small.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("a.xml", b"<x>" + b"y" * 5000 + b"</x>")
    _refused(path, "small.zip", "a.xml", "1000")


def test_damaged_zip_is_exit_2(db: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    _refused(path, "bad.zip", "zip")


@pytest.mark.parametrize("cut", [0.3, 0.7])
def test_truncated_sdn_csv_leaves_active_version(
    db: str, shared_data: Path, tmp_path: Path, cut: float
) -> None:
    assert runner.invoke(app, ["load", str(shared_data / "ofac_sdn" / "sdn.csv")]).exit_code == 0
    raw = (shared_data / "ofac_sdn" / "sdn.csv").read_bytes()
    path = tmp_path / "t" / "sdn.csv"
    path.parent.mkdir()
    path.write_bytes(raw[: int(len(raw) * cut)])
    _refused(path, "sdn.csv", feed="ofac_sdn")


def test_utf16_file_is_exit_2(db: str, shared_data: Path, tmp_path: Path) -> None:
    path = tmp_path / "dpl.txt"
    path.write_bytes((shared_data / "csl_sample" / "dpl.txt").read_text(encoding="utf-8").encode("utf-16"))
    _refused(path, "dpl.txt", "UTF", args=("--format", "dpl"))


def _diff_json(old: int, new: int) -> dict[str, object]:
    result = runner.invoke(app, ["diff", str(old), str(new), "--json"])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def test_diff_against_sdn_without_side_files_reports_unknown_not_changed(
    db: str, shared_data: Path, tmp_path: Path
) -> None:
    """The real SDN list with its side files, then the same sdn.csv alone: nothing changed,
    but aliases, addresses and remarks-derived fields are unknown in the second version."""
    assert runner.invoke(app, ["load", str(shared_data / "ofac_sdn" / "sdn.csv")]).exit_code == 0
    full = _active("ofac_sdn")
    alone = tmp_path / "alone" / "sdn.csv"
    alone.parent.mkdir()
    shutil.copyfile(shared_data / "ofac_sdn" / "sdn.csv", alone)
    assert runner.invoke(app, ["load", str(alone)]).exit_code == 0
    bare = _active("ofac_sdn")
    assert full and bare and full[0] != bare[0] and full[1] == bare[1]

    for old, new in ((full[0], bare[0]), (bare[0], full[0])):
        payload = _diff_json(old, new)
        assert payload["added"] == [] and payload["removed"] == []
        assert payload["changed"] == [], str(payload["changed"])[:500]
        unknown = payload["unknown_fields"]
        assert isinstance(unknown, dict)
        assert f"alt.csv (version {bare[0]})" in unknown["aliases"]
        assert f"add.csv (version {bare[0]})" in unknown["addresses"]
        assert f"sdn_comments.csv (version {bare[0]})" in unknown["remarks"]

    text = " ".join(runner.invoke(app, ["diff", str(full[0]), str(bare[0])]).output.split())
    assert "aliases: unknown, not compared (loaded without alt.csv" in text
    assert "~0" in text


def test_diff_of_two_complete_sdn_versions_has_no_unknown_fields(
    db: str, shared_data: Path, tmp_path: Path
) -> None:
    assert runner.invoke(app, ["load", str(shared_data / "ofac_sdn" / "sdn.csv")]).exit_code == 0
    first = _active("ofac_sdn")
    copy = tmp_path / "copy"
    shutil.copytree(shared_data / "ofac_sdn", copy)
    alt = copy / "alt.csv"
    # Drop one alias row: a real change the diff must still report.
    lines = alt.read_bytes().split(b"\n")
    alt.write_bytes(b"\n".join(lines[1:]))
    assert runner.invoke(app, ["load", str(copy / "sdn.csv")]).exit_code == 0
    second = _active("ofac_sdn")
    assert first and second
    payload = _diff_json(first[0], second[0])
    assert payload["unknown_fields"] == {}
    changed = payload["changed"]
    assert isinstance(changed, list) and len(changed) == 1
    assert [c["field"] for c in changed[0]["changes"]] == ["aliases"]


_ENHANCED_NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML"
_ONE_ENTITY = (
    '<entities><entity id="1"><names><name><isPrimary>true</isPrimary><translations><translation>'
    "<formattedFullName>X CORP</formattedFullName><script>Latin</script></translation></translations>"
    "</name></names></entity></entities>"
)


def _enhanced(tmp_path: Path, root: str, lists: str, ns: str = _ENHANCED_NS) -> Path:
    path = tmp_path / "one.xml"
    path.write_text(
        f'<?xml version="1.0"?><{root} xmlns="{ns}"><publicationInfo><dataAsOf>2025-01-10T00:00:00'
        f"</dataAsOf><filters><sanctionsLists>{lists}</sanctionsLists></filters></publicationInfo>"
        f"{_ONE_ENTITY}</{root}>",
        encoding="utf-8",
    )
    return path


def test_one_entity_ofac_xml_without_sanctions_list_cannot_replace_the_sdn_list(
    db: str, shared_data: Path, tmp_path: Path
) -> None:
    """The real root is sanctionsData (checked on CONS_ENHANCED.ZIP); the list it publishes
    is named by publicationInfo/filters/sanctionsLists/sanctionsList. Without that element
    the file used to load as the SDN list."""
    assert runner.invoke(app, ["load", str(shared_data / "ofac_sdn" / "sdn.csv")]).exit_code == 0
    _refused(_enhanced(tmp_path, "sanctionsData", ""), "one.xml", "sanctionsList", feed="ofac_sdn")
    _refused(
        _enhanced(tmp_path, "sanctionsData", "<sanctionsList>Other List</sanctionsList>"),
        "one.xml",
        "Other List",
        feed="ofac_sdn",
    )


def test_ofac_xml_with_a_foreign_root_or_namespace_is_refused(db: str, tmp_path: Path) -> None:
    good_list = '<sanctionsList refId="91512">Consolidated List</sanctionsList>'
    _refused(_enhanced(tmp_path, "sanctionsList", good_list), "one.xml", "sanctionsData")
    _refused(_enhanced(tmp_path, "sanctionsData", good_list, ns="urn:other"), "one.xml", "sanctionsData")


def test_real_enhanced_xml_passes_the_structure_check(db: str, shared_data: Path) -> None:
    result = runner.invoke(app, ["load", str(shared_data / "ofac_cons" / "CONS_ENHANCED.ZIP")])
    assert result.exit_code == 0, result.output
    assert _active("ofac_cons") is not None and _active("ofac_sdn") is None
