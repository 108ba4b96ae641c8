"""``verify`` for acknowledgements: each ack file was added once, alone, by the person it
names, for a revision an approval put on main, and never changed or deleted.

An acknowledgement is a signature whose meaning is "read and understood" (21 CFR Part 11
§11.50), so it is judged like a sign-off: the commit that added the file must be authored
by the person the file names (matched to ``[people]`` by e-mail, in the rules in force
before the commit that brought it to main), signed by that person's listed key when
``[review] require_signatures`` is on, and tied to the approved text it names (§11.70:
the blob an approval landed, in the landing commit named). The record is append-only
(§11.10 e): an ack file changed or deleted later is a violation of the commit that did
it. A file that arrived by a merge is judged by the commit that added it on the merged
line. Thousands of acknowledgements are judged with a few git calls: blobs in one batch,
the rules followed along main, signatures checked per allowed-signers file.
"""

from __future__ import annotations

from dataclasses import dataclass

from sopvault.core.ackfile import ACKS_DIR, AckFileError, is_meaning, loads, parse_path
from sopvault.core.config import CONFIG_FILE
from sopvault.core.trailers import REVIEWED_BY, RUN_ID, has_trailer, versions_of
from sopvault.model.ack import Ack
from sopvault.model.config import VaultConfig
from sopvault.model.control import Refusal, Violation
from sopvault.services.review.common import Scope, in_force_by_default, parse_config_bytes
from sopvault.services.review.prefix import Prior
from sopvault.store.git.repo import ZERO, Commit

# (why, one line): what is wrong with one acknowledgement.
Problem = tuple[Refusal, str]


def is_approval(commit: Commit) -> bool:
    """Whether ``commit`` is an approval landing on main (a revision, not a run record)."""
    return has_trailer(commit.trailers, REVIEWED_BY) and not has_trailer(commit.trailers, RUN_ID)


@dataclass(frozen=True)
class _Added:
    """One ack file a commit of main brought: the main commit, the commit that added it
    (itself, or one on a merged line), the rules' blob ids in force before, and the file."""

    commit: Commit
    origin: Commit
    config_id: str | None
    path: str
    blob: str


