"""The git trailers that record document control and runs in commit messages.

``Key: value`` lines at the end of a commit message (``git interpret-trailers``): they are
the audit trail (21 CFR Part 11 §11.10(e)), read back by history, verify and sync. This
module writes them and reads them back; ``core.approval`` judges what they mean.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sopvault.model.control import Identity

# Trailer keys. ``git interpret-trailers --parse`` reads all of them.
SOP_ID = "SOP-Id"
SOP_VERSION = "SOP-Version"
PROPOSAL = "SOP-Proposal"
# The proposal's own commit: what identifies a proposal whatever number it shows (numbers
# are for people and may change when two clones picked the same one offline).
PROPOSAL_COMMIT = "SOP-Proposal-Commit"
PROPOSED_BY = "Proposed-by"
REVIEWED_BY = "Reviewed-by"
APPROVED_AT = "Approved-at"
APPROVES = "Approves"
REJECTED_BY = "Rejected-by"
REJECTED_AT = "Rejected-at"
RUN_ID = "Run-Id"
RUN_STATE = "Run-State"
# A retirement (ISO 9001 §7.5.3.2 d): ``SOP-Retires: <id>`` on the proposal and its landing,
# followed by ``SOP-Superseded-By: <id>`` when a document replaces it.
RETIRES = "SOP-Retires"
SUPERSEDED_BY = "SOP-Superseded-By"
# ``SOP-Blob: <reviewed blob> <landed blob> <vault path>``: the content a landing ties to
# its sign-off, one per controlled file the proposal changed (ZERO ids for a deletion).
SOP_BLOB = "SOP-Blob"
# An acknowledgement's commit: ``SOP-Ack: <document id>``, ``SOP-Version: <version>`` and
# ``Acknowledged-by: Name <email>`` (who read and understood it, Part 11 §11.50).
ACK = "SOP-Ack"
ACKNOWLEDGED_BY = "Acknowledged-by"


def trailer_block(pairs: Iterable[tuple[str, str]]) -> str:
    """Trailers as git writes them: ``Key: value`` lines, each value on one line (every run
    of white space, line breaks included, becomes one space)."""
    lines = []
    for key, value in pairs:
        flat = " ".join(value.replace("\0", " ").split())
        lines.append(f"{key}: {flat}")
    return "\n".join(lines)


# A line git's trailer parser reads as the end of the message (``---`` then white space or
# the end: a patch follows, trailer.c ``find_patch_start``) or as a comment (``#``, which
# ``commit.cleanup`` also deletes when a commit is amended or rebased).
_DIVIDER = re.compile(r"^---(?:[ \t\n\r]|$)")


def inert_free_text(text: str) -> str:
    """Free text made safe to stand before a trailer block in a commit message: CR and
    CRLF become line breaks (git splits lines on LF only), NUL (refused by git) a space,
    and a line git would read as the message's end (``---``) or a comment (``#``) is
    indented by one space. Nothing else changes, so the text reads as typed.

    Together with :func:`message` this keeps ``git interpret-trailers --parse`` reading
    exactly the trailers sopvault wrote, whatever the text holds (Trust §6)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\0", " ")
    return "\n".join(
        f" {line}" if line.startswith("#") or _DIVIDER.match(line) else line
        for line in text.split("\n")
    )


def message(summary: str, body: str, trailers: Iterable[tuple[str, str]]) -> str:
    """A commit message: one summary line, an optional body, then the trailer block.

    The summary and body are free text (a proposal's summary, an approval comment, a
    reason): :func:`inert_free_text` keeps them from ending the message early or turning
    into comments, and the trailer block is always the last paragraph, after a blank line,
    so git's trailer grammar (trailer.c: the last paragraph, all ``Key: value`` lines)
    reads exactly ``trailers`` and never a line of the body. Raises ValueError when
    ``trailers`` is empty: the body would then be the last paragraph."""
    block = trailer_block(trailers)
    if not block:
        raise ValueError("a commit message needs at least one trailer")
    subject = inert_free_text(" ".join(summary.split())) or "Update documents"
    parts = [subject]
    text = inert_free_text(body.strip())
    if text.strip():
        parts.append(text)
    parts.append(block)
    return "\n\n".join(parts) + "\n"


def pairs_of(trailers: Iterable[tuple[str, str]], key: str) -> list[str]:
    """The values of every ``key`` trailer (keys compared without case), in order."""
    return [value for k, value in trailers if k.lower() == key.lower()]


def has_trailer(trailers: Iterable[tuple[str, str]], key: str) -> bool:
    """Whether any ``key`` trailer is present (keys compared without case)."""
    return any(k.lower() == key.lower() for k, _ in trailers)


def identities_of(trailers: Iterable[tuple[str, str]], key: str) -> list[Identity]:
    """The people named by a trailer (``Reviewed-by``), skipping values that name nobody."""
    return [who for value in pairs_of(trailers, key) if (who := Identity.parse(value))]


