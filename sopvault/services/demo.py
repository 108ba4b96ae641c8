"""``sopvault demo DIR``: the sample vault as its own repository with a year of history.

The history is made with the same propose/approve/reject code people use, played by
the sample company's staff on past dates, so history, diff, reviews and verify all have
something real to show: several approved revisions by different people, one open
proposal and one rejected.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sopvault.core.trailers import APPROVED_AT, REVIEWED_BY, document_trailers, message
from sopvault.errors import SopvaultError
from sopvault.model.control import Identity
from sopvault.services.clock import stopped_at
from sopvault.services.review.control import DocumentControl
from sopvault.services.review.proposals import Proposals
from sopvault.services.scaffold import ATTRIBUTES_LINE, IGNORE_LINE
from sopvault.services.shipped import sample_source
from sopvault.services.vault import Vault
from sopvault.services.workspace import Workspace
from sopvault.store.git import index
from sopvault.store.git.discovery import init_repository
from sopvault.store.git.repo import Repo

PEOPLE = {
    "alice": ("Alice Moreno", "alice.moreno@harrowfinch.example"),
    "bilal": ("Bilal Okafor", "bilal.okafor@harrowfinch.example"),
    "carmen": ("Carmen Ruiz", "carmen.ruiz@harrowfinch.example"),
    "dmitri": ("Dmitri Volkov", "dmitri.volkov@harrowfinch.example"),
    "erin": ("Erin Walsh", "erin.walsh@harrowfinch.example"),
    "farah": ("Farah Haddad", "farah.haddad@harrowfinch.example"),
    "hana": ("Hana Sato", "hana.sato@harrowfinch.example"),
}


@dataclass(frozen=True)
class Edit:
    """One revision in the demo's story: who changes what, and who answers."""

    when: str
    author: str
    doc_id: str
    old: str
    new: str
    summary: str
    reviewer: str | None  # None: left open
    major: bool = False
    reject_reason: str = ""


STORY = (
    Edit(
        "2026-03-12T10:15:00",
        "carmen",
        "SOP-003",
        "Export the stock report from the inventory system",
        "Export the stock report, including items on back order, from the inventory system",
        "Include back-ordered items in the stock report",
        "alice",
    ),
    Edit(
        "2026-04-02T14:40:00",
        "dmitri",
        "SOP-009",
        "\n+++\n",
        "\n+++\n\nRevised after the March flotation audit: froth level is now logged each hour.\n",
        "Log the froth level every hour",
        "bilal",
    ),
    Edit(
        "2026-05-20T09:05:00",
        "erin",
        "POL-003",
        "\n+++\n",
        "\n+++\n\nFrom 1 June 2026 customers have 30 days, not 14, to return unopened goods.\n",
        "Extend the returns window to 30 days",
        "hana",
        major=True,
    ),
    Edit(
        "2026-07-08T11:30:00",
        "farah",
        "SOP-008",
        "\n+++\n",
        "\n+++\n\nSkip the second reminder for customers who usually pay late.\n",
        "Skip the second reminder for habitual late payers",
        "bilal",
        reject_reason=(
            "Treating late payers differently breaks the credit policy (POL-006);"
            " raise it at the credit review first."
        ),
    ),
    Edit(
        "2026-09-15T16:20:00",
        "carmen",
        "SOP-003",
        "Recalculate the reorder point of each item whose lead time or usage changed",
        "Recalculate the reorder point of each item whose lead time, usage or supplier changed",
        "Recalculate reorder points after a supplier change too",
        "hana",
    ),
    Edit(
        "2026-11-18T08:45:00",
        "alice",
        "WI-004",
        "\n+++\n",
        "\n+++\n\nCount the fast movers weekly and everything else monthly.\n",
        "Weekly counts for fast-moving items",
        None,
    ),
)


@dataclass(frozen=True)
class DemoReport:
    """The demo made: its folder, how many commits main has, proposals left open."""

    root: Path
    commits: int
    open_proposals: int


