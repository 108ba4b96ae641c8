"""The vault on any date, on hand-made repositories with dated commits (GIT_COMMITTER_DATE):
what was in force, who approved it, which runs followed it, and that nothing is written."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sopvault.core.asof import AsOfError, read_moment
from sopvault.errors import DocumentNotFound, ReadOnly
from sopvault.services.acks import Acknowledgements
from sopvault.services.asof import AsOf, NotInHistory
from sopvault.services.asofsearch import search_as_of
from sopvault.services.inforce import in_force
from sopvault.services.runs import Runs
from sopvault.services.vault import DocumentFilter
from sopvault.services.workspace import Workspace
from sopvault.store.git.repo import Repo
from sopvault.store.heads import HEADS_NAME
from tests.conftest import MINIMAL_CONFIG, workspace_at, write

ALICE = "Alice Moreno <alice.moreno@harrowfinch.example>"
BILAL = "Bilal Okafor <bilal.okafor@harrowfinch.example>"
CARMEN = "Carmen Ruiz <carmen.ruiz@harrowfinch.example>"


# Local time is UTC in every test here (the shared ``utc`` fixture).
pytestmark = pytest.mark.usefixtures("utc")


def sop(version: str, status: str, action: str, effective: str = "2026-01-10") -> str:
    return (
        f'+++\nid = "SOP-1"\ntitle = "Count the pallets"\nkind = "procedure"\n'
        f'version = "{version}"\nstatus = "{status}"\neffective = {effective}\n'
        f'parents = ["POL-1"]\n\n[[steps]]\naction = "{action}"\n+++\nCount them twice.\n'
    )


def policy(status: str, body: str) -> str:
    front = 'id = "POL-1"\ntitle = "Stock policy"\nkind = "policy"\n'
    return f'+++\n{front}status = "{status}"\n+++\n{body}\n'


WI = '+++\nid = "WI-1"\ntitle = "Use the scanner"\nkind = "work_instruction"\n+++\nScan.\n'


def commit(root: Path, when: str, message: str, *, author: str = ALICE, by: str = BILAL) -> str:
    """Commit everything, authored by ``author`` and committed by ``by`` at ``when``."""
    env = dict(os.environ)
    for role, who in (("AUTHOR", author), ("COMMITTER", by)):
        name, email = who[:-1].split(" <")
        env |= {f"GIT_{role}_NAME": name, f"GIT_{role}_EMAIL": email, f"GIT_{role}_DATE": when}
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True, env=env)
    subprocess.run(["git", "-C", str(root), "commit", "-qm", message], check=True, env=env)
    out = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True
    )
    return out.stdout.strip()


def approval(subject: str, version: str, reviewer: str, at: str, proposal: str = "") -> str:
    number = f"SOP-Proposal: {proposal}\n" if proposal else ""
    return (
        f"{subject}\n\nSOP-Id: SOP-1\nSOP-Version: {version}\n{number}"
        f"Proposed-by: {ALICE}\nReviewed-by: {reviewer}\nApproved-at: {at}\n"
    )


@pytest.fixture
def dated(tmp_path: Path) -> Path:
    """January: SOP-1 1.0 and POL-1 approved by Bilal. 10 February 10:00: SOP-1 1.1
    approved by Carmen and WI-1 added. March: SOP-1 edited by a plain commit. April:
    POL-1 retired."""
    root = tmp_path / "v"
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    write(root, "sopvault.toml", MINIMAL_CONFIG)
    write(root, "procedures/SOP-1-count.md", sop("1.0", "effective", "Count the pallets"))
    write(root, "policies/POL-1-stock.md", policy("effective", "Stock is counted weekly."))
    commit(root, "2026-01-10T09:00:00Z", approval("First", "1.0", BILAL, "2026-01-10T09:00:00Z"))
    return root


def later(root: Path) -> dict[str, str]:
    """The rest of the history of ``dated``; the commits by month."""
    write(
        root,
        "procedures/SOP-1-count.md",
        sop("1.1", "effective", "Count the full pallets", "2026-02-10"),
    )
    write(root, "work-instructions/WI-1-scanner.md", WI)
    feb = commit(
        root,
        "2026-02-10T10:00:00Z",
        approval("Full pallets", "1.1", CARMEN, "2026-02-10T10:00:00Z", "2"),
        by=CARMEN,
    )
    write(
        root,
        "procedures/SOP-1-count.md",
        sop("1.1", "effective", "Count the empty pallets", "2026-02-10"),
    )
    mar = commit(root, "2026-03-10T08:00:00Z", "Quick fix", by=ALICE)
    write(root, "policies/POL-1-stock.md", policy("retired", "Replaced."))
    apr = commit(root, "2026-04-10T08:00:00Z", "Retire POL-1\n\nReviewed-by: " + BILAL)
    return {"feb": feb, "mar": mar, "apr": apr}


def test_a_date_reads_the_documents_in_force_then(dated: Path) -> None:
    """Issue 14 (the vault on any date): a document added after the date is absent, a
    changed one shows its old text, a retired one its status then; the banner names
    main's commit then and says read only."""
    months = later(dated)
    ws = workspace_at(dated)
    january = AsOf.open(ws, "2026-01-20")
    assert sorted(january.documents) == ["POL-1", "SOP-1"]
    assert january.get("SOP-1").steps[0].action == "Count the pallets"
    assert january.get("sop-1").version == "1.0"  # typed in another case, as today
    assert january.banner().startswith("As of 2026-01-20: main at ")
    assert january.banner().endswith("(2026-01-10 09:00 UTC, Bilal Okafor: First). Read only.")
    with pytest.raises(DocumentNotFound, match="no document with id 'WI-1' as of 2026-01-20"):
        january.get("WI-1")
    march = AsOf.open(ws, "2026-03-15")
    assert march.commit.sha == months["mar"]
    assert march.get("POL-1").status.value == "effective"  # type: ignore[union-attr]
    assert "weekly" in march.get("POL-1").body
    assert [d.id for d in march.select(DocumentFilter())] == ["POL-1", "SOP-1", "WI-1"]
    assert march.state.tree.children_of("POL-1") == ["SOP-1"]
    assert ws.vault.get("POL-1").status.value == "retired"  # type: ignore[union-attr]


