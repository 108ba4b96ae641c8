"""A listing of documents as ``sopvault list`` shows it, and the filter it takes: from
loaded documents, or from the listing cache (``store.listing``) without loading any."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from operator import add

from sopvault.model.document import Document, Kind, Status
from sopvault.model.listing import Listed, Shown
from sopvault.store.listing import ListingFile


@dataclass(frozen=True)
class DocumentFilter:
    """Criteria for listing documents; ``None`` matches anything."""

    kind: Kind | None = None
    status: Status | None = None
    owner: str | None = None
    tag: str | None = None

    def matches(self, doc: Document) -> bool:
        """Whether ``doc`` meets every criterion given."""
        return (
            (self.kind is None or doc.kind is self.kind)
            and (self.status is None or doc.status is self.status)
            and (self.owner is None or doc.owner == self.owner)
            and (self.tag is None or self.tag in doc.tags)
        )

    def by_rest(self) -> bool:
        """Whether an owner or a tag is asked for: fields a listing's ``Shown`` part
        does not hold."""
        return self.owner is not None or self.tag is not None

    def keeps_shown(self, row: Shown) -> bool:
        """``keeps`` on the kind and status of a row's shown part (``by_rest`` false)."""
        return (self.kind is None or row[1] == self.kind.value) and (
            self.status is None or row[2] == (self.status.value)
        )

    def keeps(self, row: Listed) -> bool:
        """``matches`` for a listing's row (its kind and status as their values)."""
        return (
            (self.kind is None or row.kind == self.kind.value)
            and (self.status is None or row.status == (self.status.value))
            and (self.owner is None or row.owner == self.owner)
            and (self.tag is None or self.tag in row.tags)
        )


class Listing:
    """What ``sopvault list`` shows: the rows matching a filter, by kind order then id,
    and the vault paths of the files left out of the load (``VaultState.skipped``).

    ``shown`` is each row's first fields (``Shown``: what the text listing prints);
    ``rows`` the whole rows (``Listed``), made on first use: a warm listing read from the
    cache decodes the other fields only then (``store.listing``)."""

    def __init__(
        self, shown: list[Shown], skipped: list[str], rows: Callable[[], list[Listed]]
    ) -> None:
        self.shown = shown
        self.skipped = skipped
        self._rows = rows

    @classmethod
    def of(cls, rows: list[Listed], skipped: list[str]) -> Listing:
        """The listing of whole ``rows``."""
        return cls([row.shown() for row in rows], skipped, lambda: rows)

    @cached_property
    def rows(self) -> list[Listed]:
        """Every field of each row shown, in the same order."""
        return self._rows()


def cached_listing(
    found: ListingFile, criteria: DocumentFilter, load: Callable[[], list[Listed]]
) -> Listing | None:
    """The listing of the cached rows in ``found`` matching ``criteria``; None when an
    owner or a tag is asked for (``DocumentFilter.by_rest``) and the rest of the rows is
    damaged (load instead). Without those the whole rows are decoded only when asked for,
    and come from ``load`` (the rows a load gives for ``criteria``) when that part of the
    cache is damaged."""
    if criteria.by_rest():
        rest = found.rest()
        if rest is None:
            return None
        every = map(Listed._make, map(add, found.shown, rest))
        return Listing.of([row for row in every if criteria.keeps(row)], found.skipped)
    picked: list[int] | None = None
    shown = found.shown
    if criteria != DocumentFilter():
        picked = [k for k, row in enumerate(shown) if criteria.keeps_shown(row)]
        shown = [shown[k] for k in picked]

    def rows() -> list[Listed]:
        rest = found.rest()
        if rest is None:  # damaged since the first part was read: load instead
            return load()
        if picked is not None:
            return [Listed._make(found.shown[k] + rest[k]) for k in picked]
        return list(map(Listed._make, map(add, found.shown, rest)))

    return Listing(shown, found.skipped, rows)
