"""Packaged clinical knowledge shared by all of NeedleCare (pure: reads package data only)."""
