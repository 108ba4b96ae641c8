"""Acknowledgements (training records): who must read a document, who has read and
understood its current approved revision, and each person's record.

ISO 9001 §7.2 d asks for documented evidence of competence and §7.3 for awareness of
the documents that concern a person; 21 CFR Part 11 §11.50 for the meaning of every
signature. ``sopvault ack ID`` records "read and understood" as one small file on main
(``core.ackfile``), committed at once by the person it names (signed when the vault
requires signatures), so two people, or one person on two clones, never conflict; a new
approved revision resets what is owed and earlier acknowledgements stay in the record.
Who must read is ``core.readers.must_read``; "current revision" is the document's version
on main while its status there is effective (``services.ackmain``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import date, datetime

from sopvault.core.config import CONFIG_FILE
from sopvault.errors import DocumentNotFound, NeedsGit, Refused
from sopvault.model.ack import (
    Ack,
    AckState,
    AckStatus,
    Current,
    Owed,
    Reading,
    Standing,
    TrainingEntry,
)
from sopvault.model.config import Person
from sopvault.services.ackmain import MainView, main_view, read_acks, readers_of
from sopvault.services.review.common import in_force_by_default, parse_config_bytes
from sopvault.services.vault import Vault
from sopvault.services.workspace import Workspace
from sopvault.store.git.repo import GitError

__all__ = ["AckRefused", "Acknowledgements", "HistoryCut", "latest", "version_key"]


class AckRefused(Refused):
    """An acknowledgement the rules refuse: someone not in ``[people]``, a document with
    no effective approved revision, a revision already acknowledged."""


class HistoryCut(NeedsGit):
    """Main's history here is cut short (a shallow clone, grafts): who owes what cannot be
    told from it."""


class Acknowledgements:
    """Acknowledgements of the documents of one workspace; ``vault`` defaults to the
    workspace's. Reads main's tree once per instance (``refresh`` reads it again)."""

    def __init__(self, ws: Workspace, vault: Vault | None = None) -> None:
        self.ws = ws
        self.vault = vault or ws.vault
        self._view: MainView | None = None
        self._people: list[Person] | None = None

    # ---- what main holds ------------------------------------------------------------

    def view(self) -> MainView:
        """Main as acknowledgements see it (current revisions, ack file names)."""
        if self._view is None:
            self._view = main_view(self.ws)
        return self._view

    def whole(self) -> MainView:
        """``view``, when main's history here is whole. Raises HistoryCut on a shallow
        clone (or grafts): the approvals and the commits that added ack files may be
        missing, so "owed" and "done" cannot be told."""
        view = self.view()
        if view.cut is not None:
            raise HistoryCut(f"cannot tell who has acknowledged what: {view.cut}")
        return view

    def refresh(self) -> None:
        """Forget what was read of main (after an acknowledgement, a sync)."""
        self._view = None
        self._people = None

    def people(self) -> list[Person]:
        """``[people]`` as main's ``sopvault.toml`` names them (the rules in force, never
        an unapproved edit of the working copy); the vault's when main holds none."""
        if self._people is None:
            view, repo = self.view(), self.ws.repo
            config = self.vault.config
            if view.tip is not None and repo is not None:
                data = repo.blob(view.tip, self.ws.repo_path(CONFIG_FILE))
                found = parse_config_bytes(data) if data is not None else None
                config = found or in_force_by_default(config)
            self._people = sorted(config.people.values(), key=lambda p: p.handle.lower())
        return self._people

    def person_of(self, text: str) -> Person:
        """The person of ``[people]`` that ``text`` names: a handle, a name or an e-mail
        (case ignored). Raises AckRefused naming who there is."""
        wanted = text.strip().casefold()
        for person in self.people():
            if wanted in (person.handle.casefold(), person.name.casefold()):
                return person
            if person.email and wanted == person.email.casefold():
                return person
        known = ", ".join(p.handle for p in self.people()) or "nobody"
        raise AckRefused(f"{text!r} is not among [people] in sopvault.toml (there: {known})")

    # ---- what is owed ---------------------------------------------------------------

    def owed(self, person: Person | None = None) -> list[Owed]:
        """The acknowledgements ``person`` (everyone in ``[people]`` when None) still owes:
        each current revision they must read and have not acknowledged, by document id
        then handle. Reads main's tree listing and cached front matter only, never the
        history (fast on 10,000 documents). Raises GitError when git fails."""
        view = self.whole()
        people = [person] if person is not None else self.people()
        acked = self._counted(people)
        # Documents share a few roles/readers lists: who must read is asked once per list.
        asked: dict[tuple[tuple[str, ...], tuple[str, ...]], list[Person]] = {}
        found: list[Owed] = []
        for doc_id in sorted(view.effective):
            _, _, facts = view.effective[doc_id]
            key = (facts[6], facts[7])
            if key not in asked:
                current = view.current_of(doc_id)
                asked[key] = readers_of(current, people) if current else []
            version, blob = facts[3], view.effective[doc_id][1]
            for who in asked[key]:
                mine = acked.get((who.email or "").lower(), {}).get(doc_id, [])
                if all((ack.blob, ack.version) != (blob, version) for ack in mine):
                    since = date.fromisoformat(facts[5]) if facts[5] else None
                    last = latest(ack.version for ack in mine)
                    found.append(Owed(doc_id, facts[1], version, who, since, last))
        return found

    def _counted(self, people: list[Person]) -> dict[str, dict[str, list[Ack]]]:
        """{e-mail (lower case): {document id: acknowledgements}} of ``people``: those
        that count (``MainView.counts``), read from main's ack files."""
        emails = {(p.email or "").lower() for p in people if p.email}
        paths = [rel for rel, named in self.view().named.items() if named[0] in emails]
        found: dict[str, dict[str, list[Ack]]] = {}
        for ack in self._read(paths):
            found.setdefault(ack.person.email.lower(), {}).setdefault(ack.doc_id, []).append(ack)
        return found

    def status(self, doc_id: str) -> AckStatus:
        """Who has acknowledged ``doc_id``'s current revision and who still must. Raises
        DocumentNotFound when neither main nor the vault has the document."""
        view = self.whole()
        current = view.current_of(doc_id)
        title = self._title(doc_id)
        if current is None:
            return AckStatus(doc_id, title, None)
        must = {p.handle for p in readers_of(current, self.people())}
        of_revision = [
            ack
            for ack in self._read(self._paths(doc_id, current.version))
            if (ack.blob, ack.version) == (current.blob, current.version)
        ]
        standings: list[Standing] = []
        for person in self.people():
            mine = [a for a in of_revision if _is(person, a)]
            first = min(mine, key=lambda a: a.at) if mine else None
            if person.handle in must:
                state = AckState.DONE if first else AckState.OWED
                standings.append(Standing(person, state, first))
            elif first is not None:
                standings.append(Standing(person, AckState.NOT_REQUIRED, first))
        return AckStatus(doc_id, title, current, tuple(standings))

    def record_of(self, person: Person) -> list[TrainingEntry]:
        """``person``'s training record: every document they must read (its current
        revision) and every document they ever acknowledged, with all their
        acknowledgements of it, revision by revision (oldest first within one), by document id."""
        view = self.whole()
        mine: dict[str, list[Ack]] = {}
        paths = [rel for _, rel in view.acks_of(person.email)]
        for ack in self._read(paths):
            mine.setdefault(ack.doc_id, []).append(ack)
        must = {owed.doc_id for owed in self.owed(person)}
        for doc_id in mine:
            current = view.current_of(doc_id)
            if current is not None and readers_of(current, [person]):
                must.add(doc_id)
        entries = []
        for doc_id in sorted(must | set(mine)):
            current = view.current_of(doc_id)
            acks = tuple(sorted(mine.get(doc_id, []), key=_in_order))
            entries.append(
                TrainingEntry(
                    doc_id,
                    view.titles.get(doc_id, doc_id),
                    current.version if current else None,
                    doc_id in must,
                    acks,
                )
            )
        return entries

    def me(self) -> Person | None:
        """The person of ``[people]`` git names (``user.email``, case ignored), None when
        git names nobody or someone not in ``[people]`` (``due --mine``, the reader)."""
        repo = self.ws.repo
        if repo is None:
            return None
        try:
            email = repo.identity().email.lower()
        except GitError:
            return None
        return next((p for p in self.people() if (p.email or "").lower() == email), None)

    def reading(self, doc_id: str) -> Reading | None:
        """The person git names against ``doc_id``'s current revision (the reader's
        prompt): None outside git, without a current revision, or when git's e-mail is
        not one of ``[people]`` (or git names nobody). Reads main again when it moved
        since the last call. Raises GitError when git cannot read main."""
        repo = self.ws.repo
        if repo is None:
            return None
        if self._view is not None and repo.rev(self.ws.main_ref) != self._view.tip:
            self.refresh()
        current = self.current(doc_id)
        if current is None or self.view().cut is not None:
            return None
        person = self.me()
        if person is None or person.email is None:
            return None
        mine = self.acks_of(person.email, doc_id, current)
        must = bool(readers_of(current, [person]))
        return Reading(doc_id, current.version, person, must, mine[0] if mine else None)

    # ---- acknowledging --------------------------------------------------------------

    def record(self, doc_id: str) -> Ack:
        """Record that the person git names (``user.email``, one of ``[people]``) has read
        and understood ``doc_id``'s current approved revision: one ack file committed on
        main at once, by them, signed when signatures are required. Raises AckRefused
        (not in ``[people]``, no effective approved revision, already acknowledged),
        DocumentNotFound, ReadOnly, NoRepository, GitError."""
        self.vault.must_be_writable("acknowledge")
        self.whole()
        from sopvault.services.ackrecord import AckRecorder  # writing: not for `due`

        recorder = AckRecorder(self.ws, self)
        ack = recorder.record(doc_id, token=os.urandom(4).hex())
        self.refresh()
        return ack

    # ---- helpers --------------------------------------------------------------------

    def current(self, doc_id: str) -> Current | None:
        """The document's current revision on main (None when not effective there)."""
        return self.view().current_of(doc_id)

    def acks_of(self, email: str, doc_id: str, current: Current | None = None) -> list[Ack]:
        """The acknowledgements by ``email`` of ``doc_id`` that count (of the revision
        ``current``, its very text, when given), as main holds them, revision by revision,
        oldest first."""
        version = current.version if current is not None else None
        view = self.view()
        paths = [
            rel
            for name, rel in view.acks_of(email)
            if name.doc_id == doc_id and (version is None or name.version == version)
        ]
        found = self._read(paths)
        if current is not None:
            found = [a for a in found if (a.blob, a.version) == (current.blob, current.version)]
        return sorted(found, key=_in_order)

    def _paths(self, doc_id: str, version: str) -> list[str]:
        return [
            rel
            for rel, (_, named_id, named_version, _, _) in self.view().named.items()
            if named_id == doc_id and named_version == version
        ]

    def _read(self, paths: list[str]) -> list[Ack]:
        """The ack files at ``paths`` (vault-relative) on main that count (``MainView.counts``:
        added by their person, unchanged, of an approved text); any other is left out
        (``verify`` reports it)."""
        view = self.view()
        return [ack for ack in read_acks(self.ws, view, paths) if view.counts(ack)]

    def _title(self, doc_id: str) -> str:
        """The document's title on main, else in the vault; DocumentNotFound otherwise."""
        title = self.view().titles.get(doc_id)
        if title is not None:
            return title
        doc = self.vault.documents.get(doc_id)
        if doc is None:
            raise DocumentNotFound(f"no document with id {doc_id!r}")
        return doc.title


def latest(versions: Iterable[str]) -> str | None:
    """The highest of ``versions`` (``1.10`` above ``1.9``), None when there are none."""
    return max(versions, key=version_key, default=None)


def version_key(version: str) -> tuple[tuple[int, str], ...]:
    """A sort key comparing versions part by part, numbers as numbers."""
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in version.split("."))


def _in_order(ack: Ack) -> tuple[tuple[tuple[int, str], ...], datetime, str]:
    """Revision by revision, then oldest first: clocks of two clones may disagree."""
    return (version_key(ack.version), ack.at, ack.path)


def _is(person: Person, ack: Ack) -> bool:
    return bool(person.email) and ack.person.email.lower() == (person.email or "").lower()
