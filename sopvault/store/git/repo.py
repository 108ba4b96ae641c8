"""A git work tree as the services see it: names, refs, objects, history and remotes.

Proposals and approvals are built with a private index file (``GIT_INDEX_FILE``),
``commit-tree`` and a compare-and-swap ``update-ref``, so a person's own uncommitted
work is never staged, stashed or rewritten. Every call goes through the one runner
(:mod:`sopvault.store.git.runner`): an argument list, never a shell, one environment.

Callers outside ``store/git`` ask in their own words through the public methods and never
spell a git command; the underscored ``_run``, ``_call``, ``_text`` and ``_paths`` are for
the modules beside this one (diffs, index, work tree) that build their own argument lists.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

from sopvault.model.control import Identity
from sopvault.store.git import cuts, objects, refread
from sopvault.store.git import log as _log
from sopvault.store.git import signatures as _signatures
from sopvault.store.git.discovery import find_work_tree
from sopvault.store.git.errors import DetachedHead, GitError
from sopvault.store.git.files import WorkTreeFiles
from sopvault.store.git.log import ZERO, Commit, parse_trailer_lines
from sopvault.store.git.remote import RemoteOps
from sopvault.store.git.runner import LOCKED, Runner

ON_BRANCH = "check out a branch first (git switch BRANCH)"

__all__ = ["ZERO", "Commit", "GitError", "Repo", "parse_trailer_lines"]


class Repo(WorkTreeFiles, RemoteOps):
    """A git work tree, by its top folder; ``env`` is set for every call (who is acting and
    when: the demo plays several people). Methods raise GitError when git refuses."""

    def __init__(self, root: Path, env: Mapping[str, str] | None = None) -> None:
        self.root = root = root.absolute()  # git runs in it: a relative name would resolve twice
        self._runner = Runner(root, dict(env or {}))

    @property
    def env(self) -> dict[str, str]:
        """Variables set for every git call on top of the runner's policy."""
        return self._runner.env

    @env.setter
    def env(self, value: Mapping[str, str]) -> None:
        """Replace the variables set for every call (a copy of ``value`` is kept)."""
        self._runner.env = dict(value)

    @classmethod
    def at(cls, path: Path) -> Repo | None:
        """The repository whose work tree holds ``path``, or None when there is none (no
        repository, a bare or broken one, no such folder)."""
        top = find_work_tree(path)
        return None if top is None else cls(top)

    # ---- running: for the modules of store/git only ------------------------------------

    def _run(
        self,
        *args: str,
        stdin: bytes | None = None,
        env: Mapping[str, str] | None = None,
        ok: tuple[int, ...] = (0,),
    ) -> bytes:
        """stdout of ``git ARGS``; GitError with git's words when the status is not in ``ok``."""
        return self._runner.run(args, stdin=stdin, env=env, ok=ok)

    def _call(
        self, *args: str, stdin: bytes | None = None, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        """``git ARGS`` whatever its exit status: returncode, stdout and stderr as bytes."""
        return self._runner.call(args, stdin=stdin, env=env)

    def _text(
        self, *args: str, stdin: bytes | None = None, env: Mapping[str, str] | None = None
    ) -> str:
        """stdout of ``git ARGS`` decoded and stripped; raises GitError."""
        return self._runner.text(args, stdin=stdin, env=env)

    def _paths(self, *args: str) -> list[str]:
        """The entries a ``-z`` command prints (``diff --name-only -z``, ``ls-files -z``)."""
        out = self._run(*args).decode("utf-8", "surrogateescape")
        return [entry for entry in out.split("\0") if entry]

    # ---- names and refs ----------------------------------------------------------------

    def rev(self, name: str) -> str | None:
        """The commit id ``name`` points at, or None when it names no commit."""
        done = self._call(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}"
        )
        if done.returncode != 0:
            return None
        return done.stdout.decode().strip() or None

    def branch_is(self, branch: str, commit: str) -> bool:
        """Whether branch ``branch`` points at commit ``commit`` for certain, read from
        the repository's files without starting git (``refread``); False when the files
        say otherwise or are not certain (then ask git: ``rev``)."""
        return refread.branch_id(self.root, branch) == commit

    def main_branch(self, configured: str | None) -> str:
        """The branch approved documents live on: as configured, else main, else master,
        else whatever HEAD names."""
        if configured:
            return configured
        for name in ("main", "master"):
            if self._call("show-ref", "--verify", "--quiet", f"refs/heads/{name}").returncode == 0:
                return name
        done = self._call("symbolic-ref", "--short", "-q", "HEAD")
        return done.stdout.decode().strip() or "main"

    def head_branch(self) -> str | None:
        """The full ref HEAD is on (``refs/heads/main``), or None when HEAD is detached."""
        done = self._call("symbolic-ref", "-q", "HEAD")
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    def check_on_branch(self, what: str) -> None:
        """Raise DetachedHead when HEAD is detached: ``what`` would be on no branch."""
        if self.head_branch() is None and self.rev("HEAD") is not None:
            raise DetachedHead(f"HEAD is detached: {what} would be on no branch; {ON_BRANCH}")

    def identity(self) -> Identity:
        """Who is running this, as git would record them as committer; raises GitError
        with how to set it when git does not know."""
        done = self._call("var", "GIT_COMMITTER_IDENT")
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

    def set_identity(self, who: Identity) -> None:
        """Record ``who`` as this repository's ``user.name`` and ``user.email`` (its own
        config, not the user's global one); raises GitError when git refuses."""
        self._run("config", "user.name", who.name)
        self._run("config", "user.email", who.email)

    def config_bool(self, key: str) -> bool:
        """Whether git config ``key`` is set to a true value (false when unset or invalid)."""
        done = self._call("config", "--type=bool", "--get", key)
        return done.returncode == 0 and done.stdout.decode().strip() == "true"

    def config_value(self, key: str) -> str | None:
        """git config ``key`` as set (None when unset): ``user.signingkey``, ``gpg.format``."""
        done = self._call("config", "--get", key)
        return (
            done.stdout.decode("utf-8", "surrogateescape").strip() or None
            if done.returncode == 0
            else None
        )

    def signers(self, shas: list[str], allowed_signers: bytes) -> dict[str, str | None]:
        """{commit: the principal whose key, listed in ``allowed_signers`` (the bytes of a
        ``gpg.ssh.allowedSignersFile``), made a good signature on it; None otherwise}."""
        return _signatures.signers(self._runner, shas, allowed_signers)

    def signature_environment(self) -> str:
        """What git's signature checks depend on outside history (``signatures``)."""
        return _signatures.environment(self._runner)

    def refs(self, *prefixes: str) -> list[tuple[str, str]]:
        """(full ref name, commit id) for every ref under ``prefixes`` (all refs without)."""
        out = self._text("for-each-ref", "--format=%(refname) %(objectname)", *prefixes)
        pairs = (line.partition(" ") for line in out.splitlines() if line)
        return [(ref, sha) for ref, _, sha in pairs]

    def update_ref(self, ref: str, new: str, old: str | None = None, reason: str = "") -> None:
        """Move ``ref`` to ``new`` only if it still points at ``old`` (ZERO: must not exist;
        None: whatever it holds). Raises GitError when someone moved it first."""
        args = ["update-ref", "-m", reason or "sopvault", ref, new]
        if old is not None:
            args.append(old)
        self._run(*args)

    def update_refs(
        self, updates: Sequence[tuple[str, str | None, str | None]], reason: str = ""
    ) -> None:
        """Change several refs together or not at all (``update-ref --stdin`` is one
        transaction): each update is ``(ref, new, old)``, ``new`` None deleting it and
        ``old`` as for ``update_ref``. Raises GitError when any ref moved first (then
        none changed), so a proposal is never left both open and closed."""
        lines = []
        for ref, new, old in updates:
            verb = f"delete {ref}" if new is None else f"update {ref} {new}"
            lines.append(verb if old is None else f"{verb} {old}")
        stdin = ("\n".join(lines) + "\n").encode("utf-8")
        self._run("update-ref", "-m", reason or "sopvault", "--stdin", stdin=stdin)

    def delete_ref(self, ref: str, old: str | None = None) -> None:
        """Delete ``ref``, only if it still points at ``old`` when given; raises GitError."""
        args = ["update-ref", "-d", ref]
        if old is not None:
            args.append(old)
        self._run(*args)

    def is_ancestor(self, older: str, newer: str) -> bool:
        """Whether commit ``older`` is ``newer`` or in its history."""
        return self._call("merge-base", "--is-ancestor", older, newer).returncode == 0

    def merge_base(self, a: str, b: str) -> str | None:
        """The best common ancestor of two commits, or None when they share none."""
        done = self._call("merge-base", a, b)
        return done.stdout.decode().strip() or None if done.returncode == 0 else None

    # ---- objects -----------------------------------------------------------------------

    def private_index(self, base: str | None) -> AbstractContextManager[dict[str, str]]:
        """An index file of our own, filled from ``base``; yields the env that selects it."""
        return objects.private_index(self._runner, base)

    def tree_with(self, base: str | None, files: Mapping[str, bytes | None]) -> str:
        """The tree of ``base`` with ``files`` set (bytes) or removed (None)."""
        return objects.tree_with(self._runner, base, files)

    def apply_to(self, base: str, patch: bytes) -> str | None:
        """The tree of ``base`` with ``patch`` applied, or None when it does not apply."""
        return objects.apply_to(self._runner, base, patch)

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
        """The id of a new commit of ``tree`` on ``parents`` with message ``text``; no ref
        moves. Author and committer default to git's; ``when`` (a git date) sets the commit
        date and, unless ``author_date`` does, the author date. ``sign`` asks for ``-S``.
        Raises GitError when git refuses (no identity, signing failed)."""
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
        return self._text(*args, stdin=text.encode("utf-8"), env=env)

    def message_of(self, sha: str) -> str:
        """A commit's whole message, exactly as stored."""
        return _log.message_of(self._runner, sha)

    # ---- history -----------------------------------------------------------------------

    def log(
        self,
        *revs: str,
        first_parent: bool = False,
        trailer: tuple[str, str] | None = None,
        paths: tuple[str, ...] = (),
        names: bool = False,
        signatures: bool = False,
        raw: bool = False,
        limit: int | None = None,
        until: int | None = None,
    ) -> list[Commit]:
        """Commits of ``revs`` (revisions or ranges, never options), newest first, with their
        trailers as git reads them; the options as in :func:`log.log`. Raises GitError for
        an unknown revision."""
        return _log.log(
            self._runner,
            revs,
            first_parent=first_parent,
            trailer=trailer,
            paths=paths,
            names=names,
            signatures=signatures,
            raw=raw,
            limit=limit,
            until=until,
        )

    def ahead_behind(self, mine: str, theirs: str) -> tuple[int, int]:
        """(commits only ``mine`` holds, commits only ``theirs`` holds); raises GitError."""
        return _log.ahead_behind(self._runner, mine, theirs)

    def count_commits(self, tip: str, excluding: str | None = None) -> int:
        """The commits in ``tip``'s history that ``excluding`` (when given) does not hold;
        raises GitError for an unknown revision."""
        return _log.count_commits(self._runner, tip, excluding)

    def on_first_parent_line(self, older: str, newer: str) -> bool:
        """Whether ``older`` is on ``newer``'s own first-parent line; see ``log``."""
        return _log.on_first_parent_line(self._runner, older, newer)

    def first_voted_landing(self, tip: str) -> str | None:
        """The oldest landing with its votes on ``tip``'s line; see ``log``."""
        return _log.first_voted_landing(self._runner, tip)

    def shallow_cuts(self) -> list[str]:
        """The commits a shallow clone was cut at; see ``cuts``."""
        return cuts.shallow_cuts(self._runner)

    def history_cut(self, tip: str, since: str | None = None) -> str | None:
        """Why ``tip``'s history (after ``since``) is not all here; see ``cuts``."""
        return cuts.history_cut(self._runner, tip, since)

    def check_index_unlocked(self) -> None:
        """Refuse before changing anything when git's index is locked: a command that
        moves main and then cannot update the index would leave the two apart."""
        lock = Path(self._runner.git_dir()) / "index.lock"
        if lock.exists():
            raise GitError(LOCKED.format(what="git's index", lock=lock))

    def close(self) -> None:
        """Stop the persistent object reader now rather than when this Repo is collected."""
        self._runner.close()
