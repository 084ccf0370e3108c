"""Name matching: normalisation, candidate index, scoring, screening."""