def document_trailers(versions: dict[str, str]) -> list[tuple[str, str]]:
    """``SOP-Id`` / ``SOP-Version`` pairs, in the order ``versions_of`` reads them back."""
    pairs: list[tuple[str, str]] = []
    for doc_id, version in versions.items():
        pairs += [(SOP_ID, doc_id), (SOP_VERSION, version)]
    return pairs


def versions_of(trailers: list[tuple[str, str]]) -> dict[str, str]:
    """Each ``SOP-Id`` with the ``SOP-Version`` that follows it (a change may hold several)."""
    result: dict[str, str] = {}
    current: str | None = None
    for key, value in trailers:
        if key.lower() == SOP_ID.lower():
            current = value.strip()
            result.setdefault(current, "")
        elif key.lower() == SOP_VERSION.lower() and current is not None:
            result[current] = value.strip()
            current = None
    return result


def retirement_trailers(retires: dict[str, str]) -> list[tuple[str, str]]:
    """``SOP-Retires`` (and ``SOP-Superseded-By`` when a successor is named) for
    {retired id: successor id, "" for none}, in the order ``retirements_of`` reads them."""
    pairs: list[tuple[str, str]] = []
    for doc_id, successor in retires.items():
        pairs.append((RETIRES, doc_id))
        if successor:
            pairs.append((SUPERSEDED_BY, successor))
    return pairs


def retirements_of(trailers: list[tuple[str, str]]) -> dict[str, str]:
    """{retired id: successor id or ""} from ``SOP-Retires`` / ``SOP-Superseded-By``
    trailers; a successor counts only right after the id it replaces."""
    result: dict[str, str] = {}
    current: str | None = None
    for key, value in trailers:
        if key.lower() == RETIRES.lower():
            current = value.strip()
            result[current] = ""
        elif key.lower() == SUPERSEDED_BY.lower() and current is not None:
            result[current] = value.strip()
            current = None
        else:
            current = None
    return result


def versions_label(documents: dict[str, str]) -> str:
    """``SOP-003 2.1, WI-004 1.1``: what a proposal changes, as every listing shows it."""
    return ", ".join(f"{doc_id} {version}" for doc_id, version in documents.items())


def landed_label(documents: dict[str, str], retires: dict[str, str]) -> str:
    """What a landed proposal put in force, in words: ``SOP-003 2.1 is effective``, and for
    a retirement ``SOP-004 1.3 is retired (superseded by SOP-012)`` (never "effective":
    a retired revision is in force for nobody)."""
    effective = {d: v for d, v in documents.items() if d not in retires}
    said = [f"{versions_label(effective)} is effective"]
    said = said if effective else []
    for doc_id, version in documents.items():
        if doc_id in retires:
            by = f" (superseded by {retires[doc_id]})" if retires[doc_id] else ""
            said.append(f"{doc_id} {version} is retired{by}")
    return "; ".join(said)


def blob_trailers(blobs: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """``SOP-Blob`` pairs for {vault path: (reviewed blob id, landed blob id)}, in order."""
    return [(SOP_BLOB, f"{reviewed} {landed} {path}") for path, (reviewed, landed) in blobs.items()]


def blobs_of(trailers: list[tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """{vault path: (reviewed blob id, landed blob id)} from ``SOP-Blob`` trailers, the
    inverse of ``blob_trailers``; a malformed value is skipped (verify then finds no
    record for that file)."""
    found: dict[str, tuple[str, str]] = {}
    for value in pairs_of(trailers, SOP_BLOB):
        parts = value.split(" ", 2)
        if len(parts) == 3 and all(len(p) == 40 for p in parts[:2]):
            found[parts[2]] = (parts[0], parts[1])
    return found


def counts_as_approval(
    trailers: list[tuple[str, str]], parents: int | None, votes_kept: bool
) -> bool:
    """Whether a commit of main's own line put an approved text there, by the rule
    ``verify`` judges (21 CFR Part 11 §11.10(e), §11.70: a signature is linked to its
    record): a landing with its votes (a merge carrying ``SOP-Proposal-Commit``) does; a
    one-parent commit with ``Reviewed-by`` names does only before any such landing
    (``votes_kept`` False: sign-offs made before votes were kept) and only without what
    only sopvault's landings carry; a run record never does. ``trailers`` as git parses
    them, ``parents`` the commit's parent count, None where a shallow clone cut them off
    (its trailers are then taken as they read: such a history is called partial, and
    ``verify`` refuses to judge it)."""
    if not has_trailer(trailers, REVIEWED_BY) or has_trailer(trailers, RUN_ID):
        return False
    if parents is None:
        return True
    if parents >= 2:
        return has_trailer(trailers, PROPOSAL_COMMIT)
    if votes_kept:
        return False
    return not any(has_trailer(trailers, key) for key in (SOP_BLOB, PROPOSAL_COMMIT))