def forget_heads(ws: Workspace) -> None:
    """Drop the blob-keyed cache of parsed heads (``store.heads``), which would answer
    every text a listing read before: what is left to test is today's load."""
    (ws.vault.state_dir / "cache" / HEADS_NAME).unlink(missing_ok=True)


def test_a_listing_takes_unchanged_texts_from_todays_cached_load(dated: Path) -> None:
    """Issue 14 (the vault on any date): once today's vault was loaded, a listing of a
    past date reads again only the texts that changed since (by blob id, the work-tree
    file's bytes hashing to it), and lists exactly what a cold listing lists."""
    later(dated)
    cold = AsOf.open(workspace_at(dated), "2026-03-15", whole=False)
    assert (cold.state.reused, cold.state.parsed) == (0, 3)
    ws = workspace_at(dated)
    ws.vault.state  # noqa: B018 - today's load, now in the cache
    forget_heads(ws)
    warm = AsOf.open(workspace_at(dated), "2026-03-15", whole=False)
    assert (warm.state.reused, warm.state.parsed) == (2, 1)  # POL-1 was retired since
    listed = [
        (d.id, d.version, d.status, d.title, d.parents) for d in warm.select(DocumentFilter())
    ]
    assert listed == [
        (d.id, d.version, d.status, d.title, d.parents) for d in cold.select(DocumentFilter())
    ]
    assert warm.get("POL-1").status.value == "effective"  # type: ignore[union-attr]
    (dated / "procedures/SOP-1-count.md").write_text(sop("1.2", "draft", "Edit"), encoding="utf-8")
    forget_heads(ws)
    assert AsOf.open(workspace_at(dated), "2026-03-15", whole=False).state.reused == 0  # stale
    workspace_at(dated).vault.state  # noqa: B018 - today's load again, with the edit
    forget_heads(ws)
    edited = AsOf.open(workspace_at(dated), "2026-03-15", whole=False)
    assert edited.state.reused == 1 and edited.get("SOP-1").steps[0].action.startswith("Count")


