"""Acknowledgements in words, for the reader's prompt in the TUI (and any command that
shows one): what the person acting owes, or when they acknowledged (ISO 9001 §7.3)."""

from __future__ import annotations

from datetime import tzinfo

from sopvault.core.localtime import day
from sopvault.model.ack import Reading


def reading_line(reading: Reading | None, zone: tzinfo | None = None) -> str | None:
    """``You have not acknowledged v2.1`` when the person must read the current revision
    and has not acknowledged it; ``You acknowledged v2.1 on 2026-11-25 (read and
    understood)`` once they have; None when there is nothing to say (no current revision,
    not one of ``[people]``, or not asked to read it and never did). The day is the one
    in ``zone`` (None: the local zone)."""
    if reading is None:
        return None
    if reading.ack is not None:
        when = day(reading.ack.at, zone).isoformat()
        return f"You acknowledged v{reading.version} on {when} ({reading.ack.meaning})"
    if reading.must_read:
        return f"You have not acknowledged v{reading.version}"
    return None
