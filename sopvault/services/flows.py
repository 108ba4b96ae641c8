"""The documents a flow picture is drawn from, and where a picture is saved (issue 16).

A flow is drawn from one of three texts, as ``show`` reads them: the working copy (what
an author is editing), the approved text on main, or the revision in force on a date
(``--as-of``: what an auditor asks for, ISO 9001 §7.5.3.2). The process map is drawn
from the vault as loaded, or as it was approved on a date.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sopvault.core.flow import process_map
from sopvault.errors import Refused
from sopvault.model.document import Document
from sopvault.model.flow import ProcessMap
from sopvault.services.vault import Vault
from sopvault.store.fs import write_atomic

if TYPE_CHECKING:
    from sopvault.services.asof import AsOf


class OutputExists(Refused):
    """The picture's file exists and replacing it was not asked for."""


def flow_document(vault: Vault, doc_id: str, *, approved: bool = False) -> Document:
    """The complete document to draw: the working copy, or with ``approved`` the latest
    approved text on main. Raises DocumentNotFound, or NeedsGit for ``approved`` outside
    git."""
    if not approved:
        return vault.get(doc_id)
    from sopvault.services.review.history import History
    from sopvault.services.workspace import Workspace

    return History(Workspace.of(vault)).approved_document(doc_id)


def flow_document_as_of(asof: AsOf, doc_id: str) -> Document:
    """The revision of ``doc_id`` in force at ``asof``'s moment (``services.inforce``).
    Raises InvalidId or DocumentNotFound naming the date."""
    from sopvault.services.inforce import in_force

    return in_force(asof, doc_id).document


def vault_map(source: Vault | AsOf) -> ProcessMap:
    """The process map of the vault as loaded, or as approved at an AsOf's moment."""
    state = source.state
    return process_map(state.documents, state.tree)


def save_picture(path: Path, text: str, *, replace: bool = False) -> Path:
    """Write ``text`` (an SVG) to ``path`` atomically, fsynced, and read it back.

    Raises OutputExists when ``path`` exists and ``replace`` is False, Refused when its
    folder is missing or the text read back differs; returns the path written."""
    if path.exists() and not replace:
        raise OutputExists(f"{path} exists: give --force to replace it")
    if not path.parent.is_dir():
        raise Refused(f"{path.parent} is not a folder")
    data = text.encode("utf-8")
    write_atomic(path, data)
    if path.read_bytes() != data:
        raise Refused(f"{path} did not read back as written")
    return path
