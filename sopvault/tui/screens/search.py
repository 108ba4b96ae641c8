"""The search screen: results update as you type; Enter opens the document in the browser."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import Header, Input, Static

from sopvault.errors import SopvaultError
from sopvault.model.search import SearchResponse
from sopvault.render.safetext import inert_line
from sopvault.services.asof import AsOf
from sopvault.services.vault import Vault
from sopvault.tui.keys import TypingKeysScreen, footer
from sopvault.tui.messages import IndexBuilding, SearchAnswered
from sopvault.tui.widgets.search_results import SearchResults
from sopvault.tui.workers import background, deliver

# Wait this long after the last key before searching, so typing stays smooth.
DEBOUNCE_SECONDS = 0.2


class SearchScreen(TypingKeysScreen[str | None]):
    """Dismisses with the chosen document's id, or None on Escape. While the query has
    the focus F1 and Ctrl+Q stand in for ? and q (TypingKeysScreen)."""

    TYPING_SEARCH = False
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("down", "to_results", "Results", show=False),
    ]

    def __init__(self, vault: Vault | AsOf, query: str = "") -> None:
        super().__init__()
        self.vault = vault
        self.initial_query = query
        self._timer: Timer | None = None
        self.response: SearchResponse | None = None
        # The query typed but not answered yet (None when the screen shows the latest).
        self.pending: str | None = query or None

    def compose(self) -> ComposeResult:
        """The query, the status line and the results."""
        yield Header()
        yield Input(
            value=self.initial_query,
            placeholder='Search: words, "phrases", kind:procedure, tag:…, reord*, recieve~',
            id="search-input",
        )
        yield Static(Text("Type to search.", style="dim"), id="search-status")
        yield SearchResults(id="search-results")
        yield footer()

    def on_mount(self) -> None:
        """Focus the query, and search at once when one was given."""
        self.query_one(Input).focus()
        if self.initial_query:
            self.run_search(self.initial_query)

    @on(Input.Changed, "#search-input")
    def schedule_search(self, event: Input.Changed) -> None:
        """Search after a pause in typing (DEBOUNCE_SECONDS), not per key."""
        if self._timer is not None:
            self._timer.stop()
        text = event.value
        self.pending = text
        self._timer = self.set_timer(DEBOUNCE_SECONDS, lambda: self.run_search(text))

    @on(Input.Submitted, "#search-input")
    def open_first(self) -> None:
        """Enter in the query opens the highlighted (else the best) hit."""
        results = self.query_one(SearchResults)
        if results.option_count:
            self.dismiss(results.get_option_at_index(results.highlighted or 0).id)

    def run_search(self, text: str) -> None:
        """Clear the results for an empty query, else search in a worker."""
        if not text.strip():
            self.query_one(SearchResults).clear_options()
            self.set_status(Text("Type to search.", style="dim"))
            self._answered(text)
            return
        self.set_status(Text("Searching…", style="dim"))
        self.search_worker(text)

    @background("search", "Search failed")
    def search_worker(self, text: str) -> None:
        """Index refresh and query run here, never on the UI thread. A malformed query is
        an answer too (what is wrong with it), not a failure."""
        response: SearchResponse | None = None
        problem = ""

        def building(done: int, total: int) -> None:
            deliver(self, IndexBuilding(done, total))

        try:
            response = self.vault.search(text, limit=50, progress=building)
        except SopvaultError as err:
            problem = str(err)
        deliver(self, SearchAnswered(text, response, problem))

    def on_index_building(self, event: IndexBuilding) -> None:
        """While the first search builds the index (minutes on a large vault), say how far."""
        percent = 100 * event.done // max(event.total, 1)
        self.set_status(Text(f"Building the search index… {percent}%", style="dim"))

    def on_search_answered(self, event: SearchAnswered) -> None:
        """Show the hits; for a malformed query say what is wrong and keep the results."""
        if event.response is not None:
            self.show_response(event.response)
            return
        self.set_status(Text(inert_line(event.problem), style="bold red"))
        self._answered(event.query)

    def _answered(self, text: str) -> None:
        if self.pending == text:
            self.pending = None

    def show_response(self, response: SearchResponse) -> None:
        """Show the hits and what the search says (corrections, notices)."""
        self.response = response
        self._answered(response.query)
        self.query_one(SearchResults).show_hits(response.hits)
        status = Text(f"{len(response.hits)} found", style="bold" if response.hits else "yellow")
        if response.hits and response.corrected and response.did_you_mean:
            status.append(f"  ·  showing results for: {inert_line(response.did_you_mean)}")
        elif response.did_you_mean:
            status.append(f"  ·  did you mean: {inert_line(response.did_you_mean)}", style="cyan")
        for notice in response.notices:
            status.append(f"  ·  {inert_line(notice)}", style="dim")
        if response.hits:
            status.append("  ·  Enter opens, ↓ to pick", style="dim")
        self.set_status(status)

    def set_status(self, text: Text) -> None:
        """The line under the query."""
        self.query_one("#search-status", Static).update(text)

    @on(SearchResults.Chosen)
    def choose(self, event: SearchResults.Chosen) -> None:
        """A hit chosen in the list: return its document id."""
        self.dismiss(event.doc_id)

    def action_to_results(self) -> None:
        """Down from the query into the results."""
        results = self.query_one(SearchResults)
        if results.option_count:
            results.focus()

    def action_close(self) -> None:
        """Return None: nothing is opened."""
        self.dismiss(None)
