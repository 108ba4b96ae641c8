"""Issue 14 (impact): what approving a change touches, on the demo and on small vaults made
here: documents, open runs following an older revision, who will owe an acknowledgement."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from sopvault.errors import DocumentNotFound
from sopvault.model.document import Status
from sopvault.services.clock import running_from
from sopvault.services.impact import Impacts
from sopvault.services.review.common import RevisionError
from sopvault.services.runs import Runs
from sopvault.services.vault import Vault
from sopvault.services.workspace import Workspace
from tests.conftest import TODAY, commit_all, workspace_at, write

CONFIG = """name = "Small works"
main_branch = "main"

[people.ann]
name = "Ann Archer"
email = "ann@example.com"
roles = ["operator"]

[people.ben]
name = "Ben Bell"
email = "ben@example.com"
roles = ["clerk"]

[people.cat]
name = "Cat Cole"
email = "cat@example.com"
roles = ["auditor", "Operator"]

[people.dan]
name = "Dan Dale"
email = "dan@example.com"
"""

SOP1 = """+++
id = "SOP-1"
title = "Weigh the batch"
kind = "procedure"
version = "1.0"
status = "effective"
parents = ["PRC-1"]
roles = ["operator"]
readers = ["dan"]

[[steps]]
action = "Weigh the batch on the floor scale"
instruction = "WI-1"
+++
Weigh every batch.
"""

FILES = {
    "processes/PRC-1.md": '+++\nid = "PRC-1"\ntitle = "Make"\nkind = "process"\n'
    'status = "effective"\n+++\n',
    "procedures/SOP-1.md": SOP1,
    "work-instructions/WI-1.md": '+++\nid = "WI-1"\ntitle = "Use the scale"\n'
    'kind = "work_instruction"\nstatus = "effective"\nparents = ["SOP-1"]\n\n'
    '[[steps]]\naction = "Zero the scale"\n+++\n',
    "work-instructions/WI-2.md": '+++\nid = "WI-2"\ntitle = "Old scale"\n'
    'kind = "work_instruction"\nstatus = "retired"\nparents = ["SOP-1"]\n\n'
    '[[steps]]\naction = "Zero the old scale"\n+++\n',
    "procedures/SOP-2.md": '+++\nid = "SOP-2"\ntitle = "Pack the batch"\nkind = "procedure"\n'
    'status = "draft"\nrelated = ["SOP-1"]\n\n[[steps]]\naction = "Pack the batch"\n'
    'instruction = "WI-1"\n+++\n',
}


def small_vault(root: Path, *, git: bool = True) -> Path:
    write(root, "sopvault.toml", CONFIG)
    for rel, text in FILES.items():
        write(root, rel, text)
    if git:
        commit_all(root, "Import")
    return root


def impacts(root: Path) -> Impacts:
    return Impacts.open(Vault.open(root, clock=running_from(TODAY)))


def test_documents_below_and_linking_with_status(tmp_path: Path) -> None:
    """Issue 14 (impact): children (retired ones too), related and work-instruction
    links, each with its status; from the load cache, a second open gives the same."""
    root = small_vault(tmp_path / "v")
    found = impacts(root).of_document("SOP-1")
    assert [(r.id, r.status, r.how()) for r in found.reached] == [
        ("WI-1", Status.EFFECTIVE, "under SOP-1"),
        ("WI-2", Status.RETIRED, "under SOP-1"),
        ("SOP-2", Status.DRAFT, "related to SOP-1"),
    ]
    assert found.change is None and found.version_now == "1.0"
    again = impacts(root).of_document("SOP-1")  # warm: light documents from the snapshot
    assert Vault.open(root).state.reused == len(FILES)
    assert again.reached == found.reached
    wi = impacts(root).of_document("WI-1")
    assert [(r.id, r.relation.value) for r in wi.reached] == [
        ("SOP-1", "instruction"),
        ("SOP-2", "instruction"),
        ("WI-2", "child"),
    ]


def test_readers_of_the_edited_text_and_who_is_new(tmp_path: Path) -> None:
    """Issue 14 (impact): who will owe an acknowledgement of the working copy's text once
    approved, who did not have to read the revision in force, who no longer must, the
    roles with their holders and a readers entry naming nobody."""
    root = small_vault(tmp_path / "v")
    before = impacts(root).of_document("SOP-1").readers
    assert [p.handle for p in before.people] == ["ann", "cat", "dan"]
    assert before.new == () and before.dropped == ()
    path = root / "procedures/SOP-1.md"
    text = path.read_text().replace('roles = ["operator"]', 'roles = ["operator", "clerk"]')
    text = text.replace(
        'readers = ["dan"]', 'readers = ["role:auditor", "zed", "role:pilot", "role:Clerk"]'
    )
    path.write_text(text)
    found = impacts(root).of_document("SOP-1")
    assert found.change == "working copy" and found.version_now == "1.0"
    readers = found.readers
    assert [p.handle for p in readers.people] == ["ann", "ben", "cat"]
    assert [p.handle for p in readers.new] == ["ben"]
    assert [p.handle for p in readers.dropped] == ["dan"]
    assert readers.roles == (
        ("operator", ("ann", "cat")),
        ("clerk", ("ben",)),
        ("auditor", ("cat",)),
        ("pilot", ()),
    )
    assert readers.unknown == ("zed", "role:pilot")


def test_open_runs_following_an_older_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (impact): an open run follows main's text until main moves; then it
    follows an older revision. Completed and aborted runs are not listed."""
    root = small_vault(tmp_path / "v")
    runs = Runs(workspace_at(root))
    kept = runs.start("SOP-1").run
    ended = runs.start("SOP-1").run
    runs.abort(ended.id, "wrong batch")
    found = impacts(root).of_document("SOP-1")
    assert [(r.id, r.version, r.older) for r in found.runs] == [(kept.id, "1.0", False)]
    path = root / "procedures/SOP-1.md"
    path.write_text(path.read_text().replace("Weigh every batch.", "Weigh every batch twice."))
    subprocess.run(["git", "-C", str(root), "commit", "-qam", "Twice"], check=True)
    found = impacts(root).of_document("SOP-1")
    assert found.change is None
    assert [(r.id, r.older) for r in found.runs] == [(kept.id, True)]
    assert impacts(root).of_document("WI-1").runs == ()


