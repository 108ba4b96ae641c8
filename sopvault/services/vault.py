"""The Vault service: the one entry point the CLI and the TUI use for everything on disk."""

from __future__ import annotations

import gc
import os
import tempfile
from dataclasses import dataclass
from datetime import date, tzinfo
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sopvault.core.config import CONFIG_FILE, parse_config
from sopvault.core.localtime import zone_of
from sopvault.core.tree import VaultTree, ancestors, build_tree
from sopvault.errors import ConfigError, DocumentNotFound, InvalidId, ReadOnly, SopvaultError
from sopvault.model.config import VaultConfig
from sopvault.model.document import Document, Kind, is_valid_id
from sopvault.model.finding import Finding
from sopvault.model.listing import Listed
from sopvault.services.clock import Clock, local_date, system_clock
from sopvault.services.indexing import Searchable
from sopvault.services.listing import DocumentFilter as DocumentFilter
from sopvault.services.listing import Listing as Listing
from sopvault.services.listing import cached_listing
from sopvault.services.shipped import ADVICE, is_shipped
from sopvault.store import cache as loadcache
from sopvault.store import statedir
from sopvault.store.fs import (
    FileStamp,
    find_vault_root,
    safe_relative,
    scan_documents,
    scan_stamps,
    write_atomic,
)
from sopvault.store.listing import read_listing, write_listing

if TYPE_CHECKING:  # imported where used: a warm listing neither parses nor checks
    from sopvault.core.checks import CheckedVault


@dataclass(frozen=True)
class VaultState:
    """One consistent load of the vault: documents, tree and findings belong together."""

    checked: CheckedVault
    tree: VaultTree
    reused: int
    parsed: int

    @property
    def documents(self) -> dict[str, Document]:
        """Every document loaded, by id."""
        return self.checked.documents

    @property
    def findings(self) -> list[Finding]:
        """Every problem found in the documents (findings, not exceptions)."""
        return self.checked.findings

    @property
    def skipped(self) -> list[str]:
        """Files left out of the load (vault-relative paths)."""
        return self.checked.skipped

    def ancestors(self, doc_id: str) -> list[str]:
        """The first-parent chain above a document, nearest first."""
        return ancestors(self.documents, doc_id)


