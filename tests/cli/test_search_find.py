"""`sopvault search` on what people typed: CJK and accented words, snippets naming their
field, and hostile text in a heading that labels a snippet."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from sopvault.cli import main
from tests.conftest import commit_all, write

DOC = """+++
id = "JP-1"
title = "ボイラー点検"
kind = "procedure"

[[steps]]
action = "ボイラーの圧力を点検する"
+++
## Notes \x1b[31mred\x1b]0;owned\x07
Servir la crème brûlée après le nettoyage.
"""


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "v"
    write(root, "sopvault.toml", 'name = "World"\n')
    write(root, "jp.md", DOC)
    commit_all(root)
    return root


def test_snippets_name_their_field_and_stay_inert(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 17 (snippets): each snippet line says where it comes from (`step 1:`, a body
    heading), the JSON gives `snippet_field`, and a heading's escape sequences are inert."""
    code, out, _ = run(capsys, "--vault", str(vault), "search", "圧力")
    assert code == 0 and "step 1: ボイラーの圧力を点検する" in out
    typed = unicodedata.normalize("NFD", "CRÈME")  # decomposed, in capitals
    code, out, _ = run(capsys, "--vault", str(vault), "search", typed)
    assert code == 0 and "Notes" in out and "crème brûlée" in out and "\x1b" not in out
    assert "\x07" not in out
    code, out, _ = run(capsys, "--vault", str(vault), "search", "点検", "--json")
    hit = json.loads(out)["hits"][0]
    assert hit["snippet_field"] == "step 1"
    start, end = hit["highlights"][0]
    assert hit["snippet"][start:end] == "点検"
