"""Filling a DataTable in one go, with its columns already as wide as their cells."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.widgets import DataTable


def add_rows(table: DataTable[Any], rows: Sequence[tuple[str, Sequence[Text]]]) -> None:
    """Add ``rows`` (key, cells) to ``table``, widening each column to its widest cell first.

    A DataTable measures new cells on its next idle and does not redraw a header it drew
    in between, so a header could keep the old, narrow widths over wide rows; measuring
    here makes the first drawing right."""
    for index, column in enumerate(table.ordered_columns):
        widths = [cells[index].cell_len for _, cells in rows if index < len(cells)]
        column.content_width = max([column.content_width, *widths])
    for key, row in rows:
        table.add_row(*row, key=key)
