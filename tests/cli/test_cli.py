"""The sopvault command, in-process and as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sopvault.cli import main
from tests.conftest import BROKEN_EXPECTED


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_list_and_filters(sample_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--vault", str(sample_path), "list", "--kind", "policy")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == [f"POL-00{i}" for i in range(1, 7)]
    code, out, _ = run(capsys, "--vault", str(sample_path), "list", "--tag", "potash", "--json")
    ids = {d["id"] for d in json.loads(out)}
    assert ids == {"PRC-005", "SOP-009", "SOP-010", "WI-001", "WI-002", "STD-002", "FRM-004"}


def test_show_renders_metadata_steps_and_body(
    sample_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--vault", str(sample_path), "show", "SOP-010")
    assert code == 0
    assert "Leach and crystallise sulphate of potash" in out
    assert "Dmitri Volkov (dmitri)" in out
    assert " 2. Check the hot water temperature before filling" in out
    assert "CONTROL POINT" in out
    assert "number 55-65 °C" in out
    assert "Stop the job" in out


def test_tree_shows_hierarchy_and_related(
    sample_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--vault", str(sample_path), "tree", "PRC-005")
    lines = out.splitlines()
    assert lines[0].startswith("PRC-005") and "<-> PRC-001, PRC-003, PRC-006" in lines[0]
    assert any("SOP-010" in line for line in lines)
    assert any(line.startswith("│   └── WI-002") for line in lines)


def test_check_on_broken_vault(broken_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--vault", str(broken_path), "check")
    assert code == 1
    for path, line, code_name in BROKEN_EXPECTED:
        assert f"{path}:{line}: error:" in out and f"[{code_name}]" in out
    code, out, _ = run(capsys, "--vault", str(broken_path), "check", "--json")
    report = json.loads(out)
    assert report["errors"] >= len(BROKEN_EXPECTED) and report["documents"] >= 3


def test_commands_still_work_on_good_documents_and_count_skipped(
    broken_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--vault", str(broken_path), "list")
    assert code == 0 and "POL-1" in out and "SOP-1" in out
    assert "5 files were skipped" in err
    code, out, err = run(capsys, "--vault", str(broken_path), "show", "SOP-1")
    assert code == 0 and "Count the pallets" in out
    code, out, err = run(capsys, "--vault", str(broken_path), "show", "B-2")
    assert code == 1 and "some files were skipped; see `sopvault check`" in err


def test_check_clean_sample_exits_zero(
    sample_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--vault", str(sample_path), "check")
    assert code == 0 and " 0 errors" in out


def test_init_and_new(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "init", str(tmp_path / "ops"), "--name", "Ops")
    assert code == 0 and "initialised a git repository" in out
    vault = str(tmp_path / "ops")
    code, out, _ = run(capsys, "--vault", vault, "new", "process", "--title", "Revenue")
    assert code == 0 and "PRC-001" in out
    code, out, _ = run(
        capsys,
        "--vault",
        vault,
        "new",
        "procedure",
        "--title",
        "Take orders",
        "--parent",
        "PRC-001",
    )
    assert "SOP-001" in out
    code, out, _ = run(capsys, "--vault", vault, "check")
    assert code == 0, out


def test_errors_are_one_line_without_traceback(
    sample_path: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, err = run(capsys, "--vault", str(sample_path), "show", "NOPE-1")
    assert code == 1 and err == "sopvault: error: no document with id 'NOPE-1'\n"
    code, _, err = run(capsys, "--vault", str(tmp_path / "nowhere"), "list")
    assert code == 1 and err.count("\n") == 1 and "sopvault.toml" in err
    code, _, err = run(capsys, "--vault", str(sample_path), "show", "../../etc/passwd")
    assert code == 1 and "not a valid document id" in err
    with pytest.raises(SystemExit) as exit_info:
        main(["list", "--kind", "memo"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_escape_sequences_from_files_are_inert(
    sample_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evil = sample_path / "policies" / "evil.md"
    evil.write_text(
        '+++\nid = "EVIL"\ntitle = "Evil \\u001b[2J\\u001b]0;pwned\\u0007 title"\n'
        'kind = "policy"\n+++\nBody \x1b[31mred\x1b[0m\n'
    )
    for args in (["list"], ["show", "EVIL"], ["tree"], ["check"]):
        _, out, err = run(capsys, "--vault", str(sample_path), *args)
        assert "\x1b" not in out and "\x07" not in out and "\x1b" not in err, args
    _, out, _ = run(capsys, "--vault", str(sample_path), "show", "EVIL")
    assert "^[[2J" in out


def _imports_after(args: list[str], cwd: Path) -> set[str]:
    code = (
        "import sys; from sopvault.cli import main; "
        f"rc = main({args!r}); "
        "print('MODS', ' '.join(m for m in ('textual', 'git', 'whoosh') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True
    )
    line = next(row for row in done.stdout.splitlines() if row.startswith("MODS"))
    return set(line.split()[1:])


@pytest.mark.parametrize("args", [["list"], ["tree"], ["check"]])
def test_headless_commands_never_import_textual_or_git(sample_path: Path, args: list[str]) -> None:
    assert _imports_after(args, sample_path) == set()


def test_show_asks_git_about_the_working_copy_but_loads_no_textual_or_whoosh(
    sample_path: Path,
) -> None:
    """Trust §7 (working copy): ``show`` compares the working copy with main, so it needs
    git now; it still loads neither Textual nor Whoosh, and since issue 14 (speed) git
    runs without GitPython's import either."""
    assert _imports_after(["show", "SOP-001"], sample_path) == set()


