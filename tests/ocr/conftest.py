"""The browser test of "Scan the label" uses the shared Playwright set-up (real server, Debian
Chromium) from tests/browser/conftest.py."""

from browser.conftest import browser, phone, server, shots

__all__ = ["browser", "phone", "server", "shots"]
