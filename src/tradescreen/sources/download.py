"""Downloading the official list files: retries, timeouts, checksums.

`OFFICIAL_SOURCES` maps each feed of the manifest (:mod:`tradescreen.sources.manifest`)
to the files it is made of, with the download URL and the path under a mirror (the
layout of `../shared/data`). A YAML file named by
`TRADESCREEN_SOURCES_FILE` replaces the table (same shape); `--mirror` reads every file
from a directory or URL prefix with that layout instead of the official hosts.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin

import httpx
import yaml

from tradescreen.errors import InputError, TradescreenError
from tradescreen.sources.manifest import FEEDS, SourceFile

__all__ = ["OFFICIAL_SOURCES", "DownloadError", "SourceFile", "configured_sources", "download_feed", "fetch"]


# feed -> files, from the manifest; the first file is the one handed to the parser.
OFFICIAL_SOURCES: dict[str, list[SourceFile]] = {f.feed: list(f.files) for f in FEEDS}

# Local names the parsers expect (they find siblings by name).
LOCAL_NAMES = {
    "SDN.CSV": "sdn.csv",
    "ALT.CSV": "alt.csv",
    "ADD.CSV": "add.csv",
    "SDN_COMMENTS.CSV": "sdn_comments.csv",
    "CONS_PRIM.CSV": "cons_prim.csv",
    "CONS_ALT.CSV": "cons_alt.csv",
    "CONS_ADD.CSV": "cons_add.csv",
    "CONS_COMMENTS.CSV": "cons_comments.csv",
}


class DownloadError(TradescreenError):
    """A file could not be downloaded intact after all retries."""


def configured_sources() -> dict[str, list[SourceFile]]:
    """The source table, from `TRADESCREEN_SOURCES_FILE` when set."""
    path = os.environ.get("TRADESCREEN_SOURCES_FILE")
    if not path:
        return OFFICIAL_SOURCES
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        return {feed: [SourceFile(**f) for f in files] for feed, files in raw.items()}
    except (OSError, yaml.YAMLError, TypeError, AttributeError) as exc:
        raise InputError(f"bad sources file: {exc}", file=path, field="TRADESCREEN_SOURCES_FILE") from exc


def _local_name(source: SourceFile) -> str:
    name = Path(source.mirror_path).name
    return LOCAL_NAMES.get(name, name)


def fetch(
    url: str,
    dest: Path,
    *,
    expected_sha256: str | None = None,
    retries: int = 3,
    timeout: float = 30.0,
    backoff: float = 0.5,
    on_bytes: Callable[[int, int | None], None] | None = None,
) -> str:
    """Download `url` to `dest` and return its sha256; retry transient failures.

    A response shorter than its Content-Length (a truncated download) or with the wrong
    checksum is an error and is retried; after the last try, DownloadError.
    """
    last: Exception | None = None
    for attempt in range(1, retries + 1):
        try:
            digest = hashlib.sha256()
            received = 0
            # identity: the bytes written must be the file itself (iter_raw does not
            # decompress) and Content-Length must count those same bytes.
            with httpx.stream(
                "GET", url, timeout=timeout, follow_redirects=True, headers={"Accept-Encoding": "identity"}
            ) as response:
                if response.status_code >= 400:
                    raise DownloadError(f"HTTP {response.status_code} for {url}")
                expected = response.headers.get("content-length")
                total = int(expected) if expected and expected.isdigit() else None
                with dest.open("wb") as out:
                    for chunk in response.iter_raw():
                        out.write(chunk)
                        digest.update(chunk)
                        received += len(chunk)
                        if on_bytes:
                            on_bytes(received, total)
            if total is not None and received != total:
                raise DownloadError(f"truncated download of {url}: {received} of {total} bytes")
            if received == 0:
                raise DownloadError(f"empty download from {url}")
            sha = digest.hexdigest()
            if expected_sha256 and sha != expected_sha256:
                raise DownloadError(f"checksum mismatch for {url}: {sha} != {expected_sha256}")
            return sha
        except (httpx.HTTPError, DownloadError) as exc:
            last = exc
            if attempt < retries:
                time.sleep(backoff * 2 ** (attempt - 1))
    raise DownloadError(f"giving up on {url} after {retries} tries: {last}")


def download_feed(
    feed: str,
    files: list[SourceFile],
    workdir: Path,
    *,
    mirror: str | None = None,
    retries: int = 3,
    timeout: float = 30.0,
) -> Path:
    """Fetch every file of `feed` into `workdir` and return the path to parse."""
    workdir.mkdir(parents=True, exist_ok=True)
    first: Path | None = None
    for source in files:
        dest = workdir / _local_name(source)
        if mirror and not mirror.startswith(("http://", "https://")):
            origin = Path(mirror) / source.mirror_path
            if not origin.exists():
                if source.required:
                    raise DownloadError(f"mirror lacks {source.mirror_path} (looked in {origin})")
                continue
            shutil.copyfile(origin, dest)
        else:
            url = urljoin(mirror.rstrip("/") + "/", source.mirror_path) if mirror else source.url
            try:
                fetch(url, dest, expected_sha256=source.sha256, retries=retries, timeout=timeout)
            except DownloadError:
                if source.required:
                    raise
                dest.unlink(missing_ok=True)
                continue
        first = first or dest
    if first is None:
        raise DownloadError(f"no files for feed {feed}")
    return first
