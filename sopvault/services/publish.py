"""The vault as approved on main, gathered for the HTML export and the PDF (issue 16): one
``DocPage`` per document with its metadata, steps, body, revisions and sign-offs, and the
site's tree. Nothing is read from the work tree: a controlled copy is the text main holds
(ISO 9001 §7.5.3: the approved revision identified; 21 CFR Part 11 §11.10(b): accurate and
complete copies in human-readable form).

Documents come from main's commit (``MainTip``) or the commit in force at ``--as-of``
(``services.asof``); revisions from one walk of main's line (``publishrevs``).
"""

from __future__ import annotations

import posixpath

from sopvault.core.asof import AsOfMoment
from sopvault.core.localtime import shown_iso
from sopvault.core.parse import parse_bytes
from sopvault.core.tree import VaultTree, build_tree
from sopvault.errors import DocumentError
from sopvault.model.document import Document, Kind, Status
from sopvault.model.finding import Severity
from sopvault.model.publish import DocPage, Site, TreeNode
from sopvault.services.asof import AsOf, NotInHistory
from sopvault.services.publishpage import Included, page_of
from sopvault.services.publishrevs import AllRevisions, Signed, approved_texts
from sopvault.services.workspace import Workspace
from sopvault.store.git.errors import IncompleteHistory


class MainTip(AsOf):
    """The vault as main's newest commit holds it (an AsOf whose commit is main's tip,
    whatever the clock says). Raises NeedsGit outside a repository, NotInHistory when
    main has no commits."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws
        self.moment = AsOfMoment(ws.main, ws.now(), ws.today, whole_day=False)
        self.whole = True
        self.repo = ws.git()
        tip = self.repo.rev(ws.main_ref)
        if tip is None:
            raise NotInHistory(
                f"the main branch '{ws.main}' has no commits yet: nothing is approved to publish"
            )
        self.commit = self.repo.log(tip, limit=1)[0]


def source_of(ws: Workspace, as_of: str | None) -> AsOf:
    """Where the documents come from: main's tip, or main's commit in force at ``as_of``
    (raises AsOfError, NotInHistory as ``AsOf.open``; an empty ``as_of`` is refused, never
    taken for today). Raises IncompleteHistory (exit 2) on a shallow clone or grafted
    history: which text was approved cannot be told there, and a site whose every page
    said NOT APPROVED, or worse a copy called controlled, would mislead (ISO 9001 §7.5.3)."""
    source = AsOf.open(ws, as_of) if as_of is not None else MainTip(ws)
    cut = source.repo.history_cut(source.commit.sha)
    if cut:
        raise IncompleteHistory(f"cannot tell which texts were approved: {cut}")
    return source


def source_line(source: AsOf) -> str:
    """The words saying which commit a copy shows: ``main at 3f1c2e0 (2026-03-12 10:15
    CET)``, or ``main as of 2026-03-03 (3f1c2e0 of 2026-03-01 10:15 CET)`` for the past."""
    commit = source.commit
    when = shown_iso(commit.commit_date, source.ws.zone)
    if isinstance(source, MainTip):
        return f"{source.ws.main} at {commit.sha[:7]} ({when})"
    return f"{source.ws.main} as of {source.moment.asked} ({commit.sha[:7]} of {when})"


def included(doc: Document, drafts: bool, retired: bool) -> bool:
    """Whether the export shows ``doc``: effective ones always, retired ones with
    ``retired``, drafts and those in review (or with no status) with ``drafts``."""
    if doc.status is Status.EFFECTIVE:
        return True
    if doc.status is Status.RETIRED:
        return retired
    return drafts


def gather(
    source: AsOf, *, drafts: bool = False, retired: bool = False, only: str | None = None
) -> Site:
    """The site: every included document's page (or only document ``only``'s, for a PDF)
    and the tree of the included documents. Raises DocumentNotFound when ``only`` is not
    a document there, DocumentError when its id is on two files."""
    ws = source.ws
    problems, unreadable = unpublishable(source)
    everything = {i: d for i, d in source.documents.items() if d.path not in unreadable}
    chosen = {i: d for i, d in everything.items() if included(d, drafts, retired)}
    wanted = sorted(chosen)
    if only is not None:
        doc = source.get(only)  # a PDF of any document, marked when it is not in force
        if doc.path in unreadable:  # one of two files with its id: which is meant?
            raise DocumentError(f"{doc.id} cannot be printed: {'; '.join(problems)}")
        chosen.setdefault(doc.id, doc)
        wanted = [doc.id]
    tree = build_tree(chosen)
    signed = AllRevisions(ws).by_document(source.commit.sha)
    names = {posixpath.basename(d.path): i for i, d in chosen.items()}
    context = Included(
        ids=chosen,
        names=names,
        tree=tree,
        source="" if isinstance(source, MainTip) else f"as of {source.moment.asked}",
        exported=ws.today.isoformat(),
    )
    whole = _complete(source, [chosen[doc_id] for doc_id in wanted])
    newest = {i: (whole[i].path, signed[i][0]) for i in wanted if signed.get(i)}
    approved = approved_texts(source, newest)
    pages = [
        page_of(ws, source, whole[i], signed.get(i, []), context, i in approved) for i in wanted
    ]
    unsigned = {p.id for p in pages if not p.approved}
    return Site(
        name=source.config.name,
        source=source_line(source),
        exported=context.exported,
        groups=_groups(chosen, tree, unsigned),
        pages=tuple(pages),
        documents=whole,
        problems=problems,
        unreadable=unreadable,
    )


def unpublishable(source: AsOf) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(problems, unreadable): each error of a document file main holds that keeps it off
    the site, as ``file:line: reason [code]`` (a file that does not parse; two files with
    one id, both then left off: which is meant cannot be told), and those files' vault
    paths."""
    checked = source.state.checked
    skipped = set(checked.skipped)
    doubled = {f.path for f in checked.findings if f.code == "duplicate-id"}
    for path in list(doubled):
        doc = source.document_at(path)
        kept = checked.documents.get(doc.id) if doc is not None else None
        if kept is not None:
            doubled.add(kept.path)
    bad = skipped | doubled
    problems = tuple(
        f"{f.path}:{f.line}: {f.message} [{f.code}]"
        for f in checked.findings
        if f.path in skipped and f.severity is Severity.ERROR
    )
    return problems, tuple(sorted(bad))


