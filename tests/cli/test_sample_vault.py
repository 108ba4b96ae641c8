"""The shipped sample vault: complete, valid, and unchanged by a load/save round trip."""

from __future__ import annotations

from collections import Counter

from sopvault.core import frontmatter
from sopvault.core.parse import parse_text, with_changes
from sopvault.model.document import Kind
from sopvault.model.finding import Severity
from sopvault.services.vault import Vault


def test_sample_vault_has_no_errors_and_all_kinds(sample_vault: Vault) -> None:
    state = sample_vault.state
    assert [f for f in state.findings if f.severity is Severity.ERROR] == []
    assert not state.skipped
    assert len(state.documents) >= 30
    kinds = Counter(d.kind for d in state.documents.values())
    assert set(kinds) == set(Kind)


def test_sample_vault_covers_the_required_topics(sample_vault: Vault) -> None:
    titles = " | ".join(d.title.lower() for d in sample_vault.documents.values())
    for needle in [
        "information security policy",
        "social media",
        "returns",
        "order to cash",
        "sales process",
        "inventory",
        "cash collection",
        "sulphate of potash manufacturing",
        "stock reordering",
        "amazon fba",
        "send labels to a supplier",
        "e-mail template",
        "virtual assistant",
        "job safety analysis",
        "leach",
        "flotation",
    ]:
        assert needle in titles, needle
    jsa = sample_vault.get("FRM-004")
    assert jsa.hazards and jsa.ppe


def test_every_sample_document_round_trips(sample_vault: Vault) -> None:
    for doc in sample_vault.documents.values():
        raw = sample_vault.path_of(doc).read_bytes().decode("utf-8")
        body = frontmatter.split(raw).body
        rewritten = with_changes(raw, {"status": "in_review", "version": "9.9"})
        assert frontmatter.split(rewritten).body == body, doc.id
        again = parse_text(doc.path, rewritten).document
        assert again is not None
        expected = dict(doc.front, status="in_review", version="9.9")
        assert again.front == expected, doc.id
        # and with no change at all, not a byte moves
        assert with_changes(raw, {}) == raw
