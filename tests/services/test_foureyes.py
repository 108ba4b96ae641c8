"""Trust §4 (four eyes): votes judged one by one, content tied to the sign-off, old history.

Real repositories; votes forged the way a proposer could by hand (``git commit-tree`` with a
``Reviewed-by`` trailer, ``git update-ref``), and approvals amended after the fact.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from sopvault.cli import main
from sopvault.services.review.common import RevisionError
from tests.conftest import act_as, commit_all
from tests.services.test_review import (
    END4,
    SOP3,
    SOP4,
    edit,
    git_out,
    land_sop3,
    propose_sop3,
    revisions,
    with_hook_server,
)

STAMP = "2026-11-25T12:00:00Z"


def person(name: str) -> str:
    """``Name <email>`` for one of the sample company's people, as trailers name them."""
    first, last = name.lower().split()
    return f"{name} <{first}.{last}@harrowfinch.example>"


def forge_vote(root: Path, number: str, named: str) -> str:
    """A vote commit naming ``named``, made by whoever acts now, put on the proposal's ref
    by hand: what any proposer can do with git alone."""
    prop = revisions(root).proposals.get(number)
    text = f"Approve proposal {number}\n\nApproves: {number}\nReviewed-by: {person(named)}\n"
    text += f"Approved-at: {STAMP}\n"
    sha = git_out(root, "commit-tree", f"{prop.tip}^{{tree}}", "-p", prop.tip, stdin=text)
    git_out(root, "update-ref", prop.ref, sha.strip(), prop.tip)
    return sha.strip()


def two_approvals(root: Path) -> None:
    edit(root, "sopvault.toml", "approvals = 1", "approvals = 2")
    commit_all(root, "Two approvals")


def reasons(root: Path, since: str) -> list[tuple[str, str]]:
    return [(v.reason.value, v.detail) for v in revisions(root).audit.verify(since).violations]


