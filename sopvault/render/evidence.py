"""An evidence pack as files (issue 16): the index (``README.txt``, ``summary.json``),
``verify``'s output, the revisions, runs and acknowledgements of the period, and the
manifest (``manifest.json``, ``SHA256SUMS``) tying each file to its SHA-256 and the git
objects it came from, so an auditor checks the pack against the repository (ISO 9001
§9.2 internal audit, §7.5.3; 21 CFR Part 11 §11.10(b): accurate and complete copies in
human readable and electronic form, suitable for inspection).

Every text file is inert (``render.safetext``): no terminal control reaches a reader who
``cat``s it. The copies (``document.md``, run logs) are git's bytes exactly, as the
manifest says, so that ``git cat-file -p <blob>`` shows the same.
"""

from __future__ import annotations

import hashlib
from datetime import tzinfo
from typing import Any

from sopvault import __version__
from sopvault.core.localtime import shown
from sopvault.core.wording import counted
from sopvault.model.evidence import Evidence, PackFile
from sopvault.render.evidencerevs import folder_of, json_file, revision_files, text_file
from sopvault.render.evidenceruns import runs_and_acks
from sopvault.render.safetext import inert_line
from sopvault.render.verify import note_lines, verdict_line, verify_json, violation_lines

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
FORMAT = 1


def pack_files(evidence: Evidence, zone: tzinfo | None) -> list[PackFile]:
    """Every file of the pack but the manifest, in the order they are listed: the index,
    verify, the period's revisions, runs and acknowledgements. Times shown in ``zone``."""
    files: list[PackFile] = []
    folders: list[str] = []
    for index, item in enumerate(evidence.revisions):
        folder = folder_of(item, index)
        if folder in folders:  # the same id and version landed twice: keep both
            folder = f"revisions/revision-{index + 1}"
        folders.append(folder)
        files += revision_files(item, folder, zone)
    files += runs_and_acks(
        evidence.runs, evidence.unreadable, evidence.acks, evidence.tip, evidence.made_at, zone
    )
    files += _verify_files(evidence, zone)
    index_files = [
        PackFile("README.txt", text_file(readme_lines(evidence, folders, zone)), (evidence.tip,)),
        PackFile("summary.json", json_file(summary(evidence, folders)), (evidence.tip,)),
    ]
    return index_files + files


def _verify_files(evidence: Evidence, zone: tzinfo | None) -> list[PackFile]:
    """``verify.txt`` (the lines ``sopvault verify`` prints) and ``verify.json`` (its
    ``--json``), for the whole history up to the pack's commit."""
    report = evidence.verify
    if report is None:
        lines = [f"verify could not judge this history: {evidence.verify_error}"]
        data: dict[str, Any] = {"error": evidence.verify_error}
    else:
        lines = violation_lines(report, zone) + note_lines(report)
        lines.append(verdict_line(report, f"{evidence.main} ({evidence.tip[:10]})"))
        data = verify_json(report)
    data = {"commit": evidence.tip, **data}
    return [
        PackFile("verify.txt", text_file([inert_line(line) for line in lines]), (evidence.tip,)),
        PackFile("verify.json", json_file(data), (evidence.tip,)),
    ]


def _verdict(evidence: Evidence) -> str:
    """One line: ok, how many violations, or why verify could not judge."""
    if evidence.verify is None:
        return f"could not judge: {evidence.verify_error}"
    found = evidence.verify.violations
    return counted(len(found), "violation") if found else "ok, no violations"


