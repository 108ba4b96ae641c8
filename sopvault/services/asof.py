"""The vault on any date: every document as main held it at the end of that day, read from
git and never written (ISO 9001 §7.5.3.2: the version in force is retrievable; 21 CFR Part
11 §11.10(b): accurate and complete copies of the record).

"In force" is main's first-parent line: the newest commit of main's own line committed at
or before the moment asked (an approval lands as one such commit, so its committer date is
the moment it took effect). Documents are read from that commit's tree in one ``ls-tree``
and one ``cat-file --batch``, and parsed by ``core.parse`` like the working copy, so
findings, the tree and ``show`` work the same. Nothing touches the work tree or git's
index; only the user's private cache folder may gain a snapshot.
"""

from __future__ import annotations

import gc
import posixpath
from functools import cached_property

from sopvault import __version__
from sopvault.core.asof import AsOfMoment, read_moment
from sopvault.core.checks import check_vault, index_results
from sopvault.core.config import CONFIG_FILE
from sopvault.core.localtime import shown_iso
from sopvault.core.parse import parse_bytes
from sopvault.core.tree import build_tree
from sopvault.errors import DocumentNotFound, InvalidId, NotFound, ReadOnly
from sopvault.model.config import VaultConfig
from sopvault.model.document import Document, Kind, is_valid_id
from sopvault.model.finding import Finding, ParseResult
from sopvault.model.search import SearchResponse
from sopvault.services.asofcold import parse_cold
from sopvault.services.indexing import Progress
from sopvault.services.review.common import parse_config_bytes
from sopvault.services.vault import DocumentFilter, VaultState
from sopvault.services.workspace import Workspace
from sopvault.store import cache as loadcache
from sopvault.store.git.log import LINK_MODE
from sopvault.store.git.repo import Commit, Repo
from sopvault.store.heads import HeadCache

FILE_MODES = ("100644", "100755")
SNAPSHOT_NAME = "asof.pickle"


class NotInHistory(NotFound):
    """An ``--as-of`` moment main's history cannot answer for: before its first commit,
    in the future, or a main branch with no commits."""


