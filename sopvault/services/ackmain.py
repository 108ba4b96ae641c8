"""What main holds for acknowledgements, read fast: each document's current revision and
the name of every ack file.

A document's current revision is its text on main while its status there is effective
and an approval landed exactly that text (a commit of main's first-parent line with
``Reviewed-by``, not a run record: the revisions ``history`` lists; ``verify`` judges
whether each sign-off counts).

"Who owes what" must answer in a fraction of a second on a vault of 10,000 documents
(``sopvault due``), so no history is walked for it. The vault's private state folder
keeps one cache (``cache/acks-main.pickle``) as of a main commit: the document files and
ack file names main holds (from ``ls-tree``), each document blob's front-matter facts (a
blob never changes), and the blobs approvals landed. When main has not moved, that is the
answer without reading anything else; when it moved, only what changed is read: the paths
``git diff`` names between the two commits, the new blobs, and the commits main gained.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

from sopvault.core.ackfile import ACKS_DIR, AckFileError, AckName, is_meaning, loads, parse_path
from sopvault.core.readers import must_read
from sopvault.model.ack import Ack, Current
from sopvault.model.config import Person
from sopvault.model.document import Document, Kind, Status
from sopvault.services.ackorigin import Adders, walk
from sopvault.services.workspace import Workspace
from sopvault.store.cache import read_cached, write_cached
from sopvault.store.git import diffs
from sopvault.store.git.repo import ZERO, Repo

CACHE_NAME = "acks-main.pickle"
RECORDS_NAME = "acks-read.pickle"  # ack files read, by blob id: they never change
_SHAPE = ("acks-main", 8)
_FILE_MODES = ("100644", "100755")

# Per blob id: (id, title, kind, version, status, effective date (ISO 8601), roles,
# readers, next review date (ISO 8601), owner), or None when the blob is not a readable
# document. Plain strings and tuples: ten thousand of them unpickle in a few milliseconds.
Facts = tuple[
    str, str, str, str, str, str | None, tuple[str, ...], tuple[str, ...], str | None, str | None
]
# An ack file as cached: (e-mail, document id, version, token) from its name, blob id.
Named = tuple[str, str, str, str, str]
_EFFECTIVE = Status.EFFECTIVE.value
_KINDS = {kind.value: kind for kind in Kind}


class InForce(NamedTuple):
    """An effective document on main as periodic review sees it (``sopvault due``): a
    named tuple, as ten thousand of them are made on every ``due`` (a frozen dataclass
    costs several times as much to make)."""

    doc_id: str
    title: str
    next_review: date | None
    owner: str | None


@dataclass
class MainView:
    """Main at ``tip`` (None: no main yet): every document on main by id (``effective``
    holds those whose status there is effective and whose text an approval landed, as
    (vault path, blob id, facts); ``titles`` all of them), the blobs approvals landed
    (``approved``: blob id -> the landing commit) and the ack files (``named``; by
    person with ``acks_of``)."""

    tip: str | None
    effective: dict[str, tuple[str, str, Facts]] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    approved: dict[str, str] = field(default_factory=dict)
    # Every ack file on main: vault path -> (e-mail, document id, version, token).
    named: dict[str, Named] = field(default_factory=dict)
    # Every document whose status on main is effective, approved text or not: periodic
    # review (``sopvault due``) asks of each.
    in_force: dict[str, InForce] = field(default_factory=dict)
    # Every ack file main holds as it was added: vault path -> (blob id, adder's e-mail).
    adders: Adders = field(default_factory=dict)
    # Why main's history here is not whole (a shallow clone, grafts), None when it is:
    # approvals and who added which ack file cannot be known then.
    cut: str | None = None

    def acks_of(self, email: str | None) -> list[tuple[AckName, str]]:
        """The ack files of the person with ``email`` (any case): (name, vault path)."""
        wanted = (email or "").lower()
        return [
            (AckName(*named[:4]), rel) for rel, named in self.named.items() if named[0] == wanted
        ]

    def current_of(self, doc_id: str) -> Current | None:
        """The document's current revision, None when it has none on main."""
        found = self.effective.get(doc_id)
        if found is None:
            return None
        rel, sha, (_, title, kind, version, _, effective, roles, readers, *_) = found
        when = date.fromisoformat(effective) if effective else None
        return Current(doc_id, title, _KINDS[kind], version, rel, sha, when, roles, readers)

    def counts(self, ack: Ack) -> bool:
        """Whether ``ack`` (read from main, ``path`` its vault path) counts as its person's
        acknowledgement: its file holds what it was added with, by a commit its person
        authored; it states its meaning; and it names a text an approval landed, in the
        commit that landed it (``services.ackorigin``). Anything else is ``verify``'s to
        report, never training."""
        named = self.named.get(ack.path)
        return (
            named is not None
            and self.adders.get(ack.path) == (named[4], named[0])
            and is_meaning(ack)
            and self.approved.get(ack.blob) == ack.landed
        )


