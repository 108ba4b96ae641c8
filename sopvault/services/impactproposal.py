"""The documents a proposal changes, as proposed: what ``services.impact`` reports on for
``impact --proposal N`` and the approve screen. Kept apart so that ``impact ID`` never
imports the review services."""

from __future__ import annotations

from sopvault.core.parse import parse_text
from sopvault.errors import SopvaultError
from sopvault.model.document import Document
from sopvault.services.review.common import ProposalNotFound, front_text
from sopvault.services.review.proposals import Proposals
from sopvault.services.workspace import Workspace
from sopvault.store.git import diffs


def proposed_documents(ws: Workspace, label: str) -> tuple[int, list[Document]]:
    """Proposal ``label``'s number (``7`` or ``SOP-003/7``, in any state) and each document
    it changes, parsed from its proposed text, by id. Raises NeedsGit without a repository,
    RevisionError (ProposalNotFound) when there is no such proposal or it lacks the text
    of a document it names, SopvaultError when a proposed text cannot be read."""
    prop = Proposals(ws).get(label)
    repo = ws.git()
    found: dict[str, Document] = {}
    for path in diffs.changed_between(repo, prop.base, prop.commit):
        if not ws.is_document(path):
            continue
        data = repo.blob(prop.commit, path)
        doc_id = front_text(data, "id")
        if data is None or doc_id not in prop.documents:
            continue
        rel = ws.vault_path(path) or path
        doc = parse_text(rel, data.decode("utf-8", "replace")).document
        if doc is None:
            raise SopvaultError(f"proposal {prop.number}'s text of {doc_id} cannot be read")
        found[doc.id] = doc
    missing = sorted(set(prop.documents) - set(found))
    if missing:
        raise ProposalNotFound(f"proposal {prop.number} holds no text of {', '.join(missing)}")
    return prop.number, [found[doc_id] for doc_id in sorted(found)]
