"""Packaged clinical knowledge shared by every part of NeedleCare (pure; reads package data only)."""
