"""Versioned store of official lists: schema, migrations, atomic imports, diffs."""
