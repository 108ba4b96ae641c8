"""A team over a git server: several clones of one vault and a bare repository, synced
with `sopvault sync`, several git identities, the documented pre-receive hook."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import git
import pytest

from sopvault.cli import main
from sopvault.model.control import ProposalState
from sopvault.services.review.control import DocumentControl
from sopvault.services.review.proposals import closed_ref
from sopvault.services.runs import Runs
from sopvault.services.sync import Sync
from sopvault.services.syncplan import SyncError, SyncReport
from tests.conftest import ROOT, act_as, walk_to_the_end, workspace_at
from tests.services.conftest import clone, git_out

SOP3 = "procedures/SOP-003-review-stock-and-reorder-points.md"
SOP4 = "procedures/SOP-004-raise-purchase-order.md"


def revisions(root: Path) -> DocumentControl:
    return DocumentControl(workspace_at(root))


def sync(root: Path) -> SyncReport:
    return Sync(revisions(root)).sync()


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_proposal_from_one_clone_is_approved_in_another(
    server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    carmen, bilal = clone(server, tmp_path, "carmen"), clone(server, tmp_path, "bilal")
    # Carmen's unrelated uncommitted work: it must come through every sync untouched
    edit(carmen, SOP4, "+++\n", "+++\r\n")
    (carmen / "notes.txt").write_bytes(b"scratch \x00")
    mine = {p: (carmen / p).read_bytes() for p in (SOP4, "notes.txt")}

    act_as(monkeypatch, "Carmen Ruiz")
    sync(carmen)
    edit(carmen, SOP3, "Recalculate", "Recompute")
    number = revisions(carmen).proposals.propose(["SOP-003"], "Recompute, not recalculate").number
    report = sync(carmen)
    assert any("proposal ref" in line for line in report.pushed)
    assert git_out(server, "for-each-ref", f"refs/heads/review/SOP-003/{number}") != ""

    act_as(monkeypatch, "Bilal Okafor")
    report = sync(bilal)
    assert any(line.startswith(f"{number}  SOP-003") for line in report.waiting_for_me)
    assert revisions(bilal).approvals.approve(str(number)).landed
    sync(bilal)
    assert git_out(server, "rev-parse", "main") == git_out(bilal, "rev-parse", "main")
    assert git_out(server, "for-each-ref", f"refs/heads/review/SOP-003/{number}") == ""

    act_as(monkeypatch, "Carmen Ruiz")
    report = sync(carmen)
    assert any(f"SOP-003/{number} was approved" in line for line in report.decided_elsewhere)
    assert any(line.startswith("SOP-003 ") for line in report.revisions_in)
    assert git_out(carmen, "rev-parse", "main") == git_out(server, "rev-parse", "main")
    assert [p.number for p in revisions(carmen).proposals.listing("approved")][-1] == number
    # her proposed file now holds main's approved text; her other work is as it was
    assert git_out(carmen, "status", "--porcelain", "--", SOP3) == ""
    assert 'status = "effective"' in (carmen / SOP3).read_text(encoding="utf-8")
    assert {p: (carmen / p).read_bytes() for p in mine} == mine
    assert main(["--vault", str(carmen), "verify"]) == 0


def test_two_approvals_of_one_proposal_on_two_clones_make_one_change(
    server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WI-004's open proposal (by Alice) is approved by Bilal and by Hana, each offline."""
    bilal, hana = clone(server, tmp_path, "bilal"), clone(server, tmp_path, "hana")
    act_as(monkeypatch, "Bilal Okafor")
    sync(bilal)
    act_as(monkeypatch, "Hana Sato")
    sync(hana)
    start = git_out(server, "rev-parse", "main")

    act_as(monkeypatch, "Bilal Okafor")
    assert revisions(bilal).approvals.approve("6").landed
    act_as(monkeypatch, "Hana Sato")
    assert revisions(hana).approvals.approve("6").landed
    act_as(monkeypatch, "Bilal Okafor")
    sync(bilal)
    act_as(monkeypatch, "Hana Sato")
    report = sync(hana)
    assert any("approved on another clone too" in line for line in report.dropped)

    landed = git_out(server, "log", "--first-parent", "--format=%H", f"{start}..main")
    assert len(landed.split()) == 1
    assert git_out(hana, "rev-parse", "main") == git_out(server, "rev-parse", "main")
    assert main(["--vault", str(hana), "verify"]) == 0


