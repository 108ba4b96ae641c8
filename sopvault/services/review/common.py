"""What the document control services share: their error, the workspace they act in, and
reading front matter and commit bodies from git objects."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sopvault.core import frontmatter
from sopvault.core.config import CONFIG_FILE, parse_config
from sopvault.core.delimiters import has_front_matter
from sopvault.errors import NotFound, Refused, SopvaultError
from sopvault.model.config import VaultConfig
from sopvault.services.workspace import Workspace
from sopvault.store.git.repo import Repo

_TRAILER_LINE = re.compile(r"^[A-Za-z][\w-]*: ")


class RevisionError(Refused):
    """A refused document control action; the message says why and what to do."""


class Unverifiable(RevisionError):
    """``verify`` cannot check what it was asked to (no main branch here, an unknown
    revision, nothing to check): an error with exit status 2, never an "ok" (Trust §5)."""

    exit_code = 2


class ProposalNotFound(RevisionError, NotFound):
    """A proposal number or ``ID/N`` that no proposal has (still a RevisionError)."""


class Scope:
    """A document control service's footing: the workspace, and its repository (which
    must exist: raises NoRepository otherwise)."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.repo: Repo = ws.git()

    def main_tip(self) -> str:
        """The commit main points at; raises RevisionError when main has none yet."""
        tip = self.repo.rev(self.ws.main_ref)
        if tip is None:
            raise RevisionError(
                f"the main branch '{self.ws.main}' has no commits yet: commit the vault first"
                " (git add -A && git commit -m 'First import')"
            )
        return tip

    def stamp(self) -> str:
        """The clock's time as trailers carry it: ``YYYY-MM-DDTHH:MM:SSZ``."""
        return self.ws.now().strftime("%Y-%m-%dT%H:%M:%SZ")

    def signs(self) -> bool:
        """Whether document control commits are signed here: git's ``commit.gpgsign``, or
        the vault's rules on main require signed sign-offs (``[review]
        require_signatures``)."""
        if self.repo.config_bool("commit.gpgsign"):
            return True
        tip = self.repo.rev(self.ws.main_ref)
        config = (self.config_at(tip) if tip else None) or self.ws.vault.config
        return config.review.require_signatures

    def rules_at(self, rev: str | None) -> VaultConfig:
        """The rules in force at ``rev``: its committed ``sopvault.toml``, or the defaults
        when it has none or it does not parse; never the working copy's (an edit nobody
        approved is not in force, Trust §4)."""
        found = self.config_at(rev) if rev else None
        return found or in_force_by_default(self.ws.vault.config)

    def config_at(self, rev: str) -> VaultConfig | None:
        """The vault's rules as committed at ``rev`` (None when absent or unreadable)."""
        data = self.repo.blob(rev, self.ws.repo_path(CONFIG_FILE))
        return parse_config_bytes(data) if data is not None else None


def in_force_by_default(config: VaultConfig) -> VaultConfig:
    """The rules in force where no ``sopvault.toml`` is committed: the defaults (one
    approval by anyone but the author), under the vault's name."""
    return VaultConfig(name=config.name)


def parse_config_bytes(data: bytes) -> VaultConfig | None:
    """A committed ``sopvault.toml``, or None when it does not parse."""
    try:
        return parse_config(data.decode("utf-8"))
    except (SopvaultError, UnicodeDecodeError):
        return None


def front_fields(data: bytes | None) -> dict[str, Any]:
    """The front matter of a committed document (empty when absent or broken): read with
    ``core.frontmatter``, the parser every document goes through."""
    if data is None:
        return {}
    try:
        parts = frontmatter.split(data.decode("utf-8"))
        return frontmatter.parse_toml(parts.front, parts.front_start)
    except (UnicodeDecodeError, ValueError):
        return {}


def front_text(data: bytes | None, key: str) -> str | None:
    """One string field of a committed document's front matter (None when not a string)."""
    value = front_fields(data).get(key)
    return value if isinstance(value, str) else None


def front_names(data: bytes | None, key: str) -> tuple[str, ...]:
    """One list-of-strings field (``reviewers``) of a committed document's front matter."""
    if data is None or key.encode() not in data:
        return ()  # most documents name no reviewers: no TOML to parse (verify reads many)
    value = front_fields(data).get(key)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def is_document(data: bytes | None) -> bool:
    """Whether committed bytes are a document (they have front matter, by Hugo's rule in
    ``core.delimiters``) rather than a note."""
    return data is not None and has_front_matter(data.decode("utf-8", "replace"))


def body_text(body: str) -> str:
    """A commit body without its trailer block."""
    paragraphs = body.strip().split("\n\n")
    if paragraphs and paragraphs[-1].strip():
        last = paragraphs[-1].strip().splitlines()
        if all(_TRAILER_LINE.match(line) for line in last):
            paragraphs = paragraphs[:-1]
    return "\n\n".join(paragraphs).strip()


def refuse_link(root: Path, doc_id: str, path: str) -> None:
    """Raise RevisionError when the document at vault path ``path`` (under ``root``) is
    reached through a symbolic link: a proposal records a file's bytes at its path, which
    would replace the link with a copy and leave the linked file as it was (Trust §5)."""
    parts = Path(path).parts
    for depth in range(1, len(parts) + 1):
        if root.joinpath(*parts[:depth]).is_symlink():
            raise RevisionError(
                f"{doc_id} is reached through a symbolic link ({Path(*parts[:depth])}):"
                " proposing it would replace the link with a copy; make the document a"
                " file of its own (git mv the target into place) and propose again"
            )
