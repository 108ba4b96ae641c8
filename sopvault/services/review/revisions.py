"""Document control in git: propose, review, approve, reject, verify, history, diff.

A proposal is a commit on ``refs/heads/review/<ID>/<N>`` whose parent is main; approving
puts the change on main with the sign-off in trailers; rejecting moves the ref under
``rejected/`` with the reason in a commit. Nothing here touches the user's index or files,
except that after an approval lands on a checked-out main, the files it changed are
brought along when they hold no edits of the user's own.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath

from sopvault.core import frontmatter
from sopvault.core.approval import Identity, Refusal, Rules, judge
from sopvault.core.config import CONFIG_FILE, parse_config
from sopvault.core.parse import looks_like_document, parse_text, with_changes
from sopvault.core.trailers import (
    APPROVED_AT,
    APPROVES,
    PROPOSAL,
    PROPOSED_BY,
    REJECTED_AT,
    REJECTED_BY,
    REVIEWED_BY,
    RUN_ID,
    SOP_ID,
    document_trailers,
    has_trailer,
    identities_of,
    message,
    pairs_of,
    versions_of,
)
from sopvault.core.versioning import bump_version, next_review
from sopvault.errors import InvalidId, SopvaultError
from sopvault.model.config import VaultConfig
from sopvault.model.document import Document, Status, is_valid_id
from sopvault.model.finding import Severity
from sopvault.services.vault import Vault, write_atomic
from sopvault.store.fs import is_document_path
from sopvault.store.git.repo import ZERO, Commit, Repo

OPEN, APPROVED, REJECTED = "open", "approved", "rejected"
_NAMESPACES = {
    OPEN: "refs/heads/review/",
    APPROVED: "refs/heads/approved/",
    REJECTED: "refs/heads/rejected/",
}
PROPOSAL_REF = re.compile(r"^refs/heads/(review|approved|rejected)/(?P<id>[^/]+)/(?P<n>\d+)$")
_STATE_OF = {"review": OPEN, "approved": APPROVED, "rejected": REJECTED}


class RevisionError(SopvaultError):
    """A refused revision action; the message says why and what to do."""


@dataclass(frozen=True)
class Proposal:
    """A proposed change of one or more documents, and where it stands."""

    number: int
    ref: str
    state: str
    tip: str
    commit: str
    base: str
    author: Identity
    date: str
    summary: str
    body: str
    documents: dict[str, str]
    approvals: tuple[Identity, ...] = ()
    rejected_by: Identity | None = None
    reason: str = ""

    @property
    def first_id(self) -> str:
        """The document the proposal's ref is filed under."""
        match = PROPOSAL_REF.match(self.ref)
        return match["id"] if match else ""

    def closed_ref(self, state: str) -> str:
        """Where the proposal is kept once approved or rejected."""
        return f"{_NAMESPACES[state]}{self.first_id}/{self.number}"


@dataclass(frozen=True)
class ApproveResult:
    proposal: Proposal
    landed: bool
    approvals: int
    needed: int
    commit: str
    kept_local: tuple[str, ...] = ()


@dataclass(frozen=True)
class Revision:
    """One approved revision of a document on main."""

    id: str
    version: str
    commit: str
    date: str
    author: Identity
    approvers: tuple[Identity, ...]
    summary: str
    path: str
    proposal: str = ""


@dataclass(frozen=True)
class Violation:
    commit: str
    date: str
    author: Identity
    paths: tuple[str, ...]
    reason: Refusal
    detail: str


@dataclass
class VerifyReport:
    commits: int = 0
    checked: int = 0
    violations: list[Violation] = field(default_factory=list)
    unverifiable_signatures: int = 0


@dataclass(frozen=True)
class LocalEdit:
    """A document whose working copy differs from main: what may be proposed."""

    id: str
    title: str
    path: str
    version: str | None  # on main; None for a document main does not hold yet
    proposed_as: int | None = None  # the open proposal that holds exactly this text

    def next_version(self, major: bool) -> str:
        return bump_version(self.version, major)


@dataclass(frozen=True)
class TextAt:
    """A document's text at one point, with a label for diffs."""

    label: str
    text: str
    path: str


