"""A procedure drawn as a flow (issue 16): plain data, no I/O, built by ``core.flow``.

A flow is a line of nodes from ``start`` to ``end``: each step of the document in order,
and before each conditional step (``when``) a branch point whose two edges say where the
run goes: into the step when its condition holds, around it when not. Steps sit in lanes,
one per role (ISO 9001 §4.4 c: the responsibilities of a process); a step with no role
sits in no lane (``lane`` None), drawn in its own column. Node ids are made here, never
taken from a file, so no text of a document ever becomes an id in Mermaid or SVG.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class NodeKind(StrEnum):
    """What a node of the flow is."""

    START = "start"
    STEP = "step"
    BRANCH = "branch"  # the point before a conditional step where the run may go around
    END = "end"


class EdgeKind(StrEnum):
    """Why a run follows an edge: the next step, a condition that holds, or one that does
    not (the step skipped: the edge goes around it)."""

    NEXT = "next"
    WHEN = "when"
    OTHERWISE = "otherwise"


@dataclass(frozen=True)
class FlowNode:
    """One node. For a step: its ``number`` (1-based, as runs and ``when`` count them),
    ``action``, ``lane`` (the role, or None), whether it is a control point (``critical``),
    the work instruction it links (``instruction``, an id), whether it runs a ``command``,
    the evidence it asks for (``evidence``, a phrase such as ``number 55-65 °C``), its
    ``duration``, and whether a failed answer stops the run (``stops_work``). A branch
    carries the ``number`` of the step it guards and its ``condition`` text."""

    id: str
    kind: NodeKind
    number: int = 0
    action: str = ""
    lane: str | None = None
    critical: bool = False
    instruction: str | None = None
    command: bool = False
    evidence: str | None = None
    duration: str | None = None
    stops_work: bool = False
    condition: str | None = None


@dataclass(frozen=True)
class FlowEdge:
    """An arrow from ``source`` to ``target`` (node ids); ``label`` is the condition on a
    WHEN edge and ``otherwise`` on an OTHERWISE edge, None on a plain NEXT edge."""

    source: str
    target: str
    kind: EdgeKind = EdgeKind.NEXT
    label: str | None = None


@dataclass(frozen=True)
class Flow:
    """A document's flow: who it is (``doc_id``, ``title``, ``kind`` in words, ``version``,
    ``status``), its ``lanes`` (roles in the order the document lists them, then any step
    role it does not list; a lane of None last when a step has no role), ``nodes`` in
    order from start to end, and ``edges``."""

    doc_id: str
    title: str
    kind: str
    version: str | None
    status: str | None
    lanes: tuple[str | None, ...]
    nodes: tuple[FlowNode, ...]
    edges: tuple[FlowEdge, ...]

    @property
    def steps(self) -> tuple[FlowNode, ...]:
        """The step nodes, in order."""
        return tuple(n for n in self.nodes if n.kind is NodeKind.STEP)

    def lane_index(self, node: FlowNode) -> int:
        """The index in ``lanes`` of the lane ``node`` is drawn in: its step's (the start
        and end: the first and last step's; a branch point: the step it decides on)."""
        steps = self.steps
        if node.kind is NodeKind.START:
            node = steps[0]
        elif node.kind is NodeKind.END:
            node = steps[-1]
        elif node.kind is NodeKind.BRANCH:
            node = next(s for s in steps if s.number == node.number)
        return self.lanes.index(node.lane)

    def node(self, node_id: str) -> FlowNode:
        """The node with id ``node_id``; KeyError when there is none."""
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def edges_from(self, node_id: str) -> tuple[FlowEdge, ...]:
        """The edges leaving ``node_id``, in the order they were made."""
        return tuple(e for e in self.edges if e.source == node_id)


@dataclass(frozen=True)
class MapProcess:
    """One process of the process map: its id, title and status, the processes it
    intersects (``related``: ids) and the procedures below it (``procedures``: pairs of
    id and title)."""

    id: str
    title: str
    status: str | None
    related: tuple[str, ...]
    procedures: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ProcessMap:
    """The process map of a vault (ISO 9001 §4.4 a-b: the processes, their sequence and
    interaction): every process, in title order."""

    processes: tuple[MapProcess, ...]
