"""The TUI's typed messages: what workers send back to the UI thread, and what screens ask
the app for (navigation). Attributes go down, these go up."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import RenderableType
from textual.message import Message

from sopvault.model.document import Document
from sopvault.model.finding import Finding
from sopvault.model.search import SearchResponse
from sopvault.services.review.revisions import LocalEdit, Proposal
from sopvault.services.runs import Listing, Resumed, Runs, Started
from sopvault.services.sync import Distance, SyncReport
from sopvault.services.vault import VaultState

# ---- the one error path ----------------------------------------------------------------


class WorkFailed(Message):
    """A worker's ``SopvaultError`` (or ``OSError`` from the disk), posted to the worker's
    node. It bubbles to the app, which shows it as one error notice; a screen that shows
    the problem in place (a status line, a dialog) handles it first and stops it."""

    def __init__(self, error: Exception, group: str, title: str) -> None:
        super().__init__()
        self.error = error
        self.group = group  # the worker group it came from: "load", "mark", ...
        self.title = title  # the notice's title: "Cannot start", "Not done", ...


# ---- navigation: screens ask, the app pushes -------------------------------------------


class OpenHistory(Message):
    """Show the approved revisions of one document."""

    def __init__(self, doc_id: str, title: str) -> None:
        super().__init__()
        self.doc_id = doc_id
        self.title = title


class OpenReviews(Message):
    """Show the reviews inbox; ``reopen`` is the document to show again after a decision."""

    def __init__(self, reopen: str | None) -> None:
        super().__init__()
        self.reopen = reopen


class OpenRuns(Message):
    """Show the open runs, to resume one."""


class EditDocument(Message):
    """Hand the terminal to the user's editor on this document, then reload it."""

    def __init__(self, doc: Document) -> None:
        super().__init__()
        self.doc = doc


class OfferProposal(Message):
    """Local edits were found: offer the propose dialog (``selected`` ticked first)."""

    def __init__(self, edits: list[LocalEdit], selected: str | None) -> None:
        super().__init__()
        self.edits = edits
        self.selected = selected


class RunReady(Message):
    """A run was started or resumed in a worker: open it in the runner."""

    def __init__(self, runs: Runs, started: Started | Resumed, doc: Document) -> None:
        super().__init__()
        self.runs = runs
        self.started = started
        self.doc = doc


class ShowText(Message):
    """Show one renderable to read in a modal (a work instruction, a sync report)."""

    def __init__(self, title: str, body: RenderableType) -> None:
        super().__init__()
        self.title = title
        self.body = body


# ---- results of workers ----------------------------------------------------------------


@dataclass
class Loaded:
    """What the browse screen shows after loading: the state, and git's distance."""

    state: VaultState
    distance: Distance | None  # ahead/behind the server as last fetched; None without one
    git_note: str  # why the git features are unavailable, "" when they are available
    read_only: bool  # the vault cannot be written: browse and search only


class VaultLoaded(Message):
    """The vault was (re)loaded off the UI thread."""

    def __init__(self, loaded: Loaded) -> None:
        super().__init__()
        self.loaded = loaded


class DocumentRead(Message):
    """One document was read in full, with the problems found in its file."""

    def __init__(self, doc: Document, findings: list[Finding]) -> None:
        super().__init__()
        self.doc = doc
        self.findings = findings


class Synced(Message):
    """A sync with the team's server finished."""

    def __init__(self, report: SyncReport) -> None:
        super().__init__()
        self.report = report


class SearchAnswered(Message):
    """The answer to one query: a response, or why the query is malformed."""

    def __init__(self, query: str, response: SearchResponse | None, problem: str) -> None:
        super().__init__()
        self.query = query
        self.response = response
        self.problem = problem


class RunsListed(Message):
    """The open runs, read from disk."""

    def __init__(self, listing: Listing) -> None:
        super().__init__()
        self.listing = listing


class Proposed(Message):
    """A proposal was made from the propose dialog."""

    def __init__(self, proposal: Proposal) -> None:
        super().__init__()
        self.proposal = proposal
