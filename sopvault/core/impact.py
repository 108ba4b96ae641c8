"""What a change to one document touches (ISO 9001 §6.3 planning of changes, §8.5.6
control of changes): the documents below it in the tree and those linking to it through
``related`` or a step's work instruction, transitively, each with how it is reached.

Pure: the loaded documents and the vault's tree come in (light documents do: the tree
keeps which steps name a work instruction), the reached documents go out. Runs and
readers are the service's part (``services.impact``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from sopvault.core.tree import VaultTree
from sopvault.errors import DocumentNotFound
from sopvault.model.document import Kind, Status


class Reachable(Protocol):
    """What the walk reads of a document: a loaded ``Document``, or the brief row impact
    keeps of each (``services.impactlinks``)."""

    @property
    def id(self) -> str:
        """Its id."""

    @property
    def title(self) -> str:
        """Its title."""

    @property
    def kind(self) -> Kind:
        """Its kind."""

    @property
    def status(self) -> Status | None:
        """Its status (None: none given)."""

    @property
    def version(self) -> str | None:
        """Its version (None: none given)."""


class Relation(StrEnum):
    """How a reached document links to the one before it on its path."""

    CHILD = "child"  # its ``parents`` name it: below it in the tree
    RELATED = "related"  # ``related`` links the two (either side: intersections go both ways)
    INSTRUCTION = "instruction"  # one of its steps names it as the step's work instruction

    def phrase(self, previous: str) -> str:
        """The link in words, from the reached document's side: ``under SOP-003``,
        ``related to PRC-003``, ``a step's work instruction is WI-004``."""
        if self is Relation.CHILD:
            return f"under {previous}"
        if self is Relation.RELATED:
            return f"related to {previous}"
        return f"a step's work instruction is {previous}"


RELATION_ORDER = list(Relation)
_RANK = {relation: index for index, relation in enumerate(RELATION_ORDER)}


@dataclass(frozen=True)
class Reached:
    """One document a change touches.

    ``path`` runs from the changed document to this one, both included, and
    ``relations`` names each hop on it (one fewer than ``path``): a shortest way there,
    the last link of the kind earliest in ``Relation`` preferred, then the path whose
    ids sort first.
    """

    id: str
    title: str
    kind: Kind
    status: Status | None
    version: str | None
    path: tuple[str, ...]
    relations: tuple[Relation, ...]

    @property
    def relation(self) -> Relation:
        """The last hop: how this document links to the one before it."""
        return self.relations[-1]

    @property
    def depth(self) -> int:
        """How many links away from the changed document (1: it links to it directly)."""
        return len(self.relations)

    @property
    def below(self) -> bool:
        """Whether it sits below the changed document in the tree (children only)."""
        return all(r is Relation.CHILD for r in self.relations)

    def how(self) -> str:
        """How it is reached, in words: ``under SOP-003``; three or more links away, with
        the documents between: ``under SOP-003 (via PRC-005 > PRC-006)``."""
        text = self.relation.phrase(self.path[-2])
        if self.depth > 2:
            text += f" (via {' > '.join(self.path[1:-2])})"
        return text


def links_to(tree: VaultTree, doc_id: str) -> list[tuple[Relation, str]]:
    """The documents one link away from ``doc_id``: its children, the documents related to
    it and those whose steps name it as a work instruction, by relation then id."""
    found = [(Relation.CHILD, c) for c in sorted(tree.children_of(doc_id))]
    found += [(Relation.RELATED, r) for r in tree.related.get(doc_id, [])]
    found += [(Relation.INSTRUCTION, u) for u in tree.used_by.get(doc_id, [])]
    return found


def reach(documents: Mapping[str, Reachable], tree: VaultTree, doc_id: str) -> list[Reached]:
    """Every document a change to ``doc_id`` touches, nearest first (then by relation and
    id), each once, never the document itself: a breadth-first walk, so parent cycles and
    related rings end. Raises DocumentNotFound for an id the vault does not hold."""
    if doc_id not in documents:
        raise DocumentNotFound(f"no document with id '{doc_id}'")
    paths: dict[str, tuple[str, ...]] = {doc_id: (doc_id,)}
    relations: dict[str, tuple[Relation, ...]] = {doc_id: ()}
    found: list[Reached] = []
    level = [doc_id]
    while level:
        # the way shown to each new document: its last link's rank, then the path to the
        # document before it (all as long at one level), then that link's relation
        best: dict[str, tuple[int, tuple[str, ...], Relation]] = {}
        for previous in level:
            before = paths[previous]
            for relation, other in links_to(tree, previous):
                if other in paths or other not in documents:
                    continue
                way = (_RANK[relation], before, relation)
                held = best.get(other)
                if held is None or way[:2] < held[:2]:
                    best[other] = way
        for other, (_, before, relation) in best.items():
            paths[other] = (*before, other)
            relations[other] = (*relations[before[-1]], relation)
        level = sorted(best, key=lambda other: (best[other][0], other))
        found.extend(_reached(documents[o], paths[o], relations[o]) for o in level)
    return found


def _reached(doc: Reachable, path: tuple[str, ...], relations: tuple[Relation, ...]) -> Reached:
    return Reached(doc.id, doc.title, doc.kind, doc.status, doc.version, path, relations)
