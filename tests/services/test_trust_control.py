"""Trust §7 (proposal numbers, restore) and §9 (lost races say who won): real clones of a
real bare repository, several git identities acting through their own environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from sopvault.model.control import Proposal, ProposalState
from sopvault.services.clock import running_from
from sopvault.services.review.approvals import Approvals
from sopvault.services.review.common import RevisionError
from sopvault.services.review.control import DocumentControl
from sopvault.services.review.proposals import Proposals
from sopvault.services.review.races import LostRace
from sopvault.services.sync import Sync
from sopvault.services.vault import Vault
from sopvault.services.workspace import Workspace
from sopvault.store.git import refs
from sopvault.store.git.repo import Repo
from tests.conftest import TODAY
from tests.services.test_sync import SOP3, SOP4, clone, edit, git_out

PEOPLE = {
    "Alice Moreno": "alice.moreno",
    "Bilal Okafor": "bilal.okafor",
    "Carmen Ruiz": "carmen.ruiz",
    "Dmitri Volkov": "dmitri.volkov",
    "Hana Sato": "hana.sato",
}


def acting(root: Path, name: str) -> Workspace:
    """The vault at ``root`` as ``name`` acts on it (their own git identity)."""
    email = f"{PEOPLE[name]}@harrowfinch.example"
    env = {}
    for role in ("AUTHOR", "COMMITTER"):
        env |= {f"GIT_{role}_NAME": name, f"GIT_{role}_EMAIL": email}
    return Workspace.of(Vault.open(root, clock=running_from(TODAY)), Repo(root, env=env))


def control(root: Path, name: str) -> DocumentControl:
    return DocumentControl(acting(root, name))


def two_approvals(demo_path: Path, tmp_path: Path) -> Path:
    """The demo's repository as a team server, two approvals needed from now on."""
    edit(demo_path, "sopvault.toml", "approvals = 1", "approvals = 2")
    git_out(demo_path, "commit", "-qm", "Two approvals from now on", "--", "sopvault.toml")
    bare = tmp_path / "server.git"
    git_out(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    git_out(demo_path, "push", "-q", str(bare), "refs/heads/*:refs/heads/*")
    return bare


@pytest.mark.parametrize("second_doc", [SOP3, SOP4], ids=["same document", "other document"])
def test_offline_proposals_never_share_a_number_and_votes_survive(
    demo_path: Path, tmp_path: Path, second_doc: str
) -> None:
    """Trust §7 (proposal numbers): Carmen and Dmitri propose offline on two clones and get
    the same number; Bilal votes on Dmitri's before anyone syncs. After both sync, the
    server holds two numbers, Dmitri's proposal keeps Bilal's vote, and Hana's approval
    lands it with the proposal's commit named in the landing."""
    server = two_approvals(demo_path, tmp_path)
    carmen, dmitri = clone(server, tmp_path, "carmen"), clone(server, tmp_path, "dmitri")
    edit(carmen, SOP3, "Recalculate", "Recompute")
    first = control(carmen, "Carmen Ruiz").proposals.propose(["SOP-003"], "Recompute")
    doc_id = "SOP-003" if second_doc == SOP3 else "SOP-004"
    text = (dmitri / second_doc).read_text(encoding="utf-8")
    (dmitri / second_doc).write_text(text + "\nA note from Dmitri.\n", encoding="utf-8")
    second = control(dmitri, "Dmitri Volkov").proposals.propose([doc_id], "Add a note")
    assert first.number == second.number  # both counted from the same fetch
    vote = control(dmitri, "Bilal Okafor").approvals.approve(str(second.number))
    assert not vote.landed

    Sync(control(carmen, "Carmen Ruiz")).sync()
    report = Sync(control(dmitri, "Dmitri Volkov")).sync()
    renumbered = first.number + 1
    assert f"your proposal {second.number} is now proposal {renumbered}" in report.replayed[0]
    on_server = git_out(server, "for-each-ref", "--format=%(refname)", "refs/heads/review/")
    assert sorted(on_server.split()) == [
        f"refs/heads/review/SOP-003/{first.number}",
        *([f"refs/heads/review/SOP-003/{renumbered}"] if doc_id == "SOP-003" else []),
        *([f"refs/heads/review/SOP-004/{renumbered}"] if doc_id == "SOP-004" else []),
        "refs/heads/review/WI-004/6",  # the demo's own open proposal
    ]
    moved = control(dmitri, "Dmitri Volkov").proposals.get(str(renumbered))
    assert moved.commit == second.commit  # the same proposal: its commit was not rewritten
    assert [who.name for who in moved.approvals] == ["Bilal Okafor"]

    Sync(control(carmen, "Hana Sato")).sync()
    landed = control(carmen, "Hana Sato").approvals.approve(str(renumbered))
    assert landed.landed and landed.approvals == 2
    message = git_out(carmen, "log", "-1", "--format=%B", "main")
    assert f"SOP-Proposal: {renumbered}" in message
    assert f"SOP-Proposal-Commit: {second.commit}" in message
    assert control(carmen, "Hana Sato").proposals.get(str(first.number), "open").author.name == (
        "Carmen Ruiz"
    )


def test_a_number_claimed_by_another_process_here_is_not_handed_out_again(
    demo_path: Path,
) -> None:
    """Trust §7 (proposal numbers): the next number is claimed in the same transaction
    that files the proposal, so a number another process here claimed a moment ago (under
    any document) is skipped, not shared."""
    proposals = control(demo_path, "Carmen Ruiz").proposals
    taken = proposals.next_number()
    repo = proposals.repo
    repo.update_ref(refs.claim(taken), repo.rev("main") or "", "0" * 40)
    edit(demo_path, SOP3, "Recalculate", "Recompute")
    made = proposals.propose(["SOP-003"], "Recompute")
    assert made.number == taken + 1
    assert repo.rev(refs.claim(made.number)) == made.commit


def test_restore_refuses_a_duplicate_of_an_open_proposal(demo_path: Path) -> None:
    """Trust §7 (restore): restoring the text an open proposal already holds is refused
    as ``propose`` refuses it, and nothing is filed."""
    proposals = control(demo_path, "Carmen Ruiz").proposals
    version = proposals.history.revisions("SOP-003")[-1].version  # older than main's
    first = proposals.restore("SOP-003", version)
    before = git_out(demo_path, "for-each-ref", "refs/heads/review/")
    with pytest.raises(RevisionError, match=f"already proposed as proposal {first.number}"):
        proposals.restore("SOP-003", version)
    assert git_out(demo_path, "for-each-ref", "refs/heads/review/") == before


class _Meanwhile(Approvals):
    """Approvals whose reading of the rules lets someone else act first: a race played
    with real git, no mocks (the other person's action is real too)."""

    def __init__(self, ws: Workspace, other: object) -> None:
        super().__init__(ws)
        self.other = other
        self.once = True

    def rules_for(self, prop: Proposal):  # type: ignore[no-untyped-def]
        if self.once:
            self.once = False
            self.other()  # type: ignore[operator]
        return super().rules_for(prop)


def test_an_approval_that_lost_the_race_names_who_won(demo_path: Path) -> None:
    """Trust §9 (lost race): Hana approves proposal 6 while Bilal lands it a moment
    before; Hana reads who won, and main holds one landing, the proposal closed once."""
    start = git_out(demo_path, "rev-parse", "main")
    bilal = control(demo_path, "Bilal Okafor").approvals
    hana = _Meanwhile(acting(demo_path, "Hana Sato"), lambda: bilal.approve("6"))
    with pytest.raises(LostRace, match="proposal 6 was approved by Bilal Okafor a moment ago"):
        hana.approve("6")
    assert len(git_out(demo_path, "rev-list", "--first-parent", f"{start}..main").split()) == 1
    assert git_out(demo_path, "for-each-ref", "refs/heads/review/WI-004/") == ""
    assert git_out(demo_path, "for-each-ref", "--format=%(refname)", "refs/heads/approved/WI-004/")


def test_a_rejection_that_lost_the_race_names_who_approved(demo_path: Path) -> None:
    """Trust §9 (lost race): Hana rejects proposal 6 while Bilal approves it; the
    rejection says so and leaves no rejected ref beside the approved one."""

    class Meanwhile(Proposals):
        def stamp(self) -> str:
            control(demo_path, "Bilal Okafor").approvals.approve("6")
            return super().stamp()

    hana = Meanwhile(acting(demo_path, "Hana Sato"))
    with pytest.raises(LostRace, match="proposal 6 was approved by Bilal Okafor a moment ago"):
        hana.reject("6", "not needed")
    assert git_out(demo_path, "for-each-ref", "refs/heads/rejected/WI-004/") == ""
    assert hana.get("6").state is ProposalState.APPROVED


def test_a_vote_that_lost_the_race_names_the_other_vote(demo_path: Path, tmp_path: Path) -> None:
    """Trust §9 (lost race): with two approvals needed, Hana's vote and Bilal's are cast
    at once; the one that comes second names the first and records nothing."""
    two_approvals(demo_path, tmp_path)
    bilal = control(demo_path, "Bilal Okafor").approvals
    hana = _Meanwhile(acting(demo_path, "Hana Sato"), lambda: bilal.approve("6"))
    with pytest.raises(LostRace, match=r"approved by Bilal Okafor a moment ago \(a vote\)"):
        hana.approve("6")
    prop = bilal.proposals.get("6")
    assert [who.name for who in prop.approvals] == ["Bilal Okafor"]


def test_acting_on_a_closed_proposal_says_who_closed_it(demo_path: Path) -> None:
    """Trust §9 (lost race, told later): approving or rejecting a proposal that was
    approved meanwhile says by whom, not "no open proposal"."""
    control(demo_path, "Bilal Okafor").approvals.approve("6")
    hana = control(demo_path, "Hana Sato")
    with pytest.raises(RevisionError, match="proposal 6 is no longer open: it was approved by"):
        hana.approvals.approve("6")
    with pytest.raises(RevisionError, match="approved by Bilal Okafor"):
        hana.proposals.reject("6", "too late")
