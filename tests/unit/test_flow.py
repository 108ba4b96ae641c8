"""Issue 16 (flow pictures): the flow model of a document, and its three drawings (the
terminal, Mermaid, SVG) on hand-made documents, hostile ones included."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from rich.cells import cell_len

from sopvault.core.flow import NotAFlow, build_flow, has_flow
from sopvault.core.parse import parse_text
from sopvault.model.document import Document
from sopvault.model.flow import EdgeKind, NodeKind
from sopvault.render.flow import can_draw_unicode, draw_flow
from sopvault.render.flowsvg import flow_svg
from sopvault.render.mermaid import flow_mermaid
from tests.hostile import BITS, assert_inert

SAMPLE = Path(__file__).resolve().parents[2] / "sample_vault"
NASTY = '"]--> x; click s1 call alert(1) %% <script>alert(1)</script> #quot; ` & [[w]] {{b}}'
HOSTILE = NASTY + "".join(BITS)


def document(steps: list[dict[str, Any]], **front: Any) -> Document:
    """A procedure parsed from its text, as the vault parses it."""
    fields = {"id": "SOP-77", "title": "Test flow", "kind": "procedure", "status": "draft"}
    fields.update(front)
    text = f"+++\n{tomli_w.dumps({**fields, 'steps': steps})}+++\nBody.\n"
    doc = parse_text("procedures/SOP-77.md", text).document
    assert doc is not None
    return doc


def sample(name: str) -> Document:
    rel = next(SAMPLE.glob(f"*/{name}-*.md"))
    doc = parse_text(str(rel.relative_to(SAMPLE)), rel.read_text(encoding="utf-8")).document
    assert doc is not None
    return doc


BRANCHY = [
    {"action": "Check the pallet", "role": "warehouse lead", "critical": True, "record": "yesno"},
    {"action": "Count the boxes", "record": {"type": "number", "unit": "boxes"}},
    {"action": "Reject the pallet", "role": "buyer", "when": "step 1 == 'no'"},
    {"action": "Weigh the pallet", "role": "warehouse lead", "when": "step 2 > 10"},
    {"action": "Print the labels", "role": "warehouse lead", "instruction": "WI-003"},
    {"action": "Export the count", "command": ["true"]},
]


def test_lanes_follow_roles_then_no_role_last() -> None:
    """Issue 16 (flow): a lane per role, in the document's ``roles`` order; steps with no
    role share one lane, last."""
    flow = build_flow(document(BRANCHY, roles=["buyer", "warehouse lead"]))
    assert flow.lanes == ("buyer", "warehouse lead", None)
    lanes = {n.number: n.lane for n in flow.steps}
    assert lanes == {
        1: "warehouse lead",
        2: None,
        3: "buyer",
        4: "warehouse lead",
        5: "warehouse lead",
        6: None,
    }


def test_conditional_steps_branch_and_go_around() -> None:
    """Issue 16 (flow): a conditional step has a branch point; the condition labels the
    edge into the step, ``otherwise`` the edge around it; two in a row chain."""
    flow = build_flow(document(BRANCHY))
    ids = [n.id for n in flow.nodes]
    assert ids == ["start", "s1", "s2", "b3", "s3", "b4", "s4", "s5", "s6", "end"]
    edges = {(e.source, e.target): (e.kind, e.label) for e in flow.edges}
    assert edges[("b3", "s3")] == (EdgeKind.WHEN, "step 1 == 'no'")
    assert edges[("b3", "b4")] == (EdgeKind.OTHERWISE, "otherwise")
    assert edges[("s3", "b4")] == (EdgeKind.NEXT, None)
    assert edges[("b4", "s4")] == (EdgeKind.WHEN, "step 2 > 10")
    assert edges[("b4", "s5")] == (EdgeKind.OTHERWISE, "otherwise")
    assert edges[("s4", "s5")] == (EdgeKind.NEXT, None)
    assert edges[("s6", "end")] == (EdgeKind.NEXT, None)
    assert len(flow.edges) == 11


def test_marks_on_steps() -> None:
    """Issue 16 (flow): control points, work instructions, commands and evidence marked."""
    steps = {n.number: n for n in build_flow(document(BRANCHY)).steps}
    assert steps[1].critical and steps[1].evidence == "yes/no"
    assert steps[2].evidence == "number boxes"
    assert steps[5].instruction == "WI-003"
    assert steps[6].command and not steps[5].command


def test_a_process_is_refused_and_no_steps_too() -> None:
    """Issue 16 (flow): only procedures and work instructions with steps are drawn; a
    process names `graph`."""
    with pytest.raises(NotAFlow, match="sopvault graph"):
        build_flow(sample("PRC-001"))
    assert not has_flow(sample("PRC-001"))
    with pytest.raises(NotAFlow, match="no steps"):
        build_flow(document([]))
    wi = sample("WI-002")
    assert has_flow(wi) and build_flow(wi).kind == "work instruction"


def test_terminal_drawing_of_the_leach_procedure() -> None:
    """Issue 16 (flow): SOP-010 in the terminal: its two lanes, the branch before step 7,
    the control points and the work instruction."""
    text = draw_flow(build_flow(sample("SOP-010")), 80)
    lines = text.splitlines()
    assert "plant operator" in lines[1] and "lab technician" in lines[1]
    assert "◇ if step 6 == 'fail'" in text
    assert "otherwise on to the end" in text
    assert text.count("│ ◆ control point") == 3  # and once in the legend
    assert "→ WI-002" in text
    assert all(cell_len(line) <= 80 for line in lines[1:-1])


def test_terminal_ascii_fallback() -> None:
    """Issue 16 (flow): an output that cannot encode box drawing gets ASCII only."""
    assert can_draw_unicode("utf-8") and not can_draw_unicode("ascii")
    assert not can_draw_unicode("latin-1") and not can_draw_unicode(None)
    text = draw_flow(build_flow(sample("SOP-010")), 80, unicode=False)
    text.encode("ascii")
    assert "+----" in text and "? if step 6 == 'fail'" in text


def hostile_doc() -> Document:
    steps = [
        {"action": f"Check {HOSTILE}", "role": HOSTILE, "critical": True, "record": "text"},
        {"action": "Close it", "when": "step 1 == '\"]; click s1 alert'", "instruction": HOSTILE},
        {"action": "Wide 株式会社の手順を確認する" * 3, "role": "品質"},
    ]
    return document(steps, title=HOSTILE)


def test_hostile_text_is_inert_in_the_terminal() -> None:
    """Issue 16 (flow, hostile): no raw control character reaches the terminal drawing,
    and wide characters keep the lanes aligned."""
    text = draw_flow(build_flow(hostile_doc()), 90)
    assert_inert(text)
    assert "^[" in text
    for line in text.splitlines()[1:-1]:
        assert cell_len(line) <= max(90, 18 * 3)


MERMAID_LINE = re.compile(
    r'^(flowchart TD|  %% [^"\n]*|  start\(\["start"\]\)|  end_\(\["end"\]\)|  end'
    r'|  subgraph L\d+\["[^"<>]*"\]'
    r'|    s\d+\["[^"<>]*(<br/>[^"<>]*)*"\]|    b\d+\{"\?"\}'
    r'|  (start|[sb]\d+) (-->|-\.->)(\|"[^"<>]*"\|)? ([sb]\d+|end_)'
    r"|  classDef control [a-z:#0-9,-]+|  class [s\d,]+ control)$"
)


def test_hostile_mermaid_keeps_its_structure() -> None:
    """Issue 16 (flow, hostile): a title, role, action, condition and instruction holding
    ``"]``, ``-->``, ``%%``, ``click``, ``<script>`` stay inside quoted labels: every
    line is one of the statements sopvault writes, and no ``click`` statement appears."""
    text = flow_mermaid(build_flow(hostile_doc()))
    assert_inert(text)
    for line in text.splitlines():
        assert MERMAID_LINE.match(line), line
        assert not line.strip().startswith("click")
    assert "#60;script#62;" in text and "#34;#93;--#62;" in text
    assert "#35;quot#59;" in text  # a literal "#quot;" is not an entity code


ALLOWED_TAGS = {"svg", "title", "defs", "marker", "path", "rect", "text", "a"}
SVG = "{http://www.w3.org/2000/svg}"


def test_svg_parses_and_hostile_text_stays_text() -> None:
    """Issue 16 (flow, hostile): the SVG is well-formed XML of a few drawing elements; no
    script, no event attribute, no external reference; hostile text is only text."""
    doc = hostile_doc()
    picture = flow_svg(doc)
    root = ET.fromstring(picture)
    assert root.tag == f"{SVG}svg"
    texts = []
    for element in root.iter():
        assert element.tag.removeprefix(SVG) in ALLOWED_TAGS, element.tag
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), name
            if name == "href":
                assert re.fullmatch(r"[A-Za-z0-9._-]+\.html", value), value
            assert "javascript" not in value.lower()
            assert "url(" not in value or value == "url(#sopvault-flow-arrow)"
        texts.append(element.text or "")
    shown = " ".join(texts)
    assert "<script>alert(1)</script>" in shown  # as words, after unescaping
    assert "<script" not in picture and '<a href=""' not in picture
    assert len(root.findall(f".//{SVG}a")) == 0  # a hostile instruction id is no link


def test_svg_of_the_leach_procedure() -> None:
    """Issue 16 (flow): SOP-010's SVG: two lanes, a link to WI-002's page, control points
    with their marker, the condition on the edge into step 7."""
    root = ET.fromstring(flow_svg(sample("SOP-010")))
    links = root.findall(f".//{SVG}a")
    assert [a.get("href") for a in links] == ["WI-002.html"]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "plant operator" in texts and "lab technician" in texts
    assert texts.count("◆ control point") == 3
    assert "if step 6 == 'fail'" in texts and "otherwise" in texts
    assert root.find(f"{SVG}title") is not None
    kinds = [n.kind for n in build_flow(sample("SOP-010")).nodes]
    assert kinds.count(NodeKind.BRANCH) == 1


def test_the_picture_in_the_docs_is_current() -> None:
    """Issue 16 (flow, docs): docs/flow.md shows SOP-010's SVG as sopvault draws it now
    (after a change to the drawing: `sopvault flow SOP-010 --svg docs/flow-sop-010.svg
    --force` in a demo vault)."""
    shown = (SAMPLE.parent / "docs" / "flow-sop-010.svg").read_text(encoding="utf-8")
    assert shown == flow_svg(sample("SOP-010")) + "\n"
