"""The one exception hierarchy: every failure a user can act on is a ``SopvaultError``.

Problems *inside* documents are findings, not exceptions; an exception stops the command
and the CLI and the TUI turn it into one line (``str(err)``: ``path:line: message``).
Each base class is named for what the user must do about it::

    SopvaultError                      one line, with the file and line when known
    +-- NotFound                       name something that exists
    |   +-- VaultNotFound              (no sopvault.toml here or above)
    |   +-- DocumentNotFound           (an id no document has)
    |   +-- search.index.IndexUnavailable    (the index is missing or unreadable: rebuild it)
    |   `-- services: a run, a proposal that is not there
    +-- Invalid                        fix what was typed or written
    |   +-- InvalidId                  (an id or path that is not well formed)
    |   +-- ConfigError                (sopvault.toml)
    |   +-- core.frontmatter.FrontMatterError  (no ``+++`` front matter; also a ValueError)
    |   +-- DocumentError              (a document that cannot be parsed at all)
    |   +-- core.evidence.EvidenceError      (a value the step's evidence spec refuses)
    |   +-- core.conditions.ConditionError   (a step's ``when`` that cannot be read)
    |   +-- store.runfile.RunFileError       (a run file that cannot be read)
    |   +-- core.ackfile.AckFileError        (an acknowledgement that cannot be named or read)
    |   `-- search.query.QueryError          (a search the query language cannot read)
    +-- Refused                        the rules say no (sign-off, run rules)
    |   +-- RunError                   (a run rule: closed run, control point without a reason)
    |   |   `-- RunNotFound            (also a NotFound: no run with that id)
    |   +-- services.acks.AckRefused      (not in [people], nothing approved, acknowledged already)
    |   `-- services.review.common.RevisionError  (document control: self-approval, ...)
    |       +-- ProposalNotFound       (also a NotFound: no proposal with that number)
    |       `-- Unverifiable           (verify cannot check: no main here; exit status 2)
    +-- Conflict                       someone else moved something: look again and retry
    |   `-- services.syncplan.SyncError      (the server refused, or a commit no longer applies)
    +-- NeedsGit                       the action needs git
    |   +-- store.git.errors.NoRepository    (the vault is in no repository; also a GitError)
    |   |   +-- BareRepository, BrokenRepository
    |   +-- store.git.errors.DubiousOwnership (git refuses another user's repository)
    |   +-- store.git.errors.IncompleteHistory (a shallow clone, grafts; exit status 2)
    |   `-- store.git.errors.GitUnavailable  (the git program cannot be started)
    `-- ReadOnly                       the place cannot be written (a folder, a clone)

``store.git.errors.GitError`` (a git command failed, with git's own first line, or the
advice for a stale lock file; ``DetachedHead`` when a run would be committed on no branch)
sits directly under SopvaultError. Callers catch the base
class they can act on; the CLI and the TUI catch SopvaultError and nothing else.
"""

from __future__ import annotations


class SopvaultError(Exception):
    """A failure the user can act on; the CLI and TUI print ``str(err)`` as one line.

    ``message`` is the line itself (no trailing period needed), ``path`` the vault-relative
    or absolute file it is about and ``line`` the 1-based line in that file, when known.
    ``exit_code`` is the CLI's exit status for it: 1, or 2 where a command must tell "it
    could not even check" from "it checked and found faults" (``verify``, Trust §5).
    """

    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class NotFound(SopvaultError):
    """Something named does not exist: a vault, a document, a run, a proposal."""


class Invalid(SopvaultError):
    """Something typed or written is malformed: an id, a value, a file, the configuration."""


class Refused(SopvaultError):
    """The rules say no: a sign-off that does not count, a run rule that forbids the change."""


class Conflict(SopvaultError):
    """Someone else moved something meanwhile (a ref, a lock held): look again and retry."""


class NeedsGit(SopvaultError):
    """The action needs the vault inside a git repository (document control, runs' history)."""


class ReadOnly(SopvaultError):
    """The place cannot be written: a read-only folder, index or clone."""


class VaultNotFound(NotFound):
    """No sopvault.toml in the given folder or any folder above it."""


class ConfigError(Invalid):
    """sopvault.toml is unreadable or holds a value of the wrong shape."""


class DocumentNotFound(NotFound):
    """An id that names no loaded document."""


class InvalidId(Invalid):
    """An id or path that could escape the vault or is not well formed."""


class DocumentError(Invalid):
    """A document that cannot be parsed at all (the loader turns these into findings)."""


class RunError(Refused):
    """A change the run rules refuse (a closed run, a control point skipped without a reason);
    the message is the one line a user sees."""


class RunNotFound(RunError, NotFound):
    """A run id that no run file has (still a RunError, for callers that catch those)."""
