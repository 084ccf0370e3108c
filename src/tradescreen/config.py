"""Settings read from the environment, in one object.

Every setting is an environment variable `TRADESCREEN_<NAME>`:

- `TRADESCREEN_DB`: an SQLAlchemy URL (default: an SQLite file in the data directory);
- `TRADESCREEN_DATA_DIR`: that directory (default: the user data directory);
- `TRADESCREEN_MAX_LIST_AGE_DAYS`: a feed whose newest version is older than this many
  days makes every answer carry a warning (default 7);
- `TRADESCREEN_LOCAL_AUTH`: requests from this machine need no API key;
- `TRADESCREEN_WEBHOOK_URL`, `TRADESCREEN_WEBHOOK_SECRET`: monitoring notifications;
- `TRADESCREEN_SOURCES_FILE`: where `update` reads its list of feeds.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DIR = Path(__file__).resolve().parent
CURATED_DIR = PACKAGE_DIR / "data" / "curated"


class Settings(BaseSettings):
    """Runtime settings; build with :func:`load_settings` (reads the environment each time,
    so a test or a command that changes the environment sees the change)."""

    model_config = SettingsConfigDict(
        env_prefix="TRADESCREEN_", frozen=True, extra="ignore", env_ignore_empty=True
    )

    db: str = Field(default="", description="SQLAlchemy URL of the store")
    data_dir: Path = Field(default_factory=lambda: Path(user_data_dir("tradescreen")))
    max_list_age_days: int = Field(default=7, ge=0, description="warn when a feed's newest version is older")
    local_auth: bool = False
    webhook_url: str = ""
    webhook_secret: str = ""
    sources_file: str = ""

    @property
    def database_url(self) -> str:
        """The store's URL: `TRADESCREEN_DB`, or the SQLite file in the data directory."""
        return self.db or f"sqlite:///{self.data_dir / 'tradescreen.db'}"


def load_settings() -> Settings:
    """Read the settings from the environment, creating the data directory when the store
    is the default SQLite file there."""
    settings = Settings()
    if not settings.db:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings


# --- hardening settings (issue 13) -------------------------------------------------------
# TRADESCREEN_CONFIG_DIR: where secrets and checkpoints live (default: user config dir).
# TRADESCREEN_AUDIT_KEY: the audit MAC key itself; else TRADESCREEN_AUDIT_KEY_FILE, else
#   `<config dir>/audit.key`, created with mode 0600 on first use.
# TRADESCREEN_AUDIT_CHECKPOINTS: directory of signed audit checkpoints.
# TRADESCREEN_MAX_FIELD_BYTES, TRADESCREEN_MAX_JSON_DEPTH, TRADESCREEN_ZIP_MAX_BYTES,
# TRADESCREEN_ZIP_MAX_RATIO: parser and archive limits (see docs/security.md).


def config_dir() -> Path:
    """Where tradescreen keeps secrets and audit checkpoints (outside the database)."""
    from platformdirs import user_config_dir

    return Path(os.environ.get("TRADESCREEN_CONFIG_DIR") or user_config_dir("tradescreen"))


def audit_key() -> bytes:
    """The audit-log MAC key: a setting, or a 0600 key file created on first use."""
    value = os.environ.get("TRADESCREEN_AUDIT_KEY")
    if value:
        return value.encode()
    path = Path(os.environ.get("TRADESCREEN_AUDIT_KEY_FILE") or config_dir() / "audit.key")
    if not path.exists():
        import secrets

        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise RuntimeError(f"audit key file {path} is empty")
    return key.encode()


def audit_checkpoint_dir() -> Path:
    """Directory of signed audit checkpoints (one file per database)."""
    return Path(os.environ.get("TRADESCREEN_AUDIT_CHECKPOINTS") or config_dir() / "audit-checkpoints")


def int_setting(name: str, default: int) -> int:
    """An integer setting from the environment (the default when unset or not a number)."""
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip().isdigit() else default


MAX_FIELD_BYTES_DEFAULT = 128 * 1024
MAX_JSON_DEPTH_DEFAULT = 32
ZIP_MAX_BYTES_DEFAULT = 512 * 1024 * 1024
ZIP_MAX_RATIO_DEFAULT = 100
