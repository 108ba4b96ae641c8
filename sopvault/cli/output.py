"""Plain output shared by the commands: JSON, counted nouns, aligned columns under headers,
and the note about skipped files. Text from files is made inert before it reaches here."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sopvault.services.vault import VaultState


def print_json(data: Any) -> None:
    """``data`` (dicts, lists, str, numbers) as indented UTF-8 JSON on stdout."""
    print(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def columns(
    headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()
) -> str:
    """Rows under a header line, each column as wide as its widest cell, two spaces apart.

    ``right`` holds the indexes of columns aligned right (numbers); the last column is not
    padded. Returns the lines joined by newlines, without a trailing newline."""
    widths = [
        max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=False)
    ]
    lines = []
    for row in [headers, *rows]:
        cells = []
        for index, cell in enumerate(row):
            last = index == len(row) - 1
            if index in right:
                cells.append(cell.rjust(widths[index]))
            else:
                cells.append(cell if last else cell.ljust(widths[index]))
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()
) -> None:
    """``columns(...)`` on stdout, with control characters from files made inert."""
    from sopvault.render.safetext import inert

    print(inert(columns(headers, rows, right)))


def note_skipped(state: VaultState) -> None:
    """Say on stderr how many files were skipped for errors, if any."""
    if state.skipped:
        count = len(state.skipped)
        noun = "file was" if count == 1 else "files were"
        sys.stderr.write(
            f"note: {count} {noun} skipped because of errors; run `sopvault check` for details\n"
        )
