"""The root ``sopvault`` group and ``main``, the one error path.

Commands are listed here with their one-line help and imported only when they run, so
``sopvault --help`` imports no command module and ``sopvault list`` no Textual, git or
Whoosh (tests/cli/test_cli.py checks ``sys.modules`` after both).
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Sequence

import click

from sopvault import __version__
from sopvault.cli.options import vault_option
from sopvault.errors import SopvaultError
from sopvault.render.safetext import inert_line

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
# Commands whose exit 1 means "found something" (cron and CI act on it): any error they
# meet exits 2, so a script can tell "overdue" from "could not tell".
CHECKS = frozenset({"due"})
# Short commands that only read: the cyclic garbage collector is paused while they run
# (reference counting still frees what they drop). Their imports and loads make tens of
# thousands of objects that live until the process ends, and each collection walks them
# all: 0.03 s of `due`'s 0.5 s on 10,000 documents (issue 14). Long-running commands
# (`tui`, `run`, `index`) keep the collector.
QUICK = frozenset({"due", "impact", "list", "show", "tree", "acks", "history"})

# name -> (module under sopvault.cli, the command's attribute, its one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("documents", "init", "create a vault (and a git repository if needed)"),
    "new": ("documents", "new", "create a draft document from the vault's template"),
    "list": ("documents", "list_documents", "list documents, optionally filtered"),
    "show": ("documents", "show", "print a document: metadata, numbered steps, body"),
    "tree": ("documents", "tree", "print the hierarchy (related processes marked <->)"),
    "check": ("documents", "check", "validate the vault; exit 1 on errors"),
    "flow": (
        "flow",
        "flow",
        "draw a procedure as a flow of steps in lanes per role (--mermaid, --svg)",
    ),
    "graph": ("flow", "graph", "draw the process map: processes, their intersections, procedures"),
    "search": ("search", "search", "full-text search (the index is brought up to date first)"),
    "index": ("search", "index", "bring the search index up to date"),
    "propose": ("review", "propose", "propose your edits to documents for review"),
    "reviews": ("review", "reviews", "list proposals; `reviews show N` prints one"),
    "approve": ("review", "approve", "sign off a proposal as yourself (your git identity)"),
    "reject": ("review", "reject", "close a proposal, keeping the reason in git"),
    "verify": (
        "review",
        "verify",
        "audit main: every document change signed off; exit 1 if not, 2 if it cannot tell",
    ),
    "history": ("review", "history", "approved revisions of a document, newest first"),
    "diff": ("diffs", "diff", "what changed between two revisions of a document"),
    "restore": ("review", "restore", "propose bringing back an old version's text"),
    "retire": ("lifecycle", "retire", "propose retiring a document, naming its successor"),
    "impact": ("impact", "impact", "what approving a change touches: documents, runs, readers"),
    "ack": ("acks", "ack", "record that you have read and understood a document's revision"),
    "acks": ("acks", "acks", "who has acknowledged a document and who must; --person: a record"),
    "sync": ("sync", "sync", "fetch, bring main up to date, push; report what came in"),
    "demo": ("review", "demo", "create a copy of the sample vault with a git history"),
    "run": ("runs", "run", "walk a procedure step by step at a line prompt"),
    "runs": ("runs", "runs", "list runs; runs show|start|mark|complete|abort drive one"),
    "due": (
        "due",
        "due",
        "what is due: reviews, proposals, acknowledgements, runs; exit 1 if overdue, 2 on error",
    ),
    "notify": (
        "notify",
        "notify",
        "send each person what they must act on now, once per event (e-mail, command)",
    ),
    "import": (
        "imports",
        "import_pages",
        "bring Markdown pages (Obsidian, Hugo, MkDocs, wikis) in as drafts, links rewritten",
    ),
    "export": ("export", "export", "publish: a static HTML site, a PDF, an audit's evidence pack"),
    "tui": ("documents", "tui", "open the terminal UI"),
    "completion": ("completion", "completion", "print the shell completion script"),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use; help lists them from COMMANDS."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Command names in the order of the reference (docs/cli.md)."""
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import the module of ``cmd_name`` and return its command (None if unknown)."""
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(f"sopvault.cli.{entry[0]}")
        command = getattr(module, entry[1])
        assert isinstance(command, click.Command), cmd_name
        return command

    def invoke(self, ctx: click.Context) -> int:
        """Run the command; the one place a SopvaultError becomes a line and an exit code.

        A command returns its exit code (0, or 1 for "errors found"); an error exits with
        its ``exit_code`` (1, or 2 when a check could not be made; always 2 for the
        commands in CHECKS, whose 1 means "overdue"); a non-zero one ends
        the process through ``ctx.exit`` so that Click's standalone mode (the CliRunner in
        tests) and ``main`` agree. Nothing but SopvaultError is caught."""
        try:
            code = super().invoke(ctx)
        except SopvaultError as err:
            click.echo(f"sopvault: error: {inert_line(str(err))}", err=True)
            checks = ctx.invoked_subcommand in CHECKS
            ctx.exit(max(err.exit_code, EXIT_USAGE) if checks else err.exit_code)
        if isinstance(code, int) and code != EXIT_OK:
            ctx.exit(code)
        return EXIT_OK

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from COMMANDS, importing none of them."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, entry[2]) for name, entry in COMMANDS.items()])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "--version", prog_name="sopvault", message="%(prog)s %(version)s"
)
@vault_option
def cli() -> None:
    """A git-native knowledge base for standard operating procedures.

    `--vault PATH` works before or after any command; without it the vault is
    $SOPVAULT_VAULT, else found by walking up from the current folder.
    """


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command line (default: ``sys.argv[1:]``) and return its exit code.

    A SopvaultError is one line on stderr and its exit code, 1 (2 for a check that could
    not be made, as ``verify`` on a partial history) (``LazyGroup.invoke``); a mistyped
    command line is one line too and raises SystemExit(2), as argparse did; Ctrl-C is 130.
    Started with standard output closed, it says so and exits 1; with standard error
    closed, its messages are dropped.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if sys.stderr is None:  # started with 2>&-: its messages have nowhere to go
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - for the process
    if sys.stdout is None:  # started with >&-
        closed = "sopvault: error: standard output is closed; nothing to print to"
        return _fail(closed, EXIT_FAILURE)
    paused = _command_of(args) in QUICK and gc.isenabled()
    if paused:
        gc.disable()
    try:
        result = cli.main(args, prog_name="sopvault", standalone_mode=False)
    except click.UsageError as err:
        raise SystemExit(_fail(_usage_line(err), EXIT_USAGE)) from None
    except click.ClickException as err:
        return _fail(f"sopvault: error: {inert_line(err.format_message())}", err.exit_code)
    except click.Abort:
        return _fail("sopvault: interrupted", EXIT_INTERRUPTED)
    except BrokenPipeError:
        sys.stderr.close()  # output piped into `head`: not an error worth a traceback
        return EXIT_OK
    finally:
        if paused:
            gc.enable()
    return result if isinstance(result, int) else EXIT_OK


def _command_of(args: Sequence[str]) -> str | None:
    """The command a command line names: its first word that is neither an option nor
    the value of ``--vault`` (None for ``sopvault --help``)."""
    value_next = False
    for arg in args:
        if value_next:
            value_next = False
        elif arg == "--vault":
            value_next = True
        elif not arg.startswith("-"):
            return arg
    return None


def _usage_line(err: click.UsageError) -> str:
    """One line: what is wrong and where its help is (``sopvault runs mark --help``)."""
    path = err.ctx.command_path if err.ctx else "sopvault"
    if isinstance(err, click.exceptions.NoArgsIsHelpError):
        message = "say which command"
    else:
        message = " ".join(err.format_message().split())
    return f"sopvault: error: {inert_line(message)} (see `{path} --help`)"


def _fail(line: str, code: int) -> int:
    sys.stderr.write(line + "\n")
    return code
