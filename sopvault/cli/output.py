"""Plain output shared by the commands: JSON, counted nouns, aligned columns under headers,
and the note about skipped files. Text from files is made inert before it reaches here."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sopvault.services.vault import VaultState


# What json.dumps leaves raw with ensure_ascii=False and a terminal would act on: C1
# controls, bidi controls, line separators, lone surrogates (they occur only inside strings).
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]")


def print_json(data: Any) -> None:
    """``data`` (dicts, lists, str, numbers) as indented UTF-8 JSON on stdout; characters a
    terminal would act on are written as ``\\uXXXX`` escapes (the same string to a parser)."""
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
    print(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def columns(
    headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()
) -> str:
    """Rows under a header line, each column as wide as its widest cell, two spaces apart.

    ``right`` holds the indexes of columns aligned right (numbers); the last column is not
    padded. Returns the lines joined by newlines, without a trailing newline."""
    widths = [max(map(len, column)) for column in zip(headers, *rows, strict=False)]
    last = len(widths) - 1
    if all(len(row) == len(widths) for row in rows) and len(headers) == len(widths):
        # One format for every line (ten thousand runs list in a fraction of the time).
        parts = [
            f"{{:>{w}}}" if i in right else "{}" if i == last else f"{{:<{w}}}"
            for i, w in enumerate(widths)
        ]
        line = "  ".join(parts).format
        return "\n".join(line(*row).rstrip() for row in [headers, *rows])
    lines = []
    for row in [headers, *rows]:
        cells = []
        for index, cell in enumerate(row):
            if index in right:
                cells.append(cell.rjust(widths[index]))
            else:
                cells.append(cell if index == len(row) - 1 else cell.ljust(widths[index]))
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()
) -> None:
    """``columns(...)`` on stdout, each cell made inert as one line first (a newline in a
    title cannot break the table, and widths count what is shown)."""
    from sopvault.render.safetext import inert_line

    # One pass over every cell first: when none holds anything to show (the usual case),
    # the 70,000 cells of 10,000 runs need not each go through inert_line.
    plain = " ".join(" ".join(row) for row in rows)
    safe = rows if inert_line(plain) == plain else [[inert_line(c) for c in row] for row in rows]
    print(columns(headers, safe, right))


def say(line: str, *, err: bool = False) -> None:
    """Print one line on stdout (stderr with ``err``), made inert as one line: whatever it
    quotes from files, configs, git or the user, it stays one line of plain text."""
    from sopvault.render.safetext import inert_line

    stream = sys.stderr if err else sys.stdout
    stream.write(inert_line(line) + "\n")


def say_block(text: str, *, err: bool = False) -> None:
    """Print ``text`` (a diff, a report: several lines) made inert, ending with a newline."""
    from sopvault.render.safetext import inert

    stream = sys.stderr if err else sys.stdout
    stream.write(inert(text).rstrip("\n") + "\n")


def note_skipped(state: VaultState) -> None:
    """Say on stderr how many files were skipped for errors, if any."""
    say_skipped(len(state.skipped))


def say_skipped(count: int) -> None:
    """Say on stderr that ``count`` files were skipped for errors (nothing when none)."""
    if count:
        noun = "file was" if count == 1 else "files were"
        sys.stderr.write(
            f"note: {count} {noun} skipped because of errors; run `sopvault check` for details\n"
        )
