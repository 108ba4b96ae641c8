"""Issue 15 (notify): the record of what was sent: in the user's state folder, merged and
written whole (0600), a second notify waits its turn, an unreadable record is one clear
error (never a guess that sends everything again, or nothing)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sopvault.store.notifystate import (
    NotifyBusy,
    NotifyStateError,
    load_sent,
    mark_sent,
    state_file,
    taking_turns,
)
from sopvault.store.statedir import state_dir_for

AT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_the_record_lives_outside_the_vault_and_merges(tmp_path: Path) -> None:
    """Issue 15 (notify): keys added per person and channel, earlier ones kept with the
    time they were first sent; the file is the user's alone."""
    vault = tmp_path / "vault"
    vault.mkdir()
    path = state_file(vault)
    assert path.parent.parent == state_dir_for(vault) and not path.is_relative_to(vault)
    assert load_sent(path) == {}
    mark_sent(path, "email:a@example.com", ["k1"], AT)
    mark_sent(path, "email:a@example.com", ["k1", "k2"], AT.replace(hour=10))
    mark_sent(path, "command:bob", ["k1"], AT)
    assert load_sent(path) == {
        "email:a@example.com": {"k1": "2026-11-25T09:00:00Z", "k2": "2026-11-25T10:00:00Z"},
        "command:bob": {"k1": "2026-11-25T09:00:00Z"},
    }
    assert path.stat().st_mode & 0o777 == 0o600


def test_an_unreadable_record_is_a_clear_error(tmp_path: Path) -> None:
    """Issue 15 (notify): a record that is not JSON, or not ours, names the file and the
    way out."""
    path = tmp_path / "sent.json"
    for text in ("{not json", '{"format": 9, "sent": {}}', "[]"):
        path.write_text(text)
        with pytest.raises(NotifyStateError, match="delete it to start afresh"):
            load_sent(path)


def test_a_second_notify_waits_its_turn(tmp_path: Path) -> None:
    """Issue 15 (notify): while one run holds the record, another gives up after its wait
    with one line, instead of sending the same events twice."""
    path = tmp_path / "notify" / "sent.json"
    path.parent.mkdir()
    with taking_turns(path), pytest.raises(NotifyBusy, match="another sopvault notify"):
        with taking_turns(path, wait=0.1):
            pass
