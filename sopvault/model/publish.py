"""The pages of the HTML export and the PDF (issue 16): a document's page, its steps,
revisions and sign-offs, the tree, the site. ``[publish]`` itself is read into
``model.publishsettings`` (every command reads the configuration; only an export needs
these)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sopvault.model.document import Document


@dataclass(frozen=True)
class PageLink:
    """A link to another document: ``href`` its page relative to the linking page, ""
    when that document is not in the export (shown as text, never a dead link)."""

    id: str
    title: str
    href: str = ""


@dataclass(frozen=True)
class SignOff:
    """One signature on a revision (21 CFR Part 11 §11.50): who (``name``, ``email``),
    ``when`` (shown in the vault's time zone) and its ``meaning`` (authored, reviewed and
    approved)."""

    name: str
    email: str
    when: str
    meaning: str


@dataclass(frozen=True)
class RevisionRow:
    """One approved revision in a page's history: ``version``, ``when`` (shown), its
    ``summary`` (the commit subject), ``commit`` (short id), its ``signoffs`` and whether
    it ``retired`` the document."""

    version: str
    when: str
    summary: str
    commit: str
    signoffs: tuple[SignOff, ...]
    retired: bool = False


@dataclass(frozen=True)
class StepRow:
    """One numbered step as printed: ``number`` (1, 2...), ``action``, ``role``,
    ``duration``, ``due``, ``details`` (Markdown), ``evidence`` (what a run records, in
    words), ``condition`` (``when``), ``instruction`` (the linked work instruction),
    ``substeps``, ``command`` (its argument list) and the control point flags."""

    number: int
    action: str
    role: str = ""
    duration: str = ""
    due: str = ""
    details: str = ""
    evidence: str = ""
    condition: str = ""
    instruction: PageLink | None = None
    substeps: tuple[str, ...] = ()
    command: tuple[str, ...] = ()
    control_point: bool = False
    stops_work: bool = False


@dataclass(frozen=True)
class DocPage:
    """Everything one document's page shows, as plain values (its repr is the page's
    input key for the incremental export: equal pages are not rendered again).

    ``marked`` is "" for an effective document, else the words of its warning (a draft,
    a retired document); ``approved`` False when the text on main is not what its newest
    revision's sign-off covers (changed by an unreviewed commit since)."""

    id: str
    title: str
    kind: str
    status: str
    version: str
    banner: str
    marked: str
    approved: bool
    fields: tuple[tuple[str, str], ...]
    lists: tuple[tuple[str, tuple[str, ...]], ...]
    parents: tuple[PageLink, ...]
    children: tuple[PageLink, ...]
    related: tuple[PageLink, ...]
    superseded_by: PageLink | None
    steps: tuple[StepRow, ...]
    body: str
    revisions: tuple[RevisionRow, ...]
    links: tuple[tuple[str, str], ...]  # {target as written in a body: href}, for rewriting
    # "" for main's tip, "as of 2026-03-03" for the past: never main's commit id, so an
    # approval of one document leaves every other page as it was (incremental export)
    source: str


@dataclass(frozen=True)
class TreeNode:
    """One document in the site's tree (``sopvault tree``'s hierarchy): id, title, kind
    label, the ``marked`` words of a draft or retired one, and its children."""

    id: str
    title: str
    marked: str
    children: tuple[TreeNode, ...] = ()


@dataclass(frozen=True)
class Site:
    """The whole export: the vault's ``name``, ``source`` (which commit of main), the
    ``exported`` day, the tree by kind (``groups``: plural label, its root nodes), every
    page by id order, and the ``documents`` they were made from (for the flow picture;
    not part of any page's key). ``problems``: why a document on main could not be
    published (``file:line: reason``: a file that does not parse, two files with one id);
    ``unreadable``: the vault paths of those files, whose earlier pages are kept."""

    name: str
    source: str
    exported: str
    groups: tuple[tuple[str, tuple[TreeNode, ...]], ...]
    pages: tuple[DocPage, ...]
    documents: dict[str, Document] = field(default_factory=dict, compare=False, repr=False)
    problems: tuple[str, ...] = ()
    unreadable: tuple[str, ...] = ()
