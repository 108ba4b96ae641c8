"""The pure parts of finding what people typed: one form per word, CJK bigrams, snippets cut
at word boundaries (``search.normalize``, ``search.cjk``, ``search.snippets``)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sopvault.search import QueryError
from sopvault.search.cjk import Script, script_of
from sopvault.search.normalize import fold, words
from sopvault.search.query import parse
from sopvault.search.schema import EXACT, FILE_WORDS, KEYWORDS, STEMMED, UNSTEMMED
from sopvault.search.snippets import cuttable, passage, snap


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def terms(analyzer: object, text: str) -> list[str]:
    return [token.text for token in analyzer(text)]  # type: ignore[operator]


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("café", "cafe"),
        (nfd("café"), "cafe"),
        ("CAFÉ", "cafe"),
        ("Straße", "strasse"),
        ("ﬁre", "fire"),
        ("ＰＡＬＬＥＴ", "pallet"),
        ("Łódź", "lodz"),
        ("İstanbul", "istanbul"),
        ("p\u0303", "p"),  # a mark with no composed letter is dropped, not mapped
        ("ガ", "ガ"),  # kana voicing is a different letter, not an accent
        (nfd("ガ"), "ガ"),
        ("SOP-003", "sop-003"),
    ],
)
def test_fold_brings_every_spelling_to_one_form(written: str, folded: str) -> None:
    """Issue 17 (Unicode forms): NFC, NFD, NFKC forms, capitals and accents fold alike."""
    assert fold(written) == folded


@given(st.text(max_size=30))
def test_fold_is_the_same_for_nfc_and_nfd(text: str) -> None:
    """Issue 17 (Unicode forms): whatever the text, NFC and NFD fold to the same words."""
    nfc_words = [w for _, _, w in words(unicodedata.normalize("NFC", text))]
    assert nfc_words == [w for _, _, w in words(nfd(text))]


def test_decomposed_text_is_not_split_at_the_combining_mark() -> None:
    """Issue 17 (Unicode forms): NFD ``café`` is one word, its offsets those as written."""
    text = nfd("le café crème")
    found = list(words(text))
    assert [w for _, _, w in found] == ["le", "cafe", "creme"]
    start, end, _ = found[1]
    assert text[start:end] == nfd("café")


def test_ascii_text_is_cut_as_before() -> None:
    """Issue 17 (Unicode forms): Latin tokenisation is unchanged (ranking unchanged)."""
    text = "Check the 2.1 gauge; under_score e-mail SOP-003"
    assert terms(STEMMED, text) == ["check", "2.1", "gaug", "under_scor", "mail", "sop", "003"]
    assert terms(FILE_WORDS, "procedures/float_halite.md") == [
        "procedures",
        "float",
        "halite",
        "md",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("圧力", ["圧力"]),
        ("点検する", ["点検", "検す", "する"]),
        ("水", ["水"]),
        ("水、电", ["水", "电"]),
        ("압력을", ["압력", "력을"]),
        ("ABC株式会社", ["abc", "株式", "式会", "会社"]),
        ("設定.txt", ["設定", "txt"]),
        ("ｶﾞｽ", ["ガス"]),  # half-width kana with its voicing mark: one character
    ],
)
def test_cjk_runs_become_bigrams(text: str, expected: list[str]) -> None:
    """Issue 17 (scripts without spaces): overlapping bigrams, one character alone as itself,
    Latin inside the same run kept as a word."""
    assert terms(UNSTEMMED, text) == expected
    assert terms(STEMMED, text) == expected  # one CJK character is a word, not a stop


def test_bigrams_are_next_to_each_other_and_point_at_the_text() -> None:
    """Issue 17 (scripts without spaces): a phrase of bigrams matches in order."""
    text = "ボイラーの圧力を点検する"
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar) for t in UNSTEMMED(text, positions=True, chars=True)
    ]
    assert [pos for _, pos, _, _ in tokens] == list(range(len(text) - 1))
    assert all(text[start:end] == word for word, _, start, end in tokens)


def test_decomposed_hangul_and_kana_make_the_same_bigrams() -> None:
    """Issue 17 (Unicode forms): NFD Korean syllables and kana are the composed ones."""
    for text in ("압력을 점검", "ガス"):
        assert terms(UNSTEMMED, nfd(text)) == terms(UNSTEMMED, text)


def test_exact_and_keyword_fields_fold_too() -> None:
    """Issue 17 (Unicode forms): ids, handles and tags fold like words."""
    assert terms(EXACT, "ＳＯＰ-001") == ["sop-001"]
    assert terms(KEYWORDS, "Café, Warehouse Lead") == ["cafe", "warehouse lead"]


def test_scripts() -> None:
    """Issue 17 (scripts without spaces): which characters are cut into bigrams."""
    assert script_of("a") is Script.OTHER and script_of("é") is Script.OTHER
    assert script_of("圧") is Script.HAN_KANA and script_of("ー") is Script.HAN_KANA
    assert script_of("한") is Script.HANGUL


# ---- snippets -------------------------------------------------------------------------


def test_cut_points_are_between_words_or_between_cjk_characters() -> None:
    """Issue 17 (snippets): never inside a word, never before a combining mark."""
    text = "stock levels 圧力を点検 " + nfd("é")
    assert cuttable(text, 5) and not cuttable(text, 3)  # "stock|" yes, "sto|ck" no
    assert cuttable(text, 14) and cuttable(text, 13)  # inside a CJK run, at its start
    assert not cuttable(text, len(text) - 1)  # between e and its accent


def test_snap_moves_inside_words_out_to_the_boundaries() -> None:
    """Issue 17 (snippets): a window starting or ending inside a word is shrunk to whole
    words; one word longer than the window is kept whole."""
    text = "reorder points are reviewed weekly"
    assert snap(text, 3, 22) == (8, 18)  # "points are"
    assert snap("abcdefgh", 2, 4) == (0, 8)


def test_passage_cuts_at_words_and_marks_matches() -> None:
    """Issue 17 (snippets): a long text is cut around the matches at word boundaries, with
    "…" where text was left out."""
    text = " ".join(["filler"] * 40 + ["the", "reorder", "point", "is", "here"] + ["tail"] * 40)
    at = text.index("reorder")
    segments = passage(text, [(at, at + 7, "reorder")], width=60)
    joined = "".join(part for part, _ in segments)
    assert joined.startswith("…") and joined.endswith("…")
    inner = joined.strip("…")
    assert inner in text and set(inner.split()) <= set(text.split())
    assert [part for part, matched in segments if matched] == ["reorder"]


def test_overlapping_bigram_matches_are_one_mark() -> None:
    """Issue 17 (snippets): the bigrams of a CJK word mark it once, as written."""
    text = "ボイラーの圧力を点検する"
    spans = [(5, 7, "圧力"), (6, 8, "力を"), (7, 9, "を点"), (8, 10, "点検")]
    segments = passage(text, spans)
    assert [part for part, matched in segments if matched] == ["圧力を点検"]
    assert "".join(part for part, _ in segments) == text


ANY_SCRIPT = list('ab "*~:()-圧力を点검ガ\u3099é\u0301ﬁＳ.')


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(ANY_SCRIPT), max_size=30))
def test_the_parser_takes_words_of_any_script(text: str) -> None:
    """Issue 17 (scripts without spaces): CJK, combining marks and compatibility forms in
    any place of a query give a query or the parser's own error, never a crash."""
    try:
        parse(text)
    except QueryError:
        pass
