"""``--as-of DATE`` on list, show, tree and search, on the demo vault (SOP-003 was 2.0 from
the import of 5 January, 2.1 from 12 March, 2.2 from 15 September 2026)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sopvault.cli import main
from sopvault.store.git.objects import read_blobs
from sopvault.store.git.repo import Repo
from tests.conftest import act_as

# Local time is UTC in every test here (the shared ``utc`` fixture).
pytestmark = pytest.mark.usefixtures("utc")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_and_tree_as_of_a_date(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 14 (the vault on any date): list and tree show the versions of that date and
    say on stderr, in one line, which commit of main they come from; stdout stays the
    listing (for scripts: --json too)."""
    vault = str(demo_path)
    code, out, err = run(capsys, "list", "--as-of", "2026-03-03", "--vault", vault)
    assert code == 0
    assert err.splitlines()[0].startswith("As of 2026-03-03: main at c29208e (2026-01-05 09:00")
    assert err.splitlines()[0].endswith("Read only.")
    line = next(x for x in out.splitlines() if x.startswith("SOP-003"))
    assert line.split()[3] == "2.0"
    _, out, _ = run(capsys, "list", "--as-of", "2026-03-12", "--json", "--vault", vault)
    assert {d["id"]: d["version"] for d in json.loads(out)}["SOP-003"] == "2.1"
    _, out, _ = run(capsys, "list", "--vault", vault)
    assert next(x for x in out.splitlines() if x.startswith("SOP-003")).split()[3] == "2.2"
    code, out, err = run(capsys, "tree", "PRC-006", "--as-of", "2026-03-03", "--vault", vault)
    assert code == 0 and "SOP-003  Review stock levels and reorder points" in out
    assert err.startswith("As of 2026-03-03")


