"""Document control on one workspace, by job: proposals, approvals, history, audit,
retirements."""

from __future__ import annotations

from sopvault.services.review.approvals import Approvals
from sopvault.services.review.audit import Audit
from sopvault.services.review.history import History
from sopvault.services.review.proposals import Proposals
from sopvault.services.review.retirement import Retirements
from sopvault.services.workspace import Workspace


class DocumentControl:
    """The four document control services over one workspace, sharing it.

    Raises NoRepository when the workspace has no git repository: proposals, approvals,
    history and audit all live in git."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.proposals = Proposals(ws)
        self.history: History = self.proposals.history
        self.approvals = Approvals(ws, self.proposals)
        self.audit = Audit(ws)
        self.retirements = Retirements(ws, self.proposals)
