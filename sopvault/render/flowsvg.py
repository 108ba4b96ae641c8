"""A flow as a standalone SVG picture: what the HTML export embeds in a procedure's page
and ``sopvault flow ID --svg OUT.svg`` writes (issue 16).

Swimlanes are columns, one per role, its name at the top; steps are boxes in their lane
from top to bottom, joined by arrows; a control point has a red border and a red diamond
with the words "control point"; a branch point is a diamond before a conditional step,
its condition written on the arrow into the step and ``otherwise`` on the dashed arrow
going around it; a work instruction is a link to its page, ``<a href="WI-002.html">``,
relative because the HTML export writes every page side by side (docs/<ID>.html).

Inert by construction: every text and attribute value that comes from a document is made
one line by ``safetext.inert_line``, stripped of what XML 1.0 cannot hold, and escaped
(``xml.sax.saxutils``); a link is made only from a valid document id. No script, no
style sheet (which would reach the page the picture is embedded in), no external
reference: the arrowhead is the one internal ``url(#...)``.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

from rich.cells import cell_len

from sopvault.core.flow import build_flow
from sopvault.model.document import Document, is_valid_id
from sopvault.model.flow import EdgeKind, Flow, FlowEdge, FlowNode, NodeKind
from sopvault.render.flow import NO_ROLE, wrap
from sopvault.render.safetext import inert_line

LANE = 250  # px: the width of a lane
MARGIN = 12
HEAD = 40  # px: the lane titles
LINE = 16  # px: one line of text at 12 px
GAP = 34  # px: the room for an arrow between two nodes
CHARS = 32  # cells of text in a box line (about 7 px each at 12 px)
MAX_ACTION_LINES = 4
FONT = 'font-family="sans-serif" font-size="12"'
_NOT_XML = re.compile("[\ufffe\uffff]")
ARROW = "sopvault-flow-arrow"


def xml_text(text: str) -> str:
    """Text from a document as the content of an XML element: one line, inert, escaped."""
    return escape(_NOT_XML.sub("?", inert_line(text)))


def xml_attr(text: str) -> str:
    """Text from a document as a quoted XML attribute value, quotes included."""
    return quoteattr(_NOT_XML.sub("?", inert_line(text)))


class FlowPicture:
    """Lays out one flow (each node's box) and writes it as SVG elements."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.boxes: dict[str, tuple[float, float, float, float]] = {}  # x, y, width, height
        self.lines: dict[str, list[tuple[str, str]]] = {}  # node id -> (kind, text)
        self.out: list[str] = []
        self._layout()

    def lane_x(self, node: FlowNode) -> float:
        """The left edge of a node's lane (start and end: the first and last step's)."""
        return MARGIN + self.flow.lane_index(node) * LANE

    def _layout(self) -> None:
        y = float(HEAD + 16)
        for node in self.flow.nodes:
            left = self.lane_x(node)
            if node.kind is NodeKind.STEP:
                lines = self._step_lines(node)
                self.lines[node.id] = lines
                box = (left + 12, y, float(LANE - 24), float(12 + LINE * len(lines)))
            elif node.kind is NodeKind.BRANCH:
                box = (left + LANE / 2 - 14, y, 28.0, 28.0)
            else:
                box = (left + LANE / 2 - 40, y, 80.0, 26.0)
            self.boxes[node.id] = box
            y += box[3] + GAP
        self.width = MARGIN * 2 + LANE * len(self.flow.lanes)
        self.height = y - GAP + 20

    def _step_lines(self, node: FlowNode) -> list[tuple[str, str]]:
        action = wrap(inert_line(f"{node.number}. {node.action}"), CHARS)
        if len(action) > MAX_ACTION_LINES:
            action = [*action[: MAX_ACTION_LINES - 1], action[MAX_ACTION_LINES - 1] + " …"]
        lines = [("action", line) for line in action]
        if node.critical:
            lines.append(("control", "◆ control point"))
        if node.instruction:
            lines.append(("instruction", node.instruction))
        if node.command:
            lines.append(("mark", "$ runs a command"))
        if node.evidence:
            text = inert_line(f"✎ {node.evidence}")
            lines.extend(("mark", line) for line in wrap(text, CHARS))
        return lines

    def svg(self) -> str:
        """The whole ``<svg>`` element, one string."""
        flow = self.flow
        name = f"{flow.doc_id} {flow.title}: flow"
        self.out = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width:.0f}"'
            f' height="{self.height:.0f}" viewBox="0 0 {self.width:.0f} {self.height:.0f}"'
            f' role="img" aria-label={xml_attr(name)}>',
            f"<title>{xml_text(name)}</title>",
            f'<defs><marker id="{ARROW}" viewBox="0 0 10 10" refX="9" refY="5"'
            ' markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            '<path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>',
        ]
        self._lanes()
        for edge in flow.edges:
            self._edge(edge)
        for node in flow.nodes:
            self._node(node)
        self.out.append("</svg>")
        return "\n".join(self.out)

    def _lanes(self) -> None:
        for index, lane in enumerate(self.flow.lanes):
            x = MARGIN + index * LANE
            fill = "#f4f6f8" if index % 2 == 0 else "#e9edf1"
            self.out.append(
                f'<rect x="{x}" y="0" width="{LANE}" height="{self.height:.0f}"'
                f' fill="{fill}" stroke="#c5ccd3"/>'
            )
            title = lane if lane is not None else NO_ROLE
            self.out.append(
                f'<text x="{x + LANE / 2:.0f}" y="24" text-anchor="middle" {FONT}'
                f' font-weight="bold">{xml_text(title)}</text>'
            )

    def _node(self, node: FlowNode) -> None:
        x, y, w, h = self.boxes[node.id]
        if node.kind is NodeKind.STEP:
            self._step(node, x, y, w, h)
        elif node.kind is NodeKind.BRANCH:
            cx, cy = x + w / 2, y + h / 2
            self.out.append(
                f'<path d="M{cx:.0f},{y:.0f} L{x + w:.0f},{cy:.0f} L{cx:.0f},{y + h:.0f}'
                f' L{x:.0f},{cy:.0f} z" fill="#fff8e1" stroke="#b58900"/>'
            )
            self.out.append(
                f'<text x="{cx:.0f}" y="{cy + 4:.0f}" text-anchor="middle" {FONT}>?</text>'
            )
        else:
            word = "start" if node.kind is NodeKind.START else "end"
            self.out.append(
                f'<rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}" rx="13"'
                f' fill="#ffffff" stroke="#333"/>'
            )
            self.out.append(
                f'<text x="{x + w / 2:.0f}" y="{y + 17:.0f}" text-anchor="middle"'
                f" {FONT}>{word}</text>"
            )

    def _step(self, node: FlowNode, x: float, y: float, w: float, h: float) -> None:
        stroke = 'stroke="#c62828" stroke-width="2.5"' if node.critical else 'stroke="#333"'
        self.out.append(
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{h:.0f}" rx="5"'
            f' fill="#ffffff" {stroke}/>'
        )
        if node.critical:
            right = x + w
            self.out.append(
                f'<path d="M{right:.0f},{y - 7:.0f} L{right + 7:.0f},{y:.0f}'
                f' L{right:.0f},{y + 7:.0f} L{right - 7:.0f},{y:.0f} z" fill="#c62828"/>'
            )
        for index, (kind, text) in enumerate(self.lines[node.id]):
            ty = y + 18 + index * LINE
            if kind == "instruction":
                self._instruction(x + 8, ty, text)
                continue
            colour = {"control": "#c62828", "mark": "#555"}.get(kind, "#111")
            self.out.append(
                f'<text x="{x + 8:.0f}" y="{ty:.0f}" {FONT} fill="{colour}">{xml_text(text)}</text>'
            )

    def _instruction(self, x: float, y: float, target: str) -> None:
        """``→ work instruction WI-002``, a link to its page when the id is valid."""
        words = f'<text x="{x:.0f}" y="{y:.0f}" {FONT} fill="#1565c0"'
        shown = xml_text(f"→ work instruction {target}")
        if is_valid_id(target):
            href = xml_attr(f"{target}.html")
            self.out.append(
                f'<a href={href}>{words} text-decoration="underline">{shown}</text></a>'
            )
        else:
            self.out.append(f"{words}>{shown}</text>")

    def _edge(self, edge: FlowEdge) -> None:
        sx, sy, sw, sh = self.boxes[edge.source]
        tx, ty, tw, _ = self.boxes[edge.target]
        start_x, start_y = sx + sw / 2, sy + sh
        end_x = tx + tw / 2
        marker = f'marker-end="url(#{ARROW})"'
        if edge.kind is EdgeKind.OTHERWISE:
            side = self.lane_x(self.flow.node(edge.source)) + LANE - 8
            mid_y = sy + sh / 2
            path = f"M{sx + sw:.0f},{mid_y:.0f} H{side:.0f} V{ty - 12:.0f} H{end_x:.0f} V{ty:.0f}"
            dash = ' stroke-dasharray="5,4"'
            label_at = (sx + sw + 6, mid_y - 5)
        else:
            mid = ty - GAP / 2
            path = f"M{start_x:.0f},{start_y:.0f} V{mid:.0f} H{end_x:.0f} V{ty:.0f}"
            dash = ""
            label_at = (end_x + 6, ty - 6)
        self.out.append(f'<path d="{path}" fill="none" stroke="#333"{dash} {marker}/>')
        if edge.label:
            text = edge.label if edge.kind is EdgeKind.OTHERWISE else f"if {edge.label}"
            if cell_len(text) > CHARS + 4:
                text = wrap(inert_line(text), CHARS)[0] + " …"
            self.out.append(
                f'<text x="{label_at[0]:.0f}" y="{label_at[1]:.0f}" {FONT} fill="#7a5c00"'
                f' font-style="italic">{xml_text(text)}</text>'
            )


def flow_svg(doc: Document) -> str:
    """The flow of a procedure or work instruction as one complete, standalone ``<svg>``
    element (no XML declaration, so it can be written into an HTML page as it is, or saved
    as an ``.svg`` file). Raises NotAFlow (a Refused) for another kind or no steps:
    ``core.flow.has_flow(doc)`` says beforehand whether there is one."""
    return flow_picture(build_flow(doc))


def flow_picture(flow: Flow) -> str:
    """``flow_svg`` for a flow already built."""
    return FlowPicture(flow).svg()
