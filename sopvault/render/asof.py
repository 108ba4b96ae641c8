"""The auditor's answer for one document on one date, as lines (CLI, TUI) and as JSON:
the revision in force, who approved it, and the runs that followed it (ISO 9001
§7.5.3.2, 21 CFR Part 11 §11.10(e))."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from sopvault.core.localtime import shown, shown_iso
from sopvault.model.document import Document, Status
from sopvault.model.run import Run
from sopvault.render.safetext import inert_line
from sopvault.services.inforce import InForce


def in_force_lines(info: InForce, asked: str, zone: tzinfo | None = None) -> list[str]:
    """Three to a few dozen plain lines: what was in force on ``asked``, its approval (or
    that nobody approved that text), then one line per run that followed it; times in
    ``zone`` (None: the local zone) with its name. Inert."""
    doc = info.document
    status = doc.status.value if doc.status else "no status"
    effective = f", effective {doc.effective}" if doc.effective else ""
    lines = [
        f"{_standing(doc)} on {asked}: {doc.id} version {doc.version or '-'}"
        f" ({status}{effective}), {info.path} (blob {info.blob[:10]})"
    ]
    rev = info.revision
    if rev is not None:
        approvers = ", ".join(a.name for a in rev.approvers) or "nobody named"
        proposal = f" in proposal {rev.proposal}" if rev.proposal else ""
        lines.append(
            f"Approved {shown_iso(rev.date, zone)} by {approvers};"
            f" proposed by {rev.author.name}{proposal};"
            f" commit {rev.commit[:10]} ({rev.summary})"
        )
    elif info.changed_by is not None:
        commit = info.changed_by
        lines.append(
            f"Not an approved text: last changed by commit {commit.sha[:10]} of"
            f" {shown_iso(commit.commit_date, zone)} ({commit.author.name}: {commit.subject})"
            " with no sign-off"
            f" for {doc.id}"
        )
    else:
        lines.append("Not an approved text: no approval on main put it there")
    if not info.runs:
        lines.append("Runs that followed this text: none")
    else:
        lines.append(f"Runs that followed this text ({len(info.runs)}):")
        lines.extend(f"  {_run_line(run, zone)}" for run in info.runs)
    return [inert_line(line) for line in lines]


def _standing(doc: Document) -> str:
    """Only an effective text is in force (ISO 9001 §7.5.3.2 d): a retired one, a draft or
    one in review that main held on the date is named as not in force, with its successor."""
    if doc.status is Status.EFFECTIVE:
        return "In force"
    if doc.status is Status.RETIRED:
        successor = f", superseded by {doc.superseded_by}" if doc.superseded_by else ""
        return f"Not in force (retired{successor})"
    return "Not in force (never approved as effective)"


def _run_line(run: Run, zone: tzinfo | None) -> str:
    """One run: id, when (in ``zone``) and by whom it started, its state and outcome."""
    outcome = f", {run.outcome.value}" if run.outcome is not None else ""
    started = shown(run.started_at, zone)
    return f"{run.id}  started {started} by {run.started_by}, {run.state.value}{outcome}"


def in_force_json(info: InForce, asked: str, commit: str) -> dict[str, Any]:
    """The same answer for scripts: the moment asked, main's commit then, the revision,
    its approval (None when nobody approved that text) and the runs."""
    doc = info.document
    rev = info.revision
    return {
        "as_of": asked,
        "commit": commit,
        "id": doc.id,
        "version": doc.version,
        "status": doc.status.value if doc.status else None,
        "in_force": doc.status is Status.EFFECTIVE,
        "effective": doc.effective.isoformat() if doc.effective else None,
        "path": info.path,
        "blob": info.blob,
        "approval": None
        if rev is None
        else {
            "commit": rev.commit,
            "version": rev.version,
            "approved_at": rev.date,
            "proposed_by": str(rev.author),
            "reviewed_by": [str(a) for a in rev.approvers],
            "proposal": rev.proposal or None,
        },
        "changed_by": info.changed_by.sha if info.changed_by is not None else None,
        "runs": [
            {
                "id": run.id,
                "started_at": run.started_at.isoformat(),
                "started_by": run.started_by,
                "state": run.state.value,
                "outcome": run.outcome.value if run.outcome is not None else None,
            }
            for run in info.runs
        ],
    }
