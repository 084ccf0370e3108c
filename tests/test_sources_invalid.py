"""Broken files are refused with file, line and field; nothing is half-read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tradescreen.errors import InputError
from tradescreen.sources.detect import open_list_file


def _sdn_copy(shared_data: Path, tmp_path: Path, broken: str) -> Path:
    for name in ("sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"):
        shutil.copy(shared_data / "ofac_sdn" / name, tmp_path / name)
    shutil.copy(shared_data / "invalid" / broken, tmp_path / broken)
    return tmp_path / "sdn.csv"


@pytest.mark.parametrize("broken", ["sdn.csv", "alt.csv", "add.csv", "sdn_comments.csv"])
def test_invalid_ofac_files(shared_data: Path, tmp_path: Path, broken: str) -> None:
    path = _sdn_copy(shared_data, tmp_path, broken)
    with pytest.raises(InputError) as info:
        list(open_list_file(path).entries)
    assert info.value.file and info.value.file.endswith(broken)
    assert info.value.line is not None and info.value.line > 1


def test_invalid_csl(shared_data: Path) -> None:
    with pytest.raises(InputError) as info:
        list(open_list_file(shared_data / "invalid" / "csl.csv").entries)
    assert info.value.line == 2 and info.value.field


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        open_list_file(path, "ofac")


def test_truncated_csl(shared_data: Path, tmp_path: Path) -> None:
    data = (shared_data / "csl_sample" / "csl.csv").read_bytes()
    path = tmp_path / "csl.csv"
    cut = data.index(b'"', len(data) // 2)  # cut inside a quoted field
    path.write_bytes(data[: cut + 5])
    with pytest.raises(InputError) as info:
        list(open_list_file(path).entries)
    assert info.value.line is not None


def test_truncated_ofac(shared_data: Path, tmp_path: Path) -> None:
    data = (shared_data / "ofac_sdn" / "sdn.csv").read_bytes()
    path = tmp_path / "sdn.csv"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as info:
        list(open_list_file(path).entries)
    assert info.value.line is not None and info.value.line > 1000


def test_wrong_encoding(tmp_path: Path) -> None:
    path = tmp_path / "dpl.txt"
    path.write_bytes('"Name"\t"Street"\n"x"\t"y"\n'.encode("utf-16"))
    with pytest.raises(InputError, match="UTF"):
        list(open_list_file(path, "dpl").entries)
    csl = tmp_path / "csl.csv"
    csl.write_bytes(b"source,name\nEntity List (EL) - BIS,Caf\xe9 \xff\xfe Ltd\n")
    with pytest.raises(InputError) as info:
        list(open_list_file(csl).entries)
    assert info.value.line == 2


def test_wrong_format(shared_data: Path, tmp_path: Path) -> None:
    png = tmp_path / "list.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(InputError, match=r"format|UTF|text"):
        list(open_list_file(png).entries)
    # a DPL handed over as OFAC CSV
    with pytest.raises(InputError) as info:
        list(open_list_file(shared_data / "csl_sample" / "dpl.txt", "ofac").entries)
    assert info.value.line == 1


def test_curated_errors_name_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("party:\n  key: x\n  name: X\nlistings:\n  - list: NOPE\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        open_list_file(path)
    assert info.value.line == 5 and info.value.field == "listings[0].list"
    path.write_text("party:\n  key: x\n  name: X\n  colour: red\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        open_list_file(path)
    assert info.value.field == "party.colour"
    path.write_text(
        "party: {key: x, name: X}\nlistings:\n  - list: EL\n    events:\n"
        "      - {date: 2020-13-01, type: added, citation: {text: x}}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        open_list_file(path)
    assert "date" in (info.value.field or "")
