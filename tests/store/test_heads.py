"""Issue 14 (speed): the blob-keyed cache of parsed heads (``store.heads``) never serves
a wrong parse: what it answers is what a fresh parse gives, keyed by blob id and parser
version; a corrupt, truncated or foreign file is ignored and rebuilt; two writers at once
leave a file that reads."""

from __future__ import annotations

import dataclasses
import json
import marshal
import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest

from sopvault.core.parse import parse_head
from sopvault.model.document import Document
from sopvault.model.finding import ParseResult
from sopvault.store import heads as heads_module
from sopvault.store import statedir
from sopvault.store.heads import HEADS_NAME, HeadCache

SAMPLE = Path(__file__).resolve().parents[2] / "sample_vault"


def blob_id(data: bytes) -> str:
    """git's id of ``data`` (what a commit would name it)."""
    done = subprocess.run(
        ["git", "hash-object", "--stdin"], input=data, capture_output=True, check=True
    )
    return done.stdout.decode().strip()


def light(result: ParseResult) -> tuple[object, ...]:
    """A parse result as the cache keeps it: the document without steps, body or front
    text (``complete`` False), and the findings."""
    doc = result.document
    if doc is not None:
        doc = dataclasses.replace(doc, steps=[], body="", front_text="", complete=False)
    return (result.path, _fields(doc), result.findings, result.ignored)


def _fields(doc: Document | None) -> object:
    return None if doc is None else {f.name: getattr(doc, f.name) for f in dataclasses.fields(doc)}


def texts() -> list[tuple[str, bytes]]:
    """Every Markdown file of the sample vault (documents first), and a few hostile ones."""
    found = [
        (p.relative_to(SAMPLE).as_posix(), p.read_bytes())
        for p in sorted(SAMPLE.rglob("*.md"), key=lambda p: (p.name.startswith("README"), p))
    ]
    found += [
        ("bad/utf8.md", b'+++\nid = "X-1"\ntitle = "caf\xe9"\nkind = "form"\n+++\n'),
        ("bad/toml.md", b'+++\nid = "X-2"\ntitle = \nkind = "form"\n+++\nbody\n'),
        ("bad/note.md", b"Just a note.\n"),
        ("bad/types.md", b'+++\nid = "X-3"\ntitle = "T"\nkind = "form"\nversion = 2\n+++\n'),
    ]
    return found


def test_a_cached_parse_is_the_fresh_parse(tmp_path: Path) -> None:
    """Issue 14 (speed): for every sample document and a few broken files, the result of
    a fresh cache, of the cache read back from disk, and of ``parse_head`` made light
    agree field by field, findings included; the second process parses nothing."""
    files = texts()
    first = HeadCache(tmp_path)
    made = [first.parse(blob_id(raw), rel, raw) for rel, raw in files]
    first.save()
    again = HeadCache(tmp_path)
    read = [again.known(blob_id(raw), rel) for rel, raw in files]
    assert again.hits == len(files)
    expected = [light(parse_head(rel, raw)) for rel, raw in files]
    assert [light(r) for r in made] == expected
    assert [light(r) for r in read if r is not None] == expected
    assert made == read  # what ``parse`` made itself is exactly what the entry decodes to
    made_docs = [r.document for r in made if r.document is not None]
    read_docs = [r.document for r in read if r is not None and r.document is not None]
    assert [vars(d) for d in read_docs] == [vars(d) for d in made_docs]
    assert [list(vars(d)) for d in read_docs] == [list(vars(d)) for d in made_docs]  # in order
    raw = next(raw for rel, raw in files if parse_head(rel, raw).document is not None)
    moved = again.known(blob_id(raw), "elsewhere/x.md")
    assert moved is not None and moved.document is not None
    assert moved.document.path == "elsewhere/x.md"  # the path is the caller's, never cached


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: b"\x00garbage" + data[8:],  # corrupt
        lambda data: b"",  # empty
        lambda data: marshal.dumps(("sopvault-heads", "another version", {})),
        lambda data: marshal.dumps(("sopvault-heads", heads_module.parser_version(), [1, 2])),
    ],
)
def test_a_damaged_file_is_ignored_and_rebuilt(tmp_path: Path, damage: object) -> None:
    """Issue 14 (speed): a truncated, corrupt, empty or other-version file answers
    nothing (every text parsed again, correctly), and the next save writes a good one."""
    rel, raw = texts()[0]
    sha = blob_id(raw)
    cache = HeadCache(tmp_path)
    cache.parse(sha, rel, raw)
    cache.save()
    path = tmp_path / HEADS_NAME
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    fresh = HeadCache(tmp_path)
    assert fresh.known(sha, rel) is None and fresh.missing([sha]) == [sha]
    assert light(fresh.parse(sha, rel, raw)) == light(parse_head(rel, raw))
    fresh.save()
    assert HeadCache(tmp_path).known(sha, rel) is not None


