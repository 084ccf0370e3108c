"""Settings read from the environment.

`TRADESCREEN_DB` is an SQLAlchemy URL (default: an SQLite file in the user data
directory); `TRADESCREEN_DATA_DIR` overrides that directory.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

PACKAGE_DIR = Path(__file__).resolve().parent
CURATED_DIR = PACKAGE_DIR / "data" / "curated"


@dataclass(frozen=True, slots=True)
class Settings:
    """Runtime settings; build with :func:`load_settings`."""

    database_url: str
    data_dir: Path


def load_settings() -> Settings:
    """Read the settings from the environment, creating the data directory."""
    data_dir = Path(os.environ.get("TRADESCREEN_DATA_DIR") or user_data_dir("tradescreen"))
    url = os.environ.get("TRADESCREEN_DB")
    if not url:
        data_dir.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{data_dir / 'tradescreen.db'}"
    return Settings(database_url=url, data_dir=data_dir)
