"""Compliance rules: licensing, de minimis, direct product, investment bans."""
