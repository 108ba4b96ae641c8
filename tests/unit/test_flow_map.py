"""Issue 16 (graph): the process map from documents (processes, their intersections, the
procedures below them) and its two drawings, hostile titles included."""

from __future__ import annotations

import re
from typing import Any

import tomli_w

from sopvault.core.flow import process_map
from sopvault.core.parse import parse_text
from sopvault.core.tree import build_tree
from sopvault.model.document import Document
from sopvault.render.mermaid import map_mermaid
from sopvault.render.processmap import map_lines
from tests.hostile import BITS, assert_inert
from tests.unit.test_flow import NASTY

HOSTILE = NASTY + "".join(BITS)


def doc(doc_id: str, kind: str, title: str, **front: Any) -> Document:
    fields = {"id": doc_id, "title": title, "kind": kind, "status": "effective", **front}
    parsed = parse_text(f"{doc_id}.md", f"+++\n{tomli_w.dumps(fields)}+++\n").document
    assert parsed is not None
    return parsed


def vault() -> dict[str, Document]:
    docs = [
        doc("PRC-1", "process", "Order to cash", related=["PRC-2", "PRC-3"]),
        doc("PRC-2", "process", HOSTILE, related=["PRC-1"]),
        doc("PRC-3", "process", "Cash collection"),
        doc("SOP-1", "procedure", "Chase a payment", parents=["PRC-3"]),
        doc("SOP-2", "procedure", HOSTILE, parents=["PRC-2", "PRC-3"]),
        doc("WI-1", "work_instruction", "Not on the map", parents=["SOP-1"]),
    ]
    return {d.id: d for d in docs}


def test_the_map_holds_processes_intersections_and_procedures() -> None:
    """Issue 16 (graph): intersections both ways (named once), procedures directly below
    each process (one under two processes appears under both), work instructions not."""
    docs = vault()
    found = {p.id: p for p in process_map(docs, build_tree(docs)).processes}
    assert set(found) == {"PRC-1", "PRC-2", "PRC-3"}
    assert found["PRC-3"].related == ("PRC-1",)
    assert found["PRC-1"].related == ("PRC-2", "PRC-3")
    assert sorted(p for p, _ in found["PRC-3"].procedures) == ["SOP-1", "SOP-2"]  # tree order
    assert [p for p, _ in found["PRC-2"].procedures] == ["SOP-2"]
    assert found["PRC-1"].procedures == ()


MAP_LINE = re.compile(
    r'^(flowchart LR|  p\d+\("[^"<>]*<br/>[^"<>]*"\)|  d\d+\["[^"<>]*<br/>[^"<>]*"\]'
    r"|  p\d+ -\.-> d\d+|  p\d+ <--> p\d+)$"
)


def test_hostile_titles_on_the_map_stay_labels() -> None:
    """Issue 16 (graph, hostile): every Mermaid line is one sopvault writes; each pair of
    processes meets once; the terminal lines are inert, and ASCII when asked."""
    docs = vault()
    found = process_map(docs, build_tree(docs))
    text = map_mermaid(found)
    assert_inert(text)
    for line in text.splitlines():
        assert MAP_LINE.match(line), line
    assert text.count(" <--> ") == 2
    lines = map_lines(found)
    for line in lines:
        assert_inert(line)
    assert "  ↔ PRC-1  Order to cash" in lines
    "\n".join(map_lines(found, unicode=False)).encode("ascii")
