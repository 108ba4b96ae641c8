"""Full-text search on a real Whoosh index in temporary vaults and repositories."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import git
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sopvault.search import QueryError
from sopvault.search.query import parse
from sopvault.services.clock import running_from
from sopvault.services.vault import Vault
from tests.conftest import TODAY, commit_all, write


def ids(vault: Vault, query: str, **kwargs: object) -> list[str]:
    return [hit.id for hit in vault.search(query, **kwargs).hits]  # type: ignore[arg-type]


def doc(doc_id: str, title: str, body: str = "", kind: str = "policy", extra: str = "") -> str:
    return f'+++\nid = "{doc_id}"\ntitle = "{title}"\nkind = "{kind}"\n{extra}+++\n{body}\n'


# ---- the language ---------------------------------------------------------------------


def test_stemming_finds_other_forms(sample_vault: Vault) -> None:
    assert "SOP-003" in ids(sample_vault, "reordering")
    assert "SOP-007" in ids(sample_vault, "refunded")


def test_phrase_needs_the_words_in_order(sample_vault: Vault) -> None:
    found = ids(sample_vault, '"hot water"')
    assert {"WI-002", "SOP-010"} <= set(found)
    assert "SOP-003" not in found
    assert ids(sample_vault, '"water hot inlet"') == []


def test_prefix_runs_on_the_words_as_written(sample_vault: Vault) -> None:
    assert {"PRC-006", "SOP-003"} <= set(ids(sample_vault, "reord*"))
    assert "PRC-006" in ids(sample_vault, "reorderin*")  # no stem starts like that


def test_fuzzy_term_reaches_unstemmed_words(sample_vault: Vault) -> None:
    assert "SOP-010" in ids(sample_vault, "respirtor~")
    assert "SOP-005" in ids(sample_vault, "recieve~")
    assert ids(sample_vault, "recieve~1") != ids(sample_vault, "recieve~")


def test_boolean_operators(sample_vault: Vault) -> None:
    both = set(ids(sample_vault, "amazon AND labels", limit=50))
    without = set(ids(sample_vault, "amazon NOT labels", limit=50))
    assert "SOP-001" in both and "SOP-001" not in without and without
    either = set(ids(sample_vault, "(halite OR refund) kind:procedure", limit=50))
    assert {"SOP-009", "SOP-007"} <= either


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind:form", {"FRM-001", "FRM-002", "FRM-003", "FRM-004", "FRM-005"}),
        ("status:draft", {"WI-005"}),
        ("owner:farah", {"POL-006", "PRC-004", "SOP-008", "FRM-005"}),
        ("tag:fba", {"PRC-008", "SOP-001", "SOP-002", "WI-003", "STD-001", "FRM-001", "FRM-002"}),
        ('role:"warehouse lead"', {"PRC-001", "PRC-003", "PRC-006", "SOP-003", "SOP-005"}),
        ("dept:sales", {"PRC-002"}),
        ("parent:PRC-005", {"SOP-009", "SOP-010", "STD-002", "FRM-004"}),
        ("stock kind:procedure owner:carmen", {"SOP-003", "SOP-005"}),
        ("kind:procedure -owner:carmen potash", {"SOP-009", "SOP-010"}),
    ],
)
def test_each_field_filter(sample_vault: Vault, query: str, expected: set[str]) -> None:
    assert set(ids(sample_vault, query, limit=100)) == expected


def test_kind_and_status_arguments_filter(sample_vault: Vault) -> None:
    assert set(ids(sample_vault, "potash", kind="work_instruction")) == {"WI-001", "WI-002"}
    assert ids(sample_vault, "helpdesk", status="draft") == ["WI-005"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"unbalanced', "unbalanced quote"),
        ("colour:blue", "unknown field 'colour:'"),
        ("(a OR b", "unbalanced parentheses"),
        ("a)", "unbalanced parentheses"),
        ("   ", "type some words"),
    ],
)
def test_malformed_queries_get_a_clear_message(
    sample_vault: Vault, query: str, message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        sample_vault.search(query)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list('abc "():*~-+^/\\AND OR NOT kind:tag:x1')), max_size=40)
)
def test_the_parser_raises_only_its_own_error(text: str) -> None:
    try:
        parse(text)
    except QueryError:
        pass


# ---- ranking and forgiving questions --------------------------------------------------


@pytest.fixture
def freezer_vault(tmp_path: Path) -> Vault:
    root = tmp_path / "v"
    write(root, "sopvault.toml", 'name = "Cold store"\n')
    write(root, "a.md", doc("POL-1", "Freezer alarm response", "What to do when it sounds."))
    write(
        root, "b.md", doc("POL-2", "Stock count", "Count stock. A freezer alarm is tested yearly.")
    )
    write(root, "c.md", doc("POL-3", "Night shift rota", "Who works at night and when."))
    write(root, "d.md", doc("POL-4", "Alarm codes", "Codes for the intruder alarm panel."))
    commit_all(root)
    return Vault.open(root, clock=running_from(TODAY))


def test_a_title_match_beats_a_body_mention(freezer_vault: Vault) -> None:
    assert ids(freezer_vault, "freezer alarm")[:2] == ["POL-1", "POL-2"]


def test_a_long_question_finds_the_procedure(freezer_vault: Vault) -> None:
    found = ids(freezer_vault, "what do we do when the freezer alarm goes off at night")
    assert found[0] == "POL-1"
    assert set(found) >= {"POL-1", "POL-2", "POL-3", "POL-4"}  # most words still count


def test_holding_every_word_ranks_above_a_stronger_partial_match(freezer_vault: Vault) -> None:
    # POL-1 and POL-4 have "alarm" in the title (worth five body mentions) but not
    # "tested": POL-2, the one document holding both words, still comes first.
    found = ids(freezer_vault, "alarm tested")
    assert found[0] == "POL-2"
    assert set(found[1:]) == {"POL-1", "POL-4"}


def test_typos_are_forgiven_and_suggested(sample_vault: Vault) -> None:
    response = sample_vault.search("respirtor")
    assert response.did_you_mean == "respirator" and response.corrected
    assert "SOP-010" in [h.id for h in response.hits]
    assert ids(sample_vault, "reorder pont")[0] == "SOP-003"
    assert ids(sample_vault, "flotaton kind:procedure")[0] == "SOP-009"


def test_snippets_mark_where_it_matched(sample_vault: Vault) -> None:
    hit = sample_vault.search("reorder point").hits[0]
    marked = {text.lower() for text, matched in hit.snippet if matched}
    assert "reorder" in marked and ("point" in marked or "points" in marked)


def test_file_names_are_searchable(sample_vault: Vault) -> None:
    assert ids(sample_vault, "float halite")[0] == "SOP-009"
    assert "SOP-009" in ids(sample_vault, "path:float")


SAMPLE_QUERIES = [
    ("reorder point", "SOP-003"),
    ("potash flotation ppe", "SOP-009"),
    ("returns policy", "POL-003"),
    ("amazon fba shipment plan", "SOP-001"),
    ("send labels to supplier", "SOP-002"),
    ("virtual assistant onboarding", "SOP-006"),
    ("job safety analysis leach", "FRM-004"),
    ("customer wants a refund for an opened bag", "SOP-007"),
    ("overdue invoice reminder", "SOP-008"),
    ("revoke access when someone leaves", "SOP-011"),
    ("sulphate of potash specification chloride", "STD-002"),
    ("order to cash", "PRC-001"),
    ("multi-factor authentication password", "STD-003"),
]


@pytest.mark.parametrize(("query", "expected"), SAMPLE_QUERIES)
def test_realistic_queries_on_the_sample_vault(
    sample_vault: Vault, query: str, expected: str
) -> None:
    assert ids(sample_vault, query)[0] == expected


# ---- always fresh ---------------------------------------------------------------------


def test_fresh_after_add_edit_delete_rename_and_commit(sample_path: Path) -> None:
    vault = Vault.open(sample_path, clock=running_from(TODAY))
    assert ids(vault, "xylophone") == []
    new = write(sample_path, "policies/music.md", doc("POL-777", "Xylophone policy"))
    assert ids(vault, "xylophone") == ["POL-777"]
    new.write_text(doc("POL-777", "Glockenspiel policy"))
    assert ids(vault, "xylophone") == [] and ids(vault, "glockenspiel") == ["POL-777"]
    new.rename(sample_path / "policies" / "renamed.md")
    assert [h.path for h in vault.search("glockenspiel").hits] == ["policies/renamed.md"]
    repo = git.Repo(sample_path)
    repo.git.add(A=True)
    repo.git.commit(m="Add a policy")
    assert [h.path for h in vault.search("glockenspiel").hits] == ["policies/renamed.md"]
    (sample_path / "policies" / "renamed.md").unlink()
    assert ids(vault, "glockenspiel") == []
    repo.git.checkout("--", ".")  # restored from HEAD: a path that is no longer dirty
    assert ids(vault, "glockenspiel") == ["POL-777"]
    tracked = sample_path / "procedures" / "SOP-009-float-halite.md"
    tracked.write_text(tracked.read_text().replace("Remove halite", "Remove rocksalt"))
    assert ids(vault, "rocksalt") == ["SOP-009"]
    repo.git.checkout("--", str(tracked))
    assert ids(vault, "rocksalt") == []


def test_fresh_after_commits_made_elsewhere(sample_path: Path) -> None:
    vault = Vault.open(sample_path, clock=running_from(TODAY))
    assert ids(vault, "marimba") == []
    write(sample_path, "policies/m.md", doc("POL-778", "Marimba policy"))
    repo = git.Repo(sample_path)
    repo.git.add(A=True)
    repo.git.commit(m="Commit before any search saw it")
    assert ids(vault, "marimba") == ["POL-778"]
    repo.git.rm("policies/m.md")
    repo.git.commit(m="Remove it")
    assert ids(vault, "marimba") == []


def test_fresh_in_a_folder_that_is_not_a_repository(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    write(root, "sopvault.toml", 'name = "Plain"\n')
    write(root, "a.md", doc("POL-1", "Harmonica policy"))
    vault = Vault.open(root, clock=running_from(TODAY))
    assert ids(vault, "harmonica") == ["POL-1"]
    target = root / "a.md"
    target.write_text(doc("POL-1", "Banjo policy"))
    os.utime(target, ns=(10**18, 10**18))
    assert ids(vault, "banjo") == ["POL-1"] and ids(vault, "harmonica") == []


def _same_size_edit_keeping_mtime(path: Path, old: str, new: str) -> None:
    assert len(old) == len(new)
    info = path.stat()
    path.write_text(path.read_text().replace(old, new))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size and path.stat().st_mtime_ns == info.st_mtime_ns


@pytest.mark.parametrize("in_git", [True, False])
def test_a_same_size_edit_that_keeps_the_mtime_is_seen(
    sample_path: Path, tmp_path: Path, in_git: bool
) -> None:
    root = sample_path if in_git else tmp_path / "plain"
    if not in_git:
        write(root, "sopvault.toml", 'name = "Plain"\n')
    target = write(root, "policies/kazoo.md", doc("POL-779", "Kazoo policy", "alphaword."))
    vault = Vault.open(root, clock=running_from(TODAY))
    assert ids(vault, "alphaword") == ["POL-779"]
    _same_size_edit_keeping_mtime(target, "alphaword", "bravoword")
    assert ids(vault, "bravoword") == ["POL-779"] and ids(vault, "alphaword") == []


def test_documents_git_ignores_are_kept_fresh(sample_path: Path) -> None:
    # The index holds what the vault lists (every scanned file), ignored by git or not.
    exclude = sample_path / ".git" / "info" / "exclude"
    exclude.parent.mkdir(parents=True, exist_ok=True)
    with exclude.open("a") as handle:
        handle.write("policies/local-*.md\n")
    kept = write(sample_path, "policies/local-a.md", doc("POL-881", "Charlie policy"))
    vault = Vault.open(sample_path, clock=running_from(TODAY))
    assert ids(vault, "charlie") == ["POL-881"]
    kept.write_text(doc("POL-881", "Deltaword longer policy"))
    assert ids(vault, "deltaword") == ["POL-881"] and ids(vault, "charlie") == []
    _same_size_edit_keeping_mtime(kept, "Deltaword", "Echoworde")
    assert ids(vault, "echoworde") == ["POL-881"] and ids(vault, "deltaword") == []
    write(sample_path, "policies/local-b.md", doc("POL-882", "Foxtrot policy"))
    assert ids(vault, "foxtrot") == ["POL-882"]
    kept.unlink()
    assert ids(vault, "echoworde") == []


def test_nothing_changed_means_no_index_write(sample_vault: Vault) -> None:
    sample_vault.search("potash")
    report = sample_vault.refresh_index()
    assert not report.rebuilt and report.updated == report.removed == 0 and not report.notices


# ---- recovery and concurrency ---------------------------------------------------------


def test_recovers_from_a_deleted_index(sample_vault: Vault) -> None:
    assert ids(sample_vault, "halite")
    shutil.rmtree(sample_vault.index_dir)
    response = sample_vault.search("halite")
    assert response.hits and response.notices == ("built the search index",)


def test_recovers_from_a_corrupted_index(sample_vault: Vault) -> None:
    assert ids(sample_vault, "halite")
    for path in sample_vault.index_dir.iterdir():
        if path.suffix in (".seg", ".toc"):
            path.write_bytes(b"\x00garbage" * 10)
    response = sample_vault.search("halite")
    assert response.hits[0].id == "SOP-009"
    assert any("rebuilt" in notice for notice in response.notices)


def test_a_schema_change_rebuilds(sample_vault: Vault) -> None:
    sample_vault.search("halite")
    meta = sample_vault.index_dir / "sopvault-index.json"
    data = json.loads(meta.read_text())
    data["schema"] -= 1
    meta.write_text(json.dumps(data))
    report = sample_vault.refresh_index()
    assert report.rebuilt and report.documents == 38


def test_a_locked_index_answers_from_what_it_has(sample_vault: Vault) -> None:
    from sopvault.search import SearchIndex

    assert ids(sample_vault, "halite")
    write(sample_vault.root, "policies/x.md", doc("POL-779", "Ocarina policy"))
    sample_vault.index_lock_wait = 0.2
    with SearchIndex(sample_vault.index_dir).writer_lock(wait=0) as held:
        assert held
        response = sample_vault.search("ocarina")
        assert response.hits == ()
        assert "another sopvault is updating" in response.notices[0]
    assert ids(sample_vault, "ocarina") == ["POL-779"]


def test_processes_searching_while_another_updates(sample_path: Path) -> None:
    Vault.open(sample_path, clock=running_from(TODAY)).search("potash")
    script = (
        "import sys\nfrom pathlib import Path\nfrom sopvault.services.vault import Vault\n"
        "root = Path(sys.argv[1]); writer = sys.argv[2] == 'w'\n"
        "for i in range(15):\n"
        "    if writer:\n"
        "        (root / 'policies' / f'c{i}.md').write_text("
        'f\'+++\\nid = "C-{i}"\\ntitle = "Concurrent {i}"\\nkind = "policy"\\n+++\\n\')\n'
        "    Vault.open(root).search('concurrent potash')\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(sample_path), role])
        for role in ("w", "r", "r")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    assert (
        len(ids(Vault.open(sample_path, clock=running_from(TODAY)), "concurrent", limit=50)) == 15
    )


def test_documents_in_a_folder_git_ignores_are_kept_fresh(sample_path: Path) -> None:
    (sample_path / ".gitignore").write_text("drafts/\n")
    draft = write(sample_path, "drafts/deep/d.md", doc("POL-883", "Golfword policy"))
    vault = Vault.open(sample_path, clock=running_from(TODAY))
    assert ids(vault, "golfword") == ["POL-883"]
    _same_size_edit_keeping_mtime(draft, "Golfword", "Hotelwrd")
    assert ids(vault, "hotelwrd") == ["POL-883"] and ids(vault, "golfword") == []
    write(sample_path, "drafts/e.md", doc("POL-884", "Indiaword policy"))
    assert ids(vault, "indiaword") == ["POL-884"]
    draft.unlink()
    assert ids(vault, "hotelwrd") == []
