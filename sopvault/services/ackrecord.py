"""Recording one acknowledgement: checked against main, written as one ack file, committed
on main at once by the person it names.

The commit is made like a run's (``runcommit.commit_files``: a private index, a
compare-and-swap ``update-ref`` of main, tried again when main moved), then every work
tree holding main follows it (``store.git.worktree``), so the file appears in a checked-out
main and nothing the user staged or edited is touched. The commit holds that one new file
and nothing else; its author is the person acknowledging, its trailers say what and who
(``SOP-Ack``, ``SOP-Version``, ``Acknowledged-by``), and it is signed when the vault's rules
on main require signed sign-offs (21 CFR Part 11 §11.50, §11.70).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from sopvault.core.ackfile import ack_path, dumps
from sopvault.core.localtime import shown
from sopvault.core.trailers import ACK, ACKNOWLEDGED_BY, SOP_VERSION, message
from sopvault.errors import DocumentNotFound
from sopvault.model.ack import MEANING, Ack, Current
from sopvault.model.config import Person
from sopvault.model.control import Identity
from sopvault.services.acks import AckRefused
from sopvault.services.review.signoff import SignOffs
from sopvault.services.runcommit import commit_files
from sopvault.services.workspace import Workspace
from sopvault.store.fs import folder_lock
from sopvault.store.git import worktree

if TYPE_CHECKING:
    from sopvault.services.acks import Acknowledgements  # imports this module when recording


class AckRecorder:
    """One acknowledgement being recorded for the person git names."""

    def __init__(self, ws: Workspace, acks: Acknowledgements) -> None:
        self.ws = ws
        self.acks = acks
        self.repo = ws.git()

    def record(self, doc_id: str, token: str) -> Ack:
        """Check, write and commit the acknowledgement of ``doc_id``'s current revision;
        ``token`` is the file name's 8 random hex digits. Raises AckRefused,
        DocumentNotFound, RevisionError (no signing key where signatures are required),
        GitError."""
        me = self.ws.identity()
        person = self._person(me)
        signoffs = SignOffs(self.ws)
        sign = signoffs.signs()
        if signoffs.rules_at(signoffs.main_tip()).review.require_signatures:
            signoffs.signing_key()
        self.ws.vault.state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        with folder_lock(self.ws.vault.state_dir):
            self.acks.refresh()
            current, landed = self._approved(doc_id)
            self._not_twice(me, current)
            ack = Ack(
                doc_id,
                current.version,
                current.blob,
                landed,
                Identity(person.name, me.email),
                self.ws.now(),
                path=ack_path(me.email, doc_id, current.version, token),
            )
            commit = self._commit(ack, sign)
        return replace(ack, commit=commit)

    def _person(self, me: Identity) -> Person:
        """The ``[people]`` entry with git's e-mail; AckRefused for anyone else."""
        for person in self.acks.people():
            if person.email and person.email.lower() == me.email.lower():
                return person
        raise AckRefused(
            f"{me} is not among [people] in sopvault.toml: only the vault's people"
            " acknowledge documents (git config user.email names who you are)"
        )

    def _approved(self, doc_id: str) -> tuple[Current, str]:
        """The current revision and the main commit whose approval landed exactly that
        text. Raises DocumentNotFound or AckRefused when there is no effective approved
        revision on main (effective, and put there by an approval)."""
        current = self.acks.current(doc_id)
        if current is None:
            if doc_id not in self.acks.view().titles and doc_id not in self.ws.vault.documents:
                raise DocumentNotFound(f"no document with id {doc_id!r}")
            raise AckRefused(
                f"{doc_id} has no effective approved revision on {self.ws.main}:"
                " there is nothing to acknowledge yet"
            )
        return current, self.acks.view().approved[current.blob]

    def _not_twice(self, me: Identity, current: Current) -> None:
        """AckRefused when ``me`` acknowledged this revision already, saying when."""
        done = self.acks.acks_of(me.email, current.doc_id, current)
        if done:
            when = shown(done[0].at, self.ws.zone)
            raise AckRefused(
                f"you acknowledged {current.doc_id} {current.version} already, on {when}"
            )

    def _commit(self, ack: Ack, sign: bool) -> str:
        """Commit the ack file alone on main and bring it into every work tree holding
        main; returns the commit. Raises AckRefused when main kept moving, GitError."""
        path = self.ws.repo_path(ack.path)
        text = message(
            f"Acknowledge {ack.doc_id} {ack.version}: {MEANING}",
            f"{ack.person} has {MEANING} {ack.doc_id} {ack.version}.",
            [(ACK, ack.doc_id), (SOP_VERSION, ack.version), (ACKNOWLEDGED_BY, str(ack.person))],
        )
        main_ref = self.ws.main_ref
        worktree.check_unlocked(self.repo, main_ref)
        reason = f"sopvault ack {ack.doc_id} {ack.version}"
        moved = commit_files(self.repo, main_ref, {path: dumps(ack).encode()}, text, sign, reason)
        if moved is None:
            raise AckRefused(f"could not acknowledge {ack.doc_id}: {self.ws.main} kept moving")
        commit, old = moved
        if old is not None:
            worktree.follow(self.repo, main_ref, old, commit, [])
        return commit
