"""Issue 14 (versions and life cycle, getting started): the session in
docs/getting-started.md is replayed command by command in a real shell, with real git and
two identities, and what each command prints must be what the page shows (commit ids,
dates and the temporary home folder aside), so the page cannot rot."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "getting-started.md"
BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def session(text: str) -> list[tuple[str, list[str]]]:
    """(command, the lines it prints) for every ``$ `` line of the page's console blocks;
    a command ending in ``\\`` goes on on the next line (shown with ``> ``)."""
    steps: list[tuple[str, list[str]]] = []
    for block in BLOCK.findall(text):
        lines = block.splitlines()
        at = 0
        while at < len(lines):
            assert lines[at].startswith("$ "), lines[at]
            command = lines[at][2:]
            at += 1
            while command.endswith("\\"):
                command = command[:-1] + lines[at].removeprefix("> ")
                at += 1
            printed = []
            while at < len(lines) and not lines[at].startswith("$ "):
                printed.append(lines[at])
                at += 1
            steps.append((command, printed))
    return steps


def normal(lines: list[str], home: Path) -> list[str]:
    """Lines as compared: the home folder as ``~``, commit ids and dates as placeholders."""
    text = "\n".join(lines).replace(str(home), "~")
    text = re.sub(r"\b[0-9a-f]{7,40}\b", "<id>", text)
    text = re.sub(r"\b\d{4}-\d{2}-\d{2}\b", "<date>", text)
    return [line.rstrip() for line in text.splitlines()]


def test_the_getting_started_session_prints_what_the_page_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (getting started): from `init` to a first approved document, with `verify
    --since` the founding commit ending "ok" and the approval made by a second person."""
    home = tmp_path / "home"
    home.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_AUTHOR_", "GIT_COMMITTER_"))
    }
    env.update(
        HOME=str(home),
        GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        PYTHONUNBUFFERED="1",  # stdout and stderr in the order a terminal shows them
        NO_COLOR="1",
    )
    for key, value in (("user.name", "Ann Author"), ("user.email", "ann@acme.example")):
        subprocess.run(["git", "config", "--global", key, value], env=env, check=True)
    steps = session(PAGE.read_text(encoding="utf-8"))
    assert [c for c, _ in steps][-1] == "sopvault verify --since vault-start"
    where = home
    for command, shown in steps:
        if command.startswith("cd "):
            where = where / command[3:]
            continue
        done = subprocess.run(
            ["bash", "-c", f"exec 2>&1; {command}"],
            cwd=where,
            env=env,
            capture_output=True,
            text=True,
        )
        assert normal(done.stdout.splitlines(), home) == normal(shown, home), command
    assert done.returncode == 0  # the last: verify --since vault-start is ok
