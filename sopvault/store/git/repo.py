"""Git plumbing for revisions: commits made without touching the user's index or files.

Proposals and approvals are built with a private index file (``GIT_INDEX_FILE``),
``commit-tree`` and a compare-and-swap ``update-ref``, so a person's own uncommitted
work is never staged, stashed or rewritten. Every call is ``git`` with an argument list;
user text reaches git only as arguments or on stdin, never through a shell.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sopvault.core.approval import Identity
from sopvault.errors import SopvaultError

ZERO = "0" * 40
# Field and record separators for log formats: never found in names, e-mails or paths.
FS, RS = "\x1f", "\x1e"


class GitError(SopvaultError):
    """A git command failed; the message carries git's own first line."""


@dataclass(frozen=True)
class Commit:
    """One commit as read from ``git log``."""

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


class Repo:
    """A git work tree, by its top folder."""

    def __init__(self, root: Path, env: Mapping[str, str] | None = None) -> None:
        self.root = root
        # Set for every call: who is acting and when (the demo plays several people).
        self.env: dict[str, str] = dict(env or {})

    @classmethod
    def at(cls, path: Path) -> Repo | None:
        """The repository holding ``path``, or None when there is none (or no git)."""
        try:
            done = subprocess.run(
                ["git", "-C", str(path), "rev-parse", "--show-toplevel"],
                capture_output=True,
                timeout=30,
                env=_env(),
            )
        except (OSError, subprocess.SubprocessError):
            return None
        if done.returncode != 0:
            return None
        return cls(Path(done.stdout.decode("utf-8", "surrogateescape").strip()))

    # ---- running -----------------------------------------------------------------------

    def run(
        self,
        *args: str,
        stdin: bytes | None = None,
        env: Mapping[str, str] | None = None,
        ok: tuple[int, ...] = (0,),
    ) -> bytes:
        done = self.call(*args, stdin=stdin, env=env)
        if done.returncode not in ok:
            raise GitError(
                _lock_advice(done.stderr) or _first_line(done.stderr) or f"git {args[0]} failed"
            )
        return done.stdout

    def call(
        self, *args: str, stdin: bytes | None = None, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run(
                ["git", "-C", str(self.root), *args],
                input=stdin,
                capture_output=True,
                env=_env({**self.env, **(env or {})}),
                timeout=300,
            )
        except OSError as err:
            raise GitError(f"cannot run git: {err.strerror or err}") from None
        except subprocess.TimeoutExpired:
            raise GitError(f"git {args[0]} did not finish in 5 minutes") from None

    def text(
        self, *args: str, stdin: bytes | None = None, env: Mapping[str, str] | None = None
    ) -> str:
        return self.run(*args, stdin=stdin, env=env).decode("utf-8", "surrogateescape").strip()

    def paths(self, *args: str) -> list[str]:
        """The entries a ``-z`` command prints (``diff --name-only -z``, ``ls-files -z``)."""
        out = self.run(*args).decode("utf-8", "surrogateescape")
        return [entry for entry in out.split("\0") if entry]

    # ---- names -------------------------------------------------------------------------

    def rev(self, name: str) -> str | None:
        """The commit ``name`` points at, or None."""
        done = self.call(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}"
        )
        if done.returncode != 0:
            return None
        return done.stdout.decode().strip() or None

    def main_branch(self, configured: str | None) -> str:
        """The branch approved documents live on: as configured, else main, else master,
        else whatever HEAD names."""
        if configured:
            return configured
        for name in ("main", "master"):
            if self.call("show-ref", "--verify", "--quiet", f"refs/heads/{name}").returncode == 0:
                return name
        done = self.call("symbolic-ref", "--short", "-q", "HEAD")
        return done.stdout.decode().strip() or "main"

    def head_branch(self) -> str | None:
        done = self.call("symbolic-ref", "-q", "HEAD")
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def identity(self) -> Identity:
        """Who is running this, as git would record them as committer."""
        done = self.call("var", "GIT_COMMITTER_IDENT")
        if done.returncode != 0:
            raise GitError(
                "git does not know who you are: set it with"
                " git config user.name 'Your Name' and git config user.email you@example.com"
            )
        line = done.stdout.decode("utf-8", "surrogateescape").strip()
        ident = Identity.parse(line.rsplit(">", 1)[0] + ">")
        if ident is None:
            raise GitError(f"cannot read your git identity from {line!r}")
        return ident

    def config_bool(self, key: str) -> bool:
        done = self.call("config", "--type=bool", "--get", key)
        return done.returncode == 0 and done.stdout.decode().strip() == "true"

    def refs(self, *prefixes: str) -> list[tuple[str, str]]:
        out = self.text("for-each-ref", "--format=%(refname) %(objectname)", *prefixes)
        pairs = (line.partition(" ") for line in out.splitlines() if line)
        return [(ref, sha) for ref, _, sha in pairs]

    def update_ref(self, ref: str, new: str, old: str | None = None, reason: str = "") -> None:
        """Move ``ref`` to ``new`` only if it still points at ``old`` (ZERO: must not exist)."""
        args = ["update-ref", "-m", reason or "sopvault", ref, new]
        if old is not None:
            args.append(old)
        self.run(*args)

    def delete_ref(self, ref: str, old: str | None = None) -> None:
        args = ["update-ref", "-d", ref]
        if old is not None:
            args.append(old)
        self.run(*args)

    # ---- objects -----------------------------------------------------------------------

    def blob(self, rev: str, path: str) -> bytes | None:
        """The file at ``path`` in ``rev``, or None when it is not there."""
        done = self.call("cat-file", "blob", f"{rev}:{path}")
        return done.stdout if done.returncode == 0 else None

    def blobs(self, names: list[str]) -> list[bytes | None]:
        """Many ``rev:path`` objects in one ``cat-file --batch``; None for a missing one."""
        if not names:
            return []
        out = self.run("cat-file", "--batch", stdin="".join(f"{n}\n" for n in names).encode())
        result: list[bytes | None] = []
        pos = 0
        for _ in names:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            pos = end + 1
            if len(header) < 3 or header[-1] == b"missing":
                result.append(None)
                continue
            size = int(header[2])
            result.append(out[pos : pos + size])
            pos += size + 1
        return result

    def blob_ids(self, rev: str, paths: list[str]) -> dict[str, str]:
        """The blob id of each of ``paths`` that ``rev`` holds, from one ``ls-tree``."""
        ids: dict[str, str] = {}
        for entry in self.paths("ls-tree", "-z", rev, "--", *paths) if paths else []:
            meta, path = entry.split("\t", 1)
            ids[path] = meta.split()[2]
        return ids

    def hash_blob(self, path: str, data: bytes) -> str:
        """Store ``data`` as the blob for ``path`` (git's filters for the path apply)."""
        return self.text("hash-object", "-w", "--stdin", f"--path={path}", stdin=data)

    def tree_of(self, rev: str) -> str:
        return self.text("rev-parse", f"{rev}^{{tree}}")

    @contextmanager
    def private_index(self, base: str | None) -> Iterator[dict[str, str]]:
        """An index file of our own, filled from ``base``; yields the env that selects it."""
        handle, name = tempfile.mkstemp(prefix="sopvault-index-", dir=self._git_dir())
        os.close(handle)
        os.unlink(name)  # git wants to create it
        env = {"GIT_INDEX_FILE": name}
        try:
            if base is not None:
                self.run("read-tree", base, env=env)
            yield env
        finally:
            for leftover in (name, name + ".lock"):
                try:
                    os.unlink(leftover)
                except FileNotFoundError:
                    pass

    def tree_with(self, base: str | None, files: Mapping[str, bytes | None]) -> str:
        """The tree of ``base`` with ``files`` set (bytes) or removed (None)."""
        with self.private_index(base) as env:
            lines = []
            for path, data in files.items():
                if data is None:
                    lines.append(f"0 {ZERO}\t{path}\n")
                else:
                    lines.append(f"100644 {self.hash_blob(path, data)}\t{path}\n")
            self.run("update-index", "--index-info", stdin="".join(lines).encode(), env=env)
            return self.text("write-tree", env=env)

    def apply_to(self, base: str, patch: bytes) -> str | None:
        """The tree of ``base`` with ``patch`` applied, or None when it does not apply."""
        with self.private_index(base) as env:
            if self.call("apply", "--cached", "--binary", stdin=patch, env=env).returncode:
                return None
            return self.text("write-tree", env=env)

    def commit_tree(
        self,
        tree: str,
        parents: list[str],
        text: str,
        *,
        author: Identity | None = None,
        author_date: str | None = None,
        committer: Identity | None = None,
        when: str | None = None,
        sign: bool = False,
    ) -> str:
        env: dict[str, str] = {}
        if author is not None:
            env |= {"GIT_AUTHOR_NAME": author.name, "GIT_AUTHOR_EMAIL": author.email}
        if author_date:
            env["GIT_AUTHOR_DATE"] = author_date
        if committer is not None:
            env |= {"GIT_COMMITTER_NAME": committer.name, "GIT_COMMITTER_EMAIL": committer.email}
        if when:
            env["GIT_COMMITTER_DATE"] = when
            env.setdefault("GIT_AUTHOR_DATE", when)
        args = ["commit-tree", tree]
        for parent in parents:
            args += ["-p", parent]
        if sign:
            args.append("-S")
        args += ["-F", "-"]
        return self.text(*args, stdin=text.encode("utf-8"), env=env)

    def message_of(self, sha: str) -> str:
        """A commit's whole message, exactly as stored."""
        raw = self.run("cat-file", "commit", sha).decode("utf-8", "surrogateescape")
        return raw.split("\n\n", 1)[1] if "\n\n" in raw else ""

    def is_ancestor(self, older: str, newer: str) -> bool:
        return self.call("merge-base", "--is-ancestor", older, newer).returncode == 0

    def merge_base(self, a: str, b: str) -> str | None:
        done = self.call("merge-base", a, b)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    # ---- remotes -----------------------------------------------------------------------

    def remotes(self) -> list[str]:
        return self.text("remote").split()

    def remote_url(self, name: str) -> str:
        done = self.call("remote", "get-url", "--", name)
        return done.stdout.decode("utf-8", "replace").strip() if done.returncode == 0 else name

    def fetch(self, remote: str) -> None:
        """Every branch of ``remote`` into ``refs/remotes/<remote>/``, deleted ones pruned;
        never asks for a password (a prompt would hang a TUI)."""
        self.run(
            "fetch",
            "--prune",
            "--no-tags",
            "--quiet",
            remote,
            f"+refs/heads/*:refs/remotes/{remote}/*",
            env=NO_PROMPT,
        )

    def push(self, remote: str, refspecs: list[str], leases: list[str]) -> None:
        """Push all of ``refspecs`` or none (``--atomic``), each only if the server still
        holds what we fetched (``--force-with-lease`` per ref). GitError carries the
        server's own words when it refuses."""
        args = ["push", "--porcelain", "--atomic", "--quiet"]
        args += [f"--force-with-lease={lease}" for lease in leases]
        done = self.call(*args, remote, *refspecs, env=NO_PROMPT)
        if done.returncode == 0:
            return
        text = (done.stdout + done.stderr).decode("utf-8", "replace")
        said = [
            line[len("remote: ") :].strip()
            for line in text.splitlines()
            if line.startswith("remote: ") and line[len("remote: ") :].strip()
        ]
        rejected = [line for line in text.splitlines() if line.startswith("!")]
        reason = "; ".join(said) or "; ".join(r.split("\t")[-1] for r in rejected)
        raise GitError(reason or _first_line(done.stderr) or "git push failed")

    # ---- history -----------------------------------------------------------------------

    def log(
        self,
        *args: str,
        paths: tuple[str, ...] = (),
        names: bool = False,
        signatures: bool = False,
        raw: bool = False,
    ) -> list[Commit]:
        """Commits from ``git log ARGS``, with their trailers, and if asked the changed
        paths (``names``) or the paths with their blob ids before and after (``raw``)."""
        fields = list(_LOG_FIELDS) + (["%G?"] if signatures else [])
        fmt = RS + FS.join(fields) + FS
        extra = ["--name-only", "--no-renames", "-z"] if names else []
        if raw:
            extra = ["--raw", "--no-abbrev", "--no-renames", "-z"]
        out = self.run(
            "-c", "log.showSignature=false", "log", f"--format={fmt}", *extra, *args, "--", *paths
        )
        commits = []
        for record in out.decode("utf-8", "surrogateescape").split(RS)[1:]:
            parts = record.split(FS)
            (sha, parents, an, ae, ad, cn, ce, cd, subject, body, trailers) = parts[:11]
            rest = parts[11:]
            signature = rest.pop(0) if signatures else "N"
            changes = _raw_changes(rest[0]) if raw and rest else ()
            if raw:
                paths_found = tuple(path for path, _, _ in changes)
            else:
                paths_found = (
                    tuple(p.strip("\n") for p in rest[0].split("\0") if p.strip("\n"))
                    if rest
                    else ()
                )
            commits.append(
                Commit(
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
            )
        return commits

    def _git_dir(self) -> str:
        return self.text("rev-parse", "--absolute-git-dir")

    def check_index_unlocked(self) -> None:
        """Refuse before changing anything when git's index is locked: a command that
        moves main and then cannot update the index would leave the two apart."""
        lock = Path(self._git_dir()) / "index.lock"
        if lock.exists():
            raise GitError(_LOCKED.format(what="git's index", lock=lock))


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
    """Trailers as ``git log %(trailers:only,unfold)`` prints them: one ``Key: value`` a line."""
    pairs = []
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and " " not in key.strip():
            pairs.append((key.strip(), value.strip()))
    return pairs


# Network commands fail instead of waiting for a password nobody will type.
NO_PROMPT = {"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "SSH_ASKPASS": ""}


def _env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["LC_ALL"] = "C"
    env.pop("GIT_INDEX_FILE", None)
    if extra:
        env.update(extra)
    return env


_LOCKED = (
    "{what} is locked by {lock}. If no git command is running, it was left by a process"
    " that was killed: delete that file (rm '{lock}') and try again"
)
_LOCK_ERROR = re.compile(r"Unable to create '(?P<lock>[^']+\.lock)': File exists")


def _lock_advice(stderr: bytes) -> str | None:
    """git's "File exists" about a ``.lock`` file, said with what to do about it."""
    match = _LOCK_ERROR.search(stderr.decode("utf-8", "replace"))
    if match is None:
        return None
    lock = match["lock"]
    what = "git's index" if lock.endswith("/index.lock") else "a git reference"
    return _LOCKED.format(what=what, lock=lock)


def _first_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip()
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    line = lines[0]
    return line[len("fatal: ") :] if line.startswith("fatal: ") else line
