"""Tests of sopvault.cli."""
