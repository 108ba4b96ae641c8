"""The TUI's typed messages: what workers send back to the UI thread, and what screens ask
the app for (navigation). Attributes go down, these go up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

# The payloads' types are annotations only (``from __future__ import annotations``): the
# app's start does not import the run, sync and acknowledgement services for them.
if TYPE_CHECKING:
    from rich.console import RenderableType

    from sopvault.model.ack import Ack, Reading
    from sopvault.model.control import LocalEdit, Proposal, Standing
    from sopvault.model.document import Document
    from sopvault.model.due import DueReport
    from sopvault.model.finding import Finding
    from sopvault.model.run import RunSummary
    from sopvault.model.search import SearchResponse
    from sopvault.services.runlist import Listing
    from sopvault.services.runs import Resumed, Runs, Started
    from sopvault.services.syncplan import Distance, SyncReport
    from sopvault.services.vault import VaultState

# ---- the one error path ----------------------------------------------------------------


@dataclass
class WorkFailed(Message):
    """A worker's ``SopvaultError`` (or ``OSError`` from the disk), posted to the worker's
    node. It bubbles to the app, which shows it as one error notice; a screen that shows
    the problem in place (a status line, a dialog) handles it first and stops it."""

    error: Exception
    group: str  # the worker group it came from: "load", "mark", ...
    title: str  # the notice's title: "Cannot start", "Not done", ...


# ---- navigation: screens ask, the app pushes -------------------------------------------


@dataclass
class OpenHistory(Message):
    """Show the approved revisions of one document."""

    doc_id: str
    title: str


@dataclass
class OpenReviews(Message):
    """Show the reviews inbox; ``reopen`` is the document to show again after a decision,
    ``select`` the proposal (``SOP-003/7``) to highlight first."""

    reopen: str | None
    select: str | None = None


@dataclass
class OpenDocument(Message):
    """Show one document in the tree and the reader (Enter on a dashboard row)."""

    doc_id: str


class OpenRuns(Message):
    """Show the open runs, to resume one."""


@dataclass
class EditDocument(Message):
    """Hand the terminal to the user's editor on this document, then reload it."""

    doc: Document


@dataclass
class OfferProposal(Message):
    """Local edits were found: offer the propose dialog (``selected`` ticked first)."""

    edits: list[LocalEdit]
    selected: str | None


@dataclass
class SecondRun(Message):
    """``k`` on a procedure that has open runs (newest first): ask before starting;
    ``runs`` lets the question find out whether the newest may be discarded."""

    doc_id: str
    waiting: list[RunSummary]
    runs: Runs | None = None


@dataclass
class RunReady(Message):
    """A run was started or resumed in a worker: open it in the runner."""

    runs: Runs
    started: Started | Resumed
    doc: Document


@dataclass
class ShowText(Message):
    """Show one renderable to read in a modal (a work instruction, a sync report)."""

    title: str
    body: RenderableType


# ---- results of workers ----------------------------------------------------------------


@dataclass
class Loaded:
    """What the browse screen shows after loading: the state, and git's distance."""

    state: VaultState
    distance: Distance | None  # ahead/behind the server as last fetched; None without one
    git_note: str  # why the git features are unavailable, "" when they are available
    read_only: bool  # the vault cannot be written: browse and search only


@dataclass
class VaultLoaded(Message):
    """The vault was (re)loaded off the UI thread."""

    loaded: Loaded


@dataclass
class DocumentRead(Message):
    """One document was read in full, with the problems found in its file."""

    doc: Document
    findings: list[Finding]


@dataclass
class StandingRead(Message):
    """How a document's working copy stands against main (read in a worker after it)."""

    doc_id: str
    standing: Standing


@dataclass
class Synced(Message):
    """A sync with the team's server finished."""

    report: SyncReport


@dataclass
class SearchAnswered(Message):
    """The answer to one query: a response, or why the query is malformed."""

    query: str
    response: SearchResponse | None
    problem: str


@dataclass
class IndexBuilding(Message):
    """How far a search's index build has got (``done`` of ``total`` steps)."""

    done: int
    total: int


@dataclass
class DueRead(Message):
    """What is due, read in a worker (documents, proposals, runs)."""

    report: DueReport


@dataclass
class RunsListed(Message):
    """The open runs, read from disk."""

    listing: Listing


@dataclass
class Proposed(Message):
    """A proposal was made from the propose dialog."""

    proposal: Proposal


# ---- acknowledgements (issue 14) -------------------------------------------------------


@dataclass
class AckRead(Message):
    """Where the person acting stands on the shown document's current revision (None:
    nothing to acknowledge, or not one of ``[people]``)."""

    doc_id: str
    reading: Reading | None


@dataclass
class Acknowledged(Message):
    """An acknowledgement was committed on main; ``reading`` is the prompt's new state."""

    ack: Ack
    reading: Reading | None
