"""One row of a document listing (``sopvault list``): the few fields it prints or filters
on, as plain values, so a warm listing is read from a compact cache (``store.listing``)
instead of whole documents."""

from __future__ import annotations

from typing import NamedTuple

from sopvault.model.document import Document

# A row's first fields, what the text listing prints and kind and status filter on: id,
# kind, status, version, title (a plain tuple: a warm listing makes 50,000).
Shown = tuple[str, str, str | None, str | None, str]
SHOWN = 5  # how many fields of a ``Listed`` are ``Shown``


class Listed(NamedTuple):
    """A document as ``list`` shows it (text and ``--json``) and filters it (kind, status,
    owner, tag): enum values as their strings (``kind="sop"``, ``status=None`` when the
    document has none), lists as tuples. A named tuple: fifty thousand are made per
    listing."""

    id: str
    kind: str
    status: str | None
    version: str | None
    title: str
    owner: str | None
    department: str | None
    parents: tuple[str, ...]
    tags: tuple[str, ...]
    path: str

    @classmethod
    def of(cls, doc: Document) -> Listed:
        """The row of ``doc``."""
        return cls(
            doc.id,
            doc.kind.value,
            doc.status.value if doc.status is not None else None,
            doc.version,
            doc.title,
            doc.owner,
            doc.department,
            tuple(doc.parents),
            tuple(doc.tags),
            doc.path,
        )

    def shown(self) -> Shown:
        """The fields the text listing prints (``Shown``)."""
        return (self.id, self.kind, self.status, self.version, self.title)