def test_a_wrong_entry_is_parsed_again(tmp_path: Path) -> None:
    """Issue 14 (speed): an entry of the right file but the wrong shape (a number where a
    title goes, an unknown kind) is dropped, never served."""
    rel, raw = texts()[0]
    sha = blob_id(raw)
    fields = (("X", 5, "form", "", (), (), (), {}), (), False)
    kinds = (("X", "T", "no-such-kind", "", (), (), (), {}), (), False)
    for entry in (fields, kinds, ("short",)):
        payload = ("sopvault-heads", heads_module.parser_version(), {sha: entry})
        (tmp_path / HEADS_NAME).write_bytes(marshal.dumps(payload))
        cache = HeadCache(tmp_path)
        assert cache.known(sha, rel) is None and cache.missing([sha]) == [sha]


def test_the_key_is_the_parser_version_too(tmp_path: Path) -> None:
    """Issue 14 (speed): a file written by another parser version (another sopvault, or
    the parsing code changed) is not read."""
    rel, raw = texts()[0]
    sha = blob_id(raw)
    cache = HeadCache(tmp_path)
    cache.parse(sha, rel, raw)
    cache.save()
    other = HeadCache(tmp_path)
    other.version = "0" * 24
    assert heads_module._read(tmp_path, other.version) == {}
    assert HeadCache(tmp_path).known(sha, rel) is not None


def _writer(folder: str, start: int) -> None:
    cache = HeadCache(Path(folder))
    for n in range(start, start + 40):
        raw = f'+++\nid = "F-{n}"\ntitle = "Form {n}"\nkind = "form"\n+++\n'.encode()
        cache.parse(f"{n:040x}", f"forms/F-{n}.md", raw)
        cache.save()


def test_two_writers_at_once_leave_a_file_that_reads(tmp_path: Path) -> None:
    """Issue 14 (speed): two processes saving 40 times each into one folder at once:
    the file always reads (atomic replacement), and holds every entry of the last save
    of each (merged with what was on disk) or fewer, never a wrong one."""
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(tmp_path), s)) for s in (0, 1000)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    cache = HeadCache(tmp_path)
    found = [cache.known(f"{n:040x}", f"forms/F-{n}.md") for n in (*range(40), *range(1000, 1040))]
    assert sum(r is not None for r in found) >= 40
    for result in found:
        if result is not None and result.document is not None:
            n = int(result.document.id.split("-")[1])
            assert result.document.title == f"Form {n}"
    assert not [p for p in tmp_path.iterdir() if p.name != HEADS_NAME]  # no temporary left


def test_a_file_another_user_owns_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (speed): as every cache (docs/security.md §3), a file that is not the
    user's own is never read."""
    rel, raw = texts()[0]
    sha = blob_id(raw)
    cache = HeadCache(tmp_path)
    cache.parse(sha, rel, raw)
    cache.save()
    monkeypatch.setattr(statedir, "owned_by_me", lambda fd: False)  # read_mine asks it
    assert HeadCache(tmp_path).known(sha, rel) is None


