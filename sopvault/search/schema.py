"""The index schema, and how a Document becomes an index record."""

from __future__ import annotations

from typing import Any

from whoosh import fields

from sopvault.model.document import Document
from sopvault.search import analysis
from sopvault.search.combined import CombinedText, Parts

# Bump when the schema or what goes into a field changes: the index is then rebuilt.
# 3: every word folded (NFKC, case, accents) and CJK runs indexed as bigrams (issue 17).
# 4: steps and body in one weighted text field, and no unstemmed copy (issue 17).
SCHEMA_VERSION = 4

# Every analyzer folds words to one form and cuts CJK runs into bigrams (search.analysis).
STEMMED = analysis.stemming_analyzer()
UNSTEMMED = analysis.plain_analyzer()
EXACT = analysis.exact_analyzer()
FILE_WORDS = analysis.file_analyzer()
KEYWORDS = analysis.keyword_analyzer()

# Steps and body in one field (search.combined), each part weighted as its own field was.
TEXT = "text"
# Fields searched by plain words, with their weight in BM25F.
TEXT_FIELDS = ("id", "title", TEXT, "file")
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


def _named_fields() -> dict[str, fields.FieldType]:
    return {
        "id": fields.TEXT(stored=True, analyzer=EXACT, field_boost=4.0),
        "title": fields.TEXT(stored=True, analyzer=STEMMED, field_boost=5.0),
        "file": fields.TEXT(analyzer=FILE_WORDS),
    }


def _filter_fields() -> dict[str, fields.FieldType]:
    return {
        "kind": fields.ID(stored=True),
        "status": fields.ID(stored=True),
        "owner": fields.TEXT(analyzer=EXACT, phrase=False),
        "department": fields.TEXT(analyzer=UNSTEMMED),
        "roles": fields.KEYWORD(analyzer=KEYWORDS, commas=True),
        "tags": fields.KEYWORD(analyzer=KEYWORDS, commas=True, field_boost=1.5),
        "parents": fields.KEYWORD(analyzer=KEYWORDS, commas=True),
    }


def build_schema() -> fields.Schema:
    """The Whoosh schema of the index: which fields are stored, how each is analysed and
    boosted (steps and body as one field, ``search.combined``)."""
    return fields.Schema(
        path=fields.ID(stored=True, unique=True),
        **_named_fields(),
        text=CombinedText({"steps": STEMMED, "body": STEMMED}),
        **_filter_fields(),
    )


def build_parse_schema() -> fields.Schema:
    """The schema the query parser reads a query with: the index's, with the parts of the
    combined field as fields of their own (a query naming one is then run on ``text``
    within the part, see ``search.query``)."""
    return fields.Schema(
        **_named_fields(),
        text=fields.TEXT(analyzer=STEMMED),
        steps=fields.TEXT(analyzer=STEMMED),
        body=fields.TEXT(analyzer=STEMMED),
        **_filter_fields(),
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
    """The fields of one document as Whoosh takes them (commas separate keyword values;
    ``text`` is the combined field's parts, ``search.combined``)."""
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
        "file": doc.path,
        "text": text_parts(doc),
    }


def text_parts(doc: Document) -> Parts:
    """The combined field's value: each part's text, in the order of its positions."""
    return (("steps", steps_text(doc)), ("body", body_text(doc)))


def written_text(doc: Document) -> str:
    """The text whose words the vocabulary of fuzzy and prefix terms holds: title, steps
    and body, as written (``search.vocabulary``)."""
    return "\n".join((doc.title, steps_text(doc), body_text(doc)))


SCHEMA = build_schema()
PARSE_SCHEMA = build_parse_schema()
