"""Finding what people typed, on a real Whoosh index of a real vault: Unicode forms,
accents, scripts written without spaces, and snippets that say where they come from."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from sopvault.model.search import SearchHit
from sopvault.search import query as squery
from sopvault.search.candidates import candidates
from sopvault.search.snippets import sections
from sopvault.services.clock import running_from
from sopvault.services.vault import Vault
from tests.conftest import TODAY, commit_all, write


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def doc(
    doc_id: str, title: str, body: str = "", steps: list[str] | None = None, extra: str = ""
) -> str:
    front = f'id = "{doc_id}"\ntitle = "{title}"\nkind = "procedure"\n{extra}'
    for action in steps or []:
        front += f'\n[[steps]]\naction = "{action}"\n'
    return f"+++\n{front}+++\n{body}\n"


@pytest.fixture
def world(tmp_path: Path) -> Vault:
    """Documents in French (composed and decomposed), Japanese, Chinese, Korean, one mixing
    scripts and compatibility forms, and a plain English one without accents."""
    root = tmp_path / "v"
    write(root, "sopvault.toml", 'name = "World"\n')
    write(
        root,
        "fr-nfc.md",
        doc(
            "FR-1",
            "Nettoyage de la machine à café",
            "Servir la crème brûlée après le nettoyage.",
            ["Vérifier la pression de la chaudière"],
            'tags = ["Hygiène"]\n',
        ),
    )
    write(
        root,
        "fr-nfd.md",
        nfd(
            doc(
                "FR-2", "Préparer le thé", "Le thé se sert à 80 degrés.", ["Éteindre la bouilloire"]
            )
        ),
    )
    write(root, "en.md", doc("EN-1", "Cafe opening checklist", "Open the cafe at seven."))
    write(
        root,
        "jp.md",
        doc("JP-1", "ボイラー点検", "安全弁を確認します。", ["ボイラーの圧力を点検する"]),
    )
    write(root, "zh.md", doc("ZH-1", "锅炉检查", "每天检查锅炉的压力表，记录读数。"))
    write(root, "ko.md", doc("KO-1", "보일러 점검", "매일 압력을 점검한다."))
    write(
        root,
        "mix.md",
        doc(
            "MIX-1",
            "Gauge check ゲージ",
            "Check the ボイラー pressure gauge; 压力 must stay below 10 bar."
            " Stack each ＰＡＬＬＥＴ away from the ﬁre door.",
        ),
    )
    commit_all(root)
    return Vault.open(root, clock=running_from(TODAY))


def ids(vault: Vault, query: str) -> set[str]:
    return {hit.id for hit in vault.search(query, limit=50).hits}


def hit(vault: Vault, query: str, doc_id: str) -> SearchHit:
    return next(h for h in vault.search(query, limit=50).hits if h.id == doc_id)


def marked(found: SearchHit) -> list[str]:
    return [text for text, matched in found.snippet if matched]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("café", {"FR-1", "EN-1"}),  # title, NFC, and the plain spelling
        (nfd("café"), {"FR-1", "EN-1"}),
        ("cafe", {"FR-1", "EN-1"}),
        ("thé", {"FR-2"}),  # stored NFD, asked NFC: title and body
        ("éteindre", {"FR-2"}),  # stored NFD, in a step
        (nfd("vérifier"), {"FR-1"}),  # stored NFC, asked NFD, in a step
        ("VERIFIER pression", {"FR-1"}),
        ("brulee", {"FR-1"}),  # body, accents folded
        ("tag:hygiene", {"FR-1"}),
        ("fire pallet", {"MIX-1"}),  # the ligature and full-width letters, NFKC
        ("ＦＩＲＥ", {"MIX-1"}),
    ],
)
def test_every_unicode_form_and_accent_finds_the_others(
    world: Vault, query: str, expected: set[str]
) -> None:
    """Issue 17 (Unicode forms): NFC/NFD/NFKC and accent folding both ways, in title,
    steps, body and tags."""
    assert ids(world, query) == expected


def test_phrases_prefixes_and_typos_on_accented_words(world: Vault) -> None:
    """Issue 17 (Unicode forms): a phrase keeps its order on accented text; prefix and fuzzy
    terms are folded like words."""
    assert ids(world, '"crème brûlée"') == {"FR-1"}
    assert ids(world, nfd('"creme brulee"')) == {"FR-1"}
    assert ids(world, '"brûlée crème"') == set()
    assert ids(world, "vérif*") == ids(world, "VERIF*") == {"FR-1"}
    assert ids(world, "chaudi*") == {"FR-1"}
    assert ids(world, "vérifer~") == {"FR-1"}
    assert ids(world, nfd("Éteindr~")) == {"FR-2"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("圧力", {"JP-1"}),  # inside a step's sentence
        ("点検", {"JP-1"}),  # also in the title
        ("圧力を点検", {"JP-1"}),  # a longer word: its bigrams in order
        ("安全弁", {"JP-1"}),  # the body
        ("ボイラー", {"JP-1", "MIX-1"}),
        ("圧", {"JP-1"}),  # one character
        ("点検圧力", set()),  # the same characters out of order
        ("压力", {"ZH-1", "MIX-1"}),
        ("压力表", {"ZH-1"}),
        ("检查锅炉", {"ZH-1"}),
        ("압력", {"KO-1"}),
        (nfd("압력"), {"KO-1"}),
    ],
)
def test_words_inside_cjk_sentences_are_found(world: Vault, query: str, expected: set[str]) -> None:
    """Issue 17 (scripts without spaces): Japanese, Chinese and Korean documents found by
    inner words."""
    assert ids(world, query) == expected


@pytest.mark.parametrize("query", ["ボイラー pressure", "gauge 压力", "PALLET ボイラー 10"])
def test_a_mixed_script_document_holds_every_word_of_a_mixed_query(
    world: Vault, query: str
) -> None:
    """Issue 17 (scripts without spaces): a mixed-script document is found by words of
    both scripts; as for any question, documents holding some of the words come after."""
    assert [hit.id for hit in world.search(query).hits][0] == "MIX-1"


def test_snippets_say_which_field_and_show_the_text_as_written(world: Vault) -> None:
    """Issue 17 (snippets): the field of the passage (step N, body, purpose) and the
    matched words exactly as the document writes them."""
    found = hit(world, "圧力を点検", "JP-1")
    assert found.snippet_field == "step 1" and marked(found) == ["圧力を点検"]
    found = hit(world, "creme", "FR-1")
    assert found.snippet_field == "body" and marked(found) == ["crème"]
    found = hit(world, "thé", "FR-2")  # stored decomposed: shown decomposed
    assert found.snippet_field == "body" and marked(found) == [nfd("thé")]
    found = hit(world, "pression", "FR-1")
    assert found.snippet_field == "step 1"
    assert found.snippet_text == "Vérifier la pression de la chaudière"


def test_the_sample_vault_snippets_name_their_field_and_cut_between_words(
    sample_vault: Vault,
) -> None:
    """Issue 17 (snippets): no more fields run together; every cut is between words."""
    response = sample_vault.search("reorder point", limit=10)
    assert response.hits[0].id == "SOP-003" and response.hits[0].snippet_field == "step 3"
    for found in response.hits:
        assert found.snippet_field
        text = found.snippet_text
        doc = sample_vault.get(found.id)
        source = " ".join(text for label, text in sections(doc) if label == found.snippet_field)
        source_words = set(re.findall(r"[\w'-]+", source))
        passage_words = re.findall(r"[\w'-]+", text)
        # the first and last words are whole words of the field
        assert passage_words[0] in source_words and passage_words[-1] in source_words


def test_searching_a_past_date_keeps_cjk_and_accented_candidates(world: Vault) -> None:
    """Issue 17 (scripts without spaces, on any date): the word test before a past-date
    search cuts texts as the index does, so it keeps what the query matches."""
    docs = [world.get(doc_id) for doc_id in sorted(world.documents)]
    for query, expected in (("圧力を点検", "JP-1"), ("cafe", "FR-1"), (nfd("thé"), "FR-2")):
        kept = {d.id for d in candidates(docs, squery.parse(query))}
        assert expected in kept and len(kept) < len(docs)