def test_outside_git_the_working_copy_stands_for_main(tmp_path: Path) -> None:
    """Issue 14 (impact): a vault outside git still reports documents and readers; a run
    is older when it follows another version of the working copy."""
    root = small_vault(tmp_path / "v", git=False)
    runs = Runs(Workspace.open(root, clock=running_from(TODAY)))
    run = runs.start("SOP-1").run
    found = impacts(root).of_document("SOP-1")
    assert [r.older for r in found.runs] == [False]
    assert found.change is None and "not in git" in found.notes[0]
    path = root / "procedures/SOP-1.md"
    path.write_text(path.read_text().replace('version = "1.0"', 'version = "1.1"'))
    found = impacts(root).of_document("SOP-1")
    assert [(r.id, r.older) for r in found.runs] == [(run.id, True)]
    assert [p.handle for p in found.readers.people] == ["ann", "cat", "dan"]


def test_a_new_document_makes_everyone_new(tmp_path: Path) -> None:
    """Issue 14 (impact): a document main does not hold yet: every reader is new."""
    root = small_vault(tmp_path / "v")
    write(
        root,
        "procedures/SOP-3.md",
        '+++\nid = "SOP-3"\ntitle = "Label"\nkind = "procedure"\nroles = ["clerk"]\n\n'
        '[[steps]]\naction = "Label the batch"\n+++\n',
    )
    found = impacts(root).of_document("SOP-3")
    assert found.change == "working copy" and found.version_now is None
    assert [p.handle for p in found.readers.new] == ["ben"]


