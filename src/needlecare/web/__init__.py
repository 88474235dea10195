"""The web app: JSON API under /api/v1 (web/api) and HTML pages (web/pages)."""
