"""Commits read from ``git log``: one process for a whole history, parsed from a format
with separators that never occur in names, e-mails or paths."""

from __future__ import annotations

import re
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
    "%T",
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
    tree: str = ""


def log(
    runner: Runner,
    revs: tuple[str, ...],
    *,
    first_parent: bool = False,
    trailer: tuple[str, str] | None = None,
    paths: tuple[str, ...] = (),
    names: bool = False,
    signatures: bool = False,
    raw: bool = False,
    limit: int | None = None,
) -> list[Commit]:
    """Commits reachable from ``revs`` (revisions or ranges such as ``A..B`` and ``^A``,
    never options: they follow ``--end-of-options``) that touch ``paths``, newest first,
    with their trailers. ``first_parent`` follows only first parents (main's own line);
    ``trailer`` keeps only commits whose message has the line ``KEY: VALUE`` exactly (both
    matched literally); with ``names`` the changed paths, with ``raw`` the paths and their
    blob ids before and after, with ``signatures`` git's ``%G?`` letter; at most ``limit``
    commits when given. Raises GitError when git refuses (an unknown revision)."""
    fields = list(_LOG_FIELDS) + (["%G?"] if signatures else [])
    fmt = RS + FS.join(fields) + FS
    extra = ["--name-only", "--no-renames", "-z"] if names else []
    if raw:
        extra = ["--raw", "--no-abbrev", "--no-renames", "-z"]
    if first_parent:
        extra.append("--first-parent")
    if trailer is not None:
        extra += ["-E", trailer_grep(*trailer)]
    if limit is not None:
        extra.append(f"--max-count={limit}")
    args = ["log", f"--format={fmt}", *extra, "--end-of-options", *revs, "--", *paths]
    out = runner.run(["-c", "log.showSignature=false", *args])
    records = out.decode("utf-8", "surrogateescape").split(RS)[1:]
    return [_commit(record, signatures=signatures, raw=raw) for record in records]


# The characters an extended regular expression (POSIX ERE, git's ``-E``) gives a meaning.
_ERE_SPECIAL = re.compile(r"([\\.\[\](){}*+?|^$])")


def trailer_grep(key: str, value: str) -> str:
    """The ``--grep`` option that finds a message line ``KEY: VALUE`` and nothing longer,
    as an extended regular expression (for ``-E``) with both parts matched literally."""
    return f"--grep=^{_literal(key)}: {_literal(value)}$"


def _literal(text: str) -> str:
    """``text`` as an extended regular expression that matches exactly ``text``."""
    return _ERE_SPECIAL.sub(r"\\\1", text)


def ahead_behind(runner: Runner, mine: str, theirs: str) -> tuple[int, int]:
    """(commits in ``mine`` not in ``theirs``, commits in ``theirs`` not in ``mine``), from
    one ``rev-list --left-right --count``, on first parents only: a landing's votes (its
    second parent) are not commits of main's own. Raises GitError for an unknown revision."""
    counts = runner.text(
        ["rev-list", "--first-parent", "--left-right", "--count", f"{mine}...{theirs}"]
    )
    ahead, behind = (int(n) for n in counts.split())
    return ahead, behind


def count_commits(runner: Runner, tip: str, excluding: str | None = None) -> int:
    """How many commits ``tip``'s own line holds (first parents: a landing's votes are not
    counted), leaving out those ``excluding`` also holds. Raises GitError for an unknown
    revision."""
    args = ["rev-list", "--first-parent", "--count", tip, *([f"^{excluding}"] if excluding else [])]
    return int(runner.text(args))


def _commit(record: str, *, signatures: bool, raw: bool) -> Commit:
    """One ``RS``-separated record of :func:`log`'s format as a Commit."""
    parts = record.split(FS)
    (sha, parents, an, ae, ad, cn, ce, cd, subject, body, trailers, tree) = parts[:12]
    rest = parts[12:]
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
        tree=tree,
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