@dataclass
class _Cached:
    """What the state folder keeps, as of main at ``tip``: document paths and ack file
    names with their blob ids, facts by blob id, approved blobs."""

    tip: str | None = None
    docs: dict[str, str] = field(default_factory=dict)  # vault path -> blob id
    acks: dict[str, Named] = field(default_factory=dict)  # vault path -> what it names
    facts: dict[str, Facts | None] = field(default_factory=dict)
    approved: dict[str, str] = field(default_factory=dict)
    adders: Adders = field(default_factory=dict)


def main_view(ws: Workspace) -> MainView:
    """Main as acknowledgements see it (see the module's docstring); an empty view when
    the vault is not in git or main has no commit. Raises GitError when git fails."""
    repo = ws.repo
    tip = repo.rev(ws.main_ref) if repo is not None else None
    if repo is None or tip is None:
        return MainView(tip)
    cache_dir = ws.vault.state_dir / "cache"
    loaded = read_cached(cache_dir / CACHE_NAME)
    fresh = isinstance(loaded, tuple) and len(loaded) == 3 and loaded[:2] == (_SHAPE, ws.prefix)
    state: _Cached = loaded[2] if fresh and isinstance(loaded[2], _Cached) else _Cached()
    if state.tip != tip:
        _move(ws, repo, state, tip)
        write_cached(cache_dir, CACHE_NAME, (_SHAPE, ws.prefix, state))
    view = _view(state, tip)
    view.cut = repo.history_cut(tip)
    return view


def _move(ws: Workspace, repo: Repo, state: _Cached, tip: str) -> None:
    """Bring ``state`` from its tip to ``tip``: the changed paths only when it has one
    (any commit: ``git diff`` between the two), else main's whole tree; then the facts of
    new blobs and the approvals of the commits gained."""
    if state.tip is None or repo.rev(state.tip) is None:
        state.docs, state.acks = {}, {}
        entries = repo.tree_entries(tip, ws.prefix)
        changed = {p: sha for p, (mode, sha) in entries.items() if mode in _FILE_MODES}
    else:
        paths = [p for p in diffs.changed_between(repo, state.tip, tip) if p.startswith(ws.prefix)]
        ids = repo.blob_ids(tip, paths)
        changed = {p: ids.get(p, ZERO) for p in paths}
    for path, sha in changed.items():
        rel = ws.vault_path(path) or path
        state.docs.pop(rel, None)
        state.acks.pop(rel, None)
        if sha == ZERO:
            continue
        if rel.startswith(f"{ACKS_DIR}/"):
            name = parse_path(rel)
            if name is not None:
                state.acks[rel] = (name.email, name.doc_id, name.version, name.token, sha)
        elif ws.is_document(path):
            state.docs[rel] = sha
    by_sha = {sha: rel for rel, sha in state.docs.items() if sha not in state.facts}
    state.facts.update(_facts(ws, repo, {rel: sha for sha, rel in by_sha.items()}))
    live = set(state.docs.values())
    state.facts = {k: v for k, v in state.facts.items() if k in live}
    since = state.tip if state.tip is not None and repo.is_ancestor(state.tip, tip) else None
    if since is None:
        state.approved, state.adders = {}, {}
    state.approved = walk(ws, repo, tip, since, state.adders) | state.approved  # older wins
    state.tip = tip