def test_run_records_from_two_clones_both_arrive(
    server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dmitri, erin = clone(server, tmp_path, "dmitri"), clone(server, tmp_path, "erin")
    ids = {}
    for where, who in ((dmitri, "Dmitri Volkov"), (erin, "Erin Walsh")):
        act_as(monkeypatch, who)
        runs = Runs(workspace_at(where))
        run_id = runs.start("SOP-010").run.id
        walk_to_the_end(runs, run_id)
        runs.complete(run_id)
        ids[who] = run_id
    act_as(monkeypatch, "Dmitri Volkov")
    sync(dmitri)
    act_as(monkeypatch, "Erin Walsh")
    report = sync(erin)
    assert any(ids["Dmitri Volkov"] in line for line in report.runs_in)
    assert report.replayed  # Erin's run record, re-made on top of Dmitri's
    files = git_out(server, "ls-tree", "-r", "--name-only", "main", "runs/")
    assert {f"runs/SOP-010/{i}.jsonl" for i in ids.values()} <= set(files.split())
    act_as(monkeypatch, "Dmitri Volkov")
    report = sync(dmitri)
    assert any(ids["Erin Walsh"] in line for line in report.runs_in)
    assert (dmitri / f"runs/SOP-010/{ids['Erin Walsh']}.jsonl").is_file()


def test_the_server_refusing_loses_nothing_and_the_next_sync_completes(
    server: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The documented pre-receive hook refuses an unreviewed change on main."""
    doc = (ROOT / "docs" / "document-control.md").read_text(encoding="utf-8")
    hook = doc.split("### As a server-side hook", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    (server / "hooks" / "pre-receive").write_text(hook, encoding="utf-8")
    (server / "hooks" / "pre-receive").chmod(0o755)
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")

    carmen = clone(server, tmp_path, "carmen")
    act_as(monkeypatch, "Carmen Ruiz")
    edit(carmen, SOP4, "+++\n", "+++\n\nQuietly changed.\n")
    git_out(carmen, "commit", "-qam", "Bypass review")
    bypass = git_out(carmen, "rev-parse", "main")
    before = git_out(server, "rev-parse", "main")

    assert main(["--vault", str(carmen), "sync"]) == 1
    err = capsys.readouterr().err
    assert "origin refused the push" in err and "unreviewed" in err
    assert git_out(server, "rev-parse", "main") == before
    assert git_out(carmen, "rev-parse", "main") == bypass  # nothing lost here

    git_out(carmen, "reset", "-q", "--hard", "HEAD~1")  # she takes it back, proposes it
    edit(carmen, SOP3, "Recalculate", "Recompute")
    revisions(carmen).proposals.propose(["SOP-003"], "Recompute")
    assert main(["--vault", str(carmen), "sync"]) == 0
    assert "1 proposal ref change" in capsys.readouterr().out


def test_an_unreachable_server_changes_nothing(
    server: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    carmen = clone(server, tmp_path, "carmen")
    act_as(monkeypatch, "Carmen Ruiz")
    edit(carmen, SOP3, "Recalculate", "Recompute")
    revisions(carmen).proposals.propose(["SOP-003"], "Recompute")
    refs = git_out(carmen, "for-each-ref")
    git_out(carmen, "remote", "set-url", "origin", str(tmp_path / "gone.git"))
    assert main(["--vault", str(carmen), "sync"]) == 1
    err = capsys.readouterr().err
    assert "cannot fetch from origin" in err and "nothing was changed" in err
    assert git_out(carmen, "for-each-ref") == refs

    git_out(carmen, "remote", "set-url", "origin", str(server))  # back on the network
    assert main(["--vault", str(carmen), "sync"]) == 0
    assert "refs/heads/review/SOP-003/" in git_out(server, "for-each-ref", "refs/heads/review/")


def test_no_remote_is_explained(demo_path: Path) -> None:
    with pytest.raises(SyncError, match="git remote add origin URL"):
        Sync(revisions(demo_path))


def test_distance_counts_ahead_and_behind_without_the_network(
    server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    carmen, bilal = clone(server, tmp_path, "carmen"), clone(server, tmp_path, "bilal")
    act_as(monkeypatch, "Bilal Okafor")
    sync(bilal)
    assert revisions(bilal).approvals.approve("6").landed
    distance = Sync(revisions(bilal)).distance()
    assert distance is not None and (distance.ahead, distance.behind) == (1, 0)
    sync(bilal)
    act_as(monkeypatch, "Carmen Ruiz")
    git.Repo(carmen).git.fetch("-q", "origin")
    distance = Sync(revisions(carmen)).distance()
    assert distance is not None and (distance.ahead, distance.behind) == (0, 1)


def test_proposals_made_offline_with_the_same_number_are_both_kept(
    server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    carmen, dmitri = clone(server, tmp_path, "carmen"), clone(server, tmp_path, "dmitri")
    act_as(monkeypatch, "Carmen Ruiz")
    edit(carmen, SOP3, "Recalculate", "Recompute")
    first = revisions(carmen).proposals.propose(["SOP-003"], "Recompute").number
    act_as(monkeypatch, "Dmitri Volkov")
    edit(dmitri, SOP3, "Recalculate", "Work out")
    second = revisions(dmitri).proposals.propose(["SOP-003"], "Work out").number
    assert first == second  # both counted from the same fetch

    act_as(monkeypatch, "Carmen Ruiz")
    sync(carmen)
    act_as(monkeypatch, "Dmitri Volkov")
    report = sync(dmitri)
    assert any(f"your proposal {second} is now proposal {second + 1}" in r for r in report.replayed)
    found = {p.number: p for p in revisions(dmitri).proposals.listing()}
    assert found[first].author.name == "Carmen Ruiz"
    assert found[second + 1].author.name == "Dmitri Volkov"
    assert f"SOP-Proposal: {second + 1}" in git_out(
        dmitri, "log", "-1", "--format=%B", found[second + 1].commit
    )
    refs = git_out(server, "for-each-ref", "--format=%(refname)", "refs/heads/review/SOP-003/")
    assert refs.split() == [
        f"refs/heads/review/SOP-003/{first}",
        f"refs/heads/review/SOP-003/{second + 1}",
    ]


def test_votes_cast_on_two_clones_join_and_land_once(
    demo_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two approvals needed, Bilal and Hana each vote offline; the votes meet on the
    server and the change lands once."""
    edit(demo_path, "sopvault.toml", "approvals = 1", "approvals = 2")
    git_out(demo_path, "commit", "-qm", "Two approvals from now on", "--", "sopvault.toml")
    bare = tmp_path / "server.git"
    git_out(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    git_out(demo_path, "push", "-q", str(bare), "refs/heads/*:refs/heads/*")
    bilal, hana = clone(bare, tmp_path, "bilal"), clone(bare, tmp_path, "hana")
    for where, who in ((bilal, "Bilal Okafor"), (hana, "Hana Sato")):
        act_as(monkeypatch, who)
        sync(where)
        result = revisions(where).approvals.approve("6")
        assert not result.landed and result.approvals == 1
    start = git_out(bare, "rev-parse", "main")

    act_as(monkeypatch, "Bilal Okafor")
    sync(bilal)
    act_as(monkeypatch, "Hana Sato")
    report = sync(hana)
    assert any("proposal 6: WI-004 1.1 is effective" in line for line in report.landed_here)
    landed = git_out(bare, "log", "--first-parent", "--format=%H", f"{start}..main").split()
    assert len(landed) == 1
    trailers = git_out(bare, "log", "-1", "--format=%(trailers:key=Reviewed-by,valueonly)", "main")
    assert set(trailers.split("\n")) == {
        "Bilal Okafor <bilal.okafor@harrowfinch.example>",
        "Hana Sato <hana.sato@harrowfinch.example>",
    }
    assert git_out(bare, "for-each-ref", "refs/heads/review/WI-004/") == ""
    act_as(monkeypatch, "Bilal Okafor")
    report = sync(bilal)
    assert any("WI-004" in line for line in report.revisions_in)
    assert revisions(bilal).proposals.listing() == []


async def test_the_tui_shows_ahead_behind_and_syncs_with_s(
    server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import Static

    from sopvault.tui.app import SopVaultApp
    from sopvault.tui.dialogs.text import TextScreen
    from tests.tui.helpers import loaded, plain, settle

    bilal = clone(server, tmp_path, "bilal")
    act_as(monkeypatch, "Bilal Okafor")
    sync(bilal)
    assert revisions(bilal).approvals.approve("6").landed  # one commit the server has not seen
    app = SopVaultApp(workspace_at(bilal))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        status = " ".join(plain(app.screen.query_one("#status", Static)).split())
        assert "1 ahead, 0 behind origin (s syncs)" in status
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, TextScreen)
        summary = plain(app.screen.query_one("#text-body", Static))
        assert "sent:" in summary and "main: 1 commit" in summary
        await pilot.press("escape")
        await settle(pilot)
        status = " ".join(plain(app.screen.query_one("#status", Static)).split())
        assert "in step with origin" in status
    assert git_out(server, "rev-parse", "main") == git_out(bilal, "rev-parse", "main")


async def test_the_tui_explains_a_failed_sync(demo_path: Path) -> None:
    from sopvault.tui.app import SopVaultApp
    from tests.tui.helpers import loaded, settle

    app = SopVaultApp(workspace_at(demo_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "git remote add origin URL" in "\n".join(n.message for n in app._notifications)


def test_sync_closes_an_approval_interrupted_after_main_moved(
    server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bilal = clone(server, tmp_path, "bilal")
    act_as(monkeypatch, "Bilal Okafor")
    sync(bilal)
    prop = revisions(bilal).proposals.get("6")
    assert revisions(bilal).approvals.approve("6").landed
    repo = git.Repo(bilal)
    repo.git.update_ref(prop.ref, prop.tip)  # as if killed before the proposal was closed
    repo.git.update_ref("-d", closed_ref(prop, ProposalState.APPROVED))
    report = sync(bilal)
    assert any("proposal 6: WI-004 1.1 is effective" in line for line in report.landed_here)
    assert git_out(server, "for-each-ref", "refs/heads/review/WI-004/") == ""
    assert git_out(server, "for-each-ref", "refs/heads/approved/WI-004/") != ""
    start = git_out(server, "rev-parse", "main~1")
    assert (
        len(git_out(server, "log", "--first-parent", "--format=%H", f"{start}..main").split()) == 1
    )


def test_sync_refuses_to_land_on_a_vote_forged_in_another_name(
    demo_path: Path, server: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §4 (four eyes): Alice, the author of proposal 6, records a vote in Hana's
    name by hand; once Bilal's genuine vote joins it, sync names the forged vote and
    lands nothing, on her clone and on his."""
    edit(demo_path, "sopvault.toml", "approvals = 1", "approvals = 2")
    git_out(demo_path, "commit", "-qm", "Two approvals", "--", "sopvault.toml")
    git_out(demo_path, "push", "-q", str(server), "main")
    alice, bilal = clone(server, tmp_path, "alice"), clone(server, tmp_path, "bilal")
    act_as(monkeypatch, "Bilal Okafor")
    sync(bilal)
    assert not revisions(bilal).approvals.approve("6").landed
    sync(bilal)
    start = git_out(server, "rev-parse", "main")

    act_as(monkeypatch, "Alice Moreno")
    sync(alice)
    prop = revisions(alice).proposals.get("6")
    text = "Approve\n\nApproves: 6\nReviewed-by: Hana Sato <hana.sato@harrowfinch.example>\n"
    forged = subprocess.run(
        ["git", "-C", str(alice), "commit-tree", f"{prop.tip}^{{tree}}", "-p", prop.tip],
        input=text, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    git_out(alice, "update-ref", prop.ref, forged, prop.tip)
    report = sync(alice)
    refused = [line for line in report.landed_here if "not landed" in line]
    assert refused and f"forged vote: vote {forged[:10]} names Hana Sato" in refused[0]
    assert "committed by Alice Moreno" in refused[0]
    act_as(monkeypatch, "Bilal Okafor")
    report = sync(bilal)
    assert any(f"vote {forged[:10]}" in line for line in report.landed_here)
    assert git_out(server, "rev-parse", "main") == start
    assert [p.number for p in revisions(bilal).proposals.listing()] == [6]