class Vault(Searchable):
    """A vault on disk. Loading is lazy and cached; call ``reload()`` after outside changes."""

    def __init__(self, root: Path, config: VaultConfig, clock: Clock | None = None) -> None:
        self.root = root
        self.config = config
        self.clock: Clock = clock or system_clock
        self._config_text = repr(config)

    @property
    def zone(self) -> tzinfo | None:
        """The zone times are shown in: ``[vault] timezone``, or None for the user's own
        local zone (``core.localtime`` reads None so)."""
        return zone_of(self.config.timezone)

    @property
    def today(self) -> date:
        """The date checks and approvals use: the clock's (the workspace's) date in the
        vault's time zone, else the user's."""
        return local_date(self.clock, self.zone)

    @classmethod
    def open(cls, path: Path | None = None, *, clock: Clock | None = None) -> Vault:
        """Open the vault at ``path`` or the nearest one above it (default: the current
        folder); ``clock`` is the workspace's (the system clock by default). Raises
        VaultNotFound when there is no vault, ConfigError when its config cannot be read."""
        root = find_vault_root(path or Path.cwd())
        config_path = root / CONFIG_FILE
        try:
            text = config_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise ConfigError(f"cannot read: {err}", path=str(config_path)) from None
        vault = cls(root, parse_config(text, str(config_path)), clock)
        vault._config_text = text
        vault.state_dir  # noqa: B018 - settled now, so a refused cache is named up front
        return vault

    @staticmethod
    def init(folder: Path, name: str | None = None) -> tuple[Vault, list[Path], bool]:
        """Make ``folder`` a vault; ``git init`` it when it is not inside a work tree.

        Returns the vault, the files written and whether a repository was created.
        """
        from sopvault.services import scaffold
        from sopvault.store.git import discovery as gitstore

        folder = folder.resolve()
        written = scaffold.write_new_vault(folder, name or folder.name)
        created_repo = False
        if gitstore.find_work_tree(folder) is None:
            gitstore.init_repository(folder)
            created_repo = True
        return Vault.open(folder), written, created_repo

    @cached_property
    def read_only(self) -> bool:
        """Whether sopvault may write here: tried once, by creating a temporary file in the
        vault's folder and removing it (permissions, a read-only mount or an immutable
        folder all count). Nothing is left behind: state lives outside the vault."""
        try:
            fd, probe = tempfile.mkstemp(dir=self.root, prefix=".sopvault-probe-")
            os.close(fd)
            os.unlink(probe)
        except OSError:
            return True
        return False

    @cached_property
    def state_dir(self) -> Path:
        """This vault's private folder in the user's cache (``store.statedir``): never a
        folder in the vault, so nothing that arrives with a vault is ever read as state."""
        return statedir.state_dir_for(self.root)

    @cached_property
    def shipped(self) -> bool:
        """Whether this is the sample vault shipped inside sopvault itself (see
        ``services.shipped``): browse and search only."""
        return is_shipped(self.root)

    @property
    def writable(self) -> bool:
        """Whether writers may act here: not read-only and not the shipped sample."""
        return not (self.read_only or self.shipped)

    def notes(self) -> list[str]:
        """What works differently here, for the CLI's stderr and the TUI's status line."""
        if self.shipped:
            return [f"this is the sample vault shipped with sopvault: browse and search; {ADVICE}"]
        if self.read_only:
            return [
                f"this vault is read-only: browsing and search work (the index is kept in"
                f" {self.state_dir}); editing, proposing, approving, runs and sync are disabled"
            ]
        return []

    def must_be_writable(self, what: str) -> None:
        """Refuse ``what`` (e.g. "propose") where sopvault must not write: the one place
        every writer asks (runs, propose, restore, approve, reject, sync, new, edit).
        Raises ReadOnly on a read-only vault and on the shipped sample vault (a write there
        would commit into sopvault's own repository)."""
        if self.shipped:
            raise ReadOnly(
                f"cannot {what}: this is the sample vault shipped inside sopvault ({self.root});"
                f" {ADVICE}"
            )
        if self.read_only:
            raise ReadOnly(f"cannot {what}: this vault is read-only ({self.root})")

    @cached_property
    def state(self) -> VaultState:
        """Load, check and build the tree; an unchanged vault comes whole from the snapshot."""
        # A load builds hundreds of thousands of small objects and frees almost none: the
        # cyclic GC would walk them again and again for nothing (2.5x slower on 10k files).
        return self._load(scan_documents(self.root))

    def _load(self, scan: tuple[list[FileStamp], list[Finding]]) -> VaultState:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return self._load_scanned(*scan)
        finally:
            if was_enabled:
                gc.enable()

    def _load_scanned(self, stamps: list[FileStamp], refused: list[Finding]) -> VaultState:
        cache_dir = self.state_dir / "cache"
        today = self.today
        key = loadcache.snapshot_key(stamps, refused, self._config_text, today)
        snapshot = loadcache.read_snapshot(cache_dir, key)
        if snapshot is not None:
            checked, tree = snapshot
            return VaultState(checked, tree, reused=len(stamps), parsed=0)
        report = loadcache.load_results(self.root, stamps, refused, cache_dir)
        from sopvault.core.checks import check_vault

        checked = check_vault(report.results, self.config, today=today)
        tree = build_tree(checked.documents)
        loadcache.write_snapshot(cache_dir, key, checked, tree)
        return VaultState(checked, tree, report.reused, report.parsed)

    def listing(self, criteria: DocumentFilter | None = None) -> Listing:
        """The rows ``sopvault list`` prints for ``criteria`` (default: every document),
        by kind order then id, as ``select`` orders documents.

        Warm, they come from the listing cache (``store.listing``) when it was written for
        this very load (the same key as the load snapshot: every file's stamp, the config,
        the date), without unpickling any document; else the vault is loaded (as
        ``state``) and the cache written. Either way the rows are those of
        ``Listed.of`` over ``select``: the cache holds exactly what a load gives."""
        criteria = criteria or DocumentFilter()
        if "state" not in self.__dict__:
            stamps, refused = scan_stamps(self.root)
            key = loadcache.snapshot_key(stamps, refused, self._config_text, self.today)
            cache_dir = self.state_dir / "cache"
            found = read_listing(cache_dir, key)

            def relist() -> list[Listed]:  # a load, and the listing written again
                scan = (list(map(FileStamp._make, stamps)), refused)
                self.__dict__["state"] = state = self._load(scan)
                everything = [tuple(row) for row in self._rows(DocumentFilter())]
                write_listing(cache_dir, key, everything, list(state.skipped))
                return self._rows(criteria)

            if found is not None:
                listing = cached_listing(found, criteria, relist)
                if listing is not None:
                    return listing
            relist()
        return Listing.of(self._rows(criteria), list(self.state.skipped))

    def _rows(self, criteria: DocumentFilter) -> list[Listed]:
        """The listing's rows of the loaded documents matching ``criteria``."""
        return [Listed.of(d) for d in self.select(criteria)]

    def snapshot_only(self) -> VaultState | None:
        """Today's load when the snapshot in the cache matches the files now (light
        documents), else None: never parses, so a caller that only might use it (the vault
        of a past date, for the texts unchanged since) never pays for a cold load."""
        if "state" in self.__dict__:
            return self.state
        if not (self.state_dir / "cache" / loadcache.SNAPSHOT_NAME).is_file():
            return None  # no snapshot at all: no need to scan 10,000 files to say so
        stamps, refused = scan_documents(self.root)
        key = loadcache.snapshot_key(stamps, refused, self._config_text, self.today)
        found = loadcache.read_snapshot(self.state_dir / "cache", key)
        return None if found is None else VaultState(found[0], found[1], len(stamps), 0)

    def reload(self) -> VaultState:
        """Forget the loaded state and load again (cheap: unchanged files come from cache)."""
        self.__dict__.pop("state", None)
        return self.state

    @property
    def documents(self) -> dict[str, Document]:
        """Every document of the current load, by id."""
        return self.state.documents

    def get(self, doc_id: str) -> Document:
        """The document with this id; an invalid id is refused before any lookup."""
        if not is_valid_id(doc_id):
            raise InvalidId(f"{doc_id!r} is not a valid document id")
        doc = self.documents.get(doc_id)
        if doc is None:
            hint = ""
            if self.state.skipped:
                hint = " (some files were skipped; see `sopvault check`)"
            raise DocumentNotFound(f"no document with id '{doc_id}'{hint}")
        if not doc.complete:
            doc = self._complete(doc)
        return doc

    def _complete(self, light: Document) -> Document:
        """Read the full document behind a light one from the snapshot."""
        result = loadcache.parse_file(self.root, light.path)
        full = result.document
        if full is None or full.id != light.id:
            raise SopvaultError(
                "the file changed since the vault was loaded; reload", path=light.path
            )
        self.state.documents[light.id] = full
        return full

    def select(self, criteria: DocumentFilter) -> list[Document]:
        """Documents matching the filter, by kind order then id."""
        order = {kind: i for i, kind in enumerate(Kind)}
        found = [d for d in self.documents.values() if criteria.matches(d)]
        return sorted(found, key=lambda d: (order[d.kind], d.id))

    def findings_for(self, path: str) -> list[Finding]:
        """The findings in one file (vault-relative ``path``)."""
        return [f for f in self.state.findings if f.path == path]

    def path_of(self, doc: Document) -> Path:
        """The document's file; raises InvalidId when its path would leave the vault."""
        return safe_relative(self.root, doc.path)

    def read_text(self, doc: Document) -> str:
        """The document's file as text (UTF-8); raises OSError when it cannot be read."""
        return self.path_of(doc).read_text(encoding="utf-8")

    def update_fields(self, doc_id: str, changes: dict[str, Any]) -> Document:
        """Set front-matter fields of a document on disk; the body stays byte-for-byte."""
        self.must_be_writable(f"change {doc_id}")
        doc = self.get(doc_id)
        path = self.path_of(doc)
        raw = path.read_bytes().decode("utf-8")
        from sopvault.core.parse import parse_text, with_changes

        text = with_changes(raw, changes)
        result = parse_text(doc.path, text)
        if result.document is None:
            raise SopvaultError("the change would make the document unreadable", path=doc.path)
        write_atomic(path, text.encode("utf-8"))
        self.reload()
        return self.get(result.document.id)

    def new_document(self, kind: Kind, title: str, parent: str | None = None) -> Document:
        """Create a draft from the vault's template for ``kind`` with a fresh id."""
        from sopvault.services import scaffold

        self.must_be_writable("create a document")
        title = " ".join(title.split())
        if not title:
            raise SopvaultError("a title is needed (--title)")
        parents: list[str] = []
        if parent is not None:
            parents = [self.get(parent).id]
        template_path = self.root / "templates" / f"{kind.value}.md"
        if template_path.is_file():
            template = template_path.read_text(encoding="utf-8")
            template_rel = f"templates/{kind.value}.md"
        else:
            template, template_rel = scaffold.packaged_template(kind), f"<built-in {kind.value}>"
        doc_id = scaffold.next_id(self.config.id_prefixes[kind], set(self.documents))
        text = scaffold.fill_template(template, template_rel, doc_id, title, parents)
        rel = f"{self.config.folders[kind]}/{doc_id}-{scaffold.slugify(title)}.md"
        target = safe_relative(self.root, rel)
        if target.exists():
            raise SopvaultError(f"{rel} already exists")
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text.encode("utf-8"))
        self.reload()
        return self.get(doc_id)
