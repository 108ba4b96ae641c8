"""Issue 16 (flow pictures): ``sopvault flow`` and ``sopvault graph`` on the demo vault,
in process and as a real subprocess (the output encoding decides the glyphs)."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.hostile import run_inert as run


def test_flow_in_the_terminal(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 16 (flow): SOP-010 drawn with its lanes, branch and marks; ids in any case."""
    code, out, _ = run(capsys, "--vault", str(demo_path), "flow", "sop-010", "--width", "90")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("SOP-010  Leach and crystallise sulphate of potash")
    assert "plant operator" in lines[1] and "lab technician" in lines[1]
    assert "◇ if step 6 == 'fail'" in out and "→ WI-002" in out


def test_flow_mermaid_and_svg(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (flow): --mermaid prints a flowchart with a subgraph per lane; --svg
    writes a parseable SVG once, and replaces it only with --force."""
    vault = ["--vault", str(demo_path)]
    code, out, _ = run(capsys, *vault, "flow", "SOP-010", "--mermaid")
    assert code == 0 and out.startswith("flowchart TD\n")
    assert '  subgraph L1["plant operator"]' in out and '  subgraph L2["lab technician"]' in out
    target = tmp_path / "sop-010.svg"
    code, out, _ = run(capsys, *vault, "flow", "SOP-010", "--svg", str(target))
    assert code == 0 and "wrote the flow of SOP-010" in out
    first = target.read_bytes()
    assert ET.fromstring(first).tag.endswith("svg")
    code, _, err = run(capsys, *vault, "flow", "SOP-009", "--svg", str(target))
    assert code == 1 and "give --force" in err and target.read_bytes() == first
    code, _, _ = run(capsys, *vault, "flow", "SOP-009", "--svg", str(target), "--force")
    assert code == 0 and b"SOP-009" in target.read_bytes()


def test_flow_refuses_a_process_in_one_line(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (flow): a process has no steps: one line naming `graph`, exit 1."""
    code, out, err = run(capsys, "--vault", str(demo_path), "flow", "PRC-001")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "sopvault graph" in err


def test_flow_working_copy_approved_and_as_of(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 (flow, as-of): the working copy by default, main's text with --approved,
    the revision in force on a date with --as-of (SOP-009 was 3.1 before 2 April)."""
    vault = ["--vault", str(demo_path)]
    path = next(demo_path.glob("procedures/SOP-009-*.md"))
    text = path.read_text(encoding="utf-8")
    extra = '[[steps]]\naction = "Sweep the flotation floor"\nrole = "cleaner"\n+++'
    path.write_text(text.replace("+++", extra, 2).replace(extra, "+++", 1), encoding="utf-8")
    _, out, _ = run(capsys, *vault, "flow", "SOP-009", "--width", "120")
    assert "Sweep the flotation floor" in out and "cleaner" in out.splitlines()[1]
    _, out, _ = run(capsys, *vault, "flow", "SOP-009", "--approved", "--width", "120")
    assert "Sweep" not in out and "version 3.2" in out.splitlines()[0]
    code, out, err = run(capsys, *vault, "flow", "SOP-009", "--as-of", "2026-03-01")
    assert code == 0 and "version 3.1" in out.splitlines()[0] and "As of 2026-03-01" in err


def test_graph(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 16 (graph): every process, the processes it meets, its procedures; Mermaid
    draws each intersection once."""
    vault = ["--vault", str(demo_path)]
    code, out, _ = run(capsys, *vault, "graph")
    assert code == 0
    block = out.split("\nPRC-005  ")[1].split("\n\n")[0]
    assert "↔ PRC-001" in block and "SOP-009  Remove halite by flotation" in block
    assert out.count("PRC-") >= 8
    code, out, _ = run(capsys, *vault, "graph", "--mermaid")
    assert code == 0 and out.startswith("flowchart LR\n")
    pairs = [line for line in out.splitlines() if " <--> " in line]
    assert len(pairs) == len(set(pairs)) and pairs
    code, out, _ = run(capsys, *vault, "graph", "--as-of", "2026-02-01")
    assert code == 0 and "PRC-001" in out


def test_ascii_output_when_the_encoding_cannot_draw(demo_path: Path) -> None:
    """Issue 16 (flow): a real process whose stdout is ASCII prints ASCII boxes."""
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "COLUMNS": "80"}
    done = subprocess.run(
        [sys.executable, "-m", "sopvault", "--vault", str(demo_path), "flow", "SOP-010"],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    done.stdout.decode("ascii")
    assert b"+---" in done.stdout and b"? if step 6 == 'fail'" in done.stdout