def test_unknown_document_is_not_found(tmp_path: Path) -> None:
    """Issue 14 (impact): an id no document has is DocumentNotFound."""
    root = small_vault(tmp_path / "v")
    with pytest.raises(DocumentNotFound):
        impacts(root).of_document("SOP-9")


def test_the_demo_proposal_and_working_copy(demo_path: Path) -> None:
    """Issue 14 (impact): the demo's open proposal of WI-004 (Alice's weekly counts):
    SOP-003's step names it; the proposal and the working copy that made it agree."""
    service = Impacts.of(workspace_at(demo_path))
    (proposed,) = service.of_proposal("6")
    assert proposed.change == "proposal 6"
    assert proposed.document.version == "1.1" and proposed.version_now == "1.0"
    assert [(r.id, r.relation.value) for r in proposed.reached] == [("SOP-003", "instruction")]
    assert proposed.readers.roles == (("warehouse operative", ()),)
    working = service.of_document("WI-004")
    assert working.change == "working copy"
    assert working.reached == proposed.reached
    with pytest.raises(RevisionError):
        service.of_proposal("99")


def test_the_demo_run_then_an_approved_revision(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14 (impact): a run of SOP-003 started before Carmen's change is approved
    follows an older revision afterwards; Carmen (warehouse lead) owes the new one."""
    from sopvault.services.review.control import DocumentControl
    from tests.conftest import act_as

    run = Runs(workspace_at(demo_path)).start("SOP-003").run
    path = demo_path / "procedures/SOP-003-review-stock-and-reorder-points.md"
    path.write_text(path.read_text().replace("Export the", "Download the", 1))
    act_as(monkeypatch, "Carmen Ruiz")
    prop = DocumentControl(workspace_at(demo_path)).proposals.propose(["SOP-003"], "Download")
    (pending,) = Impacts.of(workspace_at(demo_path)).of_proposal(str(prop.number))
    assert [(r.id, r.older) for r in pending.runs] == [(run.id, False)]
    assert [p.handle for p in pending.readers.people] == ["carmen"]
    act_as(monkeypatch, "Bilal Okafor")
    DocumentControl(workspace_at(demo_path)).approvals.approve(str(prop.number))
    after = impacts(demo_path).of_document("SOP-003")
    assert after.change is None and after.version_now == "2.3"
    assert [(r.id, r.version, r.older) for r in after.runs] == [(run.id, "2.2", True)]


def test_when_git_cannot_answer_it_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 14 (impact): git missing (or refusing the repository) is not "new on main":
    the report says git could not be asked and still lists documents and readers."""
    root = small_vault(tmp_path / "v")
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))
    found = impacts(root).of_document("SOP-1")
    assert found.change is None and found.readers.new == ()
    assert found.notes == ("git cannot be asked here: the working copy stands for main",)
    assert [r.id for r in found.reached] == ["WI-1", "WI-2", "SOP-2"]


def test_the_panel_lists_the_nearest_documents_and_counts_the_rest(tmp_path: Path) -> None:
    """Issue 14 (impact): a long report in the TUI's panel lists the nearest documents
    and says how many more the CLI lists; the retired one is still counted."""
    from sopvault.render.impact import impact_lines

    found = impacts(small_vault(tmp_path / "v")).of_document("SOP-1")
    lines = [line for _, line in impact_lines(found, 1)]
    assert lines[1] == "Documents it touches: 3 (2 below it in the tree, 1 linking to it)"
    assert lines[2].split()[:2] == ["WI-1", "effective"]
    assert lines[3] == "  and 2 more (sopvault impact SOP-1 lists them all)"
    assert lines[4] == "  1 retired document among them"
    assert len(impact_lines(found)) == len(lines) + 1  # two more rows, no "and 2 more"