def test_texts_parsed_once_serve_every_date_and_due(dated: Path) -> None:
    """Issue 14 (speed): a text read once on this machine, by a listing of any date or by
    main's view that ``due`` and the acknowledgements read, is never parsed again: a
    listing of another date parses only the texts no earlier command read, and lists
    exactly what a listing with an empty cache lists."""
    later(dated)
    Acknowledgements(workspace_at(dated)).view()  # main's texts, as `due` reads them
    march = AsOf.open(workspace_at(dated), "2026-03-15", whole=False)
    assert (march.state.reused, march.state.parsed) == (2, 1)  # POL-1 retired since
    january = AsOf.open(workspace_at(dated), "2026-01-20", whole=False)
    assert (january.state.reused, january.state.parsed) == (1, 1)  # SOP-1 1.0 is new
    again = AsOf.open(workspace_at(dated), "2026-01-20", whole=False)
    assert (again.state.reused, again.state.parsed) == (2, 0)
    listed = [(d.id, d.version, d.status, d.title, d.parents) for d in again.documents.values()]
    forget_heads(workspace_at(dated))
    cold = AsOf.open(workspace_at(dated), "2026-01-20", whole=False)
    assert cold.state.parsed == 2
    assert listed == [
        (d.id, d.version, d.status, d.title, d.parents) for d in cold.documents.values()
    ]
    assert again.get("SOP-1").steps[0].action == "Count the pallets"  # read whole


def test_the_day_ends_at_midnight_and_timestamps_are_exact(dated: Path) -> None:
    """Issue 14 (the vault on any date): the approval of 10 February 10:00 is in force on
    10 February (a bare date is the whole day), not at 09:59:59, and is at 10:00:00."""
    months = later(dated)
    ws = workspace_at(dated)
    assert AsOf.open(ws, "2026-02-10").commit.sha == months["feb"]
    assert AsOf.open(ws, "2026-02-09").get("SOP-1").version == "1.0"
    assert AsOf.open(ws, "2026-02-10T09:59:59Z").get("SOP-1").version == "1.0"
    assert AsOf.open(ws, "2026-02-10T10:00:00+00:00").get("SOP-1").version == "1.1"
    assert AsOf.open(ws, "2026-02-10T11:00:00+01:00").get("SOP-1").version == "1.1"


def test_dates_outside_the_history_are_one_clear_line(dated: Path) -> None:
    """Issue 14 (the vault on any date): before main's first commit, in the future, and
    what is not a date at all."""
    ws = workspace_at(dated)  # its clock says 2026-11-25
    with pytest.raises(
        NotInHistory,
        match=r"^2025-12-31 is before the vault's history: main's first commit is \w{7}"
        r" of 2026-01-10 09:00 UTC$",
    ):
        AsOf.open(ws, "2025-12-31")
    with pytest.raises(NotInHistory, match=r"^2026-12-01 is in the future \(today is 2026-11-25\)"):
        AsOf.open(ws, "2026-12-01")
    with pytest.raises(AsOfError, match="is not a date; give a date"):
        AsOf.open(ws, "last March")
    with pytest.raises(AsOfError, match="not a real date"):
        read_moment("2026-02-30")


