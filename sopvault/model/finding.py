"""Findings: problems found in a vault, each pointing at a file and line a person can open."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sopvault.model.document import Document


class Severity(StrEnum):
    """How bad a finding is: an error fails ``check``, a warning does not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One problem found in a vault, pointing at a file and line a person can open."""

    path: str
    line: int
    severity: Severity
    code: str
    message: str

    def format(self) -> str:
        """``path:line: severity: message [code]``, as compilers print, so editors jump to it."""
        return f"{self.path}:{self.line}: {self.severity.value}: {self.message} [{self.code}]"

    def as_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready data (``check --json``)."""
        return {
            "path": self.path,
            "line": self.line,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
        }


@dataclass
class ParseResult:
    """What parsing one file gives: a document when it was usable, and its findings."""

    path: str
    document: Document | None
    findings: list[Finding] = field(default_factory=list)
    ignored: bool = False  # a Markdown file that is not a document (no front matter at all)

    @property
    def skipped(self) -> bool:
        """True for a document file that could not be used (not a plain Markdown page)."""
        return self.document is None and not self.ignored


class FileFindings:
    """Gathers the findings for one file, so each check is one short call."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.findings: list[Finding] = []

    def error(self, line: int, code: str, message: str) -> None:
        """Add an error at 1-based ``line`` with its ``code`` (``bad-value``...)."""
        self.findings.append(Finding(self.path, line, Severity.ERROR, code, message))

    def warn(self, line: int, code: str, message: str) -> None:
        """Add a warning at 1-based ``line`` with its ``code``."""
        self.findings.append(Finding(self.path, line, Severity.WARNING, code, message))