class Revisions:
    """Revision work on one vault; needs the vault to be inside a git repository."""

    def __init__(self, vault: Vault, repo: Repo | None = None) -> None:
        self.vault = vault
        found = repo or Repo.at(vault.root)
        if found is None:
            raise RevisionError(
                "this vault is not in a git repository: proposals, reviews and history need"
                " git (run `git init` and commit the vault)"
            )
        self.repo = found
        rel = PurePosixPath(vault.root.resolve().relative_to(found.root.resolve()).as_posix())
        self.prefix = "" if str(rel) == "." else f"{rel}/"
        self.main = found.main_branch(vault.config.main_branch)
        self.main_ref = f"refs/heads/{self.main}"
        # The time of approvals and rejections; the demo sets it to replay a past year.
        self.clock: datetime | None = None

    # ---- helpers -----------------------------------------------------------------------

    def _today(self) -> date:
        if self.clock is not None:
            return self.clock.date()
        return self.vault.today

    def _main_tip(self) -> str:
        tip = self.repo.rev(self.main_ref)
        if tip is None:
            raise RevisionError(
                f"the main branch '{self.main}' has no commits yet: commit the vault first"
                " (git add -A && git commit -m 'First import')"
            )
        return tip

    def _repo_path(self, rel: str) -> str:
        return self.prefix + rel

    def _vault_path(self, repo_path: str) -> str | None:
        if not repo_path.startswith(self.prefix):
            return None
        return repo_path[len(self.prefix) :]

    def _is_document_path(self, repo_path: str) -> bool:
        rel = self._vault_path(repo_path)
        return rel is not None and is_document_path(rel)

    def _is_controlled(self, repo_path: str) -> bool:
        """Documents and the vault's rules: what a change to needs a sign-off."""
        return self._vault_path(repo_path) == CONFIG_FILE or self._is_document_path(repo_path)

    def _sign(self) -> bool:
        return self.repo.config_bool("commit.gpgsign")

    def _now(self) -> str:
        return (self.clock or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def me(self) -> Identity:
        """Who git says is running this: the name an approval would carry."""
        return self.repo.identity()

    # ---- proposing ---------------------------------------------------------------------

    def local_edits(self) -> list[LocalEdit]:
        """Documents whose working copy differs from main (edited, new or moved), by id."""
        tip = self._main_tip()
        scope = self.prefix or "."
        changed = set(
            self.repo.paths("diff", "--name-only", "--no-renames", "-z", tip, "--", scope)
        )
        changed |= set(
            self.repo.paths("ls-files", "--others", "--exclude-standard", "-z", "--", scope)
        )
        docs = [
            doc
            for doc in self.vault.state.documents.values()
            if self._repo_path(doc.path) in changed
        ]
        docs.sort(key=lambda d: d.id)
        on_main = self.repo.blobs([f"{tip}:{self._repo_path(d.path)}" for d in docs])
        waiting = self.proposals() if docs else []
        edits = []
        for doc, old in zip(docs, on_main, strict=True):
            edits.append(
                LocalEdit(
                    doc.id,
                    doc.title,
                    doc.path,
                    _front_value(old, "version"),
                    self._proposed_as(doc.id, doc.path, waiting),
                )
            )
        return edits

    def _proposed_as(self, doc_id: str, path: str, waiting: list[Proposal]) -> int | None:
        """The open proposal whose text of the document is the working copy's."""
        candidates = [p for p in waiting if doc_id in p.documents]
        if not candidates:
            return None
        disk = (self.vault.root / path).read_bytes()
        repo_path = self._repo_path(path)
        for prop in candidates:
            if self.repo.blob(prop.commit, repo_path) == disk:
                return prop.number
        return None

    def propose(
        self, ids: list[str], summary: str, *, major: bool = False, body: str = ""
    ) -> Proposal:
        """Record the working copies of ``ids`` as one proposal against main.

        Only the proposed files change on disk (their ``version`` and ``status``); the
        index and every other file are left exactly as they were.
        """
        self.vault.must_be_writable("propose")
        if not ids:
            raise RevisionError("name at least one document to propose")
        if not summary.strip():
            raise RevisionError('say why in a summary: sopvault propose ID -m "why"')
        tip = self._main_tip()
        files: dict[str, bytes | None] = {}
        versions: dict[str, str] = {}
        writes: list[tuple[Path, bytes]] = []
        state = self.vault.state
        waiting = self.proposals()
        for doc_id in dict.fromkeys(ids):
            doc = self.vault.get(doc_id)
            errors = [
                f for f in state.findings if f.path == doc.path and f.severity is Severity.ERROR
            ]
            if errors:
                first = errors[0]
                raise RevisionError(
                    f"{doc_id} has {len(errors)} error(s); fix them first:"
                    f" {first.path}:{first.line}: {first.message}"
                )
            repo_path = self._repo_path(doc.path)
            disk = (self.vault.root / doc.path).read_bytes()
            old = self.repo.blob(tip, repo_path)
            if old is None:
                moved_from = self._moved_from(tip, doc_id)
                if moved_from is not None:
                    files[moved_from] = None
                    old = self.repo.blob(tip, moved_from)
            elif old == disk:
                raise RevisionError(
                    f"{doc_id} has no changes against {self.main} to propose"
                    f" (edit {doc.path} first)"
                )
            already = self._proposed_as(doc_id, doc.path, waiting)
            if already is not None:
                raise RevisionError(
                    f"{doc_id} is already proposed as proposal {already} with this"
                    " text; edit it further to propose again"
                )
            version = bump_version(_front_value(old, "version"), major)
            text = with_changes(
                disk.decode("utf-8"), {"version": version, "status": Status.IN_REVIEW.value}
            )
            data = text.encode("utf-8")
            files[repo_path] = data
            versions[doc_id] = version
            if data != disk:
                writes.append((self.vault.root / doc.path, data))
        proposal = self._record(tip, files, versions, summary, body, ids[0])
        for path, data in writes:
            write_atomic(path, data)
        self.vault.reload()
        return proposal

    def restore(self, doc_id: str, to: str, summary: str = "", *, major: bool = False) -> Proposal:
        """Propose bringing back the text of an old revision, as a new version."""
        old = self.text_at(doc_id, to)
        tip = self._main_tip()
        current = self._current_path(doc_id, tip)
        if current is None:
            raise RevisionError(f"{doc_id} is not on {self.main}; nothing to restore onto")
        now_version = _front_value(self.repo.blob(tip, current), "version")
        version = bump_version(now_version, major)
        text = with_changes(old.text, {"version": version, "status": Status.IN_REVIEW.value})
        summary = summary or f"Restore {doc_id} to {old.label}"
        return self._record(
            tip, {current: text.encode("utf-8")}, {doc_id: version}, summary, "", doc_id
        )

    def _record(
        self,
        tip: str,
        files: dict[str, bytes | None],
        versions: dict[str, str],
        summary: str,
        body: str,
        first_id: str,
    ) -> Proposal:
        me = self.repo.identity()
        tree = self.repo.tree_with(tip, files)
        if tree == self.repo.tree_of(tip):
            raise RevisionError(f"nothing differs from {self.main}: no proposal made")
        number = self._next_number()
        trailers = document_trailers(versions)
        trailers += [(PROPOSAL, str(number)), (PROPOSED_BY, str(me))]
        commit = self.repo.commit_tree(tree, [tip], message(summary, body, trailers))
        ref = f"{_NAMESPACES[OPEN]}{first_id}/{number}"
        self.repo.update_ref(ref, commit, ZERO, f"sopvault propose {number}")
        return self.proposal(str(number))

    def _next_number(self) -> int:
        """One more than any proposal number here or on any remote last fetched, so a
        fresh clone does not hand out a number the server already uses."""
        numbers = [0]
        prefixes = [*_NAMESPACES.values(), "refs/remotes/"]
        for ref, _ in self.repo.refs(*prefixes):
            if ref.startswith("refs/remotes/"):
                ref = "refs/heads/" + ref.split("/", 3)[3] if ref.count("/") >= 3 else ref
            match = PROPOSAL_REF.match(ref)
            if match:
                numbers.append(int(match["n"]))
        return max(numbers) + 1

    def renumber(self, prop: Proposal) -> Proposal:
        """Give an open proposal the next free number (its number was taken on the server
        by another proposal while this clone was offline). Only a proposal nobody voted
        on yet can be renumbered: votes name the number."""
        if prop.tip != prop.commit:
            raise RevisionError(
                f"proposal {prop.number} has approvals recorded under its number and the"
                " server holds another proposal with that number: ask your git admin"
            )
        number = self._next_number()
        text = self.repo.message_of(prop.commit)
        text = re.sub(
            rf"^{PROPOSAL}: {prop.number}$", f"{PROPOSAL}: {number}", text, flags=re.MULTILINE
        )
        parents = [prop.base] if prop.base != ZERO else []
        commit = self.repo.commit_tree(
            self.repo.tree_of(prop.commit),
            parents,
            text,
            author=prop.author,
            author_date=prop.date,
            sign=self._sign(),
        )
        ref = f"{_NAMESPACES[OPEN]}{prop.first_id}/{number}"
        self.repo.update_ref(ref, commit, ZERO, f"sopvault renumber {prop.number}")
        self.repo.delete_ref(prop.ref, prop.tip)
        return self._load(ref, commit, self.repo.rev(self.main_ref))

    def _moved_from(self, tip: str, doc_id: str) -> str | None:
        """The path main has the document at, when the working copy moved it."""
        pathspec = self.prefix or "."
        gone = self.repo.paths(
            "diff", "--name-only", "--no-renames", "--diff-filter=D", "-z", tip, "--", pathspec
        )
        candidates = [p for p in gone if self._is_document_path(p)]
        blobs = self.repo.blobs([f"{tip}:{p}" for p in candidates])
        for path, data in zip(candidates, blobs, strict=True):
            if _front_value(data, "id") == doc_id:
                return path
        return None

    # ---- reading proposals -------------------------------------------------------------

    def proposals(self, state: str = OPEN) -> list[Proposal]:
        """Proposals in one state, oldest first."""
        main_tip = self.repo.rev(self.main_ref)
        found = [
            self._load(ref, tip, main_tip)
            for ref, tip in self.repo.refs(_NAMESPACES[state])
            if PROPOSAL_REF.match(ref)
        ]
        return sorted(found, key=lambda p: p.number)

    def proposal(self, label: str, state: str | None = None) -> Proposal:
        """A proposal by number (``7``) or document and number (``SOP-003/7``)."""
        doc_id, _, number = label.rpartition("/")
        if not number.isdigit():
            raise RevisionError(f"{label!r} is not a proposal number (see `sopvault reviews`)")
        states = [state] if state else [OPEN, APPROVED, REJECTED]
        matches = []  # (ref, tip, document id)
        for ref, tip in self.repo.refs(*(_NAMESPACES[s] for s in states)):
            match = PROPOSAL_REF.match(ref)
            if match and match["n"] == str(int(number)) and (not doc_id or match["id"] == doc_id):
                matches.append((ref, tip, match["id"]))
        if not matches:
            which = "open proposal" if state == OPEN else "proposal"
            raise RevisionError(f"no {which} {label} (see `sopvault reviews`)")
        if len(matches) > 1:
            names = ", ".join(f"{found_id}/{number}" for _, _, found_id in matches)
            raise RevisionError(f"proposal {label} is ambiguous: name one of {names}")
        ref, tip, _ = matches[0]
        return self._load(ref, tip, self.repo.rev(self.main_ref))

    def _load(self, ref: str, tip: str, main_tip: str | None) -> Proposal:
        """Read a proposal: its own commit, and the approvals or rejection above it (the
        commits on ``ref`` that main does not hold)."""
        match = PROPOSAL_REF.match(ref)
        assert match is not None
        span = f"{main_tip}..{tip}" if main_tip else tip
        commits = self.repo.log("--first-parent", span)
        votes: list[Identity] = []
        rejected_by: Identity | None = None
        reason = ""
        origin: Commit | None = None
        for commit in commits:
            if has_trailer(commit.trailers, APPROVES):
                votes += identities_of(commit.trailers, REVIEWED_BY)
            elif has_trailer(commit.trailers, REJECTED_BY):
                rejected_by = next(iter(identities_of(commit.trailers, REJECTED_BY)), None)
                reason = _body_text(commit.body)
            elif has_trailer(commit.trailers, PROPOSAL):
                origin = commit
                break
        if origin is None:
            raise RevisionError(f"{ref} does not hold a sopvault proposal")
        return Proposal(
            number=int(match["n"]),
            ref=ref,
            state=_STATE_OF[ref.split("/")[2]],
            tip=tip,
            commit=origin.sha,
            base=origin.parents[0] if origin.parents else ZERO,
            author=origin.author,
            date=origin.author_date,
            summary=origin.subject,
            body=_body_text(origin.body),
            documents=versions_of(origin.trailers),
            approvals=tuple(reversed(votes)),
            rejected_by=rejected_by,
            reason=reason,
        )

    def proposal_diff(self, prop: Proposal) -> str:
        """The change a proposal makes, against the main it was made from."""
        return self.repo.run("diff", "--no-color", prop.base, prop.commit).decode(
            "utf-8", "replace"
        )

    def rules_for(self, prop: Proposal) -> Rules:
        """The rules in force on main now, narrowed by the documents' own reviewers."""
        tip = self._main_tip()
        config = self._config_at(tip) or self.vault.config
        paths = self._changed_paths(prop.base, prop.commit)
        reviewers = []
        for path, now, proposed in zip(
            paths,
            self.repo.blobs([f"{tip}:{p}" for p in paths]),
            self.repo.blobs([f"{prop.commit}:{p}" for p in paths]),
            strict=True,
        ):
            if not self._is_document_path(path):
                continue
            reviewers.append(_front_list(now if now is not None else proposed, "reviewers"))
        return Rules.for_change(config.review, config.people.values(), reviewers)

    def _changed_paths(self, old: str, new: str) -> list[str]:
        """Documents and rules that differ between two commits."""
        changed = self.repo.paths("diff", "--name-only", "--no-renames", "-z", old, new)
        return [p for p in changed if self._is_controlled(p)]

    def _config_at(self, rev: str) -> VaultConfig | None:
        data = self.repo.blob(rev, self._repo_path(CONFIG_FILE))
        if data is None:
            return None
        try:
            return parse_config(data.decode("utf-8"))
        except (SopvaultError, UnicodeDecodeError):
            return None

    # ---- approving and rejecting -------------------------------------------------------

    def check_approver(
        self, prop: Proposal, me: Identity | None = None, rules: Rules | None = None
    ) -> str | None:
        """Why ``me`` may not approve ``prop`` now, or None when they may (shown before the
        button is pressed in the TUI, and enforced by ``approve``)."""
        me = me or self.repo.identity()
        if me.same_as(prop.author):
            return (
                f"you ({me.email}) proposed this change, and nobody approves their own change:"
                " ask another reviewer"
            )
        rules = rules or self.rules_for(prop)
        if not rules.may_approve(me):
            known = "" if rules.person(me) else f" (your git e-mail {me.email} is not in [people])"
            names = ", ".join(prop.documents)
            return f"you may not approve {names}: allowed are {rules.who_may()}{known}"
        if any(me.same_as(v) for v in prop.approvals):
            return f"you have already approved proposal {prop.number}; it needs another reviewer"
        return None

    def tidy(self) -> list[str]:
        """Delete review refs left beside the approved or rejected ref of the same
        proposal (a process killed between the two ref updates); returns them."""
        refs = dict(self.repo.refs(*_NAMESPACES.values()))
        removed = []
        for ref, tip in refs.items():
            match = PROPOSAL_REF.match(ref)
            if not match or match[1] != "review":
                continue
            for state in (APPROVED, REJECTED):
                closed = f"{_NAMESPACES[state]}{match['id']}/{match['n']}"
                if closed in refs and self.repo.is_ancestor(tip, refs[closed]):
                    self.repo.delete_ref(ref, tip)
                    removed.append(ref)
                    break
        return removed

    def approve(self, label: str, comment: str = "") -> ApproveResult:
        self.vault.must_be_writable("approve")
        self.tidy()
        prop = self.proposal(label, OPEN)
        finished = self.finish_landed(prop)
        if finished is not None:
            return finished
        me = self.repo.identity()
        rules = self.rules_for(prop)
        refusal = self.check_approver(prop, me, rules)
        if refusal:
            raise RevisionError(refusal)
        approvals = (*prop.approvals, me)
        when = self._now()
        sign = self._sign()
        if len(approvals) < rules.approvals:
            text = message(
                f"Approve proposal {prop.number}",
                comment,
                [(APPROVES, str(prop.number)), (REVIEWED_BY, str(me)), (APPROVED_AT, when)],
            )
            vote = self.repo.commit_tree(self.repo.tree_of(prop.tip), [prop.tip], text, sign=sign)
            self.repo.update_ref(prop.ref, vote, prop.tip, f"sopvault approve {prop.number}")
            return ApproveResult(prop, False, len(approvals), rules.approvals, vote)
        return self._land(prop, approvals, rules.approvals, comment, when, sign)

    def finish_landed(self, prop: Proposal) -> ApproveResult | None:
        """An approval interrupted after main moved (the process was killed) left the
        proposal open although its change is on main: close it now instead of landing the
        change a second time."""
        tip = self.repo.rev(self.main_ref)
        if tip is None or tip == prop.base:
            return None
        found = self.repo.log(
            "--first-parent",
            f"--grep=^{PROPOSAL}: {prop.number}$",
            f"{prop.base}..{tip}",
        )
        landed = [
            c
            for c in found
            if versions_of(c.trailers).keys() == prop.documents.keys()
            and has_trailer(c.trailers, REVIEWED_BY)
        ]
        if not landed:
            return None
        commit = landed[0]
        kept: tuple[str, ...] = ()
        if self.repo.head_branch() == self.main_ref and commit.parents:
            # the files may not have followed main before the process died
            self.repo.check_index_unlocked()
            kept = self.follow_main(commit.parents[0], commit.sha, [prop.commit])
        if self.repo.rev(prop.closed_ref(APPROVED)) is None:
            self.repo.update_ref(prop.closed_ref(APPROVED), prop.tip, ZERO)
        self.repo.delete_ref(prop.ref, prop.tip)
        self.vault.reload()
        approvals = identities_of(commit.trailers, REVIEWED_BY)
        return ApproveResult(prop, True, len(approvals), len(approvals), commit.sha, kept)

    def land_if_ready(self, prop: Proposal) -> ApproveResult | None:
        """Land a proposal whose votes, recorded on several clones, met on the server and
        now reach the approvals needed (``sopvault sync``); None when it needs more."""
        rules = self.rules_for(prop)
        if len(prop.approvals) < rules.approvals:
            return None
        return self._land(prop, prop.approvals, rules.approvals, "", self._now(), self._sign())

    def _land(
        self,
        prop: Proposal,
        approvals: tuple[Identity, ...],
        needed: int,
        comment: str,
        when: str,
        sign: bool,
    ) -> ApproveResult:
        """Put the approved change on main: one commit, sign-off in its trailers."""
        if self.repo.head_branch() == self.main_ref:
            self.repo.check_index_unlocked()
        main_tip = self._main_tip()
        tree = self._rebased_tree(prop, main_tip)
        tree = self._mark_effective(prop, tree)
        trailers = document_trailers(prop.documents)
        trailers += [(PROPOSAL, str(prop.number)), (PROPOSED_BY, str(prop.author))]
        trailers += [(REVIEWED_BY, str(who)) for who in approvals]
        trailers.append((APPROVED_AT, when))
        body = "\n\n".join(part for part in (prop.body, comment.strip()) if part)
        text = message(prop.summary, body, trailers)
        landed = self.repo.commit_tree(
            tree, [main_tip], text, author=prop.author, author_date=prop.date, sign=sign
        )
        self.repo.update_ref(self.main_ref, landed, main_tip, f"sopvault approve {prop.number}")
        kept: tuple[str, ...] = ()
        if self.repo.head_branch() == self.main_ref:
            kept = self.follow_main(main_tip, landed, [prop.commit])
        self.repo.update_ref(prop.closed_ref(APPROVED), prop.tip, ZERO)
        self.repo.delete_ref(prop.ref, prop.tip)
        self.vault.reload()
        return ApproveResult(prop, True, len(approvals), needed, landed, kept)

    def _rebased_tree(self, prop: Proposal, main_tip: str) -> str:
        if prop.base == main_tip:
            return self.repo.tree_of(prop.commit)
        patch = self.repo.run("diff", "--binary", "--full-index", prop.base, prop.commit)
        tree = self.repo.apply_to(main_tip, patch)
        if tree is None:
            moved = ", ".join(
                sorted(
                    set(self._changed_paths(prop.base, main_tip))
                    & set(self._changed_paths(prop.base, prop.commit))
                )
            )
            raise RevisionError(
                f"{self.main} has changed since proposal {prop.number} was made and the change"
                f" no longer applies ({moved or 'conflicting edits'}): the author should bring"
                " the document up to date and propose again, or reject this one"
            )
        return tree

    def _mark_effective(self, prop: Proposal, tree: str) -> str:
        today = self._today()
        paths = [
            p for p in self._changed_paths(prop.base, prop.commit) if self._is_document_path(p)
        ]
        edits: dict[str, bytes | None] = {}
        for path, data in zip(paths, self.repo.blobs([f"{tree}:{p}" for p in paths]), strict=True):
            if data is None:
                continue  # removed or moved away
            text = data.decode("utf-8")
            every = _front_value(data, "review_every")
            changes = {
                "status": Status.EFFECTIVE.value,
                "effective": today,
                "next_review": next_review(today, every),
            }
            edits[path] = with_changes(text, changes).encode("utf-8")
        return self.repo.tree_with(tree, edits) if edits else tree

    def follow_main(self, old: str, new: str, known: list[str]) -> tuple[str, ...]:
        """After main moved under a checked-out work tree, bring along the files that
        changed, unless the user has edits of their own in them: a file is the user's own
        unless it holds main's old or new text, or its text in one of the ``known``
        commits (the proposals that led here). Returns the files kept as they were."""
        kept: list[str] = []
        paths = self.repo.paths("diff", "--name-only", "--no-renames", "-z", old, new)
        olds = self.repo.blobs([f"{old}:{p}" for p in paths])
        news = self.repo.blobs([f"{new}:{p}" for p in paths])
        texts = self.repo.blobs([f"{c}:{p}" for p in paths for c in known])
        proposed = [
            {t for t in texts[i * len(known) : (i + 1) * len(known)] if t is not None}
            for i in range(len(paths))
        ]
        index_lines = []
        staged = self._index_blobs(paths)
        old_ids = self.repo.blob_ids(old, paths)
        new_ids = self.repo.blob_ids(new, paths)
        for path, before, after, mine in zip(paths, olds, news, proposed, strict=True):
            if staged.get(path) == old_ids.get(path):
                after_id = new_ids.get(path)
                index_lines.append(
                    f"0 {ZERO}\t{path}\n" if after_id is None else f"100644 {after_id}\t{path}\n"
                )
            disk_path = self.repo.root / path
            disk = disk_path.read_bytes() if disk_path.is_file() else None
            if disk == before or disk == after or disk in mine:
                if after is None:
                    disk_path.unlink(missing_ok=True)
                else:
                    disk_path.parent.mkdir(parents=True, exist_ok=True)
                    write_atomic(disk_path, after)
            else:
                kept.append(path)
        if index_lines:
            self.repo.run("update-index", "--index-info", stdin="".join(index_lines).encode())
            self.repo.call("update-index", "-q", "--refresh")
        return tuple(kept)

    def _index_blobs(self, paths: list[str]) -> dict[str, str]:
        """The blob id the user's index holds for each of ``paths`` it has."""
        staged: dict[str, str] = {}
        for entry in self.repo.paths("ls-files", "-s", "-z", "--", *paths) if paths else []:
            meta, path = entry.split("\t", 1)
            staged[path] = meta.split()[1]
        return staged

    def reject(self, label: str, reason: str) -> Proposal:
        self.vault.must_be_writable("reject")
        if not reason.strip():
            raise RevisionError('give a reason: sopvault reject N -m "why"')
        prop = self.proposal(label, OPEN)
        me = self.repo.identity()
        text = message(
            f"Reject proposal {prop.number}",
            reason,
            [(PROPOSAL, str(prop.number)), (REJECTED_BY, str(me)), (REJECTED_AT, self._now())],
        )
        closing = self.repo.commit_tree(
            self.repo.tree_of(prop.tip), [prop.tip], text, sign=self._sign()
        )
        self.repo.update_ref(prop.closed_ref(REJECTED), closing, ZERO)
        self.repo.delete_ref(prop.ref, prop.tip)
        return self.proposal(f"{prop.first_id}/{prop.number}", REJECTED)

    # ---- history -----------------------------------------------------------------------

    def history(self, doc_id: str) -> list[Revision]:
        """Every approved revision of the document on main, newest first.

        Found by the ``SOP-Id`` trailer, so a renamed file keeps its history; run records
        and unreviewed commits are left out."""
        if not is_valid_id(doc_id):
            raise InvalidId(f"{doc_id!r} is not a valid document id")
        if self.repo.rev(self.main_ref) is None:
            return []
        commits = self.repo.log(
            "--first-parent",
            "-E",
            f"--grep=^{SOP_ID}: {re.escape(doc_id)}$",
            self.main_ref,
            names=True,
        )
        revisions = []
        for commit in commits:
            trailers = commit.trailers
            if not has_trailer(trailers, REVIEWED_BY) or has_trailer(trailers, RUN_ID):
                continue
            versions = versions_of(commit.trailers)
            if doc_id not in versions:
                continue
            path = self._path_in(commit, doc_id)
            revisions.append(
                Revision(
                    id=doc_id,
                    version=versions[doc_id],
                    commit=commit.sha,
                    date=(pairs_of(commit.trailers, APPROVED_AT) or [commit.commit_date])[0],
                    author=commit.author,
                    approvers=tuple(identities_of(commit.trailers, REVIEWED_BY)),
                    summary=commit.subject,
                    path=path or "",
                    proposal=(pairs_of(commit.trailers, PROPOSAL) or [""])[0],
                )
            )
        return revisions

    def _path_in(self, commit: Commit, doc_id: str) -> str | None:
        """Which of the commit's changed files is the document (vault-relative)."""
        candidates = [p for p in commit.paths if self._is_document_path(p)]
        if len(candidates) == 1:
            return self._vault_path(candidates[0])
        for path, data in zip(
            candidates, self.repo.blobs([f"{commit.sha}:{p}" for p in candidates]), strict=True
        ):
            if data is not None and _front_value(data, "id") == doc_id:
                return self._vault_path(path)
        return None

    def _current_path(self, doc_id: str, tip: str) -> str | None:
        """The document's repository path on main."""
        for rev in self.history(doc_id):
            if rev.path and self.repo.blob(tip, self._repo_path(rev.path)) is not None:
                return self._repo_path(rev.path)
        try:
            doc = self.vault.get(doc_id)
        except SopvaultError:
            return None
        path = self._repo_path(doc.path)
        return path if self.repo.blob(tip, path) is not None else None

    def revision_text(self, rev: Revision) -> TextAt | None:
        """The text one approved revision put on main (None when its file is unknown)."""
        data = self.repo.blob(rev.commit, self._repo_path(rev.path)) if rev.path else None
        if data is None:
            return None
        label = f"{rev.id} {rev.version} ({rev.commit[:8]})"
        return TextAt(label, data.decode("utf-8", "replace"), rev.path)

    def text_at(self, doc_id: str, spec: str) -> TextAt:
        """The document's text at a version (``1.2``) or any git revision."""
        revisions = self.history(doc_id)
        for rev in revisions:
            if rev.version == spec:
                found = self.revision_text(rev)
                if found is not None:
                    return found
        commit = self.repo.rev(spec) if not spec.startswith("-") else None
        if commit is None:
            known = ", ".join(r.version for r in revisions) or "none approved yet"
            raise RevisionError(f"{doc_id} has no version or revision {spec!r} (versions: {known})")
        paths = [r.path for r in revisions if r.path]
        try:
            paths.append(self.vault.get(doc_id).path)
        except SopvaultError:
            pass
        for path in dict.fromkeys(paths):
            data = self.repo.blob(commit, self._repo_path(path))
            if data is not None and _front_value(data, "id") == doc_id:
                return TextAt(
                    f"{doc_id} at {spec} ({commit[:8]})", data.decode("utf-8", "replace"), path
                )
        raise RevisionError(f"{doc_id} does not exist at {spec}")

    def document_at(self, doc_id: str, spec: str) -> Document:
        """An old revision parsed like the working copy, for display."""
        old = self.text_at(doc_id, spec)
        result = parse_text(old.path, old.text)
        if result.document is None:
            problem = result.findings[0].message if result.findings else "not a document"
            raise RevisionError(f"{doc_id} at {spec} cannot be read: {problem}")
        return result.document

    def worktree_text(self, doc_id: str) -> TextAt:
        doc = self.vault.get(doc_id)
        data = (self.vault.root / doc.path).read_bytes()
        return TextAt(f"{doc_id} (working copy)", data.decode("utf-8", "replace"), doc.path)

    def main_text(self, doc_id: str) -> TextAt:
        tip = self._main_tip()
        path = self._current_path(doc_id, tip)
        if path is None:
            raise RevisionError(f"{doc_id} is not on {self.main} yet")
        data = self.repo.blob(tip, path) or b""
        return TextAt(
            f"{doc_id} on {self.main} ({tip[:8]})",
            data.decode("utf-8", "replace"),
            self._vault_path(path) or path,
        )

    def diff_texts(
        self, doc_id: str, a: str | None = None, b: str | None = None, *, worktree: bool = False
    ) -> tuple[TextAt, TextAt]:
        """The two texts to compare: by default the last two approved revisions."""
        if worktree:
            old = self.text_at(doc_id, a) if a else self.main_text(doc_id)
            return old, self.worktree_text(doc_id)
        if a and b:
            return self.text_at(doc_id, a), self.text_at(doc_id, b)
        revisions = self.history(doc_id)
        if a:
            return self.text_at(doc_id, a), self.main_text(doc_id)
        if len(revisions) < 2:
            raise RevisionError(
                f"{doc_id} has {len(revisions)} approved revision(s); name two to compare,"
                " or use --worktree for your unsaved edits"
            )
        return self.text_at(doc_id, revisions[1].version), self.text_at(
            doc_id, revisions[0].version
        )

    # ---- audit -------------------------------------------------------------------------

    def verify(self, since: str | None = None, rev: str | None = None) -> VerifyReport:
        """Check every change to documents (and to the rules) on main for a valid sign-off.

        ``rev`` checks another commit's history instead of main's (a pushed commit, in a
        server-side hook, before any ref moves)."""
        report = VerifyReport()
        tip = self.repo.rev(rev or self.main_ref)
        if tip is None:
            if rev:
                raise RevisionError(f"unknown revision {rev!r}")
            return report
        if since is not None and self.repo.rev(since) is None:
            raise RevisionError(f"unknown revision {since!r}")
        span = f"{since}..{tip}" if since else tip
        commits = self.repo.log(
            "--first-parent", span, raw=True, signatures=True, paths=(self.prefix or ".",)
        )
        report.commits = len(commits)
        # Blob ids come with the log (--raw), so every text is fetched by id: looking up
        # "rev:path" in a tree of 20,000 files costs git a scan each time.
        config_path = self._repo_path(CONFIG_FILE)
        oldest = commits[-1] if commits else None
        config_id: str | None = None
        if oldest is not None and oldest.parents:
            config_id = self.repo.blob_ids(oldest.parents[0], [config_path]).get(config_path)
        todo = []
        wanted: set[str] = set()
        for commit in reversed(commits):  # oldest first, so the rules in force are known
            touched = [(p, a, b) for p, a, b in commit.changes if self._is_controlled(p)]
            if touched:
                todo.append((commit, touched, config_id))
                wanted.update(x for _, a, b in touched for x in (a, b) if x != ZERO)
                if config_id:
                    wanted.add(config_id)
            for path, _, new_id in commit.changes:
                if path == config_path:
                    config_id = new_id if new_id != ZERO else None
        ids = sorted(wanted)
        texts = dict(zip(ids, self.repo.blobs(ids), strict=True))
        configs: dict[bytes, VaultConfig | None] = {}
        for commit, touched, in_force in reversed(todo):
            paths: list[str] = []
            reviewers: list[tuple[str, ...]] = []
            for path, before_id, after_id in touched:
                before = texts.get(before_id) if before_id != ZERO else None
                after = texts.get(after_id) if after_id != ZERO else None
                if not self._is_document_path(path):  # sopvault.toml
                    paths.append(path)
                elif _is_document(before) or _is_document(after):
                    paths.append(path)
                    reviewers.append(
                        _front_list(before if before is not None else after, "reviewers")
                    )
            if not paths:
                continue
            report.checked += 1
            raw_config = texts.get(in_force) if in_force else None
            config = self.vault.config
            if raw_config is not None:
                if raw_config not in configs:
                    try:
                        configs[raw_config] = parse_config(raw_config.decode("utf-8"))
                    except (SopvaultError, UnicodeDecodeError):
                        configs[raw_config] = None
                config = configs[raw_config] or config
            rules = Rules.for_change(config.review, config.people.values(), reviewers)
            problems = judge(commit.author, identities_of(commit.trailers, REVIEWED_BY), rules)
            if commit.signature in ("B", "R"):
                problems.append((Refusal.BAD_SIGNATURE, f"signature status {commit.signature}"))
            elif commit.signature in ("E", "U"):
                report.unverifiable_signatures += 1
            shown = tuple(self._vault_path(p) or p for p in paths)
            for reason, detail in problems:
                report.violations.append(
                    Violation(commit.sha, commit.commit_date, commit.author, shown, reason, detail)
                )
        return report


def _is_document(data: bytes | None) -> bool:
    return data is not None and looks_like_document(data[:8].decode("utf-8", "replace"))


def _front_data(data: bytes | None) -> dict[str, object]:
    if data is None:
        return {}
    try:
        parts = frontmatter.split(data.decode("utf-8"))
        return tomllib.loads(parts.front)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return {}


def _front_value(data: bytes | None, key: str) -> str | None:
    value = _front_data(data).get(key)
    return value if isinstance(value, str) else None


def _front_list(data: bytes | None, key: str) -> tuple[str, ...]:
    if data is None or key.encode() not in data:
        return ()  # most documents name no reviewers: no TOML to parse (verify reads many)
    value = _front_data(data).get(key)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    return ()


def _body_text(body: str) -> str:
    """A commit body without its trailer block."""
    paragraphs = body.strip().split("\n\n")
    if paragraphs and paragraphs[-1].strip():
        last = paragraphs[-1].strip().splitlines()
        if all(re.match(r"^[A-Za-z][\w-]*: ", line) for line in last):
            paragraphs = paragraphs[:-1]
    return "\n\n".join(paragraphs).strip()
