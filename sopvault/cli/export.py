"""``sopvault export``: the vault for people who never open a terminal (a static HTML
site, a PDF of one document) and for auditors (an evidence pack), issue 16.

Each kind of export is its own module, ``sopvault.cli.export_<kind>``, imported only when
that kind runs (as the top-level commands are, cli/app.py)."""

from __future__ import annotations

import importlib
import importlib.util

import click

from sopvault.cli.options import vault_option

# kind -> its one-line help; the command is ``export_<kind>.<kind>``.
EXPORTS: dict[str, str] = {
    "html": "a static site of the approved vault (works from file://, no server)",
    "pdf": "one document as a PDF, with its sign-off page (needs sopvault[pdf])",
    "evidence": "an evidence pack for an audit: revisions, runs, acks, verify, a manifest",
}


class ExportGroup(click.Group):
    """The export kinds, each imported on first use (help lists them from EXPORTS)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The kinds that are built, in the order of the reference (docs/cli.md)."""
        return [kind for kind in EXPORTS if _built(kind)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import ``export_<cmd_name>`` and return its command (None if unknown)."""
        if cmd_name not in EXPORTS:
            return None
        if not _built(cmd_name):
            return None
        module = importlib.import_module(f"sopvault.cli.export_{cmd_name}")
        command = getattr(module, cmd_name)
        assert isinstance(command, click.Command), cmd_name
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The kinds from EXPORTS, importing none of them."""
        rows = [(kind, EXPORTS[kind]) for kind in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _built(kind: str) -> bool:
    """Whether the module ``sopvault.cli.export_<kind>`` exists (found, not imported)."""
    return importlib.util.find_spec(f"sopvault.cli.export_{kind}") is not None


@click.group(cls=ExportGroup)
@vault_option
def export() -> None:
    """Publish the vault: `export html OUT` (a static site), `export pdf ID OUT.pdf`,
    `export evidence --since DATE OUT` (an audit's evidence pack)."""
