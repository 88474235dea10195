"""Pydantic request and response models of the JSON API (they make /openapi.json precise)."""