def _view(state: _Cached, tip: str) -> MainView:
    """The view ``state`` holds: current revisions, titles and acks by person."""
    view = MainView(tip, approved=state.approved, named=state.acks, adders=state.adders)
    titles, effective, approved = view.titles, view.effective, state.approved
    in_force, facts_of = view.in_force, state.facts.get
    # Once per document on main (50,000 on every dashboard): the first path of an id
    # names its title and review, as ``setdefault`` would, without making what is unused.
    for rel, sha in state.docs.items():
        facts = facts_of(sha)
        if facts is None:
            continue
        doc_id = facts[0]
        if doc_id not in titles:
            titles[doc_id] = facts[1]
        if facts[4] != _EFFECTIVE:
            continue
        if doc_id not in in_force:
            review = date.fromisoformat(facts[8]) if facts[8] else None
            in_force[doc_id] = InForce(doc_id, facts[1], review, facts[9])
        if facts[3] and sha in approved:
            effective[doc_id] = (rel, sha, facts)
    return view


def readers_of(current: Current, people: Iterable[Person]) -> list[Person]:
    """``core.readers.must_read`` for a current revision (its roles and readers as main
    holds them)."""
    doc = Document(
        path=current.path,
        id=current.doc_id,
        title=current.title,
        kind=current.kind,
        front_text="",
        body="",
        roles=list(current.roles),
        readers=list(current.readers),
    )
    return must_read(doc, people)


def _facts(ws: Workspace, repo: Repo, wanted: dict[str, str]) -> dict[str, Facts | None]:
    """{blob id: facts} of the documents ``wanted`` ({vault path: blob id}), read as a
    listing reads them (their top-level fields only, ``core.parse.parse_head``: the steps
    are most of the TOML, and ten thousand of them take seconds) through the blob-keyed
    cache every reader of committed texts shares (``store.heads``): a text the vault on
    any date already read is not read again. None for a blob that is not a readable
    document."""
    from sopvault.store.heads import HeadCache  # the parser: only when main has moved

    heads = HeadCache(ws.vault.state_dir / "cache")
    contents = repo.read_blobs(heads.missing(wanted.values()))
    found: dict[str, Facts | None] = dict.fromkeys(wanted.values())
    for result in heads.results(wanted, contents):
        found[wanted[result.path]] = _read(result.document)
    heads.save()
    return found


def _read(doc: Document | None) -> Facts | None:
    """The facts of one committed document (None: not a readable document)."""
    if doc is None:
        return None
    return (
        doc.id,
        doc.title,
        doc.kind.value,
        doc.version or "",
        doc.status.value if doc.status else "",
        doc.effective.isoformat() if doc.effective else None,
        tuple(doc.roles),
        tuple(doc.readers),
        doc.next_review.isoformat() if doc.next_review else None,
        doc.owner,
    )


def read_acks(ws: Workspace, view: MainView, paths: list[str]) -> list[Ack]:
    """The acknowledgements in the ack files at ``paths`` (vault paths) on main, in
    order; one that cannot be read is left out (``verify`` reports it). Each blob is read
    and parsed once per machine (``cache/acks-read.pickle``). Raises GitError."""
    repo = ws.repo
    wanted = [(rel, view.named[rel][4]) for rel in paths if rel in view.named]
    if repo is None or not wanted:
        return []
    cache_dir = ws.vault.state_dir / "cache"
    loaded = read_cached(cache_dir / RECORDS_NAME)
    fresh = isinstance(loaded, tuple) and len(loaded) == 2 and loaded[0] == _SHAPE
    records: dict[str, Ack | None] = loaded[1] if fresh else {}
    missing = {sha: rel for rel, sha in wanted if sha not in records}
    if missing:
        shas = sorted(missing)
        for sha, data in zip(shas, repo.blobs(shas), strict=True):
            try:
                records[sha] = loads((data or b"").decode("utf-8"), missing[sha])
            except (AckFileError, UnicodeDecodeError):
                records[sha] = None
        write_cached(cache_dir, RECORDS_NAME, (_SHAPE, records))
    found = [(rel, records.get(sha)) for rel, sha in wanted]
    return [replace(ack, path=rel) for rel, ack in found if ack is not None]
