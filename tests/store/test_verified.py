"""Issue 17 (speed: verify's second run): verify's record is trusted only when this
user's sopvault signed it with the user's own key, kept in a private folder."""

from __future__ import annotations

import os
from pathlib import Path

from sopvault.store import verified


def test_a_record_reads_back_only_with_its_key_and_its_mac(tmp_path: Path) -> None:
    """Issue 17 (speed: verify's second run): a record reads back under the key it was
    written with; another key, an edited byte or another secret gives nothing."""
    secret = verified.secret_key(tmp_path / "keys")
    assert secret is not None and secret == verified.secret_key(tmp_path / "keys")
    assert oct(os.stat(tmp_path / "keys" / verified.KEY_NAME).st_mode & 0o777) == "0o600"
    folder = tmp_path / "cache"
    verified.write_record(folder, secret, "k1", {"tip": "abc"})
    assert verified.read_record(folder, secret, "k1") == {"tip": "abc"}
    assert verified.read_record(folder, secret, "k2") is None
    assert verified.read_record(folder, b"x" * 32, "k1") is None
    path = folder / verified.RECORD_NAME
    path.write_bytes(path.read_bytes().replace(b"abc", b"abd"))
    assert verified.read_record(folder, secret, "k1") is None
    path.write_bytes(b"\x00\xff")
    assert verified.read_record(folder, secret, "k1") is None


def test_no_key_from_a_folder_others_can_write(tmp_path: Path) -> None:
    """Issue 17 (speed: verify's second run): a key folder writable by group or others,
    or a symbolic link, gives no key (so no record is trusted or written); a key of the
    wrong length is no key either."""
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    os.chmod(shared, 0o777)
    assert verified.secret_key(shared) is None
    (tmp_path / "link").symlink_to(shared)
    assert verified.secret_key(tmp_path / "link") is None
    mine = tmp_path / "mine"
    mine.mkdir(mode=0o700)
    (mine / verified.KEY_NAME).write_bytes(b"short")
    assert verified.secret_key(mine) is None
