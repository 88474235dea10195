"""CLI: needlecare ingredients (placeholder until its issue lands)."""
