"""`python -m tradescreen` runs the CLI."""

from tradescreen.cli import main

main()
