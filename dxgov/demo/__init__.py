"""Demo data and deterministic generators; no domain app imports this package."""
