"""Whether a document matches what someone types to narrow a list: the TUI's tree filter.

Typing narrows as people expect from a file finder: every word typed must appear inside
the document's id, title, owner or one of its tags, anywhere in them (``reord`` finds
"Stock reordering"), whatever the case, accents or Unicode form (``cafe`` finds ``Café``,
composed or decomposed). No index is needed: the words are a few hundred bytes a document.
"""

from __future__ import annotations

import unicodedata

from sopvault.model.document import Document


def loose(text: str) -> str:
    """``text`` without case, accents or compatibility forms (NFKD, combining marks
    dropped, case folded): the form both sides are compared in."""
    if text.isascii():
        return text.lower()
    spread = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in spread if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.casefold())


def described(doc: Document) -> str:
    """The words a document is found by when filtering: id, title, owner and tags."""
    return loose(" ".join([doc.id, doc.title, doc.owner or "", *doc.tags]))


def matches_text(doc: Document, typed: str) -> bool:
    """Whether every word of ``typed`` is inside the document's id, title, owner or tags
    (an empty text matches every document)."""
    words = loose(typed).split()
    if not words:
        return True
    found = described(doc)
    return all(word in found for word in words)
