"""NeedleCare: a recovery companion after microneedling, for patients and clinics."""

from typing import Any


def __getattr__(name: str) -> Any:
    # The version has one home, pyproject.toml; read from the installed metadata on first use
    # (not at import: `needlecare ingredients` is timed as a whole process).
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("needlecare")
        except PackageNotFoundError:  # running from a source tree that was never installed
            return "0+unknown"
    raise AttributeError(name)
