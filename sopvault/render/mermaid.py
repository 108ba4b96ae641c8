"""Flows and the process map as Mermaid flowchart text (``--mermaid``), which GitHub and
GitLab draw where a Markdown file holds it in a ```` ```mermaid ```` block (issue 16).

Mermaid reads labels as its own syntax and then as HTML, so no text of a document is
written as it is: node ids are made by sopvault (``s3``, ``b7``, ``L1``), every label is
in double quotes, and inside them every character that is not a letter, a digit, a space
or one of ``.,:-/'?!+=@`` is written as Mermaid's entity code ``#<decimal>;`` (``"`` is
``#34;``, ``<`` ``#60;``, ``#`` itself ``#35;``). So a title holding ``"]``, ``-->``,
``%%``, ``click``, ``;`` or ``<script>`` stays the words of one label: it cannot close
the label, start a statement (a ``click`` handler, a comment, an edge) or reach the page
as markup. Line breaks inside a label are sopvault's own ``<br/>``, never the document's.
"""

from __future__ import annotations

from sopvault.model.flow import EdgeKind, Flow, FlowNode, NodeKind, ProcessMap
from sopvault.render.safetext import inert_line

_PLAIN = frozenset(" .,:-/'?!+=@")


def label(text: str) -> str:
    """``text`` as the inside of a quoted Mermaid label: one line (newlines and control
    characters shown as ``safetext`` shows them), every other character that could mean
    something to Mermaid or HTML as an entity code."""
    return "".join(
        char if char.isalnum() or char in _PLAIN else f"#{ord(char)};" for char in inert_line(text)
    )


def quoted(*lines: str) -> str:
    """Lines as one quoted label, broken by ``<br/>``."""
    return '"' + "<br/>".join(label(line) for line in lines) + '"'


def flow_mermaid(flow: Flow) -> str:
    """``flowchart TD`` with a ``subgraph`` per lane (the role's name as its title), the
    start and end as rounded nodes, steps as boxes, branch points as ``?`` diamonds, the
    condition on the edge into the step and ``otherwise`` on the dotted edge around it;
    control points with a red border. Ends with a newline."""
    out = [
        "flowchart TD",
        f"  %% {label(flow.doc_id)}: {label(flow.title)}",
        f"  start([{quoted('start')}])",
    ]
    for index, lane in enumerate(flow.lanes, start=1):
        title = lane if lane is not None else "(no role)"
        out.append(f"  subgraph L{index}[{quoted(title)}]")
        out.extend(f"    {_node(node)}" for node in flow.nodes if _in_lane(flow, node, lane))
        out.append("  end")
    out.append(f"  end_([{quoted('end')}])")
    for edge in flow.edges:
        source, target = _id(edge.source), _id(edge.target)
        if edge.kind is EdgeKind.NEXT or edge.label is None:
            out.append(f"  {source} --> {target}")
        else:
            arrow = "-.->" if edge.kind is EdgeKind.OTHERWISE else "-->"
            out.append(f"  {source} {arrow}|{quoted(edge.label)}| {target}")
    critical = [n.id for n in flow.steps if n.critical]
    out.append("  classDef control stroke:#c00,stroke-width:3px")
    if critical:
        out.append(f"  class {','.join(critical)} control")
    return "\n".join(out) + "\n"


def _id(node_id: str) -> str:
    """Mermaid reserves ``end``: the end node is ``end_``."""
    return "end_" if node_id == "end" else node_id


def _in_lane(flow: Flow, node: FlowNode, lane: str | None) -> bool:
    if node.kind is NodeKind.STEP:
        return node.lane == lane
    if node.kind is NodeKind.BRANCH:
        return flow.node(f"s{node.number}").lane == lane
    return False


def _node(node: FlowNode) -> str:
    """A step as a box (number and action, then its marks) or a branch as a diamond."""
    if node.kind is NodeKind.BRANCH:
        return f"{node.id}{{{quoted('?')}}}"
    lines = [f"{node.number}. {node.action}"]
    if node.critical:
        lines.append("◆ control point")
    if node.instruction:
        lines.append(f"work instruction {node.instruction}")
    if node.command:
        lines.append("runs a command")
    if node.evidence:
        lines.append(f"evidence: {node.evidence}")
    return f"{node.id}[{quoted(*lines)}]"


def map_mermaid(found: ProcessMap) -> str:
    """``flowchart LR``: each process a rounded node, intersections as ``<-->`` (once
    per pair), its procedures as boxes below it with a dotted arrow; ends with a newline."""
    out = ["flowchart LR"]
    ids = {p.id: f"p{i}" for i, p in enumerate(found.processes, start=1)}
    procedures: dict[str, str] = {}
    for process in found.processes:
        out.append(f"  {ids[process.id]}({quoted(process.id, process.title)})")
    for process in found.processes:
        for proc_id, title in process.procedures:
            if proc_id not in procedures:
                procedures[proc_id] = f"d{len(procedures) + 1}"
                out.append(f"  {procedures[proc_id]}[{quoted(proc_id, title)}]")
            out.append(f"  {ids[process.id]} -.-> {procedures[proc_id]}")
    drawn: set[frozenset[str]] = set()
    for process in found.processes:
        for other in process.related:
            pair = frozenset((process.id, other))
            if other in ids and pair not in drawn:
                drawn.add(pair)
                out.append(f"  {ids[process.id]} <--> {ids[other]}")
    return "\n".join(out) + "\n"
