"""The one exception hierarchy: every user-facing failure is a SopvaultError."""

from __future__ import annotations


class SopvaultError(Exception):
    """A failure the user can act on; the CLI and TUI print ``str(err)`` as one line."""

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


class VaultNotFound(SopvaultError):
    """No sopvault.toml in the given folder or any folder above it."""


class ConfigError(SopvaultError):
    """sopvault.toml is unreadable or holds a value of the wrong shape."""


class DocumentNotFound(SopvaultError):
    """An id that names no loaded document."""


class InvalidId(SopvaultError):
    """An id or path that could escape the vault or is not well formed."""


class DocumentError(SopvaultError):
    """A document that cannot be parsed at all (the loader turns these into findings)."""
