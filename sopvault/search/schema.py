"""The index schema, and how a Document becomes an index record."""

from __future__ import annotations

from typing import Any

from whoosh import fields

from sopvault.model.document import Document
from sopvault.search import analysis

# Bump when the schema or what goes into a field changes: the index is then rebuilt.
# 3: every word folded (NFKC, case, accents) and CJK runs indexed as bigrams (issue 17).
SCHEMA_VERSION = 3

# Every analyzer folds words to one form and cuts CJK runs into bigrams (search.analysis).
STEMMED = analysis.stemming_analyzer()
# Typo tolerance needs the words as written: fuzzy matching against stems misses
# ("respirtor~" cannot reach the stem "respir"), so an unstemmed copy is kept in `raw`.
UNSTEMMED = analysis.plain_analyzer()
EXACT = analysis.exact_analyzer()
FILE_WORDS = analysis.file_analyzer()
KEYWORDS = analysis.keyword_analyzer()

# Fields searched by plain words, with their weight in BM25F.
TEXT_FIELDS = ("id", "title", "steps", "body", "file")
# Fields a query may name, with the aliases people type.
FIELD_ALIASES: dict[str, list[str]] = {
    "id": [],
    "title": [],
    "kind": [],
    "status": [],
    "owner": [],
    "department": ["dept"],
    "roles": ["role"],
    "tags": ["tag"],
    "parents": ["parent"],
    "steps": ["step"],
    "body": [],
    "file": ["path"],
}
# Fields that narrow results rather than rank them.
FILTER_FIELDS = frozenset({"kind", "status", "owner", "department", "roles", "tags", "parents"})


def build_schema() -> fields.Schema:
    """The Whoosh schema: which fields are stored, how each is analysed and boosted."""
    return fields.Schema(
        path=fields.ID(stored=True, unique=True),
        id=fields.TEXT(stored=True, analyzer=EXACT, field_boost=4.0),
        title=fields.TEXT(stored=True, analyzer=STEMMED, field_boost=5.0),
        kind=fields.ID(stored=True),
        status=fields.ID(stored=True),
        owner=fields.TEXT(analyzer=EXACT, phrase=False),
        department=fields.TEXT(analyzer=UNSTEMMED),
        roles=fields.KEYWORD(analyzer=KEYWORDS, commas=True),
        tags=fields.KEYWORD(analyzer=KEYWORDS, commas=True, field_boost=1.5),
        parents=fields.KEYWORD(analyzer=KEYWORDS, commas=True),
        steps=fields.TEXT(analyzer=STEMMED, field_boost=1.5),
        body=fields.TEXT(analyzer=STEMMED),
        file=fields.TEXT(analyzer=FILE_WORDS),
        raw=fields.TEXT(analyzer=UNSTEMMED, phrase=False),
    )


def steps_text(doc: Document) -> str:
    """A document's steps as one text to index: actions, roles, substeps and details."""
    parts: list[str] = []
    for step in doc.steps:
        parts.append(step.action)
        if step.role:
            parts.append(step.role)
        parts.extend(step.substeps)
        if step.details:
            parts.append(step.details)
    return "\n".join(parts)


def body_text(doc: Document) -> str:
    """Purpose, scope, trigger, safety, regulations and tags, then the Markdown body.

    Tags are here too (besides their exact field) so a plain word finds a tagged document;
    every text field holds positions so that phrases work on all of them."""
    extra = [doc.purpose, doc.scope, doc.trigger]
    # Labelled, so "ppe" or "hazards" in a query finds the documents that list them.
    if doc.hazards:
        extra.append("Hazards: " + "; ".join(doc.hazards))
    if doc.ppe:
        extra.append("PPE: " + "; ".join(doc.ppe))
    extra.extend(doc.regulations)
    extra.append(" ".join(doc.tags))
    return "\n".join([*(e for e in extra if e), doc.body])


def index_fields(doc: Document) -> dict[str, Any]:
    """The fields of one document as Whoosh takes them (commas separate keyword values)."""
    steps = steps_text(doc)
    body = body_text(doc)
    return {
        "path": doc.path,
        "id": doc.id,
        "title": doc.title,
        "kind": doc.kind.value,
        "status": doc.status.value if doc.status else "none",
        "owner": doc.owner or "",
        "department": doc.department or "",
        "roles": ",".join(r.replace(",", " ") for r in doc.roles),
        "tags": ",".join(t.replace(",", " ") for t in doc.tags),
        "parents": ",".join(doc.parents),
        "steps": steps,
        "body": body,
        "file": doc.path,
        "raw": "\n".join((doc.title, steps, body)),
    }


SCHEMA = build_schema()
