"""Which program edits a document: ``$VISUAL``, ``$EDITOR``, else a common default.

The variable is split like a shell would split it (``code --wait``) but never run by a
shell, so nothing in it or in the file name is interpreted.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

from sopvault.errors import SopvaultError

FALLBACKS = ("nano", "vim", "vi")


def editor_command(environ: Mapping[str, str], path: Path) -> list[str]:
    """The argument list that opens ``path`` in the user's editor.

    Raises ``SopvaultError`` when the variable cannot be split or no editor is found."""
    for name in ("VISUAL", "EDITOR"):
        value = environ.get(name, "").strip()
        if value:
            try:
                words = shlex.split(value)
            except ValueError as err:
                raise SopvaultError(f"cannot read ${name} ({value!r}): {err}") from None
            if words:
                return [*words, str(path)]
    for program in FALLBACKS:
        if shutil.which(program):
            return [program, str(path)]
    raise SopvaultError("no editor found: set $EDITOR (for example EDITOR=nano)")


def run_editor(command: list[str]) -> int:
    """Run the editor from ``editor_command`` and wait for it; returns its exit status.

    The caller hands over the terminal first (the TUI suspends itself). Raises ``OSError``
    when the program cannot be started. An argument list, never a shell."""
    return subprocess.run(command, check=False).returncode
