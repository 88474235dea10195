"""CLI: needlecare timeline (placeholder until its issue lands)."""