def readme_lines(evidence: Evidence, folders: list[str], zone: tzinfo | None) -> list[str]:
    """``README.txt``: what the pack holds, for which period, from which commit, made by
    whom and when, and how to check it."""
    period = evidence.period
    deviations = sum(len(r.run.recorded_deviations()) for r in evidence.runs)
    lines = [
        f"Evidence pack: {evidence.vault_name}",
        "",
        f"Period:      {shown(period.start, zone, seconds=True)} to"
        f" {shown(period.end, zone, seconds=True)} (--since {period.since}"
        f"{' --until ' + period.until if period.until else ', until the pack was made'})",
        f"Made from:   {evidence.main} at commit {evidence.tip}",
        f"Made by:     {evidence.made_by}",
        f"Made at:     {shown(evidence.made_at, zone, seconds=True)} (sopvault {__version__})",
    ]
    if evidence.partial:
        lines.append(f"WARNING:     the history here is partial: {evidence.partial}")
    lines += [
        "",
        "What it holds",
        f"  revisions/    {counted(len(folders), 'revision')} approved in the period:",
        *(f"                {folder}/" for folder in folders),
        "                (revision.txt: who, when, sign-offs, changes; revision.json;",
        "                 diff.patch: git's diff; document.md: the approved text)",
        f"  runs/         {counted(len(evidence.runs), 'run')} with an event in the period"
        f" ({counted(deviations, 'deviation')}): <run-id>.jsonl is the log as committed,",
        "                <run-id>.txt its report; runs.txt and runs.json list them",
        *_unreadable_lines(evidence),
        f"  acknowledgements.txt, .json   {counted(len(evidence.acks), 'acknowledgement')}",
        f"  verify.txt, verify.json       the audit of the whole history: {_verdict(evidence)}",
        "  summary.json                  this index as data",
        "  manifest.json, SHA256SUMS     every file, its SHA-256, the commits and blobs",
        "",
        "How to check it",
        "  sha256sum -c SHA256SUMS      every file is as it was made",
        "  git cat-file -p <blob>       in the repository: the text a copy came from",
        "                               (manifest.json: each file with copy = true is",
        "                               that blob's bytes exactly)",
        f"  git log -1 {evidence.tip[:12]}   the commit of main the pack was made from",
        "",
        "The .txt files are safe to print: control characters from documents are shown",
        "as visible text (^[). The copies (.md, .jsonl, .patch) are git's bytes as stored.",
    ]
    return [inert_line(line) for line in lines]


def _unreadable_lines(evidence: Evidence) -> list[str]:
    """The README's lines on run logs that cannot be read (none when all can)."""
    if not evidence.unreadable:
        return []
    found = counted(len(evidence.unreadable), "run log")
    return [
        f"  WARNING:      {found} cannot be read (copied as committed under runs/;",
        "                runs.txt gives each one's file, line and reason):",
        *(f"                {u.reason}" for u in evidence.unreadable),
    ]


def summary(evidence: Evidence, folders: list[str]) -> dict[str, Any]:
    """``summary.json``: the index as data (times ISO 8601; ``made_at`` in UTC)."""
    period = evidence.period
    return {
        "format": FORMAT,
        "vault": evidence.vault_name,
        "period": {
            "since": period.since,
            "until": period.until or None,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "main": {"branch": evidence.main, "commit": evidence.tip},
        "made_by": str(evidence.made_by),
        "made_at": evidence.made_at.isoformat(),
        "sopvault": __version__,
        "partial_history": evidence.partial or None,
        "revisions": [
            {
                "id": item.revision.id,
                "version": item.revision.version,
                "commit": item.landing.commit,
                "folder": folder,
            }
            for item, folder in zip(evidence.revisions, folders, strict=True)
        ],
        "runs": [
            {
                "id": r.run.id,
                "document": r.run.doc_id,
                "state": r.run.state.value,
                "deviations": len(r.run.recorded_deviations()),
            }
            for r in evidence.runs
        ],
        "unreadable_runs": [
            {"log": u.repo_path, "blob": u.blob, "reason": u.reason} for u in evidence.unreadable
        ],
        "acknowledgements": len(evidence.acks),
        "verify": {
            "violations": len(evidence.verify.violations) if evidence.verify else None,
            "error": evidence.verify_error or None,
        },
    }


def sha256(data: bytes) -> str:
    """The SHA-256 of ``data`` in hex, as ``sha256sum`` prints it."""
    return hashlib.sha256(data).hexdigest()


def manifest_files(files: list[PackFile], tip: str) -> list[PackFile]:
    """``manifest.json`` (each file: path, bytes, SHA-256, commits, blobs, copy, source) and
    ``SHA256SUMS`` (``<hex>  <path>`` lines, as ``sha256sum -c`` reads them: every file
    and the manifest). Paths are made of validated ids: no escaping is needed."""
    entries = [
        {
            "path": f.path,
            "bytes": len(f.data),
            "sha256": sha256(f.data),
            "commits": list(dict.fromkeys(f.commits)),
            "blobs": list(dict.fromkeys(f.blobs)),
            "copy": f.copy,
            "source": f.source or None,
        }
        for f in files
    ]
    manifest = PackFile(
        MANIFEST, json_file({"format": FORMAT, "commit": tip, "files": entries}), (tip,)
    )
    sums = "".join(f"{sha256(f.data)}  {f.path}\n" for f in [*files, manifest])
    return [manifest, PackFile(SUMS, sums.encode("ascii"), (tip,))]
