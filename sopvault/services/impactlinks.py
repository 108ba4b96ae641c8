"""The vault as an impact report walks it: each document's id, title, kind, status, version
and path, and the tree's links (``core.tree.VaultTree``), without loading every checked
document when nothing changed (issue 14: ``impact`` in 0.5 s on 10,000 documents).

On an unchanged vault they come from the links cache (``store.links``), keyed by the load
snapshot's own key (every file's stamp, the config, the date): fresh exactly when the load
snapshot is. Otherwise the vault is loaded as every command loads it (``Vault.state``) and
the cache written from that load, so the cache never holds what a load would not give.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from sopvault.core.tree import VaultTree
from sopvault.errors import DocumentNotFound, InvalidId, SopvaultError
from sopvault.model.document import Document, Kind, Status, is_valid_id
from sopvault.services.vault import Vault, VaultState
from sopvault.store import cache as loadcache
from sopvault.store.fs import scan_documents
from sopvault.store.links import Links, read_links, write_links


class Brief(NamedTuple):
    """A document as the walk shows it (``core.impact.Reachable``)."""

    id: str
    title: str
    kind: Kind
    status: Status | None
    version: str | None


class Briefs(Mapping[str, Brief]):
    """Every loaded document by id as a ``Brief``, made when asked (a report names a few of
    ten thousand): ``rows`` as the links cache holds them."""

    def __init__(self, rows: dict[str, tuple[Any, ...]]) -> None:
        self.rows = rows

    def __getitem__(self, doc_id: str) -> Brief:
        """The brief of ``doc_id``; KeyError when no loaded document has it."""
        title, kind, status, version, _ = self.rows[doc_id]
        return Brief(doc_id, title, Kind(kind), Status(status) if status else None, version)

    def __contains__(self, doc_id: object) -> bool:
        """Whether a loaded document has the id ``doc_id``."""
        return doc_id in self.rows

    def __iter__(self) -> Iterator[str]:
        """The ids, in the load's order."""
        return iter(self.rows)

    def __len__(self) -> int:
        """How many documents were loaded."""
        return len(self.rows)


class Linked(NamedTuple):
    """The vault as impact walks it: ``documents`` (briefs by id), the ``tree``, the vault
    paths of the loaded documents by id (``paths``) and the files left out (``skipped``)."""

    documents: Briefs
    tree: VaultTree
    paths: dict[str, str]
    skipped: list[str]

    def spelled(self, typed: str) -> str | None:
        """The vault's own spelling of a typed id (``sop-010`` -> ``SOP-010``), as
        ``cli.params.resolve_id`` finds it; None when no loaded document has it."""
        if typed in self.paths:
            return typed
        return {known.lower(): known for known in self.paths}.get(typed.lower())

    def document(self, vault: Vault, doc_id: str) -> Document:
        """The whole document ``doc_id``, read from its file as ``Vault.get`` completes a
        light one. Raises InvalidId, DocumentNotFound, or SopvaultError when the file no
        longer holds it (changed since the scan)."""
        if not is_valid_id(doc_id):
            raise InvalidId(f"{doc_id!r} is not a valid document id")
        path = self.paths.get(doc_id)
        if path is None:
            hint = " (some files were skipped; see `sopvault check`)" if self.skipped else ""
            raise DocumentNotFound(f"no document with id '{doc_id}'{hint}")
        full = loadcache.parse_file(vault.root, path).document
        if full is None or full.id != doc_id:
            raise SopvaultError("the file changed since the vault was loaded; reload", path=path)
        return full


def linked(vault: Vault) -> Linked:
    """The vault as impact walks it: from the vault's load when it is loaded already (the
    TUI's), else from the links cache when it was written for this very load, else from a
    load (``Vault.state``, which it leaves loaded), writing the cache."""
    if "state" in vault.__dict__:
        return _linked(links_of(vault.state))
    stamps, refused = scan = scan_documents(vault.root)
    # the load snapshot's own key: the links are fresh exactly when the snapshot is
    key = loadcache.snapshot_key(stamps, refused, vault._config_text, vault.today)
    cache_dir = vault.state_dir / "cache"
    found = read_links(cache_dir, key)
    if found is None:
        state = vault._load(scan)
        vault.__dict__["state"] = state  # as ``Vault.listing`` does: one scan, one load
        found = links_of(state)
        write_links(cache_dir, key, found)
    return _linked(found)


def links_of(state: VaultState) -> Links:
    """What the links cache keeps of one load: plain values only."""
    documents = {
        doc.id: (
            doc.title,
            doc.kind.value,
            doc.status.value if doc.status else None,
            doc.version,
            doc.path,
        )
        for doc in state.documents.values()
    }
    tree = state.tree
    roots = {kind.value: ids for kind, ids in tree.roots.items()}
    return documents, tree.children, roots, tree.related, tree.used_by, list(state.skipped)


def _linked(links: Links) -> Linked:
    documents, children, roots, related, used_by, skipped = links
    tree = VaultTree(
        children=children,
        roots={Kind(kind): ids for kind, ids in roots.items()},
        related=related,
        used_by=used_by,
    )
    paths = {doc_id: row[4] for doc_id, row in documents.items()}
    return Linked(Briefs(documents), tree, paths, skipped)
