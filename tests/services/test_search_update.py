"""An update of the index (``SearchIndex.update``, ``search.writer.update_writer``) writes
what Whoosh's own writer writes for the same update: the same terms, postings, weights,
values, lengths and stored fields, round after round, through Whoosh's merges of the small
segments, on real indexes of the sample vault with accented and CJK documents added."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from whoosh import index as windex

from sopvault.model.document import Document
from sopvault.search import SearchIndex
from sopvault.search import writer as writer_module
from sopvault.search.hits import DocumentLoader
from sopvault.search.schema import index_fields
from sopvault.search.vocabulary import VOCABULARY_NAME, Vocabulary
from sopvault.services.vault import Vault
from sopvault.store import cache as loadcache
from tests.conftest import write
from tests.services.test_search_build import contents, files_and_loader, vault  # noqa: F401


def whoosh_update(directory: Path, documents: list[Document], deleted: list[str]) -> None:
    """The reference: Whoosh's own writer, as ``SearchIndex.update`` used it before."""
    writer = windex.open_dir(str(directory)).writer(timeout=2.0, delay=0.05)
    for path in deleted:
        writer.delete_by_term("path", path)
    for doc in documents:
        writer.update_document(**index_fields(doc))
    writer.commit()


def built(vault: Vault, tmp_path: Path) -> tuple[Path, DocumentLoader]:  # noqa: F811
    """A full index of ``vault`` in ``tmp_path/ours``, and the loader it was built with."""
    files, load = files_and_loader(vault)
    ours = tmp_path / "ours"
    SearchIndex(ours).rebuild(files, load, {})
    return ours, load


def segments(directory: Path) -> int:
    return len(windex.open_dir(str(directory))._segments())


def two_procedures(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.glob("procedures/*.md"))[:2]


def edited(root: Path, round_: int) -> tuple[list[Document], list[str]]:
    """Round ``round_``'s changes: two documents edited, one added, every other round one
    deleted (the files are changed on disk too, as a user would)."""
    docs = []
    for rel in two_procedures(root):
        with open(root / rel, "a", encoding="utf-8") as handle:
            handle.write(f"\nRound {round_} brings quokka{round_} and café ボイラー{round_}.\n")
        docs.append(rel)
    text = f'+++\nid = "POL-95{round_}"\ntitle = "Wombat {round_}"\nkind = "policy"\n+++\nBody.\n'
    docs.append(write(root, f"policies/new-{round_}.md", text).relative_to(root).as_posix())
    parsed = [loadcache.parse_file(root, rel).document for rel in docs]
    deleted = [f"policies/new-{round_ - 1}.md"] if round_ % 2 else []
    return [d for d in parsed if d is not None], deleted


def test_updates_write_what_whoosh_writes_through_merges(
    vault: Vault,  # noqa: F811
    tmp_path: Path,
) -> None:
    ours, load = built(vault, tmp_path)
    theirs = tmp_path / "theirs"
    shutil.copytree(ours, theirs)
    counts = []
    for round_ in range(8):
        documents, deleted = edited(vault.root, round_)
        assert SearchIndex(ours).update(documents, deleted, {"round": round_})
        whoosh_update(theirs, documents, deleted)
        assert contents(ours, by_path=True) == contents(theirs, by_path=True), round_
        counts.append(segments(ours))
        assert counts[-1] == segments(theirs)
    # Whoosh's merge policy ran: the small segments were merged at least once
    assert any(later < earlier for earlier, later in zip(counts, counts[1:], strict=False))
    found = SearchIndex(ours).search("quokka7")
    assert sorted(hit.path for hit in found.hits) == two_procedures(vault.root)
    assert SearchIndex(ours).search("wombat").hits


def test_a_locked_index_is_left_as_it_was(vault: Vault, tmp_path: Path) -> None:  # noqa: F811
    ours, load = built(vault, tmp_path)
    before = contents(ours, by_path=True)
    documents, _ = edited(vault.root, 0)
    lock = windex.open_dir(str(ours)).lock("WRITELOCK")
    assert lock.acquire()
    try:
        assert not SearchIndex(ours).update(documents, [], {}, wait=0.1)
    finally:
        lock.release()
    assert contents(ours, by_path=True) == before
    assert SearchIndex(ours).update(documents, [], {})
    assert contents(ours, by_path=True) != before


def test_the_vocabulary_is_written_only_when_an_update_brings_new_words(
    vault: Vault,  # noqa: F811
    tmp_path: Path,
) -> None:
    ours, load = built(vault, tmp_path)
    saved = ours / VOCABULARY_NAME
    first = saved.stat()
    procedure = two_procedures(vault.root)[0]
    with open(vault.root / procedure, "a", encoding="utf-8") as handle:
        handle.write("\nCafé pressure.\n")  # words the vocabulary holds already
    documents = [d for d in [load(procedure)] if d is not None]
    assert SearchIndex(ours).update(documents, [], {})
    assert (saved.stat().st_ino, saved.stat().st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
    assert "zanzibarite" not in Vocabulary.load(ours)
    with open(vault.root / procedure, "a", encoding="utf-8") as handle:
        handle.write("\nZanzibarite residue.\n")
    documents = [d for d in [load(procedure)] if d is not None]
    assert SearchIndex(ours).update(documents, [], {})
    assert "zanzibarite" in Vocabulary.load(ours)
    assert [h.path for h in SearchIndex(ours).search("zanzibarit*").hits] == [procedure]
    assert [h.path for h in SearchIndex(ours).search("zanzibarrite~").hits] == [procedure]


def segment_ids(directory: Path) -> set[str]:
    return {seg.segment_id() for seg in windex.open_dir(str(directory))._segments()}


def test_an_update_never_merges_a_large_segment(
    vault: Vault,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 17: a search that takes in a few edits never merges the full build's
    segments (minutes at 50,000 documents): with every built segment counted large, eight
    rounds of updates keep them all, while Whoosh's own policy merges one of them in the
    same rounds; what a search finds is the same either way."""
    ours, load = built(vault, tmp_path)
    theirs = tmp_path / "theirs"
    shutil.copytree(ours, theirs)
    from_build = segment_ids(ours)
    smallest = min(s.doc_count_all() for s in windex.open_dir(str(ours))._segments())
    monkeypatch.setattr(writer_module, "LARGE_SEGMENT", smallest)
    for round_ in range(8):
        documents, deleted = edited(vault.root, round_)
        assert SearchIndex(ours).update(documents, deleted, {"round": round_})
        whoosh_update(theirs, documents, deleted)
    assert from_build <= segment_ids(ours)
    assert not from_build <= segment_ids(theirs)  # the bound is what kept them
    for words in ("quokka7", "wombat", "café", "ボイラー7"):
        ours_found = sorted(h.path for h in SearchIndex(ours).search(words).hits)
        assert ours_found == sorted(h.path for h in SearchIndex(theirs).search(words).hits)
        assert ours_found, words