def test_the_file_keeps_the_newest_entries_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (speed): the cache does not grow without end: past ``MAX_ENTRIES`` the
    entries added longest ago are dropped (and parsed again if ever needed)."""
    monkeypatch.setattr(heads_module, "MAX_ENTRIES", 3)
    for n in range(5):
        cache = HeadCache(tmp_path)
        raw = f'+++\nid = "F-{n}"\ntitle = "Form {n}"\nkind = "form"\n+++\n'.encode()
        cache.parse(f"{n:040x}", "f.md", raw)
        cache.save()
    kept = HeadCache(tmp_path)
    assert [n for n in range(5) if f"{n:040x}" in kept] == [2, 3, 4]


def test_a_save_keeps_what_another_writer_added_meanwhile(tmp_path: Path) -> None:
    """Issue 14 (speed): two caches open on one folder; the one saving last still keeps
    the other's entries (the file changed since it was read, so it is read again and
    merged), and a third sees both."""
    files = [(rel, raw) for rel, raw in texts() if parse_head(rel, raw).document][:2]
    (rel_a, raw_a), (rel_b, raw_b) = files
    first, second = HeadCache(tmp_path), HeadCache(tmp_path)
    first.parse(blob_id(raw_a), rel_a, raw_a)
    second.parse(blob_id(raw_b), rel_b, raw_b)
    first.save()
    second.save()
    third = HeadCache(tmp_path)
    assert blob_id(raw_a) in third and blob_id(raw_b) in third


APART = """
import json, os, signal, sys
from pathlib import Path
from sopvault.store.git.worktreeblobs import blob_id
from sopvault.store.heads import FORK_AT, HeadCache

texts = [(rel, raw) for rel, raw in json.loads(sys.stdin.read())]
items = {}
for n in range(FORK_AT + 200):  # every text of the sample, again and again, made distinct
    rel, raw = texts[n % len(texts)]
    raw = raw.replace("+++\\n", f"+++\\n# copy {n}\\n", 1).encode("utf-8", "surrogateescape")
    items[blob_id(raw)] = (f"copy{n}/{rel}", raw)
unread = set(list(items)[::10])  # a tenth the work cannot read: never in the answer
todo = {sha: rel for sha, (rel, _) in items.items()}
here = HeadCache(Path(sys.argv[1]) / "here")
expected = {sha: here.add(sha, rel, raw) for sha, (rel, raw) in items.items() if sha not in unread}

def parse(heads, asked):
    return {s: heads.add(s, r, items[s][1]) for s, r in asked.items() if s not in unread}

seen = []
for kill in (False, True):
    heads = HeadCache(Path(sys.argv[1]) / f"apart-{kill}")
    with heads.apart(todo, lambda asked: parse(heads, asked)) as apart:
        forked = apart._forked is not None
        if kill:
            os.kill(apart._forked._pid, signal.SIGKILL)
        found = apart.collect()
    seen.append([forked, found == expected, heads._added == here._added])
print(json.dumps(seen))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forking is used on Linux only")
def test_texts_parsed_by_a_forked_child_are_the_texts_parsed_here(tmp_path: Path) -> None:
    """Issue 14 (speed): ``apart`` over more than ``FORK_AT`` texts (every sample text and
    the broken ones, many times; a tenth of them unreadable) forks, and what the child's
    entries decode to is what parsing here gives, entry for entry, with the unreadable
    ones left out; a child killed before it answers costs nothing but time (the work is
    done here). In a fresh interpreter, whose only thread lets it fork."""
    sent = json.dumps([(rel, raw.decode("utf-8", "surrogateescape")) for rel, raw in texts()])
    done = subprocess.run(
        [sys.executable, "-c", APART, str(tmp_path)],
        input=sent,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout) == [[True, True, True], [True, True, True]]
