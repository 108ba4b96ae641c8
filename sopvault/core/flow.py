"""A document to its flow, and a vault to its process map (issue 16): pure rules, no I/O.

The flow follows what a run does (``core.checklist``, ``core.conditions``): steps one
after another; a step with a ``when`` is done only when its condition holds, and skipped
otherwise, so a branch point before it sends the run into it (the edge labelled with the
condition) or around it to the next step (``otherwise``). Consecutive conditional steps
make consecutive branch points, one each, so the picture stays a line however many there
are. A ``when`` that does not parse is shown as written: ``check`` reports it, the picture
does not hide the step.
"""

from __future__ import annotations

from sopvault.core.tree import VaultTree
from sopvault.errors import Refused
from sopvault.model.document import STEPPED_KINDS, Document, Kind, Step
from sopvault.model.flow import (
    EdgeKind,
    Flow,
    FlowEdge,
    FlowNode,
    MapProcess,
    NodeKind,
    ProcessMap,
)

START, END = "start", "end"
OTHERWISE = "otherwise"


class NotAFlow(Refused):
    """A document with no steps to draw: a policy, process, standard or form (their
    interactions are ``sopvault graph``'s), or a procedure with no steps yet."""


def has_flow(doc: Document) -> bool:
    """Whether ``build_flow`` draws ``doc``: a procedure or work instruction with steps
    (the HTML export embeds a picture only then)."""
    return doc.kind in STEPPED_KINDS and bool(doc.steps)


def build_flow(doc: Document) -> Flow:
    """The flow of a procedure or work instruction with at least one step.

    Raises NotAFlow for another kind (naming ``graph`` for a process) or for no steps."""
    if doc.kind not in STEPPED_KINDS:
        hint = "; `sopvault graph` draws processes" if doc.kind is Kind.PROCESS else ""
        raise NotAFlow(
            f"{doc.id} is a {doc.kind.label}: only procedures and work instructions"
            f" have steps to draw{hint}"
        )
    if not doc.steps:
        raise NotAFlow(f"{doc.id} has no steps to draw yet")
    nodes: list[FlowNode] = [FlowNode(START, NodeKind.START)]
    edges: list[FlowEdge] = []
    waiting: list[tuple[str, EdgeKind, str | None]] = [(START, EdgeKind.NEXT, None)]
    for number, step in enumerate(doc.steps, start=1):
        if step.when:
            branch = FlowNode(f"b{number}", NodeKind.BRANCH, number, condition=step.when)
            nodes.append(branch)
            edges.extend(FlowEdge(src, branch.id, kind, label) for src, kind, label in waiting)
            node = _step_node(number, step)
            edges.append(FlowEdge(branch.id, node.id, EdgeKind.WHEN, step.when))
            waiting = [(node.id, EdgeKind.NEXT, None), (branch.id, EdgeKind.OTHERWISE, OTHERWISE)]
        else:
            node = _step_node(number, step)
            edges.extend(FlowEdge(src, node.id, kind, label) for src, kind, label in waiting)
            waiting = [(node.id, EdgeKind.NEXT, None)]
        nodes.append(node)
    nodes.append(FlowNode(END, NodeKind.END))
    edges.extend(FlowEdge(src, END, kind, label) for src, kind, label in waiting)
    return Flow(
        doc_id=doc.id,
        title=doc.title,
        kind=doc.kind.label,
        version=doc.version,
        status=doc.status.value.replace("_", " ") if doc.status else None,
        lanes=_lanes(doc),
        nodes=tuple(nodes),
        edges=tuple(edges),
    )


def _step_node(number: int, step: Step) -> FlowNode:
    role = step.role.strip() if step.role and step.role.strip() else None
    return FlowNode(
        id=f"s{number}",
        kind=NodeKind.STEP,
        number=number,
        action=step.action,
        lane=role,
        critical=step.control_point,
        instruction=step.instruction.strip() if step.instruction else None,
        command=bool(step.command),
        evidence=step.evidence.describe() if step.evidence else None,
        duration=step.duration,
        stops_work=step.stops_work,
    )


def _lanes(doc: Document) -> tuple[str | None, ...]:
    """The roles that hold a step: in the document's ``roles`` order, then the others in
    the order steps name them; None last when a step names no role."""
    used = [s.role.strip() if s.role and s.role.strip() else None for s in doc.steps]
    named = [r for r in dict.fromkeys(u for u in used if u is not None)]
    listed = [r.strip() for r in doc.roles if r.strip() in named]
    ordered: list[str | None] = list(dict.fromkeys([*listed, *named]))
    if None in used:
        ordered.append(None)
    return tuple(ordered)


def process_map(documents: dict[str, Document], tree: VaultTree) -> ProcessMap:
    """Every process of ``documents`` (light documents do: ids, titles, parents and
    related are all it reads), with the processes it intersects and the procedures
    directly below it, in title order."""
    processes = sorted(
        (d for d in documents.values() if d.kind is Kind.PROCESS),
        key=lambda d: (d.title.lower(), d.id),
    )
    found = []
    for doc in processes:
        related = tuple(
            r for r in tree.related.get(doc.id, []) if documents[r].kind is Kind.PROCESS
        )
        below = tuple(
            (c, documents[c].title)
            for c in tree.children_of(doc.id)
            if documents[c].kind is Kind.PROCEDURE
        )
        status = doc.status.value.replace("_", " ") if doc.status else None
        found.append(MapProcess(doc.id, doc.title, status, related, below))
    return ProcessMap(tuple(found))
