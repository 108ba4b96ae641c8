"""Widgets, one per module, each owning its messages."""
