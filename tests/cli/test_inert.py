"""Trust §8 (inert text): what the CLI prints from documents, configs, git and users holds no
raw control character, escape sequence or bidi control; one-line places stay one line."""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from sopvault.render.safetext import inert, inert_line
from tests.conftest import act_as, commit_all, copy_sample
from tests.hostile import assert_inert, hostile, hostile_document, write_hostile
from tests.hostile import run_inert as run

# Each example writes files and commits with real git: a dozen, and no shrinking (minutes
# per step); a failure still prints its example.
SLOW = settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FINDING = re.compile(r"^\S.*:\d+: (error|warning): .* \[[a-z-]+\]$")


def fresh_random() -> None:
    """Hypothesis seeds the global ``random`` alike for every example, and Whoosh names
    its segments with it: the same name twice in one index fails an assertion in Whoosh.
    A real process seeds ``random`` from the OS, so the test does too."""
    random.seed(os.urandom(16))


def words(text: str) -> str:
    """``text`` with runs of blanks as one space: git and tables may collapse them."""
    return " ".join(text.split())


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = copy_sample(tmp_path / "vault")
    commit_all(root)
    return root


@SLOW
@given(title=hostile, owner=hostile, step=hostile, body=hostile, name=hostile)
def test_documents_and_config_print_inert(
    vault: Path,
    capsys: pytest.CaptureFixture[str],
    title: str,
    owner: str,
    step: str,
    body: str,
    name: str,
) -> None:
    """Trust §8 (inert text): a hostile title, owner, step, body and config person name
    reach list, show, check, tree and search as visible text, one line where one is due."""
    fresh_random()
    write_hostile(
        vault, title=f"T {title}", owner=owner, step=step, body=f"zanzibar {body}\n", name=name
    )
    where = ("--vault", str(vault))

    code, out, _ = run(capsys, *where, "list")
    docs = json.loads(run(capsys, *where, "list", "--json")[1])
    assert len(out.splitlines()) == len(docs)  # no title broke a line
    assert inert_line(f"T {title}") in out

    _, out, _ = run(capsys, *where, "show", "SOP-900")
    assert "zanzibar" in out
    _, out, _ = run(capsys, *where, "show", "SOP-901")
    assert "(zed)" in out

    _, out, _ = run(capsys, *where, "check")
    lines = out.splitlines()
    assert all(FINDING.match(line) for line in lines[:-1]), lines
    run(capsys, *where, "check", "--json")

    _, out, _ = run(capsys, *where, "tree")
    assert sum("SOP-900" in line for line in out.splitlines()) == 1

    code, out, _ = run(capsys, *where, "search", "zanzibar")
    assert code == 0 and inert_line(f"T {title}") in out


@SLOW
@given(author=hostile, summary=hostile, comment=hostile, note=hostile)
def test_git_authors_proposals_and_runs_print_inert(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    author: str,
    summary: str,
    comment: str,
    note: str,
) -> None:
    """Trust §8 (inert text): a hostile git author name (with a byte that is not UTF-8),
    proposal summary, approval comment and run note reach reviews, history, verify and runs
    as visible text."""
    fresh_random()
    root = copy_sample(tmp_path_factory.mktemp("g") / "vault")
    commit_all(root)
    where = ("--vault", str(root))
    path = root / "procedures" / "SOP-003-review-stock-and-reorder-points.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    act_as(monkeypatch, "Alice Moreno")
    # os.environ turns the lone surrogate back into the byte \xff for git.
    monkeypatch.setenv("GIT_AUTHOR_NAME", f"Zed {author.replace(chr(0), '')} \udcff")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "zed@x.example")
    code, _, err = run(capsys, *where, "propose", "SOP-003", "-m", f"S {summary}")
    assert code == 0, err
    _, out, _ = run(capsys, *where, "reviews")
    assert len(out.splitlines()) == 2  # the header and the one proposal
    run(capsys, *where, "reviews", "show", "1")
    run(capsys, *where, "reviews", "--json")
    act_as(monkeypatch, "Bilal Okafor")
    code, _, err = run(capsys, *where, "approve", "1", "-m", f"ok {comment}")
    assert code == 0, err
    _, out, _ = run(capsys, *where, "history", "SOP-003")
    kept = json.loads(run(capsys, *where, "history", "SOP-003", "--json")[1])[0]["summary"]
    assert kept.startswith("S") and words(inert_line(kept)) in words(out)
    run(capsys, *where, "verify")

    code, out, _ = run(capsys, *where, "runs", "start", "SOP-010")
    run_id = out.strip()
    run(capsys, *where, "runs", "mark", run_id, "1", "done", "--value", "yes", "--note", note)
    _, out, _ = run(capsys, *where, "runs", "show", run_id)
    kept = json.loads(run(capsys, *where, "runs", "show", run_id, "--json")[1])["steps"][0]["note"]
    assert words(inert_line(kept or "")) in words(out)
    _, out, _ = run(capsys, *where, "runs")
    assert len(out.splitlines()) == 2


