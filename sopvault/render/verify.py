"""``verify``'s findings as words and as JSON, the same for ``sopvault verify`` and the
evidence pack (issue 16): an audit trail shows who approved what (21 CFR Part 11
§11.10(e)), and an auditor reads the same lines in the pack as on the terminal."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from sopvault.core.localtime import day_iso
from sopvault.core.wording import counted
from sopvault.model.control import VerifyReport


def verify_json(report: VerifyReport) -> dict[str, Any]:
    """The report as ``verify --json`` prints it: counts, then each violation (commit,
    date as git wrote it, author, documents, reason, detail)."""
    return {
        "commits": report.commits,
        "checked": report.checked,
        "unverifiable_signatures": report.unverifiable_signatures,
        "legacy": report.legacy,
        "acknowledgements": report.acks,
        "violations": [
            {
                "commit": v.commit,
                "date": v.date,
                "author": str(v.author),
                "documents": list(v.paths),
                "reason": v.reason.value,
                "detail": v.detail,
            }
            for v in report.violations
        ],
    }


def violation_lines(report: VerifyReport, zone: tzinfo | None) -> list[str]:
    """One line per violation: commit, day (in ``zone``), reason, documents (three, then
    how many more), detail. Text from git: the caller makes each line inert."""
    lines = []
    for v in report.violations:
        more = f" (+{len(v.paths) - 3} more)" if len(v.paths) > 3 else ""
        shown = ", ".join(v.paths[:3]) + more
        lines.append(
            f"{v.commit[:10]} {day_iso(v.date, zone)} {v.reason.value}: {shown}: {v.detail}"
        )
    return lines


def note_lines(report: VerifyReport) -> list[str]:
    """The notes ``verify`` adds below its findings: signatures it could not check, and
    sign-offs judged by their trailers alone."""
    notes = []
    if report.unverifiable_signatures:
        signed = counted(report.unverifiable_signatures, "signed commit")
        notes.append(
            f"note: {signed} could not be checked (no key to check against:"
            " set gpg.ssh.allowedSignersFile or import the keys)"
        )
    if report.legacy:
        old = counted(report.legacy, "sign-off")
        notes.append(
            f"note: {old} made before votes were kept in history, judged by their"
            " Reviewed-by trailers alone"
        )
    return notes


def verdict_line(report: VerifyReport, on: str) -> str:
    """``verify: 6 commits read, 5 document changes checked on main: ok``."""
    verdict = counted(len(report.violations), "violation") if report.violations else "ok"
    checked = counted(report.checked, "document change")
    if report.acks:
        checked += f", {counted(report.acks, 'acknowledgement')}"
    read = counted(report.commits, "commit")
    return f"verify: {read} read, {checked} checked on {on}: {verdict}"
