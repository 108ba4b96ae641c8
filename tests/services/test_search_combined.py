"""The index's shape after issue 17: steps and body in one weighted field, the written
words in a vocabulary beside the index (no unstemmed copy), segments opened mapped."""

from __future__ import annotations

from pathlib import Path

import pytest

from sopvault.search import SearchIndex
from sopvault.search.mapped import MappedFile
from sopvault.search.schema import SCHEMA
from sopvault.search.vocabulary import VOCABULARY_NAME, Vocabulary, VocabularyUnreadable
from sopvault.services.clock import running_from
from sopvault.services.vault import Vault
from tests.conftest import TODAY, commit_all, write


def procedure(doc_id: str, title: str, steps: list[str], body: str = "") -> str:
    front = f'id = "{doc_id}"\ntitle = "{title}"\nkind = "procedure"\n'
    for action in steps:
        front += f'\n[[steps]]\naction = "{action}"\n'
    return f"+++\n{front}+++\n{body}\n"


@pytest.fixture
def parts(tmp_path: Path) -> Vault:
    root = tmp_path / "v"
    write(root, "sopvault.toml", 'name = "Parts"\n')
    write(root, "a.md", procedure("SOP-1", "Kiln start", ["Press start", "Wait"], "Keep warm."))
    write(root, "b.md", procedure("SOP-2", "Kiln stop", ["Close the vent"], "Press start later."))
    write(root, "c.md", procedure("SOP-3", "Oven", ["Check the press"], "Start the oven."))
    commit_all(root)
    return Vault.open(root, clock=running_from(TODAY))


def ids(vault: Vault, query: str) -> set[str]:
    return {hit.id for hit in vault.search(query, limit=50).hits}


def test_one_field_holds_steps_and_body_and_no_unstemmed_copy() -> None:
    """Issue 17 (query shape): no ``steps``, ``body`` or ``raw`` field in the index."""
    assert "text" in SCHEMA and not {"steps", "body", "raw"} & set(SCHEMA.names())


def test_a_query_naming_a_part_matches_only_in_that_part(parts: Vault) -> None:
    """Issue 17: ``step:`` and ``body:`` keep working on the combined field, phrases
    included, and a phrase never runs from the steps into the body."""
    assert ids(parts, '"press start"') == {"SOP-1", "SOP-2"}
    assert ids(parts, 'step:"press start"') == {"SOP-1"}
    assert ids(parts, 'body:"press start"') == {"SOP-2"}
    assert ids(parts, "step:press") == {"SOP-1", "SOP-3"}
    assert ids(parts, "body:press") == {"SOP-2"}
    assert ids(parts, "step:start body:warm") == {"SOP-1"}
    assert ids(parts, "body:warm*") == {"SOP-1"} and ids(parts, "step:warm*") == set()
    assert ids(parts, '"wait keep"') == set()  # the last step and the body's first word


def test_prefix_and_fuzzy_terms_see_words_added_by_an_update(parts: Vault) -> None:
    """Issue 17 (no ``raw``): the vocabulary follows the index: a word added by an edit
    is found by a prefix of its written form and by a typo."""
    assert ids(parts, "recalibrat*") == set()
    write(parts.root, "c.md", procedure("SOP-3", "Oven", ["Recalibrating the press"]))
    assert ids(parts, "recalibrat*") == {"SOP-3"}  # no stem starts with "recalibrat"
    assert ids(parts, "recalibrateing~") == {"SOP-3"}
    assert "recalibrating" in Vocabulary.load(parts.index_dir)


def test_a_damaged_vocabulary_rebuilds_the_index(parts: Vault) -> None:
    """The vocabulary is checked against its digest; a damaged one reads as an unreadable
    index, which is rebuilt, and the search still answers."""
    assert ids(parts, "kil*") == {"SOP-1", "SOP-2"}
    path = parts.index_dir / VOCABULARY_NAME
    path.write_bytes(path.read_bytes()[:-5] + b"xxxxx")
    with pytest.raises(VocabularyUnreadable):
        Vocabulary.load(parts.index_dir)
    response = Vault.open(parts.root, clock=running_from(TODAY)).search("kil*")
    assert {hit.id for hit in response.hits} == {"SOP-1", "SOP-2"}
    assert any("rebuilt" in notice for notice in response.notices)
    Vocabulary.load(parts.index_dir)  # written again


def test_the_searcher_maps_segments_instead_of_copying_them(parts: Vault) -> None:
    """Issue 17 (searcher open): every file inside a compound segment is a view of the
    memory map (``MappedFile``), none a ``BytesIO`` copy."""
    parts.search("kiln")
    index = SearchIndex(parts.index_dir)
    index.search("kiln")
    searcher = index._current_searcher()
    opened = []
    for reader, _ in searcher.reader().leaf_readers():
        compound = reader._storage.a  # the segment's compound file, over the folder
        opened += [compound.open_file(name) for name in compound.list()]
    assert opened and all(isinstance(f, MappedFile) for f in opened)
    assert all(isinstance(f._buf, memoryview) for f in opened)
    index.close()
