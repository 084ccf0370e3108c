"""Reading one member of a zip archive within limits (zip bombs, lying headers).

Limits (settings): `TRADESCREEN_ZIP_MAX_BYTES` (default 512 MiB) caps the member's size,
both as declared in the archive and as actually inflated; `TRADESCREEN_ZIP_MAX_RATIO`
(default 100) caps inflated/compressed size, declared and actual. The member is inflated
in chunks and abandoned as soon as a limit is passed, so a 3 MB archive holding 3 GB
costs neither the time nor the memory to inflate it.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from tradescreen.config import ZIP_MAX_BYTES_DEFAULT, ZIP_MAX_RATIO_DEFAULT, int_setting
from tradescreen.errors import InputError

CHUNK = 1 << 20


def zip_limits() -> tuple[int, int]:
    """(max inflated bytes, max compression ratio) from the settings."""
    return (
        int_setting("TRADESCREEN_ZIP_MAX_BYTES", ZIP_MAX_BYTES_DEFAULT),
        int_setting("TRADESCREEN_ZIP_MAX_RATIO", ZIP_MAX_RATIO_DEFAULT),
    )


def read_zip_member(path: Path, raw: bytes, suffix: str) -> bytes:
    """The bytes of the first member of the archive `raw` (read from `path`) whose name
    ends with `suffix`, or an InputError naming the archive and member."""
    max_bytes, max_ratio = zip_limits()
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            members = [i for i in archive.infolist() if i.filename.lower().endswith(suffix)]
            if not members:
                raise InputError(f"zip archive holds no {suffix} file", file=str(path))
            info = members[0]
            where = f"{path}!{info.filename}"
            compressed = max(info.compress_size, 1)
            if info.file_size > max_bytes:
                raise InputError(
                    f"archive member declares {info.file_size} bytes, over the limit of {max_bytes}"
                    " (TRADESCREEN_ZIP_MAX_BYTES)",
                    file=where,
                )
            if info.file_size / compressed > max_ratio:
                raise InputError(
                    f"archive member compression ratio {info.file_size // compressed}:1 is over"
                    f" {max_ratio}:1 (TRADESCREEN_ZIP_MAX_RATIO); refusing a likely zip bomb",
                    file=where,
                )
            out = bytearray()
            with archive.open(info) as member:
                while chunk := member.read(CHUNK):
                    out += chunk
                    if len(out) > max_bytes:
                        raise InputError(
                            f"archive member inflates past the limit of {max_bytes} bytes"
                            " (TRADESCREEN_ZIP_MAX_BYTES); its header lied about its size",
                            file=where,
                        )
                    if len(out) > CHUNK and len(out) / compressed > max_ratio:
                        raise InputError(
                            f"archive member compression ratio over {max_ratio}:1"
                            " (TRADESCREEN_ZIP_MAX_RATIO); its header lied about its size",
                            file=where,
                        )
            return bytes(out)
    except zipfile.BadZipFile as exc:
        raise InputError(f"damaged zip archive ({exc})", file=str(path)) from exc
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError, OSError) as exc:
        raise InputError(f"unreadable zip archive ({exc})", file=str(path)) from exc
