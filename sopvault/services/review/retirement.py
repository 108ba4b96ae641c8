"""Retiring a document: a proposal like any other, reviewed and approved by the same rules
(four eyes, trailers), whose approval makes the document ``retired`` on main.

ISO 9001 §7.5.3.2 d asks that obsolete documents are kept from unintended use: a retired
document stays in the vault and in history (an auditor can still read it), runs refuse
it and name its successor, and ``check`` warns when a document in force still links to it.
The user edits nothing: like ``restore``, the proposal is made from main's text.
"""

from __future__ import annotations

from sopvault.core.parse import with_changes
from sopvault.core.trailers import retirement_trailers
from sopvault.model.control import Proposal
from sopvault.model.document import Status
from sopvault.services.review.common import RevisionError, Scope, front_text, refuse_link
from sopvault.services.review.proposals import Proposals
from sopvault.services.workspace import Workspace


class Retirements(Scope):
    """Proposing retirements on one workspace."""

    def __init__(self, ws: Workspace, proposals: Proposals | None = None) -> None:
        super().__init__(ws)
        self.proposals = proposals or Proposals(ws)

    def retire(self, doc_id: str, why: str, superseded_by: str = "") -> Proposal:
        """Propose retiring ``doc_id`` because ``why``, replaced by ``superseded_by`` when
        given: main's text with ``status = "retired"``, ``superseded_by`` set and the next
        minor version (the retirement is a revision: every approved text has a number of
        its own). The summary starts ``Retire <ID>``, and the proposal and its landing
        carry ``SOP-Retires`` (and ``SOP-Superseded-By``) trailers.

        Raises RevisionError without a reason, when main does not hold the document or it
        is retired already, when the successor is the document itself, is not in the vault
        or is retired, or when an open proposal already retires it; ReadOnly on a vault
        that cannot be written."""
        self.ws.vault.must_be_writable("retire")
        if not why.strip():
            raise RevisionError('say why it is retired: sopvault retire ID -m "why"')
        tip = self.main_tip()
        path = self.proposals.history.current_path(doc_id, tip)
        if path is None:
            raise RevisionError(
                f"{doc_id} is not on {self.ws.main}: nothing to retire (a draft that was"
                " never approved can simply be deleted)"
            )
        if doc_id in self.ws.vault.state.documents:
            refuse_link(self.ws.root, doc_id, self.ws.vault.get(doc_id).path)
        now = self.repo.blob(tip, path) or b""
        if front_text(now, "status") == Status.RETIRED.value:
            raise RevisionError(f"{doc_id} is already retired on {self.ws.main}")
        successor = self._successor(doc_id, superseded_by.strip())
        version = self.proposals.history.next_number(doc_id, front_text(now, "version"), False, tip)
        changes: dict[str, object] = {"version": version, "status": Status.RETIRED.value}
        if successor:
            changes["superseded_by"] = successor
        data = with_changes(now.decode("utf-8"), changes).encode("utf-8")
        self.proposals.refuse_duplicate(doc_id, path, data)
        replaced = f" (superseded by {successor})" if successor else ""
        summary = f"Retire {doc_id}{replaced}: {why.strip()}"
        trailers = tuple(retirement_trailers({doc_id: successor}))
        return self.proposals.record(
            tip, {path: data}, {doc_id: version}, summary, "", doc_id, trailers
        )

    def _successor(self, doc_id: str, successor: str) -> str:
        """The successor's id, checked: another document of the vault, not retired itself
        (a retired document pointing to a retired one leads nobody anywhere)."""
        if not successor:
            return ""
        if successor == doc_id:
            raise RevisionError(f"{doc_id} cannot be superseded by itself")
        doc = self.ws.vault.state.documents.get(successor)
        if doc is None:
            raise RevisionError(
                f"--superseded-by {successor}: no document of the vault has that id"
            )
        if doc.status is Status.RETIRED:
            raise RevisionError(
                f"--superseded-by {successor}: {successor} is retired itself; name the"
                " document in force that replaces it"
            )
        return successor
