"""``verify`` for acknowledgements: each ack file was added once, alone, by the person it
names, for a revision an approval put on main, and never changed or deleted.

An acknowledgement is a signature whose meaning is "read and understood" (21 CFR Part 11
§11.50), so it is judged like a sign-off: the commit that added the file must be authored
by the person the file names (matched to ``[people]`` by e-mail, in the rules in force
before it), signed by that person's listed key when ``[review] require_signatures`` is
on, and tied to the approved text it names (§11.70: the blob an approval landed, in the
landing commit named). The record is append-only (§11.10 e): an ack file changed or
deleted later is a violation of the commit that did it. A file that arrived by a merge
is judged by the commit that added it on the merged line.
"""

from __future__ import annotations

from sopvault.core.ackfile import ACKS_DIR, AckFileError, is_meaning, loads, parse_path
from sopvault.core.trailers import REVIEWED_BY, RUN_ID, has_trailer, versions_of
from sopvault.model.ack import Ack
from sopvault.model.config import VaultConfig
from sopvault.model.control import Refusal, Violation, Vote
from sopvault.services.review.common import Scope
from sopvault.services.review.signoff import SignOffs
from sopvault.services.workspace import Workspace
from sopvault.store.git.repo import ZERO, Commit

# (why, one line): what is wrong with one acknowledgement.
Problem = tuple[Refusal, str]


def is_approval(commit: Commit) -> bool:
    """Whether ``commit`` is an approval landing on main (a revision, not a run record)."""
    return has_trailer(commit.trailers, REVIEWED_BY) and not has_trailer(commit.trailers, RUN_ID)


class AckAudit(Scope):
    """Judging the acknowledgements that commits of main added; changes nothing."""

    def __init__(self, ws: Workspace) -> None:
        super().__init__(ws)
        self.signoffs = SignOffs(ws)
        self.prefix = ws.repo_path(f"{ACKS_DIR}/")
        self._configs: dict[str, VaultConfig] = {}
        self._order: dict[str, int] = {}
        self._approvals: dict[str, Commit] = {}

    def check(self, commits: list[Commit]) -> tuple[list[Violation], int]:
        """The violations among ``commits`` (main's first-parent line, newest first, with
        ``raw`` changes) and how many acknowledgements they added. Raises GitError."""
        self._order = {c.sha: i for i, c in enumerate(commits)}
        self._approvals = {c.sha: c for c in commits if is_approval(c)}
        violations: list[Violation] = []
        added = 0
        for commit in reversed(commits):
            ours = [c for c in commit.changes if c[0].startswith(self.prefix)]
            for path, before, after in ours:
                shown = self.ws.vault_path(path) or path
                if before != ZERO:
                    what = "deleted" if after == ZERO else "changed"
                    detail = f"an acknowledgement was {what}: they are added once, never edited"
                    violations.append(_violation(commit, shown, (Refusal.ACK_CHANGED, detail)))
                    continue
                added += 1
                for problem in self._judge(commit, path, after):
                    violations.append(_violation(commit, shown, problem))
        return violations, added

    def _judge(self, commit: Commit, path: str, blob: str) -> list[Problem]:
        """Everything wrong with the ack file ``path`` (blob ``blob``) that ``commit``
        brought to main."""
        origin = commit if len(commit.parents) < 2 else self._origin(commit, path)
        others = [p for p, _, _ in origin.changes if p != path]
        problems: list[Problem] = []
        if others:
            shown = ", ".join(self.ws.vault_path(p) or p for p in others[:3])
            problems.append((Refusal.ACK_NOT_ALONE, f"the commit also changes {shown}"))
        rel = self.ws.vault_path(path) or path
        data = self.repo.blobs([blob])[0]
        try:
            if parse_path(rel) is None:
                raise AckFileError("not an acknowledgement's file name (acks/EMAIL/ID@VERSION)")
            ack = loads((data or b"").decode("utf-8"), rel)
        except (AckFileError, UnicodeDecodeError) as err:
            return [*problems, (Refusal.ACK_UNREADABLE, getattr(err, "message", str(err)))]
        if not is_meaning(ack):
            problems.append((Refusal.ACK_UNREADABLE, f"states no meaning ({ack.meaning!r})"))
        problems += self._who(origin, ack)
        problem = self._approved(commit, origin, ack)
        return problems + ([problem] if problem else [])

    def _who(self, origin: Commit, ack: Ack) -> list[Problem]:
        """Forged (another author, someone not in ``[people]``) or unsigned."""
        author = origin.author
        if not author.same_as(ack.person):
            return [(Refusal.FORGED_ACK, f"names {ack.person} but was committed by {author}")]
        parent = origin.parents[0] if origin.parents else None
        config = self._config(parent)
        if not any(
            (p.email or "").lower() == ack.person.email.lower() for p in config.people.values()
        ):
            return [(Refusal.FORGED_ACK, f"{ack.person} is not among [people] in sopvault.toml")]
        if not config.review.require_signatures or parent is None:
            return []
        vote = self.signoffs.signed([Vote(origin.sha, ack.person, author)], parent)[0]
        if (vote.signer or "").lower() != ack.person.email.lower():
            return [
                (Refusal.UNSIGNED, f"acknowledgement by {ack.person} is not signed by their key")
            ]
        return []

    def _approved(self, commit: Commit, origin: Commit, ack: Ack) -> Problem | None:
        """Why ``ack`` names no approved revision landed before it, or None."""
        landing = self._approvals.get(ack.landed)
        before = landing is not None and self._order[landing.sha] > self._order[commit.sha]
        if landing is None and self.repo.rev(ack.landed) is not None:
            found = self.repo.log(ack.landed, first_parent=True, raw=True, limit=1)
            landing = found[0] if found and is_approval(found[0]) else None
            before = landing is not None and self.repo.is_ancestor(ack.landed, origin.sha)
        named = f"{ack.doc_id} {ack.version}"
        if landing is None or not before:
            return (Refusal.ACK_NOT_APPROVED, f"{ack.landed[:10]} approved no {named} before it")
        if versions_of(landing.trailers).get(ack.doc_id) != ack.version:
            return (Refusal.ACK_NOT_APPROVED, f"{ack.landed[:10]} did not approve {named}")
        if ack.blob not in {new for p, _, new in landing.changes if self.ws.is_document(p)}:
            return (
                Refusal.ACK_NOT_APPROVED,
                f"{ack.blob[:10]} is not the text approved as {named}",
            )
        return None

    def _origin(self, merge: Commit, path: str) -> Commit:
        """The commit on a merge's merged line that added ``path`` (the merge itself when
        none did)."""
        side = self.repo.log(f"{merge.parents[0]}..{merge.sha}", raw=True)
        for commit in side:
            if commit.sha != merge.sha and any(
                p == path and b == ZERO for p, b, _ in commit.changes
            ):
                return commit
        return merge

    def _config(self, rev: str | None) -> VaultConfig:
        """The rules in force at ``rev`` (cached per commit)."""
        key = rev or ""
        if key not in self._configs:
            self._configs[key] = self.rules_at(rev)
        return self._configs[key]


def _violation(commit: Commit, path: str, problem: Problem) -> Violation:
    return Violation(commit.sha, commit.commit_date, commit.author, (path,), *problem)
