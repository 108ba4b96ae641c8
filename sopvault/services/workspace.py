"""The workspace every service is handed: the vault, its repository, main, who, and when.

Opened once (``Workspace.open``) by the CLI or the TUI and passed down, so the services
share one answer to "which repository, which main branch, what time is it".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path, PurePosixPath

from sopvault.core.config import CONFIG_FILE
from sopvault.model.control import Identity
from sopvault.services.clock import Clock
from sopvault.services.vault import Vault
from sopvault.store.fs import escaped_name, is_document_path, is_other_markdown, is_utf8_name
from sopvault.store.git.errors import NoRepository
from sopvault.store.git.repo import Repo


@dataclass
class Workspace:
    """One vault as the services see it.

    ``repo`` is None when the vault is not inside a git work tree; ``prefix`` is the
    vault's folder inside the repository (``""`` or ``"vault/"``); ``main`` is the main
    branch's short name and ``main_ref`` its full ref. The clock is the vault's: one
    callable giving an aware UTC datetime, fixed in tests and replays.
    """

    vault: Vault
    repo: Repo | None
    prefix: str
    main: str

    @classmethod
    def open(cls, path: Path | None = None, *, clock: Clock | None = None) -> Workspace:
        """Open the vault at or above ``path`` and find its repository. Raises
        VaultNotFound or ConfigError as ``Vault.open`` does."""
        return cls.of(Vault.open(path, clock=clock))

    @classmethod
    def of(cls, vault: Vault, repo: Repo | None = None) -> Workspace:
        """A workspace over an opened vault; ``repo`` (default: the one holding the vault)
        lets a replay act as another person through its environment. Raises NoRepository
        when the repository git names has its work tree elsewhere (``GIT_DIR`` set)."""
        found = repo or Repo.at(vault.root)
        if found is None:
            return cls(vault, None, "", vault.config.main_branch or "main")
        try:
            rel = PurePosixPath(vault.root.resolve().relative_to(found.root.resolve()).as_posix())
        except ValueError:  # GIT_DIR (or GIT_WORK_TREE) names a work tree elsewhere
            raise NoRepository(
                f"the vault {vault.root} is not inside the work tree of the repository git"
                f" names ({found.root}): check GIT_DIR and GIT_WORK_TREE"
            ) from None
        prefix = "" if str(rel) == "." else f"{rel}/"
        return cls(vault, found, prefix, found.main_branch(vault.config.main_branch))

    @property
    def root(self) -> Path:
        """The vault's folder."""
        return self.vault.root

    @property
    def main_ref(self) -> str:
        """``refs/heads/<main>``."""
        return f"refs/heads/{self.main}"

    @property
    def clock(self) -> Clock:
        """The one clock: an aware UTC datetime per call."""
        return self.vault.clock

    def now(self) -> datetime:
        """The clock's time (aware, UTC)."""
        return self.clock()

    @property
    def zone(self) -> tzinfo | None:
        """The zone every time a person reads is shown in: ``[vault] timezone``, else None
        (the user's local zone). Render functions take it as ``zone``."""
        return self.vault.zone

    @property
    def today(self) -> date:
        """The clock's date in the vault's time zone (else the user's): what effective
        dates and review due dates count from (the vault's, which checks use too)."""
        return self.vault.today

    def git(self) -> Repo:
        """The repository; raises NoRepository when the vault is not in one."""
        if self.repo is None:
            raise NoRepository(
                "this vault is not in a git repository: proposals, reviews and history need"
                " git (run `git init` and commit the vault)"
            )
        return self.repo

    def identity(self) -> Identity:
        """Who is acting, as git says (``user.name``/``user.email`` or the environment);
        raises NoRepository without a repository, GitError when git names nobody."""
        return self.git().identity()

    def repo_path(self, rel: str) -> str:
        """A vault-relative path as a path in the repository."""
        return self.prefix + rel

    def vault_path(self, repo_path: str) -> str | None:
        """A repository path as a vault-relative one (None when outside the vault)."""
        if not repo_path.startswith(self.prefix):
            return None
        return repo_path[len(self.prefix) :]

    def is_document(self, repo_path: str) -> bool:
        """Whether a repository path is a document file of this vault."""
        rel = self.vault_path(repo_path)
        return rel is not None and is_document_path(rel)

    def is_controlled(self, repo_path: str) -> bool:
        """Documents, the vault's rules and its allowed-signers file: what a change to
        needs a sign-off (the signers file decides whose signature counts). A document
        file whose name is not UTF-8 is never loaded, yet a change to it is judged too, so
        ``verify`` names it (escaped) instead of passing over it."""
        rel = self.vault_path(repo_path)
        if rel is not None and not is_utf8_name(rel):
            return is_document_path(escaped_name(rel))
        rules = (CONFIG_FILE, self.vault.config.review.allowed_signers)
        if rel is not None and is_other_markdown(rel):
            return True  # read by Hugo, reported by check: never changed unnoticed
        return rel in rules or self.is_document(repo_path)
