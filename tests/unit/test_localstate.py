"""Trust §3 (state in the vault): which files are local state, and how a vault's private
state folder is named."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sopvault.core.localstate import is_state_file
from sopvault.store.statedir import vault_key

segment = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0"), min_size=1
).filter(lambda s: s not in (".", ".."))
folders = st.lists(segment, max_size=4)


@given(folders, folders, segment)
def test_anything_under_an_old_state_folder_is_state(
    above: list[str], below: list[str], name: str
) -> None:
    """Trust §3 (state in the vault): every file under a `.sopvault` folder, at any depth,
    is local state, whatever its name."""
    assert is_state_file("/".join([*above, ".sopvault", *below, name]))


@given(folders, segment)
def test_documents_are_never_state(above: list[str], stem: str) -> None:
    """Trust §3 (state in the vault): a Markdown file outside `.sopvault/` is never taken
    for state, so `check` and `verify` never report a document."""
    path = "/".join([*[a for a in above if a != ".sopvault"], f"{stem}.md"])
    assert not is_state_file(path)


def test_cache_and_whoosh_files_are_state() -> None:
    """Trust §3 (state in the vault): pickles and Whoosh's files are state wherever they
    are; other attachments are not."""
    for path in ("a.pickle", "x/b.pkl", "_MAIN_3.toc", "i/MAIN_ab12.seg", "MAIN_WRITELOCK"):
        assert is_state_file(path), path
    for path in ("diagram.png", "MAIN_street.jpg", "notes.txt", "toc.md", "seg"):
        assert not is_state_file(path), path


@given(st.lists(segment, min_size=1, max_size=4, unique=True))
def test_state_folder_names_are_safe_and_distinct(names: list[str]) -> None:
    """Trust §3 (state in the vault): the folder name of a vault's state is file-name safe,
    ends in a digest of the real path, and differs between different vaults."""
    roots = [Path("/nonexistent-h3") / name for name in names]
    keys = [vault_key(root) for root in roots]
    assert len(set(keys)) == len(keys)
    for key in keys:
        assert re.fullmatch(r"[A-Za-z0-9._-]{1,40}-[0-9a-f]{16}", key), key
