"""NeedleCare: a recovery companion after microneedling, for patients and clinics."""

__version__ = "0.1.0"
