"""The full index build (search.build, search.writer) writes what Whoosh's own writer
writes: the same terms, postings, weights, values, lengths and stored fields, on real
indexes of the sample vault with accented, decomposed and CJK documents added."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as windex

from sopvault.model.document import Document
from sopvault.search import SearchIndex
from sopvault.search.build import BuildFailed, build_index
from sopvault.search.schema import SCHEMA, index_fields
from sopvault.services.clock import running_from
from sopvault.services.vault import Vault
from sopvault.store import cache as loadcache
from sopvault.store.fs import scan_documents
from tests.conftest import TODAY, write

MIXED = [
    ("policies/cafe.md", "POL-901", "Café hygiene", "Le café est prêt. Crème brûlée à 10:00."),
    ("policies/nfd.md", "POL-902", "Cafe\u0301 NFD", "Cafe\u0301 and re\u0301sume\u0301 text."),
    (
        "policies/ja.md",
        "POL-903",
        "ボイラー点検",
        "ボイラーの圧力を点検する。Pressure 圧力 2.1 bar.",
    ),
    ("policies/zh.md", "POL-904", "锅炉检查", "检查锅炉压力，然后记录。Mixed English words."),
]


@pytest.fixture
def vault(sample_path: Path) -> Vault:
    for rel, doc_id, title, body in MIXED:
        text = f'+++\nid = "{doc_id}"\ntitle = "{title}"\nkind = "policy"\n+++\n{body}\n'
        write(sample_path, rel, text)
    return Vault.open(sample_path, clock=running_from(TODAY))


def files_and_loader(vault: Vault) -> tuple[list[str], Any]:
    stamps, _ = scan_documents(vault.root)

    def load(rel: str) -> Document | None:
        return loadcache.parse_file(vault.root, rel).document

    return [s.rel for s in stamps], load


def whoosh_build(directory: Path, files: list[str], load: Any) -> None:
    """The reference: Whoosh's own writer, the documents in the same order."""
    directory.mkdir()
    writer = windex.create_in(str(directory), SCHEMA).writer(limitmb=64)
    for rel in files:
        doc = load(rel)
        if doc is not None:
            writer.add_document(**index_fields(doc))
    writer.commit()


def contents(directory: Path, by_path: bool) -> dict[str, Any]:
    """Everything a search reads, documents named by number or (several segments) path."""
    out: dict[str, Any] = {"terms": {}, "docs": {}}
    with windex.open_dir(str(directory)).reader() as reader:
        name = {n: reader.stored_fields(n)["path"] if by_path else n for n in reader.all_doc_ids()}
        out["count"] = reader.doc_count()
        out["field_lengths"] = {f: reader.field_length(f) for f in SCHEMA.names()}
        for fieldname, term in reader.all_terms():
            info = reader.term_info(fieldname, term)
            postings = []
            matcher = reader.postings(fieldname, term)
            while matcher.is_active():
                postings.append((name[matcher.id()], matcher.weight(), matcher.value()))
                matcher.next()
            stats = (info.weight(), info.doc_frequency(), info.min_length(), info.max_length())
            out["terms"][(fieldname, term)] = (stats, sorted(postings))
        for docnum, key in name.items():
            lengths = {f: reader.doc_field_length(docnum, f) for f in SCHEMA.names()}
            out["docs"][key] = (reader.stored_fields(docnum), lengths)
    return out


def test_one_builder_writes_what_whoosh_writes(vault: Vault, tmp_path: Path) -> None:
    files, load = files_and_loader(vault)
    whoosh_build(tmp_path / "whoosh", files, load)
    # a 1 MB pool: the postings spill to several runs and are merged back
    (tmp_path / "ours").mkdir()
    words = build_index(tmp_path / "ours", files, load, procs=1, limitmb=1)
    theirs = contents(tmp_path / "whoosh", by_path=False)
    ours = contents(tmp_path / "ours", by_path=False)
    assert ours["count"] == 42  # README.md is no document
    assert ("text", "圧力".encode()) in ours["terms"]
    assert ours == theirs
    assert "圧力" in words and "cafe" in words and "hygiene" in words


