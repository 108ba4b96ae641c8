"""Runs and acknowledgements in an evidence pack (issue 16): each run's report as
``runs show`` prints it beside its log copied byte for byte, the deviations of the
period listed in one place, and the acknowledgements made (ISO 9001 §7.5.3.2 and §7.2
records of competence; 21 CFR Part 11 §11.10(e): the record as it was written)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any

from sopvault.core.localtime import shown
from sopvault.model.evidence import AckInPeriod, PackFile, RunInPeriod, UnreadableRun
from sopvault.model.run import LOG_SUFFIX, Event
from sopvault.render.evidencerevs import json_file, text_file
from sopvault.render.runs import report_lines
from sopvault.render.safetext import inert_line

# git's ``%G?`` letters in words (git-log(1), "Placeholders that expand to information
# extracted from the commit"), for an auditor who has not read it.
SIGNATURES = {
    "G": "signed, good signature",
    "U": "signed, good signature of unknown validity",
    "X": "signed, good signature that has expired",
    "Y": "signed, good signature by an expired key",
    "R": "signed, by a revoked key",
    "E": "signed, not checkable here (no key to check against)",
    "B": "signed, BAD signature",
    "N": "not signed",
}


def run_files(item: RunInPeriod, tip: str, now: datetime, zone: tzinfo | None) -> list[PackFile]:
    """``runs/<ID>/<run-id>.jsonl`` (the log exactly as main's blob holds it) and
    ``runs/<ID>/<run-id>.txt`` (the report ``runs show`` prints, inert). The names come
    from the log's path on main (at commit ``tip``), whose parts were checked to be
    valid ids."""
    folder, name = item.repo_path.rsplit("/", 2)[-2:]
    stem = name.rsplit(".", 1)[0] if name.endswith(LOG_SUFFIX) else name  # a format 1 file
    # The text followed is named only when the run was pinned to a commit of main: a run
    # started outside git names a working copy's blob id that git may never have held.
    pinned = (item.run.commit,) if item.run.commit else ()
    followed = (item.run.blob,) if item.run.commit and item.run.blob else ()
    lines = [inert_line(line) for line in report_lines(item.run, item.doc, now, zone)]
    return [
        _log_copy(item.repo_path, item.data, item.blob, tip),
        PackFile(f"runs/{folder}/{stem}.txt", text_file(lines), pinned, (item.blob, *followed)),
    ]


def unreadable_file(item: UnreadableRun, tip: str) -> PackFile:
    """``runs/<ID>/<run-id>.jsonl`` of a log that does not parse: main's bytes exactly (a
    copy, as the manifest says), so the auditor reads what the reason points at."""
    return _log_copy(item.repo_path, item.data, item.blob, tip)


def _log_copy(repo_path: str, data: bytes, blob: str, tip: str) -> PackFile:
    """``runs/<ID>/<file>``: a run log's bytes exactly as blob ``blob`` at ``repo_path`` of
    commit ``tip`` holds them (a copy, ``git show tip:repo_path`` gives the same bytes)."""
    folder, name = repo_path.rsplit("/", 2)[-2:]
    return PackFile(
        f"runs/{folder}/{name}", data, (tip,), (blob,), copy=True, source=f"{tip}:{repo_path}"
    )


def unreadable_lines(unreadable: Sequence[UnreadableRun]) -> list[str]:
    """The lines of ``runs.txt`` naming each run log that cannot be read, and why."""
    if not unreadable:
        return []
    lines = ["", f"Run logs that cannot be read (copied as committed): {len(unreadable)}"]
    return lines + [f"{item.repo_path}: {item.reason}" for item in unreadable]


def _deviation(item: RunInPeriod, event: Event, zone: tzinfo | None) -> str:
    """``SOP-010 run-id step 3: reading 7.9 above 7.5 (by X, 2026-... CET; accepted)``."""
    run = item.run
    step = f"{event.within}.{event.step}" if event.within is not None else f"{event.step}"
    accepted = "accepted by a second person" if event.id in run.accepted else "not accepted"
    note = f"; note: {event.note}" if event.note else ""
    return (
        f"{run.doc_id} {run.id} step {step}: {event.deviation} (by {event.by},"
        f" {shown(event.at, zone)}; {accepted}{note})"
    )


def runs_lines(
    runs: list[RunInPeriod], zone: tzinfo | None, unreadable: Sequence[UnreadableRun] = ()
) -> list[str]:
    """``runs.txt``: one line per run of the period, every deviation they recorded, then
    the run logs that cannot be read, each with its reason."""
    lines = [f"Runs with an event in the period: {len(runs)}", ""]
    for item in runs:
        run = item.run
        outcome = f", {run.outcome.value}" if run.outcome is not None else ""
        lines.append(
            f"{run.doc_id} {run.version or '?'}  {run.id}  {run.state.value}{outcome}"
            f"  started {shown(run.started_at, zone)} by {run.started_by}"
            f"  deviations: {len(run.recorded_deviations())}"
        )
    deviations = [(i, e) for i in runs for e in i.run.recorded_deviations()]
    lines += ["", f"Deviations recorded: {len(deviations)}"]
    lines += [_deviation(item, event, zone) for item, event in deviations]
    lines += unreadable_lines(unreadable)
    return [inert_line(line) for line in lines]


def runs_json(runs: list[RunInPeriod]) -> list[dict[str, Any]]:
    """``runs.json``: each run's header, its log's blob, and its deviations."""
    return [
        {
            "id": item.run.id,
            "document": item.run.doc_id,
            "title": item.run.title,
            "version": item.run.version,
            "followed": {"commit": item.run.commit, "blob": item.run.blob, "path": item.run.path},
            "state": item.run.state.value,
            "outcome": item.run.outcome.value if item.run.outcome else None,
            "started_by": item.run.started_by,
            "started_at": item.run.started_at.isoformat(),
            "ended_by": item.run.ended_by or None,
            "ended_at": item.run.ended_at.isoformat() if item.run.ended_at else None,
            "log": {"path": item.repo_path, "blob": item.blob},
            "deviations": [
                {
                    "event": e.id,
                    "step": e.step,
                    "within": e.within,
                    "deviation": e.deviation,
                    "by": e.by,
                    "at": e.at.isoformat(),
                    "note": e.note or None,
                    "accepted": e.id in item.run.accepted,
                }
                for e in item.run.recorded_deviations()
            ],
        }
        for item in runs
    ]


def acks_lines(acks: list[AckInPeriod], zone: tzinfo | None) -> list[str]:
    """``acknowledgements.txt``: who acknowledged which revision, when, whether the
    commit that recorded it was signed, and whether it counts as training."""
    lines = [f"Acknowledgements made in the period: {len(acks)}", ""]
    for item in acks:
        ack = item.ack
        counts = "counts" if item.counts else "DOES NOT COUNT (see verify.txt)"
        lines.append(
            f"{shown(ack.at, zone)}  {ack.person}  {ack.doc_id} {ack.version}"
            f"  ({ack.meaning})  {SIGNATURES.get(item.signature, item.signature)}; {counts}"
        )
        lines.append(f"    file {ack.path} blob {item.blob} commit {item.commit or '?'}")
    return [inert_line(line) for line in lines]


def acks_json(acks: list[AckInPeriod]) -> list[dict[str, Any]]:
    """``acknowledgements.json``: each acknowledgement with its file, blob and commit."""
    return [
        {
            "person": str(item.ack.person),
            "document": item.ack.doc_id,
            "version": item.ack.version,
            "meaning": item.ack.meaning,
            "at": item.ack.at.isoformat(),
            "text_blob": item.ack.blob,
            "landed": item.ack.landed,
            "file": item.ack.path,
            "file_blob": item.blob,
            "commit": item.commit or None,
            "signature": item.signature,
            "signed": item.signature != "N",
            "counts": item.counts,
        }
        for item in acks
    ]


def runs_and_acks(
    runs: list[RunInPeriod],
    unreadable: list[UnreadableRun],
    acks: list[AckInPeriod],
    tip: str,
    now: datetime,
    zone: tzinfo | None,
) -> list[PackFile]:
    """Every file of the runs and acknowledgements: per run, the logs that cannot be read
    (copied), the summaries, the acks."""
    files = [f for item in runs for f in run_files(item, tip, now, zone)]
    files += [unreadable_file(item, tip) for item in unreadable]
    run_blobs = (*(item.blob for item in runs), *(item.blob for item in unreadable))
    ack_blobs = tuple(item.blob for item in acks)
    ack_commits = tuple(dict.fromkeys(item.commit for item in acks if item.commit))
    return [
        *files,
        PackFile("runs.txt", text_file(runs_lines(runs, zone, unreadable)), (), run_blobs),
        PackFile("runs.json", json_file(runs_json(runs), indent=False), (), run_blobs),
        PackFile("acknowledgements.txt", text_file(acks_lines(acks, zone)), ack_commits, ack_blobs),
        PackFile("acknowledgements.json", json_file(acks_json(acks)), ack_commits, ack_blobs),
    ]
