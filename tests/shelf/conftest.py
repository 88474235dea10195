"""The shelf's browser test uses the shared Playwright set-up from tests/browser/conftest.py."""

from browser.conftest import browser, phone, server, shots

__all__ = ["browser", "phone", "server", "shots"]