def make_demo(target: Path) -> DemoReport:
    """Copy the sample vault to ``target`` (a new or empty folder) and replay the story."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise SopvaultError(f"{target} is not an empty folder: give a new folder for the demo")
    source = sample_source()
    try:
        # runs/: records made by trying the sample in a checkout are not part of the story
        skip = shutil.ignore_patterns(".*", "runs")
        shutil.copytree(source, target, dirs_exist_ok=True, ignore=skip)
        (target / ".gitignore").write_text(f"{IGNORE_LINE}\n", encoding="utf-8")
    except OSError as err:
        raise SopvaultError(f"cannot create the demo in {target}: {err.strerror or err}") from None
    init_repository(target, branch="main")
    Repo(target).set_identity(Identity(*PEOPLE["hana"]))
    _import(target)
    for edit in STORY:
        _play(target, edit)
    _merge_run_logs_by_line(target)
    repo = Repo(target)
    commits = repo.count_commits("main")
    proposals = Proposals(Workspace.of(Vault.open(target), repo))
    return DemoReport(target.resolve(), commits, len(proposals.listing()))


def _acting(root: Path, who: str, when: str) -> Repo:
    name, email = PEOPLE[who]
    stamp = f"{when}+00:00"
    return Repo(
        root,
        env={
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
        },
    )


def _import(root: Path) -> None:
    """The adoption: Bilal brings the existing documents under control, Hana signs off."""
    when = "2026-01-05T09:00:00"
    vault = Vault.open(root)
    repo = _acting(root, "bilal", when)
    tree = index.stage_all(repo)
    documents = sorted(vault.state.documents.values(), key=lambda d: d.id)
    trailers = document_trailers({doc.id: doc.version or "1.0" for doc in documents})
    trailers += [(REVIEWED_BY, "{} <{}>".format(*PEOPLE["hana"])), (APPROVED_AT, f"{when}Z")]
    text = message(
        "Bring the existing procedures under document control",
        "Imported as approved at the management review of 5 January 2026.",
        trailers,
    )
    commit = repo.commit_tree(tree, [], text)
    repo.update_ref("refs/heads/main", commit)


def _merge_run_logs_by_line(root: Path) -> None:
    """Bilal adds the ``.gitattributes`` line ``sopvault init`` writes (git's union merge
    for run logs), as its own commit after the story, so the story's commits keep their
    ids (the screenshots show them)."""
    when = "2026-11-20T09:00:00"
    repo = _acting(root, "bilal", when)
    data = f"{ATTRIBUTES_LINE}\n".encode()
    (root / ".gitattributes").write_bytes(data)
    head = repo.rev("HEAD")
    tree = repo.tree_with(head, {".gitattributes": data})
    text = (
        "Let git merge run logs line by line\n\n"
        "Two clones recording on one run then join with a plain git pull too.\n"
    )
    commit = repo.commit_tree(tree, [head] if head else [], text)
    repo.update_ref("refs/heads/main", commit, head)
    index.stage_blob(repo, ".gitattributes", repo.hash_blob(".gitattributes", data))


def _play(root: Path, edit: Edit) -> None:
    # Each person acts through their own git identity, at the story's time.
    clock = stopped_at(datetime.fromisoformat(edit.when).replace(tzinfo=UTC))
    author = Proposals(
        Workspace.of(Vault.open(root, clock=clock), _acting(root, edit.author, edit.when))
    )
    path = root / author.ws.vault.get(edit.doc_id).path
    text = path.read_text(encoding="utf-8")
    if edit.old not in text:
        raise SopvaultError(f"demo story is out of date with the sample vault: {edit.doc_id}")
    path.write_text(text.replace(edit.old, edit.new, 1), encoding="utf-8")
    prop = author.propose([edit.doc_id], edit.summary, major=edit.major)
    if edit.reviewer is None:
        return
    reviewer = DocumentControl(
        Workspace.of(Vault.open(root, clock=clock), _acting(root, edit.reviewer, edit.when))
    )
    if edit.reject_reason:
        reviewer.proposals.reject(str(prop.number), edit.reject_reason)
        path.write_bytes(reviewer.history.main_text(edit.doc_id).text.encode("utf-8"))
    else:
        reviewer.approvals.approve(str(prop.number))
