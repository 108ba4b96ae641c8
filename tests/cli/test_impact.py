"""Issue 14 (impact): ``sopvault impact ID`` and ``impact --proposal N`` on the demo, in
process and as a fresh interpreter (which must not import GitPython, Textual or Whoosh)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sopvault.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_impact_of_a_document_in_words(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 14 (impact): the documents, open runs and readers, one line each."""
    code, out, _ = run(capsys, "--vault", str(demo_path), "impact", "sop-003")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "SOP-003 Review stock levels and reorder points: no change yet (2.2 on main)"
    assert lines[1] == "Documents it touches: 1 (1 below it in the tree, 0 linking to it)"
    assert lines[2].split() == [
        "WI-004",
        "in",
        "review",
        "work",
        "instruction",
        "under",
        "SOP-003",
        "Count",
        "stock",
        "for",
        "a",
        "cycle",
        "count",
    ]
    assert "Open runs of SOP-003: none" in lines
    assert "Who will owe an acknowledgement once approved: 1" in lines
    assert "  carmen  Carmen Ruiz" in lines and "  role warehouse lead: carmen" in lines


def test_impact_json_and_the_proposal(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 14 (impact): ``--json`` for one document; ``--proposal N`` for each document
    of a proposal, as proposed."""
    code, out, _ = run(capsys, "--vault", str(demo_path), "impact", "WI-004", "--json")
    data = json.loads(out)
    assert code == 0 and data["id"] == "WI-004" and data["change"] == "working copy"
    assert data["documents"] == [
        {
            "id": "SOP-003",
            "title": "Review stock levels and reorder points",
            "kind": "procedure",
            "status": "effective",
            "version": "2.2",
            "relation": "instruction",
            "below": False,
            "path": ["WI-004", "SOP-003"],
        }
    ]
    assert data["readers"] == {
        "people": [],
        "no_longer": [],
        "roles": {"warehouse operative": []},
        "unknown": [],
    }
    code, out, _ = run(capsys, "--vault", str(demo_path), "impact", "--proposal", "wi-004/6")
    assert code == 0
    assert out.splitlines()[0] == (
        "WI-004 Count stock for a cycle count: proposal 6 (1.0 on main, proposed as 1.1)"
    )
    assert "  role warehouse operative: nobody holds it" in out.splitlines()
    code, out, _ = run(capsys, "--vault", str(demo_path), "impact", "--proposal", "6", "--json")
    assert [d["version"] for d in json.loads(out)["documents"]] == ["1.1"]


def test_impact_refusals_are_one_line(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 14 (impact): an unknown id (with "did you mean"), an unknown proposal, and
    neither or both of ID and --proposal."""
    code, _, err = run(capsys, "--vault", str(demo_path), "impact", "SOP-03")
    assert code == 1 and err.startswith("sopvault: error: no document") and "SOP-003" in err
    code, _, err = run(capsys, "--vault", str(demo_path), "impact", "--proposal", "42")
    assert code == 1 and "no proposal 42" in err and len(err.splitlines()) == 1
    for args in (["impact"], ["impact", "SOP-003", "--proposal", "6"]):
        with pytest.raises(SystemExit) as ended:
            main(["--vault", str(demo_path), *args])
        assert ended.value.code == 2
        assert "name a document ID or --proposal N" in capsys.readouterr().err


def test_impact_as_a_process_imports_no_gitpython(demo_path: Path) -> None:
    """Issue 14 (impact): the headless ``impact ID`` asks git through short processes and
    never imports GitPython (0.12 s of its 0.5 s), Textual or Whoosh."""
    code = (
        "import sys; from sopvault.cli import main; "
        "rc = main(['impact', 'SOP-003']); "
        "print('MODS', ' '.join(m for m in ('textual', 'git', 'whoosh') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=demo_path, capture_output=True, text=True, check=True
    )
    assert "Documents it touches: 1" in done.stdout
    assert done.stdout.splitlines()[-1].split() == ["MODS"]
