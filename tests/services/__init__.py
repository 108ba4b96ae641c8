"""Tests of sopvault.services."""