def test_a_file_name_that_is_not_utf8_is_a_finding(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Trust §8 (inert text): ``bad\\xff.md`` is an error finding with its escaped name in
    check, is skipped by list, search, index and show, and a commit adding it is a
    violation named the same way in verify; never a traceback."""
    sop = next((vault / "procedures").glob("SOP-001-*.md")).read_bytes()
    Path(os.fsdecode(bytes(vault / "procedures") + b"/bad\xff.md")).write_bytes(
        sop.replace(b'id = "SOP-001"', b'id = "SOP-901"')
    )
    where = ("--vault", str(vault))
    code, out, _ = run(capsys, *where, "check")
    assert code == 1
    assert "procedures/bad\\xff.md:1: error: the name is not valid UTF-8" in out
    assert run(capsys, *where, "list")[0] == 0
    assert run(capsys, *where, "index")[0] == 0
    assert run(capsys, *where, "search", "shipment")[0] == 0
    assert run(capsys, *where, "show", "SOP-001")[0] == 0
    commit_all(vault, "Add a file with a bad name")
    code, out, _ = run(capsys, *where, "verify")
    assert code == 1 and "procedures/bad\\xff.md" in out


def test_check_warns_about_hidden_characters(
    vault: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Trust §8 (inert text): bidi overrides and zero-width characters in a title, an owner,
    a step action and a role are warnings naming the field and the character."""
    text = hostile_document("SOP-902", "Close\u202e valve", "car\u200bmen", "it\u2066", "")
    (vault / "procedures" / "SOP-902.md").write_text(text, encoding="utf-8")
    _, out, _ = run(capsys, "--vault", str(vault), "check")
    mine = [line for line in out.splitlines() if "SOP-902" in line and "hidden-character" in line]
    assert any("title holds a bidirectional control (U+202E)" in line for line in mine)
    assert any("owner holds a zero-width character (U+200B)" in line for line in mine)
    assert any("step 1 action holds a bidirectional control (U+2066)" in line for line in mine)
    assert any("step 1 role holds a bidirectional control (U+2066)" in line for line in mine)


@given(text=hostile)
def test_inert_forms_leave_nothing_raw(text: str) -> None:
    """Trust §8 (inert text): ``inert_line`` gives one line with nothing raw; ``inert``
    keeps the lines; both are idempotent and encode as UTF-8."""
    line = inert_line(text + "\udcff")
    assert "\n" not in line and "\t" not in line
    assert_inert(line)
    assert_inert(inert(text + "\udcff").replace("\n", ""))
    assert inert_line(line) == line and inert(inert(text)) == inert(text)
    line.encode("utf-8")


def on_a_terminal(root: Path, env: dict[str, str], *args: str) -> bytes:
    """Run ``sopvault ARGS`` as a real process whose stdout and stderr are a terminal (a
    pseudo-terminal 120 columns wide), and return every byte it wrote there."""
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    os.set_blocking(leader, True)
    full = {**os.environ, "COLUMNS": "120", "LINES": "40", **env}
    process = subprocess.Popen(
        [sys.executable, "-m", "sopvault", "--vault", str(root), *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=full,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the process closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=60) in (0, 1), b"".join(chunks)
    return b"".join(chunks)


PLAIN_COMMANDS = [
    ("show", "SOP-010"),
    ("diff", "SOP-003"),
    ("search", "potash"),
    ("list",),
    ("check",),
    ("tree",),
    ("history", "SOP-003"),
    ("reviews",),
    ("verify",),
]


@pytest.mark.parametrize("env", [{"TERM": "dumb"}, {"TERM": "xterm-256color", "NO_COLOR": "1"}])
def test_term_dumb_and_no_color_give_plain_output(demo_path: Path, env: dict[str, str]) -> None:
    """Trust §8 (inert text): on a real terminal, ``TERM=dumb`` or ``NO_COLOR`` make every
    command print without one escape sequence (no colour, bold, cursor movement or link)."""
    for args in PLAIN_COMMANDS:
        out = on_a_terminal(demo_path, env, *args)
        assert b"\x1b" not in out and b"\x9b" not in out, (args, out[:400])
        assert out.strip(), args


def test_a_colour_terminal_still_gets_colour(demo_path: Path) -> None:
    """Trust §8 (inert text): the plain-output test can see escapes: without NO_COLOR, on
    a colour terminal, ``show`` and ``diff`` do style their output."""
    env = {"TERM": "xterm-256color", "NO_COLOR": ""}
    assert b"\x1b[" in on_a_terminal(demo_path, env, "show", "SOP-010")
    assert b"\x1b[" in on_a_terminal(demo_path, env, "diff", "SOP-003")
