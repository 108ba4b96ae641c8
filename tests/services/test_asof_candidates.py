"""Searching a past date indexes only the texts that could match: the word test must never
leave out a document the query matches (``search.candidates``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.filedb.filestore import RamStorage

from sopvault.search import query as squery
from sopvault.search.candidates import candidates
from sopvault.search.schema import SCHEMA, index_fields
from sopvault.services.vault import Vault

QUERIES = [
    "pallets",
    '"hot water" ppe',
    "reorder*",
    "respirtor~",
    "kind:procedure",
    "NOT pallet",
    "how do I count pallets?",
    "title:count",
    "SOP-003",
    "2.1",
    "freezer OR label",
    "flotation -froth",
    "file:returns",
    "steps:export report",
]


@pytest.mark.parametrize("text", QUERIES)
def test_the_word_test_keeps_every_document_the_query_matches(
    sample_vault: Vault, text: str
) -> None:
    """Issue 14 (the vault on any date): on every sample document, what the query matches
    in a full index is among the candidates; and a plain word leaves most documents out."""
    docs = [sample_vault.get(doc_id) for doc_id in sorted(sample_vault.documents)]
    memory = RamStorage().create_index(SCHEMA)
    writer = memory.writer()
    for doc in docs:
        writer.add_document(**index_fields(doc))
    writer.commit()
    parsed = squery.parse(text)
    kept = {doc.path for doc in candidates(docs, parsed)}
    with memory.searcher() as searcher:
        for q in (parsed.main, parsed.fallback):
            if q is not None:
                matched = {hit["path"] for hit in searcher.search(q, limit=None)}
                assert matched <= kept, (text, matched - kept)
    if text == "pallets":
        assert 0 < len(kept) < len(docs) / 2


def test_unjudgeable_queries_keep_everything(sample_path: Path) -> None:
    """Issue 14 (the vault on any date): NOT, fuzzy terms and filters alone index all."""
    docs = list(Vault.open(sample_path).documents.values())
    for text in ("NOT pallet", "respirtor~", "kind:procedure"):
        assert len(candidates(docs, squery.parse(text))) == len(docs)