def test_show_as_of_answers_the_auditor(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14 (the vault on any date): "which revision was in force on 3 March, who
    approved it, and which runs followed it", in words and as JSON."""
    vault = str(demo_path)
    code, out, _ = run(capsys, "show", "SOP-003", "--as-of", "2026-03-03", "--vault", vault)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("In force on 2026-03-03: SOP-003 version 2.0 (effective")
    assert lines[1].startswith("Approved 2026-01-05 09:00 UTC by Hana Sato; proposed by Bilal")
    assert lines[2] == "Runs that followed this text: none"
    assert "Export the stock report from the inventory system" in out
    code, out, _ = run(
        capsys, "show", "SOP-003", "--as-of", "2026-03-12", "--json", "--vault", vault
    )
    answer = json.loads(out)
    assert (answer["version"], answer["approval"]["proposal"]) == ("2.1", "1")
    assert answer["approval"]["reviewed_by"] == ["Alice Moreno <alice.moreno@harrowfinch.example>"]
    assert answer["approval"]["proposed_by"].startswith("Carmen Ruiz")
    assert answer["commit"] == Repo(demo_path).rev("main~4")
    assert answer["front_matter"]["version"] == "2.1" and answer["runs"] == []


def test_search_as_of_searches_the_text_of_that_date(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14 (the vault on any date): "back order" entered SOP-003 on 12 March."""
    vault = str(demo_path)
    code, _, err = run(capsys, "search", '"back order"', "--as-of", "2026-03-03", "--vault", vault)
    assert code == 1 and "no documents match" in err
    code, out, _ = run(capsys, "search", '"back order"', "--as-of", "2026-03-13", "--vault", vault)
    assert code == 0 and out.startswith("SOP-003")


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("list", "--as-of", "2025-01-01"), "sopvault: error: 2025-01-01 is before the vault's"),
        (("tree", "--as-of", "2099-01-01"), "sopvault: error: 2099-01-01 is in the future"),
        (("list", "--as-of", "yesterday"), "sopvault: error: --as-of 'yesterday' is not a date"),
        (
            ("show", "WI-999", "--as-of", "2026-03-03"),
            "no document with id 'WI-999' as of 2026-03-03",
        ),
    ],
)
def test_dates_it_cannot_answer_for_are_one_line(
    demo_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], said: str
) -> None:
    """Issue 14 (the vault on any date): before the history, in the future, not a date,
    or a document that did not exist then: exit 1 and one line, no traceback."""
    code, _, err = run(capsys, *args, "--vault", str(demo_path))
    assert code == 1 and said in err and "Traceback" not in err
    assert len([x for x in err.splitlines() if x.startswith("sopvault: error")]) == 1


def test_outside_git_and_on_a_shallow_clone(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14 (the vault on any date): a vault outside git says history needs git; a
    shallow clone says a date before what it holds may be older history, and how to
    fetch it, rather than "before the vault's history"."""
    bare = tmp_path / "plain"
    shutil.copytree(demo_path, bare, ignore=shutil.ignore_patterns(".git"))
    code, _, err = run(capsys, "list", "--as-of", "2026-03-03", "--vault", str(bare))
    assert code == 1 and "not in a git repository" in err
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{demo_path}", str(shallow)], check=True
    )
    code, _, err = run(capsys, "list", "--as-of", "2026-03-03", "--vault", str(shallow))
    assert code == 1 and "is before the history here" in err and "git fetch --unshallow" in err


def test_as_of_and_at_do_not_mix(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 14 (the vault on any date): --as-of is a third way of naming a past text."""
    with pytest.raises(SystemExit) as stopped:
        main(["show", "SOP-003", "--at", "2.0", "--as-of", "2026-03-03", "--vault", str(demo_path)])
    assert stopped.value.code == 2
    assert "give one of --at, --approved and --as-of" in capsys.readouterr().err


def test_as_a_process(demo_path: Path) -> None:
    """Issue 14 (the vault on any date): the installed command, in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-m", "sopvault", "show", "SOP-003", "--as-of", "2026-09-15"],
        cwd=demo_path,
        capture_output=True,
        text=True,
        env={**os.environ, "TZ": "UTC"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("In force on 2026-09-15: SOP-003 version 2.2")
    assert done.stderr.startswith("As of 2026-09-15: main at ")


def test_blobs_are_read_in_one_batch(demo_path: Path) -> None:
    """Issue 14 (the vault on any date): one ``cat-file --batch`` gives every blob asked
    for by id; ids git does not hold, and names that are not ids, are left out."""
    repo = Repo(demo_path)
    entries = repo.tree_entries("main", "procedures")
    ids = [sha for _, sha in entries.values()]
    found = read_blobs(repo._runner, [*ids, "0" * 40, "main:sopvault.toml", ids[0]])
    assert set(found) == set(ids)
    path = next(iter(entries))
    assert found[entries[path][1]] == (demo_path / path).read_bytes()


def test_a_retired_or_draft_text_is_not_called_in_force(
    demo_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (the vault on any date, versions and retirement): approving a retirement
    says the document is retired, not effective, and on a later date `show --as-of` names
    the retired text, and a draft main held, as not in force (ISO 9001 §7.5.3.2 d)."""
    vault = str(demo_path)
    code, out, _ = run(
        capsys, "retire", "SOP-002", "-m", "Labels come from the FBA plan",
        "--superseded-by", "SOP-001", "--vault", vault,
    )  # fmt: skip
    assert code == 0, out
    number = out.split()[1].rstrip(":")
    act_as(monkeypatch, "Bilal Okafor")
    code, out, _ = run(capsys, "approve", number, "-m", "agreed", "--vault", vault)
    assert code == 0
    assert "SOP-002 1.2 is retired (superseded by SOP-001) on main" in out
    assert "effective" not in out
    code, out, _ = run(capsys, "show", "SOP-002", "--as-of", "2026-11-21", "--vault", vault)
    assert out.splitlines()[0].startswith(
        "Not in force (retired, superseded by SOP-001) on 2026-11-21: SOP-002 version 1.2"
    )
    _, out, _ = run(capsys, "show", "SOP-002", "--as-of", "2026-11-21", "--json", "--vault", vault)
    assert json.loads(out)["in_force"] is False
    _, out, _ = run(capsys, "show", "WI-005", "--as-of", "2026-06-01", "--vault", vault)
    assert out.splitlines()[0].startswith("Not in force (never approved as effective)")
    _, out, _ = run(capsys, "show", "SOP-003", "--as-of", "2026-06-01", "--json", "--vault", vault)
    assert json.loads(out)["in_force"] is True