def test_two_builders_write_the_same_postings(
    vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sopvault.search.build.BATCH", 4)  # both builders get files
    files, load = files_and_loader(vault)
    whoosh_build(tmp_path / "whoosh", files, load)
    (tmp_path / "ours").mkdir()
    words = build_index(tmp_path / "ours", files, load, procs=2, limitmb=1)
    ours = contents(tmp_path / "ours", by_path=True)
    (tmp_path / "alone").mkdir()
    alone = build_index(tmp_path / "alone", files, load, procs=1, limitmb=64)
    # every builder's written words reach the vocabulary kept beside the index
    assert words.settled() == alone.settled() and len(words) > 100
    theirs = contents(tmp_path / "whoosh", by_path=True)
    # A term's total weight is summed per segment, so two segments round the float sum
    # differently in its last bits; everything else is identical.
    assert ours["terms"].keys() == theirs["terms"].keys()
    for key, ((weight, *stats), postings) in ours["terms"].items():
        (their_weight, *their_stats), their_postings = theirs["terms"][key]
        assert weight == pytest.approx(their_weight, rel=1e-6), key
        assert (stats, postings) == (their_stats, their_postings), key
    rest = {k: v for k, v in ours.items() if k != "terms"}
    assert rest == {k: v for k, v in theirs.items() if k != "terms"}
    assert ours["count"] == 42


def test_progress_counts_both_halves(
    vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the sample vault writes fewer postings than one report's worth: report more often
    monkeypatch.setattr("sopvault.search.writer.REPORT_EVERY", 64)
    files, load = files_and_loader(vault)
    for procs in (1, 2):
        told: list[tuple[int, int]] = []
        (tmp_path / str(procs)).mkdir()
        build_index(
            tmp_path / str(procs),
            files,
            load,
            procs=procs,
            limitmb=1,
            progress=lambda done, total, told=told: told.append((done, total)),
        )
        assert told[-1] == (2 * len(files), 2 * len(files))
        assert [d for d, _ in told] == sorted(d for d, _ in told)
        assert any(len(files) < d < 2 * len(files) for d, _ in told)


def test_a_builder_that_fails_leaves_the_old_index(vault: Vault) -> None:
    vault.refresh_index()
    index = SearchIndex(vault.index_dir)
    before = sorted(os.listdir(vault.index_dir))
    files, load = files_and_loader(vault)

    def full_disk(rel: str) -> Document | None:
        if rel == files[-1]:
            raise OSError(errno.ENOSPC, "No space left on device")
        return load(rel)

    for procs in (1, 2):
        with pytest.raises(OSError) as caught:
            index.rebuild(files, full_disk, {}, procs=procs)
        assert caught.value.errno == errno.ENOSPC
        assert sorted(os.listdir(vault.index_dir)) == before
        assert not vault.index_dir.with_name("index.new").exists()
    assert index.document_count() == 42


def test_a_builder_killed_fails_the_build(vault: Vault, tmp_path: Path) -> None:
    files, load = files_and_loader(vault)

    def killed(rel: str) -> Document | None:
        if rel == files[-1]:
            os._exit(9)
        return load(rel)

    (tmp_path / "ix").mkdir()
    with pytest.raises(BuildFailed):
        build_index(tmp_path / "ix", files, killed, procs=2, limitmb=1)


def test_the_vault_builds_in_builders_and_finds(vault: Vault) -> None:
    files, _ = files_and_loader(vault)
    index = SearchIndex(vault.index_dir)
    index.rebuild(files, vault.document_in_file, {}, procs=2)
    hits = index.search("圧力", limit=5, load=vault.document_in_file).hits
    assert [hit.id for hit in hits] == ["POL-903"]
    assert {h.id for h in index.search("cafe", limit=5).hits} == {"POL-901", "POL-902"}


INTERRUPTED_BUILD = """
import signal, sys, time
from pathlib import Path
from sopvault.search.build import build_index

def slow(rel):
    time.sleep(0.01)
    return None

def interrupt(signum, frame):
    raise KeyboardInterrupt

signal.signal(signal.SIGALRM, interrupt)
signal.setitimer(signal.ITIMER_REAL, 1.0)  # not inherited by the forked builders
files = [f"procedures/{'long-name-' * 8}{n}.md" for n in range(4000)]
try:
    build_index(Path(sys.argv[1]), files, slow, procs=2, limitmb=1)
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


def test_an_interrupted_build_ends_the_process(tmp_path: Path) -> None:
    """Ctrl-C (or SIGTERM) reaching the building process alone, with batches still
    queued for the builders: the process ends (it used to wait forever at exit for the
    queue's feeder thread, blocked writing batches no builder would read)."""
    (tmp_path / "ix").mkdir()
    proc = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_BUILD, str(tmp_path / "ix")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stdout == "interrupted\n", proc.stderr
    assert proc.returncode == 0, proc.stderr
