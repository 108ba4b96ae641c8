"""Issue 14 (versions and life cycle): drafts 0.x, the first approval 1.0, then minor and
major; retiring as a proposal; runs refusing a retired procedure; `check` warnings about
retired links, successors and readers. On real repositories with several git identities."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import git
import pytest

from sopvault.cli import main
from sopvault.errors import RunError
from sopvault.model.document import Status
from sopvault.services.review.common import RevisionError, Unverifiable
from sopvault.services.review.control import DocumentControl
from sopvault.services.runs import Runs
from sopvault.services.vault import Vault
from tests.conftest import TODAY, act_as, workspace_at

WI1 = "work-instructions/WI-001-operate-flotation-cell.md"


def control(root: Path) -> DocumentControl:
    return DocumentControl(workspace_at(root))


def git_out(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def cli(root: Path, *args: str) -> int:
    return main(["--vault", str(root), *args])


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def founded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A new team's vault: `sopvault init`, the founding commit (rules and templates, no
    document), then a draft procedure made with `sopvault new`; with the founding commit."""
    root = tmp_path / "acme"
    act_as(monkeypatch, "Carmen Ruiz")
    assert main(["init", str(root), "--name", "Acme Ltd"]) == 0
    git_out(root, "add", "-A")
    git_out(root, "commit", "-q", "-m", "Start the vault")
    start = git_out(root, "rev-parse", "HEAD")
    assert cli(root, "new", "procedure", "--title", "Take a phone order") == 0
    return root, start


def sop(root: Path) -> Path:
    return root / "procedures" / "SOP-001-take-a-phone-order.md"


def propose(root: Path, monkeypatch: pytest.MonkeyPatch, why: str, major: bool = False) -> str:
    act_as(monkeypatch, "Carmen Ruiz")
    prop = control(root).proposals.propose(["SOP-001"], why, major=major)
    return str(prop.number)


def approve(root: Path, monkeypatch: pytest.MonkeyPatch, number: str) -> None:
    act_as(monkeypatch, "Bilal Okafor")
    assert control(root).approvals.approve(number).landed


