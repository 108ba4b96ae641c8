"""No user text reaches a shell: the package's source never starts a shell, and every
process it starts gets an argument list. The GitPython floor excludes the releases with
command-injection CVEs (CVE-2022-24439, CVE-2023-40267, CVE-2024-22190)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "sopvault"
STARTERS = {"run", "call", "check_call", "check_output", "Popen"}
SHELLS = {
    ("os", "system"),
    ("os", "popen"),
    ("subprocess", "getoutput"),
    ("subprocess", "getstatusoutput"),
}


def calls() -> list[tuple[Path, ast.Call]]:
    found = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found += [(path, node) for node in ast.walk(tree) if isinstance(node, ast.Call)]
    return found


def test_no_shell_is_ever_started() -> None:
    problems = []
    for path, call in calls():
        func = call.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            if (func.value.id, func.attr) in SHELLS:
                problems.append(f"{path.name}:{call.lineno} {func.value.id}.{func.attr}")
            if func.value.id == "subprocess" and func.attr in STARTERS:
                for keyword in call.keywords:
                    if keyword.arg == "shell" and not (
                        isinstance(keyword.value, ast.Constant) and keyword.value.value is False
                    ):
                        problems.append(f"{path.name}:{call.lineno} shell=")
                first = call.args[0] if call.args else None
                if isinstance(first, ast.Constant | ast.JoinedStr | ast.BinOp):
                    problems.append(f"{path.name}:{call.lineno} a command as one string")
    assert problems == []


def test_the_process_starters_are_the_ones_we_know() -> None:
    """git by argument lists (store/git), the user's editor (shlex-split) and the other
    programs a user configures or an approved step names (store/process, issue 15)."""
    starters = {
        path.relative_to(ROOT / "sopvault").as_posix()
        for path, call in calls()
        if isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id == "subprocess"
        and call.func.attr in STARTERS
    }
    assert "store/git/runner.py" in starters
    assert starters <= {"store/git/runner.py", "services/editor.py", "store/process.py"}


def test_the_forks_are_the_ones_we_know() -> None:
    """Copies of sopvault itself, which run no program: the search index builders
    (search/build.py, through multiprocessing) and a share of a listing's parsing
    (store/forked.py, issue 14)."""
    forks = {
        path.relative_to(ROOT / "sopvault").as_posix()
        for path, call in calls()
        if isinstance(call.func, ast.Attribute)
        and (
            (isinstance(call.func.value, ast.Name) and (call.func.value.id, call.func.attr))
            in {("os", "fork"), ("os", "forkpty"), ("multiprocessing", "get_context")}
        )
    }
    assert forks == {"store/forked.py", "search/build.py"}


def test_gitpython_floor_has_no_known_command_injection() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    floor = next(d for d in project["project"]["dependencies"] if d.startswith("gitpython"))
    version = tuple(int(x) for x in floor.split(">=")[1].split(".")[:3])
    assert version >= (3, 1, 41)