def _complete(source: AsOf, docs: list[Document]) -> dict[str, Document]:
    """{id: the whole document} of ``docs``; the light copies a cached load holds (no
    steps or body) are read again from the commit in ONE ``cat-file --batch``."""
    light = {doc.path: doc for doc in docs if not doc.complete}
    ids = [source.blobs[path] for path in light if path in source.blobs]
    texts = source.repo.read_blobs(ids) if ids else {}
    whole = {doc.id: doc for doc in docs if doc.complete}
    for path, doc in light.items():
        data = texts.get(source.blobs.get(path, ""))
        parsed = parse_bytes(path, data).document if data is not None else None
        whole[doc.id] = parsed if parsed is not None and parsed.id == doc.id else source.get(doc.id)
    return whole


def _groups(
    chosen: dict[str, Document], tree: VaultTree, unsigned: set[str]
) -> tuple[tuple[str, tuple[TreeNode, ...]], ...]:
    groups = []
    for kind in Kind:
        roots = tree.roots.get(kind, [])
        if roots:
            nodes = tuple(_node(chosen, tree, unsigned, r, frozenset()) for r in roots)
            groups.append((kind.plural_label, nodes))
    return tuple(groups)


def _node(
    chosen: dict[str, Document],
    tree: VaultTree,
    unsigned: set[str],
    doc_id: str,
    above: frozenset[str],
) -> TreeNode:
    doc = chosen[doc_id]
    seen = above | {doc_id}  # a cycle of parents is shown once, never followed for ever
    kids = tuple(
        _node(chosen, tree, unsigned, c, seen) for c in tree.children_of(doc_id) if c not in seen
    )
    return TreeNode(doc_id, doc.title, marked_word(doc, doc_id in unsigned), kids)


def marked_word(doc: Document, unsigned: bool = False) -> str:
    """The words a tree shows beside a document that is not in force: ``draft``,
    ``in review``, ``retired``, or ``not approved`` for an effective one whose text no
    sign-off covers (``unsigned``); "" for an effective, approved one."""
    if doc.status is Status.EFFECTIVE:
        return "not approved" if unsigned else ""
    return doc.status.value.replace("_", " ") if doc.status else "draft"


__all__ = ["DocPage", "MainTip", "Signed", "gather", "source_of"]
