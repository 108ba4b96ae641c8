"""An approved revision in an evidence pack (issue 16): ``revision.txt`` (who, what,
when, the sign-offs with their meaning, the structured diff), ``revision.json``,
``diff.patch`` (git's own diff) and ``document.md`` (the approved text, the blob's bytes)
in ``revisions/<ID>@<version>/`` (ISO 9001 §7.5.3.2 c: changes identified; 21 CFR Part 11
§11.50: a signature shows who, when and its meaning)."""

from __future__ import annotations

import json
from datetime import tzinfo
from typing import Any

from sopvault.core.localtime import shown_iso
from sopvault.model.control import Vote
from sopvault.model.document import is_valid_id
from sopvault.model.evidence import ApprovedRevision, PackFile
from sopvault.render.redline import headline, redline_json, redline_plain
from sopvault.render.safetext import inert_line

# What a vote recorded by ``approve`` means (21 CFR Part 11 §11.50(a)(3)).
MEANING = "approved (reviewed and approved for use)"


def folder_of(item: ApprovedRevision, index: int) -> str:
    """``revisions/SOP-010@2.1``: named by the document id and version when both are
    valid ids (``[A-Za-z0-9][A-Za-z0-9._-]*``, no ``..``), else ``revisions/revision-N``:
    no text from a commit or a file becomes a path that could leave the pack."""
    rev = item.revision
    if is_valid_id(rev.id) and is_valid_id(rev.version):
        return f"revisions/{rev.id}@{rev.version}"
    return f"revisions/revision-{index + 1}"


def revision_files(item: ApprovedRevision, folder: str, zone: tzinfo | None) -> list[PackFile]:
    """The four files of one approved revision, each naming the commits and blobs it
    came from."""
    # a root commit has no parent: nothing (never git's empty tree) is named for it
    commits = tuple(c for c in (item.landing.commit, item.landing.parent) if c)
    blobs = tuple(b for b in (item.old_blob, item.new_blob) if b)
    vote_commits = tuple(dict.fromkeys(v.commit for v in item.votes))
    return [
        PackFile(
            f"{folder}/revision.txt",
            text_file(revision_lines(item, zone), redline_plain(item.diff)),
            (*commits, *vote_commits),
            blobs,
        ),
        PackFile(
            f"{folder}/revision.json",
            json_file(revision_json(item), indent=False),
            (*commits, *vote_commits),
            blobs,
        ),
        PackFile(f"{folder}/diff.patch", item.diff.raw.encode("utf-8"), commits, blobs),
        PackFile(
            f"{folder}/document.md",
            item.text,
            (item.landing.commit,),
            (item.new_blob,),
            copy=True,
            source=f"{item.landing.commit}:{item.repo_path}",
        ),
    ]


def revision_lines(item: ApprovedRevision, zone: tzinfo | None) -> list[str]:
    """The revision as an auditor reads it: the document and version, its landing, the
    sign-offs, the trailers as git reads them, then the structured diff."""
    rev, landing = item.revision, item.landing
    lines = [
        f"{rev.id} {rev.version}: {rev.summary}",
        f"file:        {rev.path}",
        f"approved at: {shown_iso(rev.date, zone, seconds=True)} (Approved-at)",
        f"effective:   {shown_iso(landing.date, zone, seconds=True)} (landed on main)",
        f"landing:     commit {landing.commit} ({_parent(landing.parent)})",
        f"author:      {rev.author}",
        f"proposal:    {rev.proposal or '(none: signed off before proposals were kept)'}",
        f"blobs:       {item.old_blob or '(new document)'} -> {item.new_blob}",
    ]
    if rev.retired:
        lines.append(f"retired:     superseded by {rev.superseded_by or '(none named)'}")
    lines += ["", "Sign-offs"]
    lines += [_vote_line(v) for v in item.votes] or ["  (none recorded)"]
    lines += ["", "Trailers of the landing commit (as git parses them)"]
    lines += [f"  {key}: {value}" for key, value in landing.trailers]
    lines += ["", f"Changes: {headline(item.diff)}", ""]
    return [inert_line(line) for line in lines]


def _parent(parent: str) -> str:
    """``parent <sha>``, or ``root commit`` for a landing that has none."""
    return f"parent {parent}" if parent else "root commit"


def _vote_line(vote: Vote) -> str:
    """``  Alice Moreno <a@x>: approved ..., vote commit 3036d240d5, signed by ...``."""
    signed = f"signed by {vote.signer}" if vote.signer else "no verified signature"
    legacy = ", judged by its Reviewed-by trailer alone" if vote.legacy else ""
    recorder = (
        "" if vote.recorded_by.same_as(vote.reviewer) else f", recorded by {vote.recorded_by}"
    )
    return (
        f"  {vote.reviewer}: {MEANING}, vote commit {vote.commit[:10]}{recorder}, {signed}{legacy}"
    )


def revision_json(item: ApprovedRevision) -> dict[str, Any]:
    """The revision as data: metadata, landing, sign-offs, trailers and the structured
    diff (``diff --json``'s shape)."""
    rev, landing = item.revision, item.landing
    return {
        "id": rev.id,
        "version": rev.version,
        "summary": rev.summary,
        "path": rev.path,
        "approved_at": rev.date,
        "effective": landing.date,
        "commit": landing.commit,
        "parent": landing.parent or None,
        "author": str(rev.author),
        "approvers": [str(a) for a in rev.approvers],
        "proposal": rev.proposal or None,
        "retired": rev.retired,
        "superseded_by": rev.superseded_by or None,
        "old_blob": item.old_blob,
        "new_blob": item.new_blob,
        "sign_offs": [
            {
                "reviewer": str(v.reviewer),
                "meaning": MEANING,
                "commit": v.commit,
                "recorded_by": str(v.recorded_by),
                "signer": v.signer,
                "legacy": v.legacy,
            }
            for v in item.votes
        ],
        "trailers": [[key, value] for key, value in landing.trailers],
        "diff": redline_json(item.diff),
    }


def text_file(lines: list[str], block: str = "") -> bytes:
    """Lines (already inert) and an optional inert block as a UTF-8 text file."""
    text = "\n".join(lines) + "\n"
    return (text + block).encode("utf-8")


def json_file(data: object, *, indent: bool = True) -> bytes:
    """JSON, every character outside ASCII escaped (no terminal controls, no encoding
    questions), ending with a newline; indented for people, or on one line (``indent``
    False) for the large files of a pack: Python's fast encoder only writes unindented
    JSON, and a structured diff indented took most of a pack's time."""
    text = json.dumps(data, indent=2 if indent else None, ensure_ascii=True, default=str)
    return (text + "\n").encode("ascii")