def test_search_loads_whoosh_but_not_textual_or_gitpython(sample_path: Path) -> None:
    assert _imports_after(["search", "potash"], sample_path) == {"whoosh"}


def test_search_command_output_and_exit_codes(
    sample_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--vault", str(sample_path), "search", "reorder", "point")
    assert code == 0 and out.startswith("SOP-003") and "\x1b" not in out
    assert "built the search index" in err
    code, out, err = run(capsys, "--vault", str(sample_path), "search", "respirtor", "--json")
    data = json.loads(out)
    assert code == 0 and data["did_you_mean"] == "respirator" and data["corrected"]
    first = data["hits"][0]
    start, end = first["highlights"][0]
    assert first["snippet"][start:end].lower() == "respirator"
    code, out, err = run(capsys, "--vault", str(sample_path), "search", "zzzqqqxx")
    assert code == 1 and err == "no documents match\n"
    code, out, err = run(capsys, "--vault", str(sample_path), "search", '"open')
    assert (
        code == 1 and err.startswith("sopvault: error: unbalanced quote") and err.count("\n") == 1
    )
    code, out, err = run(capsys, "--vault", str(sample_path), "search", "halite", "--kind", "form")
    assert code == 1
    code, out, _ = run(capsys, "--vault", str(sample_path), "index")
    assert code == 0 and out == "search index is up to date\n"
    code, out, _ = run(capsys, "--vault", str(sample_path), "index", "--rebuild")
    assert code == 0 and out == "search index built: 38 documents\n"


def test_help_does_not_import_textual(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom sopvault.cli import main\ntry:\n    main(['--help'])\n"
        "except SystemExit:\n    pass\nprint('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().endswith("False")


def test_console_script_runs(sample_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sopvault",
            "--vault",
            str(sample_path),
            "list",
            "--status",
            "draft",
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and done.stdout.startswith("WI-005")


def test_help_imports_no_command_module_nor_any_service() -> None:
    """The lazy root group: `sopvault --help` lists the commands without importing them."""
    code = (
        "import sys\nfrom sopvault.cli import main\nmain(['--help'])\n"
        "print('MODS', ' '.join(m for m in ('sopvault.cli.documents', 'sopvault.cli.review',"
        " 'sopvault.services.vault', 'textual', 'git', 'whoosh', 'rich') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    line = next(row for row in done.stdout.splitlines() if row.startswith("MODS"))
    assert line.split()[1:] == []


def test_list_imports_only_its_own_command_module(sample_path: Path) -> None:
    code = (
        "import sys\nfrom sopvault.cli import main\nmain(['list'])\n"
        "print('MODS', ' '.join(m for m in sys.modules if m.startswith('sopvault.cli.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=sample_path, capture_output=True, text=True, check=True
    )
    line = next(row for row in done.stdout.splitlines() if row.startswith("MODS"))
    assert set(line.split()[1:]) == {
        "sopvault.cli.app",
        "sopvault.cli.options",
        "sopvault.cli.params",
        "sopvault.cli.output",
        "sopvault.cli.documents",
    }
