"""CLI: needlecare photo (placeholder until its issue lands)."""
