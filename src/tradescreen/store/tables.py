"""Imports every module that defines tables, so `Base.metadata` is complete."""

from tradescreen.store import api_tables, erc_tables, review_tables, schema  # noqa: F401