def test_show_answers_which_revision_who_approved_and_which_runs(dated: Path) -> None:
    """Issue 14 (the vault on any date): SOP-1 in January is 1.0 approved by Bilal, and
    the run started on 1.0 followed it; in February 1.1 by Carmen in proposal 2 with no
    run; in March a text nobody approved, named by the commit that wrote it."""
    ws = workspace_at(dated)
    run = Runs(ws).start("SOP-1").run
    months = later(dated)
    ws = workspace_at(dated)
    first = in_force(AsOf.open(ws, "2026-01-31"), "SOP-1")
    assert (first.document.version, first.path) == ("1.0", "procedures/SOP-1-count.md")
    assert first.revision is not None and first.revision.approvers[0].name == "Bilal Okafor"
    assert [r.id for r in first.runs] == [run.id]
    second = in_force(AsOf.open(ws, "2026-02-28"), "SOP-1")
    assert second.revision is not None and second.revision.commit == months["feb"]
    assert (second.revision.proposal, second.revision.approvers[0].name) == ("2", "Carmen Ruiz")
    assert second.runs == []
    third = in_force(AsOf.open(ws, "2026-03-31"), "SOP-1")
    assert third.revision is None
    assert third.changed_by is not None and third.changed_by.sha == months["mar"]
    assert third.document.steps[0].action == "Count the empty pallets"


def test_search_runs_over_the_text_of_the_date(dated: Path) -> None:
    """Issue 14 (the vault on any date): a word only in the old text is found as of
    January and not today; a word only in today's text is not found as of January; a
    document added later is not found; an unchanged document comes from the live index."""
    later(dated)
    ws = workspace_at(dated)
    january = AsOf.open(ws, "2026-01-20")
    assert [h.id for h in search_as_of(january, "weekly").hits] == ["POL-1"]
    assert ws.vault.search("weekly").hits == ()
    assert search_as_of(january, "empty").hits == ()
    assert search_as_of(january, "scanner").hits == ()
    assert [h.id for h in ws.vault.search("scanner").hits] == ["WI-1"]
    assert [h.id for h in search_as_of(january, "twice").hits] == ["SOP-1"]
    march = AsOf.open(ws, "2026-03-15")
    assert [h.id for h in search_as_of(march, "scanner").hits] == ["WI-1"]  # unchanged since


def test_prefix_and_typo_terms_reach_words_only_in_the_old_text(dated: Path) -> None:
    """Issue 17 (the vocabulary beside the index): a prefix or a typo of a word that only
    the text of the date holds ("weekly", gone from today's POL-1) finds it as of then."""
    later(dated)
    ws = workspace_at(dated)
    assert ws.vault.search("weekl*").hits == ()
    january = AsOf.open(ws, "2026-01-20")
    assert [h.id for h in search_as_of(january, "weekl*").hits] == ["POL-1"]
    assert [h.id for h in search_as_of(january, "weeklly~").hits] == ["POL-1"]


def test_the_past_is_read_only_and_nothing_is_written(dated: Path) -> None:
    """Issue 14 (the vault on any date): reading a date changes no file, no ref and not
    git's index; every writer is refused with one line."""
    later(dated)
    (dated / "procedures/SOP-1-count.md").write_text(sop("1.2", "draft", "Count"), encoding="utf-8")

    def fingerprint() -> tuple[str, ...]:
        def git(*args: str) -> str:
            quiet = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}  # this status writes nothing
            return subprocess.run(
                ["git", "-C", str(dated), *args], capture_output=True, text=True, env=quiet
            ).stdout

        index = dated / ".git" / "index"
        return (
            git("status", "--porcelain"),
            git("show-ref"),
            str(index.stat().st_mtime_ns),
            (dated / "procedures/SOP-1-count.md").read_text(),
        )

    before = fingerprint()
    ws = Workspace.open(dated)
    past = AsOf.open(ws, "2026-01-20")
    past.state  # noqa: B018
    in_force(past, "SOP-1")
    search_as_of(past, "pallets")
    assert fingerprint() == before
    with pytest.raises(
        ReadOnly, match=r"^cannot propose: this is the vault as of 2026-01-20 \(read only\)"
    ):
        past.must_be_writable("propose")
    assert datetime.now(UTC) > past.moment.until