def test_a_draft_is_0_1_its_first_approval_1_0_then_minor_and_major(
    founded: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (versions): `new` writes a draft 0.1; proposing it, even as major, gives
    1.0; a rejected proposal takes no number; then 1.1 (minor) and 2.0 (major), in the
    files, the trailers and history, and `verify --since` the founding commit passes."""
    root, start = founded
    text = sop(root).read_text(encoding="utf-8")
    assert 'version = "0.1"' in text and 'status = "draft"' in text

    first = propose(root, monkeypatch, "First phone order procedure", major=True)
    assert control(root).proposals.get(first).documents == {"SOP-001": "1.0"}
    assert 'version = "1.0"' in sop(root).read_text(encoding="utf-8")
    approve(root, monkeypatch, first)
    head = git.Repo(root).head.commit
    assert dict(head.trailers_list)["SOP-Version"] == "1.0"
    assert 'status = "effective"' in git_out(root, "show", "main:procedures/" + sop(root).name)

    edit(sop(root), 'purpose = "Why this procedure exists."', 'purpose = "Take orders."')
    rejected = propose(root, monkeypatch, "Say what it is for")
    assert control(root).proposals.get(rejected).documents == {"SOP-001": "1.1"}
    act_as(monkeypatch, "Bilal Okafor")
    control(root).proposals.reject(rejected, "Say it in a sentence")
    edit(sop(root), 'purpose = "Take orders."', 'purpose = "Take orders by phone."')
    minor = propose(root, monkeypatch, "Say what it is for")
    assert control(root).proposals.get(minor).documents == {"SOP-001": "1.1"}  # not 1.2
    approve(root, monkeypatch, minor)

    edit(sop(root), 'scope = "Where and to whom it applies."', 'scope = "Sales desk."')
    major = propose(root, monkeypatch, "Only the sales desk takes orders", major=True)
    assert control(root).proposals.get(major).documents == {"SOP-001": "2.0"}
    approve(root, monkeypatch, major)

    assert [r.version for r in control(root).history.revisions("SOP-001")] == ["2.0", "1.1", "1.0"]
    assert control(root).audit.verify(since=start).violations == []
    assert cli(root, "verify", "--since", start) == 0


def test_the_propose_line_says_the_version_it_will_have(
    founded: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14 (versions): the CLI prints the number the trailer carries (1.0 for a draft
    proposed as a minor change)."""
    root, _ = founded
    act_as(monkeypatch, "Carmen Ruiz")
    assert cli(root, "propose", "SOP-001", "-m", "First version") == 0
    assert "proposal 1: SOP-001 1.0 (waiting for review" in capsys.readouterr().out
    tip = git_out(root, "rev-parse", "refs/heads/review/SOP-001/1")
    assert "SOP-Version: 1.0" in git_out(root, "log", "-1", "--format=%B", tip)


def test_a_number_taken_by_a_landing_in_between_is_refused(
    founded: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (versions): two proposals of one new document (made at two paths, so the
    change of the second still applies) both carry 1.0; when the first lands, approving
    the second is refused: a number is never given twice."""
    root, _ = founded
    first = propose(root, monkeypatch, "First version")
    sop(root).rename(root / "procedures" / "SOP-001-phone.md")
    second = propose(root, monkeypatch, "First version, shorter name")
    approve(root, monkeypatch, first)
    act_as(monkeypatch, "Bilal Okafor")
    main_before = git_out(root, "rev-parse", "main")
    with pytest.raises(RevisionError, match="SOP-001 1.0 is taken: main holds SOP-001 1.0"):
        control(root).approvals.approve(second)
    assert git_out(root, "rev-parse", "main") == main_before


def retire_wi1(root: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    act_as(monkeypatch, "Dmitri Volkov")
    why = "The flotation cells are run from the new control panel"
    return str(control(root).retirements.retire("WI-001", why, "WI-002").number)


def test_retiring_is_a_proposal_that_lands_retired(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14 (retire): a retirement is proposed from main's text (the file is not
    touched), reviewed under four eyes, carries SOP-Retires / SOP-Superseded-By, and lands
    as reviewed: retired, superseded_by set, the next minor version; history and `reviews
    show` say it is a retirement, and verify passes."""
    start = git_out(repo_root, "rev-parse", "main")
    before = (repo_root / WI1).read_bytes()
    number = retire_wi1(repo_root, monkeypatch)
    assert (repo_root / WI1).read_bytes() == before
    prop = control(repo_root).proposals.get(number)
    assert prop.documents == {"WI-001": "2.1"} and prop.retires == {"WI-001": "WI-002"}
    assert prop.summary.startswith("Retire WI-001 (superseded by WI-002): The flotation")
    capsys.readouterr()
    assert cli(repo_root, "reviews", "show", number) == 0
    shown = capsys.readouterr().out
    assert "retires:  WI-001 (superseded by WI-002)" in shown
    assert cli(repo_root, "reviews", "show", number, "--json") == 0
    assert json.loads(capsys.readouterr().out)["retires"] == {"WI-001": "WI-002"}
    proposed = git_out(repo_root, "show", f"{prop.commit}:{WI1}")
    assert 'status = "retired"' in proposed and 'superseded_by = "WI-002"' in proposed

    with pytest.raises(RevisionError, match="nobody approves their own change"):
        control(repo_root).approvals.approve(number)
    act_as(monkeypatch, "Hana Sato")
    assert control(repo_root).approvals.approve(number).landed
    text = git_out(repo_root, "show", f"main:{WI1}")
    assert 'status = "retired"' in text and 'superseded_by = "WI-002"' in text
    assert 'version = "2.1"' in text and f"effective = {TODAY.isoformat()}" not in text
    trailers = git_out(repo_root, "log", "-1", "--format=%(trailers:only,unfold)", "main")
    assert "SOP-Retires: WI-001\nSOP-Superseded-By: WI-002\n" in trailers + "\n"
    newest = control(repo_root).history.revisions("WI-001")[0]
    assert (newest.version, newest.retired, newest.superseded_by) == ("2.1", True, "WI-002")
    assert control(repo_root).audit.verify(since=start).violations == []
    assert Vault.open(repo_root).get("WI-001").status is Status.RETIRED  # the files followed
    capsys.readouterr()
    assert cli(repo_root, "history", "WI-001", "--json") == 0
    assert json.loads(capsys.readouterr().out)[0]["superseded_by"] == "WI-002"


def test_a_retirement_is_refused_with_one_line_when_it_makes_no_sense(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14 (retire): no reason, a successor that is the document itself, missing or
    retired, a document already retired: refused, nothing proposed."""
    retirements = control(repo_root).retirements
    with pytest.raises(RevisionError, match="say why"):
        retirements.retire("WI-001", "  ")
    with pytest.raises(RevisionError, match="cannot be superseded by itself"):
        retirements.retire("WI-001", "why", "WI-001")
    with pytest.raises(RevisionError, match="no document of the vault has that id"):
        retirements.retire("WI-001", "why", "WI-404")
    capsys.readouterr()
    assert cli(repo_root, "retire", "WI-001", "-m", "why", "--superseded-by", "WI-404") == 1
    assert "WI-404" in capsys.readouterr().err
    assert cli(repo_root, "retire", "WI-01", "-m", "why") == 1
    assert "did you mean WI-001" in capsys.readouterr().err
    number = retire_wi1(repo_root, monkeypatch)
    act_as(monkeypatch, "Hana Sato")
    control(repo_root).approvals.approve(number)
    with pytest.raises(RevisionError, match="WI-001 is already retired on main"):
        control(repo_root).retirements.retire("WI-001", "again")
    with pytest.raises(RevisionError, match="WI-001 is retired itself"):
        control(repo_root).retirements.retire("WI-003", "why", "WI-001")
    assert control(repo_root).proposals.listing() == []


def test_runs_refuse_a_retired_procedure_and_name_its_successor(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14 (retire): once the retirement is approved a new run is refused, in the
    service and the CLI (`run`, `runs start`), with one line naming the successor; a run
    opened before it can still be finished."""
    open_run = Runs(workspace_at(repo_root)).start("WI-001").run
    number = retire_wi1(repo_root, monkeypatch)
    waiting = Runs(workspace_at(repo_root)).start("WI-001").run  # in review: still in force
    act_as(monkeypatch, "Hana Sato")
    control(repo_root).approvals.approve(number)

    line = "WI-001 is retired (superseded by WI-002): run WI-002"
    with pytest.raises(RunError) as refused:
        Runs(workspace_at(repo_root)).start("WI-001")
    assert str(refused.value) == line
    capsys.readouterr()
    assert cli(repo_root, "runs", "start", "WI-001") == 1
    assert capsys.readouterr().err == f"sopvault: error: {line}\n"
    runs = Runs(workspace_at(repo_root))
    assert runs.resume(open_run.id).document.status is Status.EFFECTIVE
    for run in (open_run, waiting):  # runs open before the retirement can still end
        assert runs.abort(run.id, "The procedure was retired")[0].state.value == "aborted"
    assert cli(repo_root, "run", "WI-001") == 1
    assert capsys.readouterr().err == f"sopvault: error: {line}\n"


def test_verify_since_a_vote_inside_mains_history_cannot_tell(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (getting started, adopting history): `--since` must name a commit of
    main's own line; a vote (in main's history only as a landing's second parent) would
    read nothing after it, so it is refused rather than answered "ok"."""
    number = retire_wi1(repo_root, monkeypatch)
    act_as(monkeypatch, "Hana Sato")
    control(repo_root).approvals.approve(number)
    vote = git_out(repo_root, "rev-parse", "main^2")
    with pytest.raises(Unverifiable, match="is a vote or proposal"):
        control(repo_root).audit.verify(since=vote)
    assert cli(repo_root, "verify", "--since", vote) == 2


def test_restoring_a_retired_document_brings_it_back_in_force(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (retire): `restore --to` the last effective text proposes that text as
    the next number; approved, the document is effective again, without its successor."""
    number = retire_wi1(repo_root, monkeypatch)
    act_as(monkeypatch, "Hana Sato")
    control(repo_root).approvals.approve(number)
    act_as(monkeypatch, "Dmitri Volkov")
    back = control(repo_root).proposals.restore("WI-001", "main^", "Back in force")
    assert back.documents == {"WI-001": "2.2"} and back.retires == {}
    act_as(monkeypatch, "Hana Sato")
    control(repo_root).approvals.approve(str(back.number))
    text = git_out(repo_root, "show", f"main:{WI1}")
    assert 'status = "effective"' in text and "superseded_by" not in text
    Runs(workspace_at(repo_root)).start("WI-001")
