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
