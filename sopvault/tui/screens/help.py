"""The help screen: every key binding as a table, and what the tree's marks mean."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Markdown

from sopvault.tui.keys import DialogScreen, footer

HEADING = "# sopvault help\n\n## Keys"

# (key, what it does): the table at the top of the help.
KEYS = [
    ("↑ ↓", "move in the tree"),
    ("→ / ←", "open / close a branch"),
    ("Enter", "open the selected document (or follow a ↔ related link)"),
    ("Tab", "move between the tree, the document and the problems list"),
    ("/", "search; Enter opens the best hit, ↓ picks another, Escape comes back"),
    ("f", "filter the tree by kind and status"),
    ("t", "filter the tree as you type: id, title, owner, tag (Enter: to the tree, Esc: clear)"),
    ("p", "show or hide the problems found by sopvault check"),
    ("r", "reload the vault from disk"),
    ("e", "edit the document in $EDITOR, then reload it"),
    ("h", "the document's history: revisions and their diffs (c there pins one to compare)"),
    ("d", "history and reviews: the change in words, or git's diff (again: back)"),
    ("c", "propose your local edits for review (summary, minor or major)"),
    ("i", "reviews inbox: approve (a) or reject (x) open proposals"),
    ("k", "run the document as a checklist, step by step (recorded in git)"),
    ("a", "acknowledge the document's current revision: you have read and understood it"),
    ("l", "the procedure drawn as a flow: steps in a lane per role, branches (Escape: back)"),
    ("o", "open runs: resume one"),
    ("m", "my work: the steps assigned to me in open runs (Enter resumes one)"),
    ("s", "sync with the team's git server; shows what came in"),
    ("@", "the vault as approved on a date (read only; an empty date: today)"),
    ("d", "what is due: reviews, proposals, acknowledgements, runs (t there: the tree)"),
    ("?", "this help"),
    ("Escape", "close this help or a dialog"),
    ("q", "quit"),
    ("F1 / Ctrl+Q", "help / quit while typing in an input"),
    ("Ctrl+F", "search while typing in an input (evidence, a dialog)"),
    ("Ctrl+P", "Textual's command palette (theme, keys, screenshot)"),
]

# Column widths that fit the dialog at 80 columns (64 wide, less border, padding and the
# scrollbar): the descriptions wrap in their column instead of running off to the right.
KEY_WIDTH = 11
DOES_WIDTH = 38

MORE = """\
## Running a checklist
`Enter` marks the highlighted step done (a step that records evidence opens the input
first, which checks the value as you type), `s` skips, `a` marks n/a (a control point
needs a reason), `n` adds a note, `u` reopens a step, `w` shows its work instruction,
`i` runs that work instruction in place (its steps in the runner, recorded in the same
run; `Escape` goes back to the run's steps), `r` runs a step's command after asking,
`c` completes and commits the run, `x` aborts it, `Escape` leaves it open to resume later.
Starting a run asks who fills each role (Enter accepts the people offered); `g` in the
runner reassigns a role.

## The tree
Policies are at the top, their processes under them, procedures under processes and work
instructions under procedures. A document with no parent is listed under its kind.

- `●` effective, `○` draft, in review, retired or without a status.
- `↔` a related process: an intersection, not a parent. Enter jumps to it.

`t` opens a filter line above the tree: each letter narrows it to the documents whose id,
title, owner or tags hold every word typed (any case or accents), listed by kind; `f`'s
kind and status apply on top. `Escape` clears it and brings back the tree as it was,
branches open and the cursor where they were.

A file that cannot be read is listed in the problems panel with its file and line; every
other document still loads.
"""


class HelpScreen(DialogScreen[None]):
    """A modal over any screen; Escape, ? or q closes it (Ctrl+Q quits)."""

    CTRL_Q_SHOWN = True
    BINDINGS = [
        Binding("escape", "close", "Close", key_display="esc/?/q"),
        Binding("question_mark", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        """The heading, the table of keys, then how runs and the tree work."""
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Markdown(HEADING)
            yield DataTable(id="help-keys", show_cursor=False, zebra_stripes=True)
            yield Markdown(MORE)
        yield footer()

    def on_mount(self) -> None:
        """Fill the key table (plain text: no markup in keys like ``[``); a row is as high
        as its wrapped description."""
        table = self.query_one("#help-keys", DataTable)
        table.add_column("Key", width=KEY_WIDTH)
        table.add_column("Does", width=DOES_WIDTH)
        for key, does in KEYS:
            table.add_row(Text(key, style="bold"), Text(does), height=None)
        self.query_one("#help-dialog").focus()

    def action_close(self) -> None:
        """Back to where help was opened."""
        self.dismiss(None)