class AckAudit(Scope):
    """Judging the acknowledgements that commits of main added; changes nothing."""

    def check(
        self, commits: list[Commit], prior: Prior | None = None
    ) -> tuple[list[Violation], list[Violation], int]:
        """The violations among ``commits`` (main's first-parent line, newest first, with
        ``raw`` changes): those of ack files changed or deleted, then those of ack files
        added (each oldest first), and how many acknowledgements they added. With
        ``prior`` (the verdicts on the line before ``commits``, ``services.review.prefix``)
        a landing it recorded counts as one made before, as when the whole line is judged
        at once. Raises GitError."""
        prefix = self.ws.repo_path(f"{ACKS_DIR}/")
        self._order = {c.sha: i for i, c in enumerate(commits)}
        self._approvals = {c.sha: c for c in commits if is_approval(c)}
        self._prior = prior if prior is not None and prior.tip else None
        self._oldest = self._prior.oldest if self._prior else (commits[-1].sha if commits else "")
        self._landings: dict[str, Commit | None] = {}
        self._configs: dict[str | None, VaultConfig] = {}
        violations: list[Violation] = []
        added: list[_Added] = []
        config_path = self.ws.repo_path(CONFIG_FILE)
        if self._prior is not None:
            config_id = self._prior.config_id
        else:
            config_id = self._config_before(commits[-1] if commits else None, config_path)
        for commit in reversed(commits):  # oldest first: the rules in force are known
            for path, before, after in commit.changes:
                if not path.startswith(prefix):
                    continue
                if before != ZERO:
                    what = "deleted" if after == ZERO else "changed"
                    detail = f"an acknowledgement was {what}: they are added once, never edited"
                    violations.append(
                        _violation(commit, self._shown(path), (Refusal.ACK_CHANGED, detail))
                    )
                    continue
                origin = commit if len(commit.parents) < 2 else self._origin(commit, path)
                added.append(_Added(commit, origin, config_id, path, after))
            for path, _, new_id in commit.changes:
                if path == config_path:
                    config_id = new_id if new_id != ZERO else None
        return violations, self._judged(added), len(added)

    def _judged(self, added: list[_Added]) -> list[Violation]:
        """The violations of the ack files ``added``, in their order."""
        texts = dict(
            zip([a.blob for a in added], self.repo.blobs([a.blob for a in added]), strict=True)
        )
        judged = [(item, self._judge(item, texts.get(item.blob))) for item in added]
        unsigned = self._unsigned([(item, ack) for item, (ack, _) in judged if ack is not None])
        violations: list[Violation] = []
        for item, (_, problems) in judged:
            problems += unsigned.get((item.origin.sha, item.path), [])
            violations += [_violation(item.commit, self._shown(item.path), p) for p in problems]
        return violations

    def _judge(self, item: _Added, data: bytes | None) -> tuple[Ack | None, list[Problem]]:
        """The ack ``item`` holds (None when unreadable) and what is wrong with it, all but
        its signature."""
        others = [p for p, _, _ in item.origin.changes if p != item.path]
        problems: list[Problem] = []
        if others:
            shown = ", ".join(self._shown(p) for p in others[:3])
            problems.append((Refusal.ACK_NOT_ALONE, f"the commit also changes {shown}"))
        rel = self._shown(item.path)
        try:
            if parse_path(rel) is None:
                raise AckFileError("not an acknowledgement's file name (acks/EMAIL/ID@VERSION)")
            ack = loads((data or b"").decode("utf-8"), rel)
        except (AckFileError, UnicodeDecodeError) as err:
            return None, [*problems, (Refusal.ACK_UNREADABLE, getattr(err, "message", str(err)))]
        if not is_meaning(ack):
            problems.append((Refusal.ACK_UNREADABLE, f"states no meaning ({ack.meaning!r})"))
        author = item.origin.author
        people = self._config(item.config_id).people.values()
        if not author.same_as(ack.person):
            problems.append(
                (Refusal.FORGED_ACK, f"names {ack.person} but was committed by {author}")
            )
        elif not any((p.email or "").lower() == ack.person.email.lower() for p in people):
            problems.append(
                (Refusal.FORGED_ACK, f"{ack.person} is not among [people] in sopvault.toml")
            )
        problem = self._approved(item, ack)
        return ack, problems + ([problem] if problem else [])

    def _unsigned(self, acks: list[tuple[_Added, Ack]]) -> dict[tuple[str, str], list[Problem]]:
        """Where signatures are required: the acks whose commit is not signed by a key the
        allowed-signers file (in force before it) lists for their person; one git call
        per allowed-signers file."""
        groups: dict[bytes, list[tuple[_Added, Ack]]] = {}
        for item, ack in acks:
            config = self._config(item.config_id)
            parent = item.commit.parents[0] if item.commit.parents else None
            if config.review.require_signatures and parent is not None:
                path = self.ws.repo_path(config.review.allowed_signers)
                allowed = self.repo.blob(parent, path) or b""
                groups.setdefault(allowed, []).append((item, ack))
        found: dict[tuple[str, str], list[Problem]] = {}
        for allowed, members in groups.items():
            signers = self.repo.signers(sorted({i.origin.sha for i, _ in members}), allowed)
            for item, ack in members:
                if (signers.get(item.origin.sha) or "").lower() != ack.person.email.lower():
                    detail = f"acknowledgement by {ack.person} is not signed by their key"
                    found.setdefault((item.origin.sha, item.path), []).append(
                        (Refusal.UNSIGNED, detail)
                    )
        return found

    def _approved(self, item: _Added, ack: Ack) -> Problem | None:
        """Why ``ack`` names no approved revision landed before it, or None."""
        landing = self._landing(ack.landed)
        named = f"{ack.doc_id} {ack.version}"
        if landing is None or not self._before(landing, item):
            return (Refusal.ACK_NOT_APPROVED, f"{ack.landed[:10]} approved no {named} before it")
        if versions_of(landing.trailers).get(ack.doc_id) != ack.version:
            return (Refusal.ACK_NOT_APPROVED, f"{ack.landed[:10]} did not approve {named}")
        if ack.blob not in {new for p, _, new in landing.changes if self.ws.is_document(p)}:
            return (
                Refusal.ACK_NOT_APPROVED,
                f"{ack.blob[:10]} is not the text approved as {named}",
            )
        return None

    def _landing(self, sha: str) -> Commit | None:
        """The approval commit ``sha`` (read from git once when older than the commits
        checked), None when it is no approval or no commit here."""
        if sha in self._approvals:
            return self._approvals[sha]
        if sha not in self._landings:
            found = (
                self.repo.log(sha, first_parent=True, raw=True, limit=1)
                if self.repo.rev(sha)
                else []
            )
            self._landings[sha] = found[0] if found and is_approval(found[0]) else None
        return self._landings[sha]

    def _before(self, landing: Commit, item: _Added) -> bool:
        """Whether ``landing`` came before the commit that brought ``item`` to main."""
        if landing.sha in self._order:
            return self._order[landing.sha] > self._order[item.commit.sha]
        if self._prior is not None and self._prior.approved(landing.sha):
            return True  # a landing on the line judged before: older than every commit here
        return bool(self._oldest) and self.repo.is_ancestor(landing.sha, self._oldest)

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

    def _config_before(self, oldest: Commit | None, config_path: str) -> str | None:
        """The blob id of ``sopvault.toml`` before the oldest commit checked."""
        if oldest is None or not oldest.parents:
            return None
        return self.repo.blob_ids(oldest.parents[0], [config_path]).get(config_path)

    def _config(self, config_id: str | None) -> VaultConfig:
        """The rules a committed ``sopvault.toml`` holds (the defaults without one), each
        blob parsed once."""
        if config_id not in self._configs:
            data = self.repo.blobs([config_id])[0] if config_id else None
            found = parse_config_bytes(data) if data is not None else None
            self._configs[config_id] = found or in_force_by_default(self.ws.vault.config)
        return self._configs[config_id]

    def _shown(self, path: str) -> str:
        return self.ws.vault_path(path) or path


def _violation(commit: Commit, path: str, problem: Problem) -> Violation:
    return Violation(commit.sha, commit.commit_date, commit.author, (path,), *problem)
