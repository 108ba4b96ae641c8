"""What main holds for acknowledgements, read fast: each document's current revision and
the name of every ack file, from one tree listing of main.

A document's current revision is its text on main while its status there is effective
and an approval landed exactly that text (a commit of main's first-parent line with
``Reviewed-by``, not a run record: the revisions ``history`` lists; ``verify`` judges
whether each sign-off counts).

"Who owes what" must answer in a fraction of a second on a vault of 10,000 documents
(``sopvault due``): main's tree is listed once (``ls-tree``), ack files are known by their
names alone (``core.ackfile``), and the vault's private state folder keeps
(``cache/acks-main.pickle``) each document's front-matter facts by blob id (a blob never
changes, so only documents changed on main are read again) and the blobs approvals
landed, as of a main commit: only the commits main gained since are read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sopvault.core.ackfile import ACKS_DIR, AckName, parse_path
from sopvault.core.parse import parse_bytes
from sopvault.core.readers import must_read
from sopvault.core.trailers import REVIEWED_BY, RUN_ID, has_trailer
from sopvault.model.ack import Current
from sopvault.model.config import Person
from sopvault.model.document import Document, Kind, Status
from sopvault.services.workspace import Workspace
from sopvault.store.cache import read_cached, write_cached
from sopvault.store.git.repo import ZERO

CACHE_NAME = "acks-main.pickle"
_SHAPE = ("acks-main", 3)
_FILE_MODES = ("100644", "100755")

# Per blob id: (id, title, kind, version, status, effective, roles, readers, next_review,
# owner), or None when the blob is not a readable document.
Facts = tuple[
    str, str, str, str, str, date | None, tuple[str, ...], tuple[str, ...], date | None, str | None
]


@dataclass(frozen=True)
class InForce:
    """An effective document on main as periodic review sees it (``sopvault due``)."""

    doc_id: str
    title: str
    next_review: date | None
    owner: str | None


@dataclass
class MainView:
    """Main at ``tip`` (None: no main yet): every document on main by id (``current``
    holds those whose status there is effective; ``titles`` all of them) and the ack
    files, by the lower-case e-mail of whose they are, each with its vault path."""

    tip: str | None
    current: dict[str, Current] = field(default_factory=dict)
    # {blob id: the main commit whose approval landed it}, for document paths.
    approved: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    acks: dict[str, list[tuple[AckName, str]]] = field(default_factory=dict)
    # Every document whose status on main is effective, approved text or not (review).
    in_force: dict[str, InForce] = field(default_factory=dict)

    def acked(self, email: str | None) -> dict[str, set[str]]:
        """{document id: versions acknowledged} by the person with ``email``, by name."""
        found: dict[str, set[str]] = {}
        for name, _ in self.acks.get((email or "").lower(), []):
            found.setdefault(name.doc_id, set()).add(name.version)
        return found


def main_view(ws: Workspace) -> MainView:
    """Main as acknowledgements see it (see the module's docstring); an empty view when
    the vault is not in git or main has no commit. Raises GitError when git fails."""
    repo = ws.repo
    tip = repo.rev(ws.main_ref) if repo is not None else None
    if repo is None or tip is None:
        return MainView(tip)
    entries = repo.tree_entries(tip, ws.prefix)
    view = MainView(tip)
    docs: dict[str, str] = {}
    for path, (mode, sha) in entries.items():
        rel = ws.vault_path(path)
        if rel is None or mode not in _FILE_MODES:
            continue
        if rel.startswith(f"{ACKS_DIR}/"):
            name = parse_path(rel)
            if name is not None:
                view.acks.setdefault(name.email, []).append((name, rel))
        elif ws.is_document(path):
            docs[rel] = sha
    found, view.approved = _cached(ws, docs, tip)
    for rel, sha, facts in found:
        if facts is None:
            continue
        doc_id, title, kind, version, status, effective, roles, readers, review, owner = facts
        view.titles.setdefault(doc_id, title)
        if status == Status.EFFECTIVE.value:
            view.in_force.setdefault(doc_id, InForce(doc_id, title, review, owner))
        if status == Status.EFFECTIVE.value and version and sha in view.approved:
            view.current[doc_id] = Current(
                doc_id, title, Kind(kind), version, rel, sha, effective, roles, readers
            )
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


def _cached(
    ws: Workspace, docs: dict[str, str], tip: str
) -> tuple[list[tuple[str, str, Facts | None]], dict[str, str]]:
    """(vault path, blob id, facts) for every document path on main, and the blobs
    approvals landed, from the cache where it has them: blobs not read before are read in
    one batch and parsed, approvals main gained since the cached tip are read from the
    log; the cache is written again when either changed."""
    repo = ws.repo
    assert repo is not None
    cache_dir = ws.vault.state_dir / "cache"
    loaded = read_cached(cache_dir / CACHE_NAME)
    fresh = isinstance(loaded, tuple) and len(loaded) == 4 and loaded[0] == _SHAPE
    facts: dict[str, Facts | None] = loaded[1] if fresh else {}
    since: str | None = loaded[2] if fresh else None
    approved: dict[str, str] = dict(loaded[3]) if fresh else {}
    missing = sorted({sha for sha in docs.values() if sha not in facts})
    if missing:
        by_sha = {sha: rel for rel, sha in docs.items()}
        for sha, raw in zip(missing, repo.blobs(missing), strict=True):
            facts[sha] = _read(by_sha[sha], raw)
    if since != tip:
        if since is None or not repo.is_ancestor(since, tip):
            since, approved = None, {}
        approved = _landed(ws, tip, since) | approved  # the older landing wins
    if missing or since != tip:
        live = set(docs.values())
        kept = {k: v for k, v in facts.items() if k in live}
        write_cached(cache_dir, CACHE_NAME, (_SHAPE, kept, tip, approved))
    return [(rel, sha, facts.get(sha)) for rel, sha in sorted(docs.items())], approved


def _landed(ws: Workspace, tip: str, since: str | None) -> dict[str, str]:
    """{blob id: commit} of the document texts approvals put on main after ``since``
    (from the start when None) up to ``tip``; the oldest approval of a text wins."""
    assert ws.repo is not None
    span = f"{since}..{tip}" if since else tip
    commits = ws.repo.log(span, first_parent=True, raw=True, paths=(ws.prefix or ".",))
    found: dict[str, str] = {}
    for commit in commits:  # newest first: an older landing of the same text overwrites
        trailers = commit.trailers
        if not has_trailer(trailers, REVIEWED_BY) or has_trailer(trailers, RUN_ID):
            continue
        for path, _, after in commit.changes:
            if after != ZERO and ws.is_document(path):
                found[after] = commit.sha
    return found


def _read(rel: str, raw: bytes | None) -> Facts | None:
    """The facts of one committed document, None when it does not parse as one."""
    if raw is None:
        return None
    doc = parse_bytes(rel, raw).document
    if doc is None:
        return None
    return (
        doc.id,
        doc.title,
        doc.kind.value,
        doc.version or "",
        doc.status.value if doc.status else "",
        doc.effective,
        tuple(doc.roles),
        tuple(doc.readers),
        doc.next_review,
        doc.owner,
    )