def test_a_cold_listing_reads_from_the_work_tree_only_the_dates_exact_bytes(
    dated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (speed): with nothing cached, a listing takes a text of the date from the
    work tree when the file holds exactly its bytes (hashed as git names blobs) and reads
    the rest from git; an edit (same size, mtime put back), a CRLF copy of the date's text
    or a deleted file is never taken for it. What it lists is what git alone gives."""
    later(dated)
    pol = dated / "policies/POL-1-stock.md"
    pol.write_text(policy("effective", "Stock is counted weekly."), encoding="utf-8")  # = March
    wi = dated / "work-instructions/WI-1-scanner.md"
    stamp = wi.stat()
    wi.write_text(WI.replace("Scan.", "Scam."), encoding="utf-8")
    os.utime(wi, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    sop_text = sop("1.1", "effective", "Count the empty pallets", "2026-02-10")
    (dated / "procedures/SOP-1-count.md").write_bytes(sop_text.replace("\n", "\r\n").encode())
    from_git: list[str] = []
    streamed, behind = Repo.stream_blobs, Repo.read_blobs_behind

    def spy_stream(repo: Repo, ids: list[str]) -> Iterator[tuple[str, bytes]]:
        from_git.extend(ids)
        return streamed(repo, ids)

    def spy_behind(repo: Repo, ids: list[str]) -> Callable[[], dict[str, bytes]]:
        from_git.extend(ids)
        return behind(repo, ids)

    monkeypatch.setattr(Repo, "stream_blobs", spy_stream)
    monkeypatch.setattr(Repo, "read_blobs_behind", spy_behind)
    march = AsOf.open(workspace_at(dated), "2026-03-15", whole=False)
    listed = [(d.id, d.version, d.status, d.title, d.field_lines) for d in march.documents.values()]
    assert march.state.parsed == 3
    # git reads what the disk does not hold exactly, and what HEAD changed since the date
    # (POL-1, retired in April: git is asked before the disk is read, a guess that costs
    # only git's time when the disk holds the date's bytes after all, as here).
    since = subprocess.run(
        ["git", "-C", str(dated), "diff", "--name-only", march.commit.sha, "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert since == ["policies/POL-1-stock.md"]
    assert sorted(from_git) == sorted(
        sha for rel, sha in march.blobs.items() if not rel.startswith("policies/") or rel in since
    )
    forget_heads(workspace_at(dated))
    monkeypatch.setattr(Repo, "worktree_blobs", lambda repo, wanted: {})
    alone = AsOf.open(workspace_at(dated), "2026-03-15", whole=False)
    assert listed == [
        (d.id, d.version, d.status, d.title, d.field_lines) for d in alone.documents.values()
    ]
    assert march.get("POL-1").status.value == "effective"  # type: ignore[union-attr]
    monkeypatch.undo()
    pol.unlink()
    forget_heads(workspace_at(dated))
    gone = AsOf.open(workspace_at(dated), "2026-03-15", whole=False)
    assert sorted(gone.documents) == ["POL-1", "SOP-1", "WI-1"]


def test_a_cold_listing_takes_from_the_disk_what_it_holds_and_head_kept(
    dated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (speed): with nothing cached and nothing edited, the texts HEAD kept since
    the date (WI-1, SOP-1's March text) are read from the work tree, and git is asked only
    for what HEAD changed since (POL-1, retired in April)."""
    later(dated)
    from_git: list[str] = []
    behind, streamed = Repo.read_blobs_behind, Repo.stream_blobs

    def spy_behind(repo: Repo, ids: list[str]) -> Callable[[], dict[str, bytes]]:
        from_git.extend(ids)
        return behind(repo, ids)

    def spy_stream(repo: Repo, ids: list[str]) -> Iterator[tuple[str, bytes]]:
        from_git.extend(ids)
        return streamed(repo, ids)

    monkeypatch.setattr(Repo, "read_blobs_behind", spy_behind)
    monkeypatch.setattr(Repo, "stream_blobs", spy_stream)
    march = AsOf.open(workspace_at(dated), "2026-03-15", whole=False)
    assert march.state.parsed == 3
    assert from_git == [march.blobs["policies/POL-1-stock.md"]]
    status = march.documents["POL-1"].status
    assert status is not None and status.value == "effective"  # not April's "retired"
