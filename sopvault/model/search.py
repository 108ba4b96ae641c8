"""Search results as plain data: hits with their snippets, and the response around them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchHit:
    """One result: enough to list it and open it, and where it matched as segments."""

    id: str
    title: str
    kind: str
    status: str | None
    path: str
    score: float
    snippet: tuple[tuple[str, bool], ...] = ()
    # Where the snippet comes from: "purpose", "step 3", "body" ... ("" without a snippet).
    snippet_field: str = ""

    @property
    def snippet_text(self) -> str:
        """The snippet as plain text, without the marks on matched words."""
        return "".join(text for text, _ in self.snippet)


@dataclass(frozen=True)
class SearchResponse:
    """Hits, best first, with any correction made and notices for the user."""

    query: str
    hits: tuple[SearchHit, ...]
    did_you_mean: str | None = None
    corrected: bool = False
    notices: tuple[str, ...] = ()
