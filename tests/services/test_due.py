"""Issue 14 (what is due): `sopvault due` and the Due service on real repositories: the
demo vault (an overdue review, a proposal waiting), runs with roles assigned, documents
edited here but due on main, and the exit status cron reads."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sopvault.cli import main
from sopvault.services.acks import Acknowledgements
from sopvault.services.due import Due
from sopvault.services.runs import Runs
from sopvault.services.workspace import Workspace
from tests.conftest import (
    MINIMAL_CONFIG,
    TODAY,
    act_as,
    commit_all,
    copy_sample,
    workspace_at,
    write,
)

SOP1 = "procedures/SOP-001-amazon-fba-shipment-plan.md"
START = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def due_at(root: Path, moment: datetime | None = None) -> Due:
    ws = workspace_at(root) if moment is None else Workspace.open(root, clock=lambda: moment)
    return Due(ws)


def test_demo_lists_overdue_reviews_and_the_waiting_proposal(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (what is due): on the demo, the two documents reviewed last on 2026-11-01
    are late, and proposal 6 (Alice's, a week old) waits for Bilal, who may approve it."""
    act_as(monkeypatch, "Bilal Okafor")
    report = due_at(demo_path).report()
    assert [(r.doc_id, r.overdue, r.days) for r in report.reviews] == [
        ("PRC-008", True, -24),
        ("SOP-001", True, -24),
    ]
    assert report.me is not None and report.me.name == "Bilal Okafor"
    [prop] = report.proposals
    assert (prop.label, prop.for_me, prop.overdue) == ("WI-004/6", True, True)
    assert prop.deadline == prop.proposed + timedelta(days=7)
    assert report.acknowledgements == []  # Bilal must read nothing on the demo
    assert report.overdue() == 3
    fresh = due_at(demo_path).report(stale=30)
    assert not fresh.proposals[0].overdue and fresh.overdue() == 2


