"""Issue 14 (impact): the pure rule of what a change to one document touches, on small
vaults made in memory (``core.impact.reach`` over ``core.tree.build_tree``)."""

from __future__ import annotations

import dataclasses

import pytest

from sopvault.core.impact import Relation, reach
from sopvault.core.tree import build_tree
from sopvault.errors import DocumentNotFound
from sopvault.model.document import Document, Kind, Status, Step


def doc(
    doc_id: str,
    kind: Kind,
    *,
    parents: tuple[str, ...] = (),
    related: tuple[str, ...] = (),
    instructions: tuple[str, ...] = (),
    status: Status = Status.EFFECTIVE,
) -> Document:
    steps = [Step(f"Do step {n}", instruction=wi) for n, wi in enumerate(instructions, 1)]
    return Document(
        path=f"{doc_id}.md",
        id=doc_id,
        title=f"Title of {doc_id}",
        kind=kind,
        front_text="",
        body="",
        status=status,
        version="1.0",
        parents=list(parents),
        related=list(related),
        steps=steps,
    )


def vault(*docs: Document) -> dict[str, Document]:
    return {d.id: d for d in docs}


def shown(docs: dict[str, Document], doc_id: str) -> list[tuple[str, str, str]]:
    """(id, relation, path) of every document reached, in the order given."""
    return [
        (r.id, r.relation.value, ">".join(r.path)) for r in reach(docs, build_tree(docs), doc_id)
    ]


def test_children_are_reached_transitively_with_their_path() -> None:
    """Issue 14 (impact): the documents under it in the tree, children of children too."""
    docs = vault(
        doc("PRC-1", Kind.PROCESS),
        doc("SOP-1", Kind.PROCEDURE, parents=("PRC-1",)),
        doc("SOP-2", Kind.PROCEDURE, parents=("PRC-1",)),
        doc("WI-1", Kind.WORK_INSTRUCTION, parents=("SOP-1",)),
    )
    assert shown(docs, "PRC-1") == [
        ("SOP-1", "child", "PRC-1>SOP-1"),
        ("SOP-2", "child", "PRC-1>SOP-2"),
        ("WI-1", "child", "PRC-1>SOP-1>WI-1"),
    ]
    found = reach(docs, build_tree(docs), "PRC-1")
    assert [r.below for r in found] == [True, True, True]
    assert found[2].how() == "under SOP-1"
    assert shown(docs, "WI-1") == []


def test_links_from_related_and_work_instructions_are_followed() -> None:
    """Issue 14 (impact): related documents (either side names the other) and procedures
    whose steps name a work instruction link to it; what links to them is reached too."""
    docs = vault(
        doc("PRC-1", Kind.PROCESS),
        doc("PRC-2", Kind.PROCESS, related=("PRC-1",)),
        doc("SOP-1", Kind.PROCEDURE, parents=("PRC-2",), instructions=("WI-1",)),
        doc("SOP-2", Kind.PROCEDURE, parents=("PRC-2",), instructions=("WI-1", "WI-1")),
        doc("WI-1", Kind.WORK_INSTRUCTION, parents=("SOP-9",)),
        doc("SOP-9", Kind.PROCEDURE),
    )
    assert shown(docs, "WI-1") == [
        ("SOP-1", "instruction", "WI-1>SOP-1"),
        ("SOP-2", "instruction", "WI-1>SOP-2"),
    ]
    # related is symmetric: PRC-1 names nobody, yet PRC-2 names it
    assert shown(docs, "PRC-1") == [
        ("PRC-2", "related", "PRC-1>PRC-2"),
        ("SOP-1", "child", "PRC-1>PRC-2>SOP-1"),
        ("SOP-2", "child", "PRC-1>PRC-2>SOP-2"),
    ]
    far = reach(docs, build_tree(docs), "PRC-1")[2]
    assert not far.below and far.depth == 2
    assert far.relations == (Relation.RELATED, Relation.CHILD)
    assert far.how() == "under PRC-2"


