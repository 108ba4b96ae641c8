"""Which program edits a document: ``$VISUAL``, ``$EDITOR``, else a common default.

The variable is split like a shell would split it (``code --wait``) but never run by a
shell, so nothing in it or in the file name is interpreted.
"""

from __future__ import annotations

import shlex
import shutil
from collections.abc import Mapping
from pathlib import Path

from sopvault.errors import SopvaultError

FALLBACKS = ("nano", "vim", "vi")


def editor_command(environ: Mapping[str, str], path: Path) -> list[str]:
    """The argument list that opens ``path`` in the user's editor."""
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