def test_who_the_proposal_waits_for(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14 (what is due): never waiting for its author; waiting for anyone once stale;
    with --mine only for those who may approve it, or its author once it is stale."""
    act_as(monkeypatch, "Alice Moreno")  # the author
    [prop] = due_at(demo_path).report().proposals
    assert not prop.for_me and prop.overdue
    assert due_at(demo_path).report(mine=True).proposals  # hers, and stale: chase it
    assert not due_at(demo_path).report(mine=True, stale=30).proposals
    act_as(monkeypatch, "Carmen Ruiz")  # may not approve (not an approver)
    assert not due_at(demo_path).report(mine=True).proposals
    assert due_at(demo_path).report().proposals  # stale: listed for everyone


def test_mine_keeps_the_reviews_i_own(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14 (what is due): a document's owner is a handle; --mine keeps what I own."""
    act_as(monkeypatch, "Alice Moreno")
    assert [r.doc_id for r in due_at(demo_path).report(mine=True).reviews] == [
        "PRC-008",
        "SOP-001",
    ]
    act_as(monkeypatch, "Bilal Okafor")
    assert due_at(demo_path).report(mine=True).reviews == []
    wide = due_at(demo_path).report(within=60, mine=True)
    assert [r.doc_id for r in wide.reviews] == ["POL-005"]  # bilal's, due 2027-01-05


def test_review_dates_are_main_s(sample_path: Path) -> None:
    """Issue 14 (what is due): the review date is main's: a working copy that moved it (an
    edit nobody approved) or a file removed here does not hide a review that is due."""
    both = ["PRC-008", "SOP-001"]
    path = sample_path / SOP1
    path.write_text(path.read_text().replace("2026-11-01", "2030-01-01"))
    assert [r.doc_id for r in due_at(sample_path).report().reviews] == both
    path.unlink()
    assert [r.doc_id for r in due_at(sample_path).report().reviews] == both
    write(sample_path, "procedures/SOP-099-new.md", path_text_due_now())
    assert [r.doc_id for r in due_at(sample_path).report().reviews] == both


def test_outside_git_the_working_copy_is_reviewed(tmp_path: Path) -> None:
    """Issue 14 (what is due): a vault outside git still lists its reviews and runs (from
    the working copy); proposals and acknowledgements need git, and a note says so."""
    root = copy_sample(tmp_path / "plain")
    report = due_at(root).report()
    assert [r.doc_id for r in report.reviews] == ["PRC-008", "SOP-001"]
    assert report.proposals == [] and report.acknowledgements == [] and report.me is None
    assert any("not in git" in note for note in report.notes)


def path_text_due_now() -> str:
    return (
        '+++\nid = "SOP-099"\ntitle = "Not on main"\nkind = "procedure"\n'
        'status = "effective"\nnext_review = 2026-11-02\n+++\nBody.\n'
    )


def test_runs_and_my_steps(sample_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14 (what is due): an open run lists its next deadline, and the pending steps of
    the role assigned to me with theirs; an hour on, step 2 (due 30m) is late."""
    act_as(monkeypatch, "Dmitri Volkov")
    runs = Runs(Workspace.open(sample_path, clock=lambda: START))
    run = runs.start("SOP-010", roles={"plant operator": "dmitri"}).run
    runs.mark(run.id, 1, "done", value="yes")
    early = due_at(sample_path, START + timedelta(minutes=10)).report(mine=True)
    [item] = early.runs
    assert (item.run_id, item.overdue, item.mine) == (run.id, False, True)
    assert item.deadline == START + timedelta(minutes=30)
    assert [s.number for s in item.my_steps][:3] == [2, 3, 4]
    assert all(s.role == "plant operator" for s in item.my_steps)
    late = due_at(sample_path, START + timedelta(hours=1)).report()
    assert late.runs[0].overdue and late.runs[0].late == (2,)
    assert late.runs[0].my_steps[0].overdue
    act_as(monkeypatch, "Bilal Okafor")
    assert due_at(sample_path, START).report(mine=True).runs == []
    assert due_at(sample_path, START).report().runs[0].my_steps == ()


def test_acknowledgements_i_owe(demo_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14 (what is due): the current revisions I must read and have not acknowledged
    (services.acks), listed with the date they took effect; acknowledging one removes it.
    They carry no deadline, so they are never overdue."""
    act_as(monkeypatch, "Dmitri Volkov")  # plant supervisor: the potash documents
    owed = due_at(demo_path).report().acknowledgements
    assert owed is not None
    assert [(a.doc_id, a.version, a.overdue) for a in owed] == [
        ("PRC-005", "3.0", False),
        ("SOP-009", "3.2", False),
        ("SOP-010", "2.4", False),
    ]
    assert owed[0].since is not None
    service = due_at(demo_path)
    assert service.report().acknowledgements == owed
    Acknowledgements(workspace_at(demo_path)).record("SOP-010")
    after = service.report().acknowledgements  # the same service reads main again
    assert after is not None and [a.doc_id for a in after] == ["PRC-005", "SOP-009"]
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "stranger@example.com")
    report = due_at(demo_path).report()
    assert report.acknowledgements == []
    assert any("not in [people]" in note for note in report.notes)


def cli(root: Path, *args: str) -> int:
    return main(["--vault", str(root), "due", *args])


def test_cli_sections_and_exit_status(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 14 (what is due): readable sections with counts; exit 1 when anything is
    overdue, 0 when nothing is, 2 when it cannot tell (cron tells them apart)."""
    assert cli(demo_path) == 1
    out = capsys.readouterr().out
    assert "Reviews (2, 2 overdue)" in out
    assert "LATE  2026-11-01  PRC-008" in out
    assert "Proposals (1, 1 overdue)" in out
    assert "Acknowledgements I owe (3)" in out  # Alice, operations lead
    assert "Open runs (0)" in out
    quiet = tmp_path / "quiet"
    write(quiet, "sopvault.toml", MINIMAL_CONFIG)
    commit_all(quiet)
    assert cli(quiet) == 0
    assert "0 overdue" in capsys.readouterr().out
    with pytest.raises(SystemExit) as usage:
        cli(quiet, "--within")
    assert usage.value.code == 2
    assert cli(quiet, "--within", "soon") == 2
    assert cli(tmp_path / "nowhere") == 2
    assert "sopvault: error:" in capsys.readouterr().err


def test_cli_json_is_deterministic(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 14 (what is due): --json gives the same bytes twice, times in UTC."""
    assert cli(demo_path, "--json", "--stale", "1w") == 1
    first = capsys.readouterr().out
    assert cli(demo_path, "--json", "--stale", "1w") == 1
    assert capsys.readouterr().out == first
    data = json.loads(first)
    assert data["stale_days"] == 7
    assert [a["document"] for a in data["acknowledgements"]] == ["SOP-001", "SOP-002", "SOP-004"]
    assert data["counts"]["overdue"] == 3
    assert data["proposals"][0]["proposed"].endswith("Z")
    assert [r["document"] for r in data["reviews"]] == ["PRC-008", "SOP-001"]


def test_cron_line_as_a_process(demo_path: Path) -> None:
    """Issue 14 (what is due): `sopvault due --mine || mail` in a real process: exit 1
    while Alice's reviews are late."""
    done = subprocess.run(
        [sys.executable, "-m", "sopvault", "due", "--mine"],
        cwd=demo_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stderr
    assert "SOP-001" in done.stdout and "Traceback" not in done.stderr
    assert TODAY.isoformat() <= done.stdout.split(" on ")[1][:10]


def test_due_loads_no_search_index_nor_textual(demo_path: Path) -> None:
    """Issue 14 (what is due): `due` stays fast by what it does not load: no Whoosh (the
    search index) and no Textual."""
    code = (
        "import sys; from sopvault.cli import main; code = main(['due']);"
        " print(code, 'whoosh' in sys.modules, 'textual' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=demo_path, capture_output=True, text=True
    )
    assert done.stdout.strip().splitlines()[-1] == "1 False False", done.stderr


def test_proposals_judged_together_as_one_by_one(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (speed): `due` reads main's rules and every proposal's changed paths once
    for all proposals (one `git diff-tree`); the rules and who may approve are exactly what
    asking proposal by proposal gives, including a document whose own `reviewers` on main
    narrow who may approve it."""
    from sopvault.services.review.approvals import Approvals
    from sopvault.services.review.control import DocumentControl

    sop2 = next((demo_path / "procedures").glob("SOP-002-*.md"))
    text = sop2.read_text(encoding="utf-8")
    sop2.write_text(text.replace("\nid = ", '\nreviewers = ["carmen"]\nid = ', 1), "utf-8")
    commit_all(demo_path, "SOP-002 names its own reviewers")
    act_as(monkeypatch, "Alice Moreno")
    control = DocumentControl(workspace_at(demo_path))
    for rel, doc_id in ((SOP1, "SOP-001"), (sop2.relative_to(demo_path).as_posix(), "SOP-002")):
        path = demo_path / rel
        path.write_text(path.read_text(encoding="utf-8") + "\nA proposed line.\n", "utf-8")
        control.proposals.propose([doc_id], f"Revise {doc_id}")
    act_as(monkeypatch, "Bilal Okafor")
    ws = workspace_at(demo_path)
    approvals = Approvals(ws)
    props = approvals.proposals.listing()
    assert len(props) == 3
    one_by_one = [approvals.rules_for(p) for p in props]
    assert approvals.rules_for_each(props) == one_by_one
    assert len({r.allowed for r in one_by_one}) > 1  # SOP-002's reviewers narrow its rules
    may = {p.number: approvals.check_approver(p) is None for p in props}
    assert not may[props[-1].number] and may[props[-2].number]  # SOP-002: Carmen's to approve
    listed = {p.number: p.for_me for p in Due(ws).report().proposals}
    assert listed == {n: True for n, ok in may.items() if ok}  # SOP-002's is not Bilal's yet
