"""Tests of sopvault.tui."""
