"""Imports every module that defines tables, so `Base.metadata` is complete.

Each capability adds its table module here (ERC, review/audit, API keys).
"""

from tradescreen.store import schema  # noqa: F401
