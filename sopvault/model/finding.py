"""Findings: problems found in a vault, each pointing at a file and line a person can open."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sopvault.model.document import Document


class Severity(StrEnum):
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
        return f"{self.path}:{self.line}: {self.severity.value}: {self.message} [{self.code}]"

    def as_dict(self) -> dict[str, Any]:
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
        return self.document is None and not self.ignored