class AsOf:
    """The vault as approved at ``moment``: documents, tree and findings of main's commit
    in force then. Read only: ``must_be_writable`` refuses every writer.

    Raises NeedsGit outside a repository and NotInHistory (one line) for a moment before
    main's first commit, in the future, or a main with no commits."""

    def __init__(self, ws: Workspace, moment: AsOfMoment, *, whole: bool = True) -> None:
        self.ws = ws
        self.moment = moment
        self.whole = whole
        self.repo: Repo = ws.git()
        tip = self.repo.rev(ws.main_ref)
        if tip is None:
            raise NotInHistory(f"the main branch '{ws.main}' has no commits yet: no past to show")
        if moment.is_future(ws.now()):
            raise NotInHistory(
                f"{moment.asked} is in the future (today is {ws.today}): nothing was approved"
                " then yet"
            )
        found = self.repo.log(tip, first_parent=True, limit=1, until=moment.epoch)
        if not found:
            first = self.repo.log(tip, first_parent=True)[-1]  # only on this refusal
            cut = self.repo.history_cut(tip)  # a shallow clone: older commits are elsewhere
            raise NotInHistory(
                f"{moment.asked} is before the history here: {ws.main}'s first commit here is"
                f" {first.sha[:7]} of {shown_iso(first.commit_date, ws.zone)}; {cut}"
                if cut
                else f"{moment.asked} is before the vault's history: {ws.main}'s first commit"
                f" is {first.sha[:7]} of {shown_iso(first.commit_date, ws.zone)}"
            )
        self.commit: Commit = found[0]

    @classmethod
    def open(cls, ws: Workspace, asked: str, *, whole: bool = True) -> AsOf:
        """The vault as of ``asked`` (a date, or an ISO timestamp), in the vault's time
        zone (``[vault] timezone``, else the user's); ``whole=False`` for a listing
        (below). Raises AsOfError for a malformed value, NotInHistory as ``AsOf``."""
        return cls(ws, read_moment(asked, ws.zone), whole=whole)

    # ---- what the reader is told ---------------------------------------------------------

    def banner(self) -> str:
        """One line saying what is shown: ``As of 2026-03-03: main at 3f1c2e0 (2026-03-01
        10:15 CET, Carmen Ruiz: Include back-ordered ...). Read only.`` (text from git: the
        caller makes it inert)."""
        commit = self.commit
        subject = commit.subject if len(commit.subject) <= 60 else commit.subject[:57] + "..."
        return (
            f"As of {self.moment.asked}: {self.ws.main} at {commit.sha[:7]}"
            f" ({shown_iso(commit.commit_date, self.ws.zone)}, {commit.committer.name}:"
            f" {subject}). Read only."
        )

    def must_be_writable(self, what: str) -> None:
        """Refuse ``what`` always: the past is read only (a change is made on today's
        vault and approved, never written into history). Raises ReadOnly."""
        raise ReadOnly(
            f"cannot {what}: this is the vault as of {self.moment.asked} (read only);"
            " go back to today first"
        )

    # ---- the documents -----------------------------------------------------------------

    @cached_property
    def config(self) -> VaultConfig:
        """The vault's rules as committed then (today's when none was, or it is broken)."""
        path = self.ws.repo_path(CONFIG_FILE)
        data = self.repo.blob(self.commit.sha, path)
        return (parse_config_bytes(data) if data is not None else None) or self.ws.vault.config

    @cached_property
    def blobs(self) -> dict[str, str]:
        """{vault path: blob id} of every document file in the commit; a symbolic link
        inside the vault counts as the file it leads to, as the scanner loads it."""
        entries = self.repo.tree_entries(self.commit.sha, self.ws.prefix)
        found: dict[str, str] = {}
        for path, (mode, sha) in entries.items():
            rel = self.ws.vault_path(path)
            if rel is None or not self.ws.is_document(path):
                continue
            if mode in FILE_MODES:
                found[rel] = sha
            elif mode == LINK_MODE:
                target = _link_target(self.repo, path, sha, entries)
                if target is not None and self.ws.is_document(target):
                    found[rel] = entries[target][1]
        return found

    @cached_property
    def state(self) -> VaultState:
        """Documents, findings and tree as a checkout of the commit would load them, with
        review dates counted from the date asked, kept in the user's cache folder by commit
        and date (a commit never changes, so neither does the answer). Without ``whole``
        (a listing: ``list``, ``tree``) each document is read up to its first table
        (``core.parse.parse_head``: its top-level fields, in a third of the time), only the
        parse findings are kept, and nothing is cached; ``get`` still reads whole."""
        cache_dir = self.ws.vault.state_dir / "cache"
        key = repr((__version__, self.commit.sha, self.moment.day, self.whole, repr(self.config)))
        cached = loadcache.read_cached(cache_dir / SNAPSHOT_NAME)
        if isinstance(cached, tuple) and len(cached) == 2 and cached[0] == key:
            state = cached[1]
            if isinstance(state, VaultState):
                return state
        was_enabled = gc.isenabled()
        gc.disable()  # as Vault.state: a load allocates much and frees little
        try:
            state = self._load()
        finally:
            if was_enabled:
                gc.enable()
        if self.whole:  # a listing is cheaper to read again than to pickle (0.8 s on 10k)
            light = loadcache.lighten(state.checked)
            snapshot = (key, VaultState(light, state.tree, 0, 0))
            loadcache.write_cached(cache_dir, SNAPSHOT_NAME, snapshot)
        return state

    def _load(self) -> VaultState:
        if not self.whole:
            return self._listing()
        contents = self.repo.read_blobs(list(self.blobs.values()))
        results = [
            parse_bytes(rel, contents[sha])
            for rel, sha in sorted(self.blobs.items())
            if sha in contents
        ]
        checked = check_vault(results, self.config, today=self.moment.day)
        return VaultState(checked, build_tree(checked.documents), 0, len(results))

    def _listing(self) -> VaultState:
        """A listing's state: each text's top-level fields from the blob-keyed cache
        (``store.heads``: a text any earlier command read on this machine, for any date or
        for ``due``), else from today's cached load when the work tree still holds that
        text, else read from git and parsed (and remembered)."""
        heads = HeadCache(self.ws.vault.state_dir / "cache")
        missing = set(heads.missing(self.blobs.values()))
        reused = self._unchanged_today(missing) if missing else {}
        wanted = {rel: sha for rel, sha in self.blobs.items() if rel not in reused}
        todo: dict[str, str] = {}
        for rel, sha in wanted.items():
            if sha in missing:
                todo.setdefault(sha, rel)
        fresh: dict[str, ParseResult] = {}
        if todo and not reused:  # nothing cached: most texts then are today's (asofcold)
            paths = {sha: self.ws.repo_path(rel) for sha, rel in todo.items()}
            fresh = parse_cold(self.repo, self.commit.sha, todo, paths, heads)
        else:  # what the work tree still holds was reused: the rest differs from it
            for sha, data in self.repo.stream_blobs(list(todo)):  # parsed as git reads on
                fresh[sha] = heads.add(sha, todo[sha], data)
        results = heads.results(wanted, {}, fresh)
        heads.save()
        parsed = sum(1 for result in results if wanted[result.path] in todo)
        results += [ParseResult(rel, doc, []) for rel, doc in reused.items()]
        checked = index_results(results)
        return VaultState(checked, build_tree(checked.documents), len(results) - parsed, parsed)

    def _unchanged_today(self, missing: set[str]) -> dict[str, Document]:
        """{vault path: today's light document} for the files whose text then is the text
        today among the blob ids ``missing`` from the blob-keyed cache, when today's load
        is in the cache: a listing need not read those again. A file counts only when its
        bytes hash to that blob id (``Repo.worktree_holds``), never on git's index's word:
        the index calls a smudged, converted, assume-unchanged or skip-worktree file
        unchanged, and today's parse of it is not the approved text. Empty when today's
        load is not cached (nothing is parsed to find out)."""
        today = self.ws.vault.snapshot_only()
        if today is None:
            return {}
        by_path = {doc.path: doc for doc in today.documents.values()}
        asked = {
            self.ws.repo_path(rel): sha
            for rel, sha in self.blobs.items()
            if sha in missing and rel in by_path
        }
        exact = self.repo.worktree_holds(asked)
        return {rel: by_path[rel] for rel in self.blobs if self.ws.repo_path(rel) in exact}

    @property
    def documents(self) -> dict[str, Document]:
        """Every document then, by id (light ones when the state came from the cache)."""
        return self.state.documents

    def get(self, doc_id: str) -> Document:
        """The whole document ``doc_id`` as it was then. Raises InvalidId for a malformed
        id, DocumentNotFound (naming the date) when it did not exist then."""
        if not is_valid_id(doc_id):
            raise InvalidId(f"{doc_id!r} is not a valid document id")
        doc = self.documents.get(doc_id)
        if doc is None:  # typed in another case (sop-003), as the CLI accepts today
            spelled = {known.lower(): known for known in self.documents}.get(doc_id.lower())
            doc = self.documents.get(spelled) if spelled else None
        if doc is None:
            raise DocumentNotFound(
                f"no document with id '{doc_id}' as of {self.moment.asked}"
                f" ({self.ws.main} at {self.commit.sha[:7]})"
            )
        if doc.complete:
            return doc
        return self.document_at(doc.path) or doc

    def document_at(self, rel: str) -> Document | None:
        """The document in file ``rel`` then, parsed whole (None when absent or unusable)."""
        sha = self.blobs.get(rel)
        data = self.repo.read_blobs([sha]).get(sha) if sha else None
        return parse_bytes(rel, data).document if data is not None else None

    def select(self, criteria: DocumentFilter) -> list[Document]:
        """Documents then matching the filter, by kind order then id (as ``Vault.select``)."""
        order = {kind: i for i, kind in enumerate(Kind)}
        found = [d for d in self.documents.values() if criteria.matches(d)]
        return sorted(found, key=lambda d: (order[d.kind], d.id))

    def search(
        self,
        text: str,
        *,
        kind: str | None = None,
        status: str | None = None,
        limit: int = 20,
        progress: Progress | None = None,
    ) -> SearchResponse:
        """Search the texts of then, as ``Vault.search`` searches today's (see
        ``services.asofsearch``); raises QueryError for a malformed query."""
        from sopvault.services.asofsearch import search_as_of

        return search_as_of(self, text, kind=kind, status=status, limit=limit, progress=progress)

    def findings_for(self, path: str) -> list[Finding]:
        """The findings in one file then (vault-relative ``path``)."""
        return [f for f in self.state.findings if f.path == path]


def _link_target(
    repo: Repo, path: str, sha: str, entries: dict[str, tuple[str, str]]
) -> str | None:
    """Where the symbolic link at repository path ``path`` (blob ``sha``: its target)
    leads, when that is a file of the tree (one hop; a link to a link loads nothing)."""
    data = repo.read_blobs([sha]).get(sha)
    if data is None:
        return None
    target = posixpath.normpath(
        posixpath.join(posixpath.dirname(path), data.decode("utf-8", "replace"))
    )
    entry = entries.get(target)
    return target if entry is not None and entry[0] in FILE_MODES else None


def opened(ws: Workspace, asked: str | None) -> AsOf | None:
    """``AsOf.open(ws, asked)``, or None when nothing was asked (today's vault)."""
    return None if asked is None else AsOf.open(ws, asked)
