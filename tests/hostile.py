"""Hostile text for the inert-text tests (Trust §8): escape sequences, C0 and C1 controls,
newlines, Rich/Textual markup and actions, bidi controls and zero-width characters."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import tomli_w
from hypothesis import strategies as st

from sopvault.cli import main

# Fragments that act on a terminal or a markup parser when they get through raw.
BITS = [
    "\x1b[31m",  # SGR: colour
    "\x1b[2J\x1b[H",  # clear the screen, cursor home
    "\x1b]8;;https://evil.example\x07here\x1b]8;;\x07",  # OSC 8 hyperlink
    "\x1b]0;pwned\x07",  # set the window title
    "\x9b1m",  # a one-byte CSI (C1)
    "\x85",  # NEL (C1 newline)
    "\x07",
    "\x08",
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\u2028",
    "[bold red]",
    "[/]",
    "[@click=app.quit]quit[/]",
    "[link=https://evil.example]x[/link]",
    "[b]",
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\u200b",  # zero-width space
    "\\",
    '"',
    "'",
    "é",
    "word",
]

hostile = st.lists(
    st.one_of(st.sampled_from(BITS), st.text(alphabet="ab [] ", max_size=3)),
    min_size=1,
    max_size=6,
).map("".join)

# What no output of sopvault may hold raw: C0 controls (tab and newline apart), DEL, C1,
# bidi controls, line separators, lone surrogates.
RAW = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
)


def assert_inert(text: str) -> None:
    """Fail, naming the character and where, when ``text`` holds anything ``RAW`` matches."""
    found = RAW.search(text)
    if found is not None:
        near = text[max(0, found.start() - 60) : found.end() + 20]
        raise AssertionError(f"raw {found.group()!r} at {found.start()}: {near!r}")


def run_inert(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """One command in-process: exit code, stdout, stderr; both must be inert."""
    try:
        code = main(list(args))
    except SystemExit as done:
        code = int(done.code or 0)
    out = capsys.readouterr()
    assert_inert(out.out)
    assert_inert(out.err)
    return code, out.out, out.err


def hostile_document(doc_id: str, title: str, owner: str, step: str, body: str) -> str:
    """A procedure with ``title``, ``owner``, a first step whose action ends with and whose
    role is ``step``, and ``body``; TOML written by tomli_w (controls as escapes)."""
    front = {
        "id": doc_id,
        "title": title,
        "kind": "procedure",
        "owner": owner,
        "status": "draft",
        "steps": [{"action": f"Check {step}", "role": step}, {"action": "Close it"}],
    }
    return f"+++\n{tomli_w.dumps(front)}+++\n{body}"


def write_hostile(root: Path, *, title: str, owner: str, step: str, body: str, name: str) -> None:
    """Write SOP-900 (hostile fields) and SOP-901 (owned by ``zed``, whose name in
    sopvault.toml is ``name``) into the vault at ``root``, replacing earlier ones."""
    procedures = root / "procedures"
    (procedures / "SOP-900.md").write_text(
        hostile_document("SOP-900", title, owner, step, body), encoding="utf-8"
    )
    (procedures / "SOP-901.md").write_text(
        hostile_document("SOP-901", "Two", "zed", "x", "y"), encoding="utf-8"
    )
    config = (root / "sopvault.toml").read_text(encoding="utf-8").split("\n[people.zed]")[0]
    person = tomli_w.dumps({"people": {"zed": {"name": name, "email": "zed@x.example"}}})
    (root / "sopvault.toml").write_text(f"{config}\n{person}", encoding="utf-8")