def test_cycles_end_and_each_document_is_reached_once() -> None:
    """Issue 14 (impact): a parent cycle and a ring of related processes end; the changed
    document is never among what it touches."""
    docs = vault(
        doc("SOP-A", Kind.PROCEDURE, parents=("SOP-B",)),
        doc("SOP-B", Kind.PROCEDURE, parents=("SOP-C",)),
        doc("SOP-C", Kind.PROCEDURE, parents=("SOP-A",)),
        doc("PRC-1", Kind.PROCESS, related=("PRC-2",)),
        doc("PRC-2", Kind.PROCESS, related=("PRC-3",)),
        doc("PRC-3", Kind.PROCESS, related=("PRC-1",)),
    )
    assert shown(docs, "SOP-A") == [
        ("SOP-C", "child", "SOP-A>SOP-C"),
        ("SOP-B", "child", "SOP-A>SOP-C>SOP-B"),
    ]
    assert shown(docs, "PRC-1") == [
        ("PRC-2", "related", "PRC-1>PRC-2"),
        ("PRC-3", "related", "PRC-1>PRC-3"),
    ]


def test_the_nearest_way_is_shown_and_a_child_link_is_preferred() -> None:
    """Issue 14 (impact): of two ways to a document, the shorter one; of two as short, the
    one whose last link is a child link (below it in the tree)."""
    docs = vault(
        doc("PRC-1", Kind.PROCESS),
        doc("SOP-1", Kind.PROCEDURE, parents=("PRC-1",), instructions=("WI-1",)),
        doc("WI-1", Kind.WORK_INSTRUCTION, parents=("SOP-1",)),
        doc("PRC-2", Kind.PROCESS, related=("PRC-1",)),
        doc("SOP-2", Kind.PROCEDURE, parents=("PRC-1", "PRC-2")),
    )
    assert shown(docs, "WI-1") == [
        ("SOP-1", "instruction", "WI-1>SOP-1"),
    ]
    assert shown(docs, "PRC-1") == [
        ("SOP-1", "child", "PRC-1>SOP-1"),
        ("SOP-2", "child", "PRC-1>SOP-2"),
        ("PRC-2", "related", "PRC-1>PRC-2"),
        ("WI-1", "child", "PRC-1>SOP-1>WI-1"),
    ]


def test_statuses_are_reported_and_retired_documents_are_walked_through() -> None:
    """Issue 14 (impact): each reached document carries its status (draft, retired...),
    and a retired document's own children are still reached."""
    docs = vault(
        doc("PRC-1", Kind.PROCESS),
        doc("SOP-1", Kind.PROCEDURE, parents=("PRC-1",), status=Status.RETIRED),
        doc("WI-1", Kind.WORK_INSTRUCTION, parents=("SOP-1",), status=Status.DRAFT),
    )
    found = reach(docs, build_tree(docs), "PRC-1")
    assert [(r.id, r.status) for r in found] == [
        ("SOP-1", Status.RETIRED),
        ("WI-1", Status.DRAFT),
    ]
    assert found[1].how() == "under SOP-1"


def test_far_documents_name_the_way_between() -> None:
    """Issue 14 (impact): three links away and more, ``how`` names the documents between."""
    docs = vault(
        doc("POL-1", Kind.POLICY),
        doc("PRC-1", Kind.PROCESS, parents=("POL-1",)),
        doc("SOP-1", Kind.PROCEDURE, parents=("PRC-1",)),
        doc("WI-1", Kind.WORK_INSTRUCTION, parents=("SOP-1",)),
    )
    last = reach(docs, build_tree(docs), "POL-1")[-1]
    assert last.id == "WI-1" and last.depth == 3
    assert last.how() == "under SOP-1 (via PRC-1)"


def test_light_documents_keep_work_instruction_links_through_the_tree() -> None:
    """Issue 14 (impact): a warm start's documents carry no steps; the tree built from the
    full ones keeps which steps name a work instruction."""
    docs = vault(
        doc("SOP-1", Kind.PROCEDURE, instructions=("WI-1",)),
        doc("WI-1", Kind.WORK_INSTRUCTION),
    )
    tree = build_tree(docs)
    light = {k: dataclasses.replace(d, steps=[], complete=False) for k, d in docs.items()}
    assert [r.id for r in reach(light, tree, "WI-1")] == ["SOP-1"]


def test_an_unknown_id_is_not_found() -> None:
    """Issue 14 (impact): an id the vault does not hold is DocumentNotFound."""
    docs = vault(doc("SOP-1", Kind.PROCEDURE))
    with pytest.raises(DocumentNotFound):
        reach(docs, build_tree(docs), "SOP-2")
