"""CLI: needlecare triage (placeholder until its issue lands)."""
