"""Source parsers: one module per official format, each yielding ListEntry records."""
