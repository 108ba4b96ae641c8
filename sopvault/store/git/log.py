"""Commits read from ``git log``: one process for a whole history, parsed from a format
with separators that never occur in names, e-mails or paths."""

from __future__ import annotations

from dataclasses import dataclass

from sopvault.model.control import Identity
from sopvault.store.git.runner import Runner

ZERO = "0" * 40
# Field and record separators for log formats: never found in names, e-mails or paths.
FS, RS = "\x1f", "\x1e"

# %G? is costly (it verifies signatures), so it is asked for only when needed.
_LOG_FIELDS = (
    "%H",
    "%P",
    "%an",
    "%ae",
    "%aI",
    "%cn",
    "%ce",
    "%cI",
    "%s",
    "%b",
    "%(trailers:only,unfold)",
)


@dataclass(frozen=True)
class Commit:
    """One commit as read from ``git log``: ids are 40-hex strings, dates strict ISO 8601
    as git prints them (``%aI``), trailers (key, value) pairs in message order."""

    sha: str
    parents: tuple[str, ...]
    author: Identity
    author_date: str
    committer: Identity
    commit_date: str
    subject: str
    body: str
    trailers: list[tuple[str, str]]
    signature: str = "N"
    paths: tuple[str, ...] = ()
    # With ``raw``: (path, blob before, blob after) per changed file; ZERO for none.
    changes: tuple[tuple[str, str, str], ...] = ()


def log(
    runner: Runner,
    args: tuple[str, ...],
    paths: tuple[str, ...] = (),
    names: bool = False,
    signatures: bool = False,
    raw: bool = False,
) -> list[Commit]:
    """Commits from ``git log ARGS -- PATHS``, newest first, with their trailers; with
    ``names`` the changed paths, with ``raw`` the paths and their blob ids before and after,
    with ``signatures`` git's ``%G?`` letter. Raises GitError when git refuses ARGS."""
    fields = list(_LOG_FIELDS) + (["%G?"] if signatures else [])
    fmt = RS + FS.join(fields) + FS
    extra = ["--name-only", "--no-renames", "-z"] if names else []
    if raw:
        extra = ["--raw", "--no-abbrev", "--no-renames", "-z"]
    out = runner.run(
        ["-c", "log.showSignature=false", "log", f"--format={fmt}", *extra, *args, "--", *paths]
    )
    records = out.decode("utf-8", "surrogateescape").split(RS)[1:]
    return [_commit(record, signatures=signatures, raw=raw) for record in records]


def _commit(record: str, *, signatures: bool, raw: bool) -> Commit:
    """One ``RS``-separated record of :func:`log`'s format as a Commit."""
    parts = record.split(FS)
    (sha, parents, an, ae, ad, cn, ce, cd, subject, body, trailers) = parts[:11]
    rest = parts[11:]
    signature = rest.pop(0) if signatures else "N"
    changes = _raw_changes(rest[0]) if raw and rest else ()
    if raw:
        paths_found = tuple(path for path, _, _ in changes)
    else:
        paths_found = (
            tuple(p.strip("\n") for p in rest[0].split("\0") if p.strip("\n")) if rest else ()
        )
    return Commit(
        sha=sha,
        parents=tuple(parents.split()),
        author=Identity(an, ae),
        author_date=ad,
        committer=Identity(cn, ce),
        commit_date=cd,
        subject=subject,
        body=body,
        trailers=parse_trailer_lines(trailers),
        signature=signature or "N",
        paths=paths_found,
        changes=changes,
    )


def _raw_changes(block: str) -> tuple[tuple[str, str, str], ...]:
    """``git log --raw -z`` entries: ``:mode mode old new status`` then the path."""
    tokens = block.split("\0")
    changes = []
    for i, token in enumerate(tokens):
        meta = token.strip("\n")
        if meta.startswith(":") and i + 1 < len(tokens):
            fields = meta[1:].split()
            if len(fields) >= 4:
                changes.append((tokens[i + 1], fields[2], fields[3]))
    return tuple(changes)


def parse_trailer_lines(text: str) -> list[tuple[str, str]]:
    """Trailers as ``git log %(trailers:only,unfold)`` prints them, one ``Key: value`` a
    line, as (key, value) pairs; lines that are not trailers are skipped."""
    pairs = []
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and " " not in key.strip():
            pairs.append((key.strip(), value.strip()))
    return pairs
