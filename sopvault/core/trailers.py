"""The git trailers that record document control and runs in commit messages.

``Key: value`` lines at the end of a commit message (``git interpret-trailers``): they are
the audit trail (21 CFR Part 11 §11.10(e)), read back by history, verify and sync. This
module writes them and reads them back; ``core.approval`` judges what they mean.
"""

from __future__ import annotations

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


def trailer_block(pairs: Iterable[tuple[str, str]]) -> str:
    """Trailers as git writes them: ``Key: value`` lines, values on one line each."""
    lines = []
    for key, value in pairs:
        flat = " ".join(value.split())
        lines.append(f"{key}: {flat}")
    return "\n".join(lines)


def message(summary: str, body: str, trailers: Iterable[tuple[str, str]]) -> str:
    """A commit message: one summary line, an optional body, then the trailer block."""
    subject = " ".join(summary.split()) or "Update documents"
    parts = [subject]
    if body.strip():
        parts.append(body.strip())
    parts.append(trailer_block(trailers))
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


def versions_label(documents: dict[str, str]) -> str:
    """``SOP-003 2.1, WI-004 1.1``: what a proposal changes, as every listing shows it."""
    return ", ".join(f"{doc_id} {version}" for doc_id, version in documents.items())
