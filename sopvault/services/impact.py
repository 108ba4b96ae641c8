"""What approving a change touches, before anyone signs (ISO 9001 §6.3 planning of
changes, §8.5.6 control of changes, §7.5.3 control of documented information): the
documents below and beside it (``core.impact``), the open runs that will be following an
older revision, and the people who will owe an acknowledgement (``core.readers``).

Fast on a large vault: the vault comes from its load cache, the runs from the runs
cache, and git is asked one to three direct questions (the document's blob on main; the
working copy's only when its bytes are not that blob; main's text when they differ)
without importing GitPython (``store.git.peek``); no history is walked.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from sopvault.core.impact import Reachable, Reached, reach
from sopvault.core.parse import parse_text
from sopvault.core.readers import must_read, unknown_readers
from sopvault.core.tree import VaultTree
from sopvault.errors import SopvaultError
from sopvault.model.config import Person
from sopvault.model.document import Document
from sopvault.model.run import RunState
from sopvault.services.impactlinks import Linked, linked
from sopvault.services.runfiles import parse as parse_run
from sopvault.services.runlist import list_runs
from sopvault.services.vault import Vault
from sopvault.store.git.peek import Peek

if TYPE_CHECKING:
    from sopvault.services.workspace import Workspace


@dataclass(frozen=True)
class OpenRun:
    """An open run of the document: the version it follows, and whether that is already
    older than main's text (``older``); every open run keeps its text when a change is
    approved, so all of them follow an older revision after it."""

    id: str
    started_at: datetime
    started_by: str
    version: str | None
    older: bool


@dataclass(frozen=True)
class Readers:
    """Who will owe an acknowledgement of the new revision (ISO 9001 §7.2, §7.3).

    ``people`` must read it once approved (``core.readers.must_read`` of the proposed
    text); ``new`` of them did not have to read the revision in force, ``dropped`` had to
    and no longer will. ``roles`` are the roles it names (its ``roles`` and ``role:``
    readers) with the handles of the people holding each, none for a role nobody holds;
    ``unknown`` the ``readers`` entries naming nobody.
    """

    people: tuple[Person, ...]
    new: tuple[Person, ...] = ()
    dropped: tuple[Person, ...] = ()
    roles: tuple[tuple[str, tuple[str, ...]], ...] = ()
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True)
class Impact:
    """What approving a change of one document touches.

    ``document`` is the text as it will be (the proposal's, the edited working copy's, or
    main's when nothing is changed); ``change`` says which (``working copy``, ``proposal
    7``, None: no change yet); ``version_now`` is main's version (None: not on main).
    ``reached`` is ``core.impact.reach`` in the vault as loaded; ``notes`` say what could
    not be told.
    """

    document: Document
    change: str | None
    version_now: str | None
    reached: tuple[Reached, ...]
    runs: tuple[OpenRun, ...]
    readers: Readers
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _OnMain:
    """The document on main: its blob id and parsed text (None when main lacks it)."""

    blob: str | None
    document: Document | None


class Impacts:
    """Impact reports on one vault; reads only.

    ``git`` is the repository holding the vault (None outside git) and ``main`` the branch
    approved documents live on; ``ws``, when the caller has one open (the TUI), serves
    proposals without opening another.
    """

    def __init__(
        self, vault: Vault, git: Peek | None, main: str, ws: Workspace | None = None
    ) -> None:
        self.vault = vault
        self.git = git
        self.main_ref = f"refs/heads/{main}"
        self._ws = ws
        self._linked: Linked | None = None

    def linked(self) -> Linked:
        """The vault as the walk reads it (``services.impactlinks``), read once."""
        if self._linked is None:
            self._linked = linked(self.vault)
        return self._linked

    def spelled(self, typed: str) -> str | None:
        """The vault's own spelling of a typed document id, None when no loaded document
        has it (``cli.params.require_id`` then says so, suggesting a close one)."""
        return self.linked().spelled(typed)

    @classmethod
    def open(cls, vault: Vault) -> Impacts:
        """Impacts on ``vault``, its repository found cheaply (no GitPython import)."""
        git = Peek.at(vault.root)
        main = git.main_branch(vault.config.main_branch) if git else "main"
        return cls(vault, git, main)

    @classmethod
    def of(cls, ws: Workspace) -> Impacts:
        """Impacts on an open workspace (its repository and main branch)."""
        git = Peek(ws.repo.root, ws.prefix) if ws.repo is not None else None
        return cls(ws.vault, git, ws.main, ws)

    def of_document(self, doc_id: str) -> Impact:
        """The impact of changing ``doc_id``: of its working copy's edits when it has any
        (what ``propose`` would send), else of a change still to be made. Raises
        DocumentNotFound or InvalidId for an id the vault does not hold."""
        doc = self._document(doc_id)
        notes: list[str] = []
        if self.git is None:
            notes.append("the vault is not in git: the working copy stands for main")
            return self._impact(doc, None, _OnMain(None, None), notes)
        here = self.git.prefix + doc.path
        blob = self.git.blob_id(self.main_ref, here)
        if blob is None and not self.git.answers():
            notes.append("git cannot be asked here: the working copy stands for main")
            return self._impact(doc, None, _OnMain(None, None), notes)
        if blob is None:
            return self._impact(doc, "working copy", _OnMain(None, None), notes)  # new
        if self.git.unchanged(here, blob):
            return self._impact(doc, None, _OnMain(blob, doc), notes)
        return self._impact(doc, "working copy", self._on_main(blob, doc.path), notes)

    def of_proposal(self, label: str) -> list[Impact]:
        """The impact of each document a proposal changes (``7`` or ``SOP-003/7``), with
        the proposed text's readers. Raises NeedsGit without a repository and
        RevisionError (ProposalNotFound) when there is no such proposal."""
        from sopvault.services.impactproposal import proposed_documents
        from sopvault.services.workspace import Workspace

        ws = self._ws or Workspace.of(self.vault)
        number, texts = proposed_documents(ws, label)
        impacts = []
        for doc in texts:
            notes: list[str] = []
            main = _OnMain(None, None)
            if self.git is not None:
                blob = self.git.blob_id(self.main_ref, self.git.prefix + doc.path)
                main = self._on_main(blob, doc.path) if blob else main
            impacts.append(self._impact(doc, f"proposal {number}", main, notes))
        return impacts

    # ---- the parts ---------------------------------------------------------------------

    def _walked(self) -> tuple[Mapping[str, Reachable], VaultTree]:
        if "state" in self.vault.__dict__:
            return self.vault.state.documents, self.vault.state.tree
        links = self.linked()
        return links.documents, links.tree

    def _document(self, doc_id: str) -> Document:
        """The whole working-copy document: the loaded vault's when it is loaded (the
        TUI), else read from its file by the path the links give."""
        if "state" in self.vault.__dict__:
            return self.vault.get(doc_id)
        return self.linked().document(self.vault, doc_id)

    def _on_main(self, blob: str, path: str) -> _OnMain:
        """Main's text of the document (blob ``blob`` at vault path ``path``), parsed."""
        assert self.git is not None
        data = self.git.blob(blob) or b""
        return _OnMain(blob, parse_text(path, data.decode("utf-8", "replace")).document)

    def _impact(self, doc: Document, change: str | None, main: _OnMain, notes: list[str]) -> Impact:
        # the loaded vault's documents and tree when it is loaded (the TUI), else the links
        documents, tree = self._walked()
        if doc.id in documents:
            reached = tuple(reach(documents, tree, doc.id))
        else:
            reached = ()
            notes.append(f"{doc.id} is not in this vault's working copy: no links to it yet")
        before = main.document if change is not None else doc
        return Impact(
            document=doc,
            change=change,
            version_now=main.document.version if main.document else None,
            reached=reached,
            runs=tuple(self._open_runs(doc, main, notes)),
            readers=self._readers(before, doc),
            notes=tuple(notes),
        )

    def _open_runs(self, doc: Document, main: _OnMain, notes: list[str]) -> list[OpenRun]:
        """The document's open runs (from the runs cache), each read for the text it
        follows: older when main's blob is another (without git: another version)."""
        found = []
        listing = list_runs(self.vault, doc.id, open_only=True)
        for summary in listing.runs:
            if summary.state is not RunState.OPEN:
                continue
            try:
                run = parse_run((self.vault.root / summary.file).read_text("utf-8"), summary.file)
            except (SopvaultError, OSError, UnicodeDecodeError) as err:
                notes.append(f"run {summary.id} cannot be read: {err}")
                continue
            if main.blob is not None:
                older = run.blob != main.blob
            else:  # without git the runs follow the working copy, known by its version
                older = self.git is None and run.version != doc.version
            found.append(OpenRun(run.id, run.started_at, run.started_by, run.version, older=older))
        for problem in listing.problems:
            notes.append(f"{problem.path}: {problem.message}")
        return found

    def _readers(self, before: Document | None, after: Document) -> Readers:
        """Who must read ``after`` once approved, and who changes against ``before`` (the
        revision in force; None: nothing is in force, so everyone is new)."""
        people = list(self.vault.config.people.values())
        now = must_read(after, people)
        then = must_read(before, people) if before is not None else []
        handles_then = {p.handle for p in then}
        handles_now = {p.handle for p in now}
        named = [r for r in after.readers if r.strip().lower().startswith("role:")]
        names = [r.strip() for r in after.roles] + [r.split(":", 1)[1].strip() for r in named]
        roles: list[tuple[str, tuple[str, ...]]] = []
        for role in names:
            if role and all(role.lower() != known.lower() for known, _ in roles):
                holders = must_read(replace(after, roles=[role], readers=[]), people)
                roles.append((role, tuple(p.handle for p in holders)))
        return Readers(
            people=tuple(now),
            new=tuple(p for p in now if p.handle not in handles_then),
            dropped=tuple(p for p in then if p.handle not in handles_now),
            roles=tuple(roles),
            unknown=tuple(unknown_readers(after, people)),
        )
