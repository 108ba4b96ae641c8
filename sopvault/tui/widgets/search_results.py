"""The list of search hits: id, title, kind and status, and the snippet with matches marked."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from sopvault.model.search import SearchHit
from sopvault.render.safetext import inert_line


class SearchResults(OptionList):
    """Posts ``Chosen`` with the document id when a hit is picked (Enter or click)."""

    class Chosen(Message):
        """A hit was chosen: ``doc_id`` is its document's id."""

        def __init__(self, doc_id: str) -> None:
            super().__init__()
            self.doc_id = doc_id

    def show_hits(self, hits: tuple[SearchHit, ...]) -> None:
        """Replace the list with these hits, titles and highlighted snippets."""
        self.set_options(Option(hit_text(hit), id=hit.id) for hit in hits)
        if hits:
            self.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a hit: post ``Chosen``."""
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Chosen(event.option.id))


def hit_text(hit: SearchHit) -> Text:
    """Two lines per hit; the snippet says which field it comes from (``step 3:``) and
    highlights the matched words."""
    text = Text()
    text.append(inert_line(hit.id), style="bold")
    text.append("  ")
    text.append(inert_line(hit.title), style="bold")
    text.append(f"  {hit.kind.replace('_', ' ')}, {hit.status or 'no status'}", style="dim")
    text.append("\n  ")
    if hit.snippet_field:
        text.append(f"{inert_line(hit.snippet_field)}: ", style="italic")
    for part, matched in hit.snippet:
        text.append(inert_line(part), style="bold reverse" if matched else "dim")
    return text
