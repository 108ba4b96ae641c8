"""Commits read from ``git log``: one process for a whole history, parsed from a format
whose separators no commit can contain (they are drawn afresh for every call).

Trailers are read by git's own parser (trailer.c), as ``git interpret-trailers --parse``
reads them (Trust §6): ``%(trailers)`` for every commit, and ``interpret-trailers`` itself
for the rare message holding a ``---`` line, which only the latter takes as the message's end.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace

from sopvault.model.control import Identity
from sopvault.store.git.errors import GitError
from sopvault.store.git.runner import Runner

ZERO = "0" * 40
# The settings git's trailer parser reads, pinned so that a user's or a server's own
# config (a comment character "S" would hide every "SOP-Id" line) never changes what
# sopvault reads; the same pins for ``git log`` and ``interpret-trailers``.
TRAILER_CONFIG = ("-c", "core.commentChar=#", "-c", "trailer.separators=:")

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
    # With ``raw``: the changed paths that are symbolic links after the commit.
    links: frozenset[str] = frozenset()
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
    until: int | None = None,
) -> list[Commit]:
    """Commits reachable from ``revs`` (revisions or ranges such as ``A..B`` and ``^A``,
    never options: they follow ``--end-of-options``) that touch ``paths``, newest first,
    with their trailers. ``first_parent`` follows only first parents (main's own line);
    ``trailer`` keeps only commits whose message has the line ``KEY: VALUE`` exactly (both
    matched literally); with ``names`` the changed paths, with ``raw`` the paths and their
    blob ids before and after, with ``signatures`` git's ``%G?`` letter; at most ``limit``
    commits when given; with ``until`` (Unix seconds) only commits committed at or before
    it (git's ``--until``, a filter on the committer date: the walk goes on past newer
    ones; before 1970 nothing was committed). Raises GitError when git refuses (an
    unknown revision)."""
    if until is not None and until < 0:
        return []  # git keeps commit dates as unsigned seconds: none is older than 1970
    fields = list(_LOG_FIELDS) + (["%G?"] if signatures else [])
    # Field and record separators: control characters plus a token drawn now, so a
    # message (which may hold any control character) cannot end a record and forge one.
    token = secrets.token_hex(8)
    fs, rs = f"\x1f{token}\x1f", f"\x1e{token}\x1e"
    fmt = rs + fs.join(fields) + fs
    extra = ["--name-only", "--no-renames", "-z"] if names else []
    if raw:
        extra = ["--raw", "--no-abbrev", "--no-renames", "-z"]
    if first_parent:
        extra.append("--first-parent")
    if trailer is not None:
        extra += ["-E", trailer_grep(*trailer)]
    if limit is not None:
        extra.append(f"--max-count={limit}")
    if until is not None:
        # "@<seconds> +0000", git's own commit-header form: a bare "@<seconds>" of fewer
        # than nine digits (before 1973) is read by approxidate as something else.
        extra.append(f"--until=@{int(until)} +0000")
    args = ["log", f"--format={fmt}", *extra, "--end-of-options", *revs, "--", *paths]
    out = runner.run(["-c", "log.showSignature=false", *TRAILER_CONFIG, *args])
    records = out.decode("utf-8", "surrogateescape").split(rs)[1:]
    commits = [_commit(record.split(fs), signatures=signatures, raw=raw) for record in records]
    return [_with_divider(runner, c) if "---" in c.subject + c.body else c for c in commits]


def _with_divider(runner: Runner, commit: Commit) -> Commit:
    """``commit`` with its trailers as ``interpret-trailers --parse`` reads them when its
    message holds a ``---`` line (everything from it on is a patch to that tool, not to
    ``git log``'s ``%(trailers)``); unchanged otherwise."""
    text = message_of(runner, commit.sha)
    if not any(_DIVIDER.match(line) for line in text.split("\n")):
        return commit
    return replace(commit, trailers=parse_trailers(runner, text))


def parse_trailers(runner: Runner, text: str) -> list[tuple[str, str]]:
    """The trailers of commit message ``text`` as ``git interpret-trailers --parse``
    reads them (git's own parser, with the pinned settings), as (key, value) pairs."""
    out = runner.run([*TRAILER_CONFIG, "interpret-trailers", "--parse"], stdin=text.encode())
    return parse_trailer_lines(out.decode("utf-8", "surrogateescape"))


def message_of(runner: Runner, sha: str) -> str:
    """A commit's whole message, exactly as stored; raises GitError for no such commit."""
    obj = runner.read_object(sha)
    if obj is None or obj[0] != "commit":
        raise GitError(f"{sha} is not a commit")
    raw = obj[1].decode("utf-8", "surrogateescape")
    return raw.split("\n\n", 1)[1] if "\n\n" in raw else ""


# trailer.c ``find_patch_start``: a line starting with ``---`` then white space (or the end).
_DIVIDER = re.compile(r"^---(?:[ \t\n\r\v\f]|$)")


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


def on_first_parent_line(runner: Runner, older: str, newer: str) -> bool:
    """Whether commit ``older`` is ``newer`` or one of its first parents back to the root:
    on the branch's own line, not a vote or proposal that came in as a second parent, and
    not a commit of another history. Both are full commit ids."""
    args = ["rev-list", "--first-parent", "--parents", "--reverse", newer, f"^{older}"]
    first = runner.text(args).split("\n", 1)[0].split()
    if not first:  # nothing of newer's line is outside older's history
        return older == newer
    return first[1:2] == [older]


def _commit(parts: list[str], *, signatures: bool, raw: bool) -> Commit:
    """The fields of one record of :func:`log`'s format as a Commit."""
    (sha, parents, an, ae, ad, cn, ce, cd, subject, body, trailers, tree) = parts[:12]
    rest = parts[12:]
    signature = rest.pop(0) if signatures else "N"
    changes, links = _raw_changes(rest[0]) if raw and rest else ((), frozenset[str]())
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
        links=links,
        tree=tree,
    )


LINK_MODE = "120000"  # a symbolic link's mode in a git tree


def _raw_changes(block: str) -> tuple[tuple[tuple[str, str, str], ...], frozenset[str]]:
    """``git log --raw -z`` entries (``:mode mode old new status``, then the path) as
    (path, blob before, blob after) triples, and the paths that are symbolic links after."""
    tokens = block.split("\0")
    changes = []
    links = set()
    i = 0
    while i + 1 < len(tokens):
        fields = tokens[i].strip("\n")[1:].split()
        if not tokens[i].strip("\n").startswith(":") or len(fields) < 4:
            i += 1
            continue
        path = tokens[i + 1]  # a path, never read as an entry, whatever it starts with
        changes.append((path, fields[2], fields[3]))
        if fields[1] == LINK_MODE:
            links.add(path)
        i += 2
    return tuple(changes), frozenset(links)


def parse_trailer_lines(text: str) -> list[tuple[str, str]]:
    """Trailers as git prints them (``%(trailers:only,unfold)``, ``interpret-trailers
    --parse``): one ``Key: value`` a line, as (key, value) pairs, exactly as git trimmed
    them. Lines are split on LF only, as git splits them: a value holding another line
    break (U+2028, a form feed) stays one value, never a second trailer."""
    pairs = []
    for line in text.split("\n"):
        key, sep, value = line.partition(":")
        if sep and key and " " not in key:
            pairs.append((key, value.removeprefix(" ")))
    return pairs


def first_voted_landing(runner: Runner, tip: str) -> str | None:
    """The oldest commit of ``tip``'s own line (first parents) that is a landing with its
    votes in history: a merge whose message carries ``SOP-Proposal-Commit``. From then on
    a ``Reviewed-by`` typed into a one-parent commit proves nothing (verify's rule, see
    ``core.trailers.counts_as_approval``). None when there is none. Raises GitError."""
    args = ["rev-list", "--first-parent", "--merges", "--reverse", "-E"]
    args += [f"--grep=^{_literal('SOP-Proposal-Commit')}: ", tip]
    return runner.text(args).split("\n", 1)[0].strip() or None