def test_a_vote_forged_in_another_name_is_refused_by_approve_and_reported_by_verify(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §4 (four eyes): Carmen records a vote in Bilal's name; approve will not land
    on it, and a landing made by hand on it is reported vote by vote."""
    two_approvals(repo_root)
    start = git_out(repo_root, "rev-parse", "main").strip()
    number = propose_sop3(repo_root, monkeypatch)
    forged = forge_vote(repo_root, number, "Bilal Okafor")  # committed by Carmen
    act_as(monkeypatch, "Alice Moreno")
    with pytest.raises(RevisionError, match=f"forged vote: vote {forged[:10]} names Bilal"):
        revisions(repo_root).approvals.approve(number)
    assert main(["--vault", str(repo_root), "approve", number]) == 1
    assert git_out(repo_root, "rev-parse", "main").strip() == start

    # Carmen lands it herself on her forged vote and one more in Alice's name
    act_as(monkeypatch, "Carmen Ruiz")
    tip = forge_vote(repo_root, number, "Alice Moreno")
    trailers = f"SOP-Id: SOP-003\nSOP-Version: 2.1\nSOP-Proposal: {number}\n"
    trailers += f"Reviewed-by: {person('Bilal Okafor')}\nReviewed-by: {person('Alice Moreno')}\n"
    landing = git_out(
        repo_root, "commit-tree", f"{tip}^{{tree}}", "-p", start, "-p", tip,
        stdin=f"Download, not export\n\n{trailers}",
    ).strip()  # fmt: skip
    git_out(repo_root, "update-ref", "refs/heads/main", landing)
    found = reasons(repo_root, start)
    kinds = [kind for kind, _ in found]
    assert kinds.count("forged vote") == 2
    assert any(forged[:10] in detail and "Carmen Ruiz" in detail for _, detail in found)
    assert "landed by a non-reviewer" in kinds
    assert "content not as reviewed" in kinds  # not made effective, no SOP-Blob record
    assert main(["--vault", str(repo_root), "verify", "--since", start]) == 1


def test_the_authors_own_vote_does_not_count(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §4 (four eyes): a vote the author records for herself, committed by herself
    (not forged), still never counts: approve names it and refuses to land."""
    number = propose_sop3(repo_root, monkeypatch)
    own = forge_vote(repo_root, number, "Carmen Ruiz")
    act_as(monkeypatch, "Bilal Okafor")
    with pytest.raises(RevisionError, match="self-approved: .*Carmen Ruiz.*approved their own"):
        revisions(repo_root).approvals.approve(number)
    assert own in git_out(repo_root, "rev-parse", revisions(repo_root).proposals.get(number).ref)


def test_a_duplicate_vote_is_counted_once(repo_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Trust §4 (four eyes): Bilal's vote recorded twice (his own commits both) is one of
    the two approvals needed; the change lands only with Alice's."""
    two_approvals(repo_root)
    start = git_out(repo_root, "rev-parse", "main").strip()
    number = propose_sop3(repo_root, monkeypatch)
    act_as(monkeypatch, "Bilal Okafor")
    assert not revisions(repo_root).approvals.approve(number).landed
    forge_vote(repo_root, number, "Bilal Okafor")  # his own, genuine, a second time
    prop = revisions(repo_root).proposals.get(number)
    assert len(prop.votes) == 2
    with pytest.raises(RevisionError, match="already approved"):
        revisions(repo_root).approvals.approve(number)
    act_as(monkeypatch, "Alice Moreno")
    result = revisions(repo_root).approvals.approve(number)
    assert result.landed and result.approvals == 2
    body = git_out(repo_root, "log", "-1", "--format=%(trailers:key=Reviewed-by,valueonly)")
    assert body.split("\n")[:2] == [person("Bilal Okafor"), person("Alice Moreno")]
    assert reasons(repo_root, start) == []


def test_every_vote_is_in_mains_history_and_the_content_is_recorded(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §4 (four eyes): the landing's second parent is the last vote; its SOP-Blob
    trailer names the reviewed blob and the landed blob, which git can check alone."""
    start = git_out(repo_root, "rev-parse", "main").strip()
    number = propose_sop3(repo_root, monkeypatch)
    reviewed = git_out(
        repo_root, "rev-parse", f"{revisions(repo_root).proposals.get(number).commit}:{SOP3}"
    )
    act_as(monkeypatch, "Bilal Okafor")
    result = revisions(repo_root).approvals.approve(number)
    parents = git_out(repo_root, "log", "-1", "--format=%P", "main").split()
    assert parents[0] == start and len(parents) == 2
    vote = git_out(
        repo_root, "log", "-1", "--format=%cn|%(trailers:key=Reviewed-by,valueonly)", parents[1]
    )
    assert vote.strip() == f"Bilal Okafor|{person('Bilal Okafor')}"
    landed = git_out(repo_root, "rev-parse", f"main:{SOP3}").strip()
    blob = git_out(repo_root, "log", "-1", "--format=%(trailers:key=SOP-Blob,valueonly)", "main")
    assert blob.strip() == f"{reviewed.strip()} {landed} {SOP3}"
    assert git_out(repo_root, "log", "--first-parent", "--format=%H", f"{start}..main").split() == [
        result.commit
    ]
    assert [p.number for p in revisions(repo_root).proposals.listing("approved")] == [int(number)]
    assert revisions(repo_root).audit.verify(start).violations == []


def test_an_approval_amended_afterwards_is_a_violation(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §4 (four eyes): the landing commit amended with its trailers (and parents)
    kept but its text changed no longer matches what was reviewed."""
    start = git_out(repo_root, "rev-parse", "main").strip()
    land_sop3(repo_root, monkeypatch)
    assert reasons(repo_root, start) == []
    edit(repo_root, SOP3, "Download the stock report", "Download any stock report")
    git_out(repo_root, "commit", "-q", "--amend", "--no-edit", "-a")
    found = reasons(repo_root, start)
    assert [kind for kind, _ in found] == ["content not as reviewed"]
    assert SOP3 in found[0][1] and "not the content recorded" in found[0][1]


def test_a_rebase_that_would_change_the_reviewed_text_is_refused(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §4 (four eyes): main changed the same document elsewhere since the proposal
    was made; git would merge it cleanly, but that text was never reviewed."""
    number = propose_sop3(repo_root, monkeypatch)
    git_out(repo_root, "stash", "-q")
    edit(repo_root, SOP3, "what we lost.\n", "what we lost.\nRead this last.\n")
    git_out(repo_root, "commit", "-qam", "A note")
    git_out(repo_root, "stash", "pop", "-q")
    act_as(monkeypatch, "Bilal Okafor")
    before = git_out(repo_root, "rev-parse", "main")
    with pytest.raises(RevisionError, match=f"main has changed {SOP3} since proposal {number}"):
        revisions(repo_root).approvals.approve(number)
    assert git_out(repo_root, "rev-parse", "main") == before


def test_history_made_before_votes_were_kept_is_judged_by_its_trailers(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §4 (four eyes): an old-style landing (one parent, two Reviewed-by, committed
    by the last approver) still verifies, counted as legacy; once landings keep their votes,
    a one-parent sign-off naming someone other than its committer is a forged vote, and a
    sign-off without its votes."""
    two_approvals(repo_root)
    start = git_out(repo_root, "rev-parse", "main").strip()
    act_as(monkeypatch, "Carmen Ruiz")
    edit(repo_root, SOP4, END4, END4 + "Old note.\n")
    names = f"Reviewed-by: {person('Bilal Okafor')}\nReviewed-by: {person('Alice Moreno')}\n"
    git_out(repo_root, "add", SOP4)
    tree = git_out(repo_root, "write-tree").strip()
    act_as(monkeypatch, "Alice Moreno")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Carmen Ruiz")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "carmen.ruiz@harrowfinch.example")
    text = f"Old note\n\nSOP-Id: SOP-004\n{names}"
    old = git_out(repo_root, "commit-tree", tree, "-p", start, stdin=text).strip()
    git_out(repo_root, "update-ref", "refs/heads/main", old)
    git_out(repo_root, "reset", "-q", "--hard", "main")
    report = revisions(repo_root).audit.verify(start)
    assert report.violations == [] and report.legacy == 1

    number = propose_sop3(repo_root, monkeypatch)
    for who in ("Bilal Okafor", "Alice Moreno"):
        act_as(monkeypatch, who)
        revisions(repo_root).approvals.approve(number)
    act_as(monkeypatch, "Alice Moreno")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Carmen Ruiz")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "carmen.ruiz@harrowfinch.example")
    edit(repo_root, SOP4, "Old note.", "New note.")
    git_out(repo_root, "commit", "-qam", f"New note\n\nSOP-Id: SOP-004\n{names}")
    found = reasons(repo_root, start)
    assert [kind for kind, _ in found] == ["forged vote", "sign-off without its votes"]
    assert "names Bilal Okafor" in found[0][1] and "committed by Alice Moreno" in found[0][1]
    assert revisions(repo_root).audit.verify(start).legacy == 1


def test_a_force_pushed_amended_approval_is_refused_by_the_pre_receive_hook(
    repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §4 (four eyes): the documented hook in a bare repository takes the approval,
    then refuses the same approval amended (trailers kept) and force-pushed."""
    server = with_hook_server(repo_root, tmp_path, monkeypatch)
    land_sop3(repo_root, monkeypatch)
    git_out(repo_root, "push", "-q", "origin", "main")

    edit(repo_root, SOP3, "Download the stock report", "Download any stock report")
    git_out(repo_root, "commit", "-q", "--amend", "--no-edit", "-a")
    push = subprocess.run(
        ["git", "-C", str(repo_root), "push", "-f", "origin", "main"],
        capture_output=True,
        text=True,
    )
    assert push.returncode != 0 and "push refused" in push.stderr
    assert "content not as reviewed" in push.stderr
    assert "Download any" not in git_out(server, "show", f"main:{SOP3}")  # approved text stays


def test_votes_that_suffice_are_landed_by_a_reviewer_never_by_another(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §4 (four eyes): two genuine votes recorded (as after a sync joined them); the
    author's sync does not land the change, a reviewer's `approve` does, as committer."""
    two_approvals(repo_root)
    start = git_out(repo_root, "rev-parse", "main").strip()
    number = propose_sop3(repo_root, monkeypatch)
    act_as(monkeypatch, "Bilal Okafor")
    revisions(repo_root).approvals.approve(number)
    act_as(monkeypatch, "Alice Moreno")
    forge_vote(repo_root, number, "Alice Moreno")  # her own vote, made with git
    act_as(monkeypatch, "Carmen Ruiz")
    control = revisions(repo_root)
    assert control.approvals.land_if_ready(control.proposals.get(number)) is None
    act_as(monkeypatch, "Bilal Okafor")
    result = revisions(repo_root).approvals.approve(number)
    assert result.landed and result.approvals == 2
    assert git_out(repo_root, "log", "-1", "--format=%cn", "main").strip() == "Bilal Okafor"
    assert reasons(repo_root, start) == []


def test_a_landing_remade_by_its_reviewer_with_other_content_is_reported(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §4 (four eyes): the reviewer who landed a change re-makes the landing as a
    one-parent commit (same message, her own name, the proposer as author) with text
    nobody reviewed: once votes are kept in history that is a violation, not "ok"."""
    start = git_out(repo_root, "rev-parse", "main").strip()
    land_sop3(repo_root, monkeypatch)
    assert reasons(repo_root, start) == []
    text = git_out(repo_root, "log", "-1", "--format=%B", "main")
    author = git_out(repo_root, "log", "-1", "--format=%an|%ae", "main").strip().split("|")
    reviewer = git_out(repo_root, "log", "-1", "--format=%cn", "main").strip()
    act_as(monkeypatch, reviewer)
    monkeypatch.setenv("GIT_AUTHOR_NAME", author[0])
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", author[1])
    git_out(repo_root, "reset", "-q", "--soft", "HEAD^1")
    edit(repo_root, SOP3, "Download the stock report", "Download any report")
    git_out(repo_root, "add", "-A")
    git_out(repo_root, "commit", "-q", "-F", "-", stdin=text)
    found = reasons(repo_root, start)
    assert [kind for kind, _ in found] == ["sign-off without its votes"]
    assert main(["--vault", str(repo_root), "verify", "--since", start]) == 1


def test_a_new_documents_own_reviewers_are_not_in_force(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §4 (four eyes): a new document that names its own `reviewers` cannot choose
    who approves it: the vault's `[review] approvers` decide, in approve and in verify."""
    everyone = 'approvers = ["role:quality manager", "role:operations lead"]'
    edit(repo_root, "sopvault.toml", everyone, 'approvers = ["bilal"]')
    commit_all(repo_root, "Only Bilal approves")
    start = git_out(repo_root, "rev-parse", "main").strip()
    act_as(monkeypatch, "Carmen Ruiz")
    new = repo_root / "procedures" / "SOP-501-check-it.md"
    new.write_text(
        '+++\nid = "SOP-501"\ntitle = "Check it"\nkind = "procedure"\nowner = "carmen"\n'
        'reviewers = ["alice"]\n\n[[steps]]\naction = "Check the valve"\n+++\nBody.\n',
        encoding="utf-8",
    )
    number = str(revisions(repo_root).proposals.propose(["SOP-501"], "New check").number)
    act_as(monkeypatch, "Alice Moreno")
    with pytest.raises(RevisionError, match="may not approve"):
        revisions(repo_root).approvals.approve(number)
    act_as(monkeypatch, "Bilal Okafor")
    assert revisions(repo_root).approvals.approve(number).landed
    assert reasons(repo_root, start) == []


def test_a_proposal_waiting_for_review_is_not_a_problem_to_sync(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Trust §9 (errors that tell the truth): sync's landing pass leaves a proposal nobody
    voted on yet alone; it never tells anyone to reject it."""
    number = propose_sop3(repo_root, monkeypatch)
    act_as(monkeypatch, "Alice Moreno")
    control = revisions(repo_root)
    assert control.approvals.land_if_ready(control.proposals.get(number)) is None
