"""A table of the vault's check findings; choosing a row asks to open that file's document."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from sopvault.model.finding import Finding, Severity
from sopvault.render.safetext import inert_line


class ProblemsPanel(DataTable[Text]):
    """Lists findings without ever failing on odd input: every cell is inert text."""

    class OpenFinding(Message):
        """The user chose a finding; ``path`` is the vault-relative file."""

        def __init__(self, path: str) -> None:
            super().__init__()
            self.path = path

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._paths: list[str] = []

    def on_mount(self) -> None:
        """The columns of the table."""
        self.add_columns("Severity", "Where", "Problem")

    def show_findings(self, findings: list[Finding]) -> None:
        """One row per finding: severity, file:line, message and its code (inert text)."""
        self.clear()
        self._paths = []
        for finding in findings:
            style = "bold red" if finding.severity is Severity.ERROR else "yellow"
            self.add_row(
                Text(finding.severity.value, style=style),
                Text(inert_line(f"{finding.path}:{finding.line}")),
                Text(inert_line(f"{finding.message} [{finding.code}]")),
            )
            self._paths.append(finding.path)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a row: ask the screen to open that file's document."""
        event.stop()
        if 0 <= event.cursor_row < len(self._paths):
            self.post_message(self.OpenFinding(self._paths[event.cursor_row]))
