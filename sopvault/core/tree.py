"""The hierarchy of a vault: children of each document and the roots, grouped by kind."""

from __future__ import annotations

from dataclasses import dataclass, field

from sopvault.model.document import Document, Kind

KIND_ORDER = list(Kind)


@dataclass(frozen=True)
class VaultTree:
    """Parent/child links and related links, computed once per load.

    A document with several parents appears under each; one whose parents are all unknown
    is a root, so nothing ever drops out of the tree.
    """

    children: dict[str, list[str]]
    roots: dict[Kind, list[str]]
    related: dict[str, list[str]]
    # A work instruction's id -> the documents whose steps name it (``instruction``): kept
    # here because a warm start's light documents carry no steps (impact reads it).
    used_by: dict[str, list[str]] = field(default_factory=dict)

    def children_of(self, doc_id: str) -> list[str]:
        """The ids of the documents directly below ``doc_id`` (empty when none)."""
        return self.children.get(doc_id, [])

    def has_children(self, doc_id: str) -> bool:
        """Whether ``doc_id`` has documents below it (the tree shows an expander)."""
        return bool(self.children.get(doc_id))


def _sort_key(doc: Document) -> tuple[int, str, str]:
    return (KIND_ORDER.index(doc.kind), doc.title.lower(), doc.id)


def build_tree(documents: dict[str, Document]) -> VaultTree:
    """Build the tree; related links are made symmetric since intersections go both ways."""
    children: dict[str, list[str]] = {}
    roots: dict[Kind, list[str]] = {kind: [] for kind in Kind}
    related: dict[str, set[str]] = {}
    used_by: dict[str, set[str]] = {}
    for doc in sorted(documents.values(), key=_sort_key):
        known = [p for p in doc.parents if p in documents and p != doc.id]
        for parent in known:
            children.setdefault(parent, []).append(doc.id)
        if not known:
            roots[doc.kind].append(doc.id)
        for other in doc.related:
            if other in documents and other != doc.id:
                related.setdefault(doc.id, set()).add(other)
                related.setdefault(other, set()).add(doc.id)
        for step in doc.steps:
            target = step.instruction
            if target is not None and target in documents and target != doc.id:
                used_by.setdefault(target, set()).add(doc.id)
    _adopt_unreachable(documents, children, roots)
    return VaultTree(
        children=children,
        roots=roots,
        related={k: sorted(v) for k, v in related.items()},
        used_by={k: sorted(v) for k, v in used_by.items()},
    )


def _adopt_unreachable(
    documents: dict[str, Document], children: dict[str, list[str]], roots: dict[Kind, list[str]]
) -> None:
    """Make roots of documents only reachable through a parent cycle, so they still show."""
    seen: set[str] = set()
    todo = [doc_id for ids in roots.values() for doc_id in ids]
    while todo:
        doc_id = todo.pop()
        if doc_id not in seen:
            seen.add(doc_id)
            todo.extend(children.get(doc_id, []))
    if len(seen) == len(documents):
        return  # every document is reachable (the usual case): nothing to sort again
    for doc in sorted(documents.values(), key=_sort_key):
        if doc.id not in seen:
            roots[doc.kind].append(doc.id)
            seen.add(doc.id)
            stack = list(children.get(doc.id, []))
            while stack:
                child = stack.pop()
                if child not in seen:
                    seen.add(child)
                    stack.extend(children.get(child, []))


def ancestors(documents: dict[str, Document], doc_id: str) -> list[str]:
    """The first-parent chain above a document, nearest first, safe against cycles."""
    chain: list[str] = []
    seen = {doc_id}
    current = documents.get(doc_id)
    while current is not None:
        parent = next((p for p in current.parents if p in documents), None)
        if parent is None or parent in seen:
            break
        chain.append(parent)
        seen.add(parent)
        current = documents[parent]
    return chain
