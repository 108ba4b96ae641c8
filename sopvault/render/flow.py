"""A flow drawn for a terminal (``sopvault flow ID``, the TUI's flow view), issue 16.

Lanes are columns, one per role (a column "(no role)" for steps that name none), with
the role's name at the top; each step is a box in its lane, the run going down the page,
an arrow crossing to the next step's lane when the role changes. A conditional step has a
branch point above it: ``◇ if <condition>`` and where the run goes otherwise. Marks in a
box: ``◆`` a control point, ``→ WI-...`` its work instruction, ``$`` a step that runs a
command, ``✎`` the evidence asked for, ``■`` a failed answer stops the run.

Every text from the document goes through ``safetext.inert_line`` first, so nothing in a
title or an action can act on a terminal. With ``unicode=False`` (an output encoding that
cannot show box drawing, such as ASCII or Latin-1) the glyphs are ASCII and any character
of the document the encoding lacks is a ``?``, so the columns still line up.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len

from sopvault.model.flow import Flow, FlowNode, NodeKind
from sopvault.render.safetext import inert_line

MIN_LANE = 18  # cells: narrower lanes leave too little room for a step's words
NO_ROLE = "(no role)"

_UNICODE = {
    "tl": "┌", "tr": "┐", "bl": "└", "br": "┘", "h": "─", "v": "│", "down": "▼",
    "sep": "┊", "rule": "─", "cp": "◆", "wi": "→", "cmd": "$", "ev": "✎", "stop": "■",
    "branch": "◇", "start": "●", "end": "◉",
}  # fmt: skip
_ASCII = {
    "tl": "+", "tr": "+", "bl": "+", "br": "+", "h": "-", "v": "|", "down": "v",
    "sep": ":", "rule": "-", "cp": "*", "wi": "->", "cmd": "$", "ev": "=", "stop": "#",
    "branch": "?", "start": "o", "end": "@",
}  # fmt: skip
SAMPLE = "".join(_UNICODE.values())


def can_draw_unicode(encoding: str | None) -> bool:
    """Whether an output ``encoding`` (``sys.stdout.encoding``) can show the box drawing
    glyphs; False for None, ASCII, Latin-1 and unknown encodings."""
    if not encoding:
        return False
    try:
        SAMPLE.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


@dataclass
class _Canvas:
    """Rows of cells; a double-width character fills its cell and blanks the next."""

    width: int
    rows: list[list[str]]

    def new_row(self) -> int:
        self.rows.append([" "] * self.width)
        return len(self.rows) - 1

    def put(self, row: int, col: int, text: str) -> None:
        cells = self.rows[row]
        for char in text:
            size = cell_len(char)
            if col + max(size, 1) > self.width:
                return
            if size == 0:
                if col > 0:
                    cells[col - 1] += char
                continue
            cells[col] = char
            if size == 2:
                cells[col + 1] = ""
            col += size

    def text(self) -> str:
        return "\n".join("".join(r).rstrip() for r in self.rows)


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` terminal cells, broken at spaces; a word
    longer than a line is cut. Always at least one line."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        while cell_len(word) > width:
            if line:
                lines.append(line)
                line = ""
            head = _cut(word, width)
            lines.append(head)
            word = word[len(head) :]
        candidate = f"{line} {word}" if line else word
        if cell_len(candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line or not lines:
        lines.append(line)
    return lines


def _cut(word: str, width: int) -> str:
    """The longest head of ``word`` that fits ``width`` cells (at least one character)."""
    used = 0
    for index, char in enumerate(word):
        used += cell_len(char)
        if used > width:
            return word[: max(index, 1)]
    return word


class FlowDrawing:
    """Draws one flow at a given width (cells) in Unicode or ASCII glyphs."""

    def __init__(self, flow: Flow, width: int = 80, *, unicode: bool = True) -> None:
        self.flow = flow
        self.unicode = unicode
        self.g = _UNICODE if unicode else _ASCII
        lanes = max(len(flow.lanes), 1)
        self.lane_width = max(MIN_LANE, width // lanes)
        self.canvas = _Canvas(self.lane_width * lanes, [])

    def clean(self, text: str) -> str:
        """Text from the document made inert (and ASCII when drawing in ASCII)."""
        safe = inert_line(text)
        if not self.unicode:
            safe = safe.encode("ascii", "replace").decode("ascii")
        return safe

    def lane_of(self, node: FlowNode) -> int:
        """The column index of a node: its step's lane (start and end: the first and last
        step's)."""
        return self.flow.lane_index(node)

    def centre(self, lane: int) -> int:
        """The cell at the middle of a lane, where arrows run."""
        return lane * self.lane_width + self.lane_width // 2

    def draw(self) -> str:
        """The whole drawing: title, lane headings, nodes joined by arrows, legend."""
        self._heading()
        previous: FlowNode | None = None
        for node in self.flow.nodes:
            if previous is not None:
                self._arrow(previous, node)
            self._node(node)
            previous = node
        self._separators()
        return "\n".join([self._title(), self.canvas.text(), self._legend()])

    def _title(self) -> str:
        flow = self.flow
        facts = [flow.kind]
        if flow.version:
            facts.append(f"version {flow.version}")
        if flow.status:
            facts.append(flow.status)
        return self.clean(f"{flow.doc_id}  {flow.title}  ({', '.join(facts)})")

    def _heading(self) -> None:
        row = self.canvas.new_row()
        for index, lane in enumerate(self.flow.lanes):
            name = self.clean(lane) if lane is not None else NO_ROLE
            name = _cut(name, self.lane_width - 2)
            start = index * self.lane_width + (self.lane_width - cell_len(name)) // 2
            self.canvas.put(row, start, name)
        rule = self.canvas.new_row()
        self.canvas.put(rule, 0, self.g["rule"] * self.canvas.width)

    def _node(self, node: FlowNode) -> None:
        lane = self.lane_of(node)
        if node.kind is NodeKind.STEP:
            self._box(lane, self._step_lines(node))
        elif node.kind is NodeKind.BRANCH:
            self._branch(lane, node)
        else:
            word = "start" if node.kind is NodeKind.START else "end"
            mark = self.g[node.kind.value]
            text = f"{mark} {word}"
            row = self.canvas.new_row()
            self.canvas.put(row, self.centre(lane) - cell_len(mark) // 2, text)

    def _step_lines(self, node: FlowNode) -> list[str]:
        inner = self.lane_width - 6
        g = self.g
        lines = wrap(self.clean(f"{node.number}. {node.action}"), inner)
        marks = []
        if node.critical:
            marks.append(f"{g['cp']} control point")
        if node.stops_work:
            marks.append(f"{g['stop']} fail stops work")
        if node.instruction:
            marks.append(f"{g['wi']} {self.clean(node.instruction)}")
        if node.command:
            marks.append(f"{g['cmd']} runs a command")
        if node.evidence:
            marks.append(f"{g['ev']} {self.clean(node.evidence)}")
        if node.duration:
            marks.append(f"takes {self.clean(node.duration)}")
        for mark in marks:
            lines.extend(wrap(mark, inner))
        return lines

    def _box(self, lane: int, lines: list[str]) -> None:
        g, canvas = self.g, self.canvas
        left = lane * self.lane_width + 1
        inner = self.lane_width - 6
        top = canvas.new_row()
        canvas.put(top, left, g["tl"] + g["h"] * (inner + 2) + g["tr"])
        for line in lines:
            row = canvas.new_row()
            pad = " " * (inner - cell_len(line))
            canvas.put(row, left, f"{g['v']} {line}{pad} {g['v']}")
        bottom = canvas.new_row()
        canvas.put(bottom, left, g["bl"] + g["h"] * (inner + 2) + g["br"])

    def _branch(self, lane: int, node: FlowNode) -> None:
        inner = self.lane_width - 3
        left = lane * self.lane_width + 2
        mark = self.g["branch"]
        text = self.clean(f"{mark} if {node.condition}")
        for line in wrap(text, inner):
            self.canvas.put(self.canvas.new_row(), left, line)
        after = self._otherwise_target(node)
        for line in wrap(f"otherwise on to {after}", inner - 2):
            self.canvas.put(self.canvas.new_row(), left + 2, line)

    def _otherwise_target(self, node: FlowNode) -> str:
        """Where a run goes when the branch's condition does not hold, in words."""
        for edge in self.flow.edges_from(node.id):
            if edge.label == "otherwise":
                target = self.flow.node(edge.target)
                return "the end" if target.kind is NodeKind.END else f"step {target.number}"
        return "the end"

    def _arrow(self, source: FlowNode, target: FlowNode) -> None:
        g, canvas = self.g, self.canvas
        start, end = self.centre(self.lane_of(source)), self.centre(self.lane_of(target))
        if start != end:
            row = canvas.new_row()
            low, high = sorted((start, end))
            canvas.put(row, low, g["h"] * (high - low + 1))
            canvas.put(row, start, g["bl"] if end > start else g["br"])
            canvas.put(row, end, g["tr"] if end > start else g["tl"])
        else:
            canvas.put(canvas.new_row(), start, g["v"])
        canvas.put(canvas.new_row(), end, g["down"])

    def _separators(self) -> None:
        """A dotted line between lanes on every row where nothing else is drawn."""
        bounds = [i * self.lane_width for i in range(1, len(self.flow.lanes))]
        for cells in self.canvas.rows[2:]:
            for col in bounds:
                if cells[col] == " ":
                    cells[col] = self.g["sep"]

    def _legend(self) -> str:
        g = self.g
        return (
            f"{g['cp']} control point   {g['wi']} work instruction   {g['cmd']} command"
            f"   {g['ev']} evidence   {g['branch']} branch (the step runs only if)"
        )


def draw_flow(flow: Flow, width: int = 80, *, unicode: bool = True) -> str:
    """The flow as lines of text for a terminal ``width`` cells wide (wider when there are
    more lanes than fit at 18 cells each), ending without a newline."""
    return FlowDrawing(flow, width, unicode=unicode).draw()
