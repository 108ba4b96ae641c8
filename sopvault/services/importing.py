"""``sopvault import``: pages from another tool become drafts in the vault (issue 16).

Each page found (``services.importwalk``) is made a draft by ``core.importing``, given a
fresh id numbered as ``sopvault new`` numbers them (and a file name no file in the vault
has taken), placed in its kind's folder, its links to other imported pages rewritten
(``core.importlinks``), then checked as ``sopvault check`` would check it among the
vault's documents. Unless it is a dry run, each file is then written whole and never over
an existing one (``store.newfile``) and read back through the real parser before it
counts. A page that cannot be imported (unreadable front matter, no kind, imported
before) is refused with its file, line and reason; the others still import. Nothing is
committed: the drafts are proposed with ``sopvault propose`` as usual.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from sopvault.core.checks import check_vault
from sopvault.core.frontmatter import FrontMatterError
from sopvault.core.importing import Draft, document_text, folder_kind, make_draft
from sopvault.core.importlinks import Linker, relink
from sopvault.core.parse import decode, parse_bytes, parse_text
from sopvault.errors import Invalid, Refused, SopvaultError
from sopvault.model.document import Kind
from sopvault.model.finding import Finding, ParseResult, Severity
from sopvault.services import scaffold
from sopvault.services.importwalk import Page, walk
from sopvault.services.vault import Vault
from sopvault.store.fs import safe_relative, scan_documents
from sopvault.store.newfile import write_new

MAX_BYTES = 5_000_000  # a page larger than this is refused, not read
_DIGEST = re.compile(r'^sha256 = "([0-9a-f]{64})"', re.M)
# The page a link to a folder names (Hugo's ``index.md``/``_index.md``, MkDocs' README).
BUNDLE_FILES = ("index.md", "_index.md", "README.md", "readme.md", "index.markdown")
_NUMBERED = re.compile(r"^([A-Za-z][A-Za-z0-9]*-\d+)(?:-|\.md$)")


@dataclass(frozen=True)
class Choice:
    """How kinds are chosen: ``kind`` for every page (``--kind``), else ``folders``
    (a folder's name, as typed, to a kind: ``--map``) before the built-in folder names."""

    kind: Kind | None = None
    folders: dict[str, Kind] = field(default_factory=dict)
    dry_run: bool = False


@dataclass
class Created:
    """A page made a draft: its new id, vault-relative path and text, links rewritten."""

    page: Page
    doc_id: str
    rel: str
    draft: Draft
    text: str = ""
    links: int = 0
    unresolved: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Refusal:
    """A page not imported: its file (as given), the line at fault when known, and why."""

    file: str
    line: int | None
    reason: str


@dataclass
class ImportReport:
    """What an import did (or, on a dry run, would do)."""

    created: list[Created] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    left_out: list[tuple[str, str]] = field(default_factory=list)
    dry_run: bool = False


def import_pages(vault: Vault, paths: list[Path], choice: Choice) -> ImportReport:
    """Import the pages under ``paths`` into ``vault`` as drafts (written unless
    ``choice.dry_run``). Raises NotFound for a path that does not exist and ReadOnly for a
    vault that cannot be written; a page's own problem is a Refusal in the report."""
    if not choice.dry_run:
        vault.must_be_writable("import documents")
    walked = walk(paths)
    report = ImportReport(left_out=walked.left_out, dry_run=choice.dry_run)
    earlier = _imported_digests(vault)
    taken = _Ids(_ids_in_use(vault))
    own = _own_files(vault)
    for page in walked.pages:
        if page.file.resolve() in own:
            report.left_out.append((str(page.file), "a document or template of this vault"))
            continue
        try:
            created = _plan(vault, page, choice, earlier, taken)
        except SopvaultError as err:
            report.refused.append(Refusal(str(page.file), err.line, err.message))
            continue
        report.created.append(created)
    _relink_all(report)
    report.findings = _findings(vault, report)
    if not choice.dry_run:
        _write_all(vault, report)
    return report


def _plan(
    vault: Vault, page: Page, choice: Choice, earlier: dict[str, str], taken: _Ids
) -> Created:
    raw = _read(page)
    digest = hashlib.sha256(raw).hexdigest()
    if digest in earlier:
        raise Refused(f"imported before, as {earlier[digest]}: not imported again")
    text, problem = decode(page.name, raw)
    if text is None:
        line = problem.line if problem is not None else None
        raise Invalid(problem.message if problem is not None else "not UTF-8", line=line)
    draft = make_draft(page.name, text, _chosen_kind(page, choice), digest)
    doc_id = taken.next(vault.config.id_prefixes[draft.kind])
    rel = f"{vault.config.folders[draft.kind]}/{doc_id}-{scaffold.slugify(draft.title)}.md"
    target = safe_relative(vault.root, rel)
    if target.exists() or target.is_symlink():
        raise Refused(f"{rel} exists already: nothing overwritten")
    taken.add(doc_id)
    return Created(page, doc_id, rel, draft)


class _Ids:
    """Ids in use, and the next one per prefix numbered as ``sopvault new`` numbers them
    (``scaffold.next_id``: one past the highest ``PREFIX-NNN``), counted once per prefix;
    ids are compared without regard to case (``sop-003`` takes ``SOP-003``)."""

    def __init__(self, taken: set[str]) -> None:
        self.taken = taken
        self.folded = {i.casefold() for i in taken}
        self.highest: dict[str, int] = {}

    def next(self, prefix: str) -> str:
        """The next free ``PREFIX-NNN``."""
        if prefix not in self.highest:
            last = scaffold.next_id(prefix, self.taken)
            self.highest[prefix] = int(last.rsplit("-", 1)[1]) - 1
        number = self.highest[prefix] + 1
        while f"{prefix}-{number:03d}".casefold() in self.folded:
            number += 1
        return f"{prefix}-{number:03d}"

    def add(self, doc_id: str) -> None:
        """Take ``doc_id``."""
        self.taken.add(doc_id)
        self.folded.add(doc_id.casefold())
        prefix, _, number = doc_id.rpartition("-")
        if number.isdigit():
            self.highest[prefix] = max(self.highest.get(prefix, 0), int(number))


def _read(page: Page) -> bytes:
    """The page's bytes, read only from a regular file (never through a symbolic link put
    there after the walk, never from a FIFO that would block); Invalid otherwise."""
    try:
        fd = os.open(page.file, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as err:
        raise Invalid(f"cannot be read: {err.strerror or err}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise Invalid("not a regular file: not read")
        if info.st_size > MAX_BYTES:
            raise Invalid(f"larger than {MAX_BYTES // 1_000_000} MB: not imported")
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise Invalid(f"larger than {MAX_BYTES // 1_000_000} MB: not imported")
    if b"\x00" in raw[:8192]:
        raise Invalid("a binary file, not a text page")
    return raw


def _chosen_kind(page: Page, choice: Choice) -> Kind | None:
    """``--kind``, else the nearest folder named in ``--map`` or by a kind's name."""
    if choice.kind is not None:
        return choice.kind
    mapped = {name.lower(): kind for name, kind in choice.folders.items()}
    for folder in page.folders:
        if folder.lower() in mapped:
            return mapped[folder.lower()]
        by_name = folder_kind(folder)
        if by_name is not None:
            return by_name
    return None


def _imported_digests(vault: Vault) -> dict[str, str]:
    """The ``[imported] sha256`` of every document of the vault -> its id."""
    found: dict[str, str] = {}
    for doc in vault.documents.values():
        try:
            text = vault.read_text(doc)
        except (OSError, UnicodeDecodeError):
            continue
        if "[imported" in text:
            for digest in _DIGEST.findall(text):
                found[digest] = doc.id
    return found


def _own_files(vault: Vault) -> set[Path]:
    """The vault's documents and templates (``sopvault import .`` must not copy them)."""
    own = {vault.path_of(doc).resolve() for doc in vault.documents.values()}
    templates = vault.root / "templates"
    if templates.is_dir() and not templates.is_symlink():
        own.update(path.resolve() for path in templates.glob("*.md"))
    return own


def _ids_in_use(vault: Vault) -> set[str]:
    """Every id of the vault, and every ``PREFIX-NNN`` a Markdown file's name starts with
    (a file that failed to load, a note): a new id takes neither."""
    stamps, _ = scan_documents(vault.root)
    named = {m.group(1) for s in stamps if (m := _NUMBERED.match(posixpath.basename(s.rel)))}
    return set(vault.documents) | named


class _Pages:
    """The pages of one import, found by file (Markdown links) and by name (wiki links)."""

    def __init__(self, created: list[Created]) -> None:
        self.by_file = {os.path.normpath(os.path.abspath(c.page.file)): c for c in created}
        self.paths = [(f"/{_stem_path(c)}", c) for c in created]
        self.by_stem: dict[str, list[Created]] = {}
        for path, item in self.paths:
            self.by_stem.setdefault(posixpath.basename(path), []).append(item)

    def linker(self, created: Created) -> Linker:
        """How the links of ``created`` find the other imported pages."""

        def page(target: str) -> str | None:
            joined = os.path.normpath(
                os.path.join(os.path.abspath(created.page.file.parent), target)
            )
            if not target.endswith("/"):
                return _to(created, self.by_file.get(joined))
            for name in BUNDLE_FILES:  # a folder link: the page bundle's page in it
                found = self.by_file.get(os.path.join(joined, name))
                if found is not None:
                    return _to(created, found)
            return None

        def name(target: str) -> str | None:
            return _to(created, self.named(created, target))

        return Linker(page=page, name=name)

    def named(self, linking: Created, name: str) -> Created | None:
        """The page an Obsidian link names: by path when it holds a ``/``, else by file
        name; of several, the one in the linking page's folder, else none (ambiguous)."""
        wanted = _plain(name)
        for suffix in (".md", ".markdown"):
            wanted = wanted.removesuffix(suffix)
        if "/" in wanted:
            tail = f"/{wanted.strip('/')}"
            hits = [item for path, item in self.paths if path.endswith(tail)]
        else:
            hits = self.by_stem.get(wanted, [])
        if len(hits) > 1:
            hits = [c for c in hits if c.page.file.parent == linking.page.file.parent]
        return hits[0] if len(hits) == 1 else None


def _relink_all(report: ImportReport) -> None:
    """Rewrite the links of every draft (body, steps) to the other drafts' new files."""
    pages = _Pages(report.created)
    for created in report.created:
        linker = pages.linker(created)
        draft = created.draft
        body = relink(draft.body, linker)
        draft.body = body.text
        created.links, created.unresolved = body.rewritten, body.unresolved
        for step in draft.steps:
            for key in ("action", "details"):
                if isinstance(step.get(key), str):
                    done = relink(step[key], linker)
                    step[key] = done.text
                    created.links += done.rewritten
                    created.unresolved += done.unresolved
            if isinstance(step.get("substeps"), list):
                step["substeps"] = [
                    relink(s, linker).text if isinstance(s, str) else s for s in step["substeps"]
                ]


def _stem_path(created: Created) -> str:
    return _plain(posixpath.splitext(created.page.name)[0])


def _plain(name: str) -> str:
    """A page name as links name it: any case, and a GitHub wiki's dashes as the spaces
    its links write (``[[Clean the tank]]`` is ``Clean-the-tank.md``)."""
    return " ".join(re.sub(r"[-_\s]+", " ", name.strip().lower()).split())


def _to(linking: Created, target: Created | None) -> str | None:
    """The link from ``linking``'s new file to ``target``'s, relative (``../x/SOP-4.md``)."""
    if target is None:
        return None
    return posixpath.relpath(target.rel, posixpath.dirname(linking.rel) or ".")


def _findings(vault: Vault, report: ImportReport) -> list[Finding]:
    """The drafts' texts, and what ``check`` will say of them among the vault's documents
    (a draft whose text would not read back is refused here)."""
    results = [ParseResult(doc.path, doc) for doc in vault.documents.values()]
    ready: list[Created] = []
    for item in list(report.created):
        try:
            item.text = document_text(item.draft, item.doc_id)
        except FrontMatterError as err:
            report.created.remove(item)
            report.refused.append(Refusal(str(item.page.file), None, err.message))
            continue
        results.append(parse_text(item.rel, item.text))
        ready.append(item)
    new = {item.rel for item in ready}
    checked = check_vault(results, vault.config, vault.today)
    findings = [f for f in checked.findings if f.path in new]
    for item in ready:
        lines = item.text.split("\n")
        for target in item.unresolved:
            line = next((n for n, text in enumerate(lines, 1) if target in text), 1)
            message = f"link to {target} left as it was: that page was not imported"
            findings.append(Finding(item.rel, line, Severity.WARNING, "link-not-imported", message))
    return findings


def _write_all(vault: Vault, report: ImportReport) -> None:
    """Write each draft as a new file and read it back, each page all or nothing: a name
    taken meanwhile, a disk that refuses or a file that reads back different refuses that
    page alone (its file removed if it was made), the others are written; nothing raises
    out of the command."""
    for item in list(report.created):
        try:
            _write_one(vault, item)
        except FileExistsError:
            reason = f"{item.rel} exists already: not overwritten"
        except OSError as err:
            reason = f"{item.rel} could not be written: {err.strerror or err}"
        except (SopvaultError, UnicodeError) as err:
            reason = str(err)
        else:
            continue
        report.created.remove(item)
        report.refused.append(Refusal(str(item.page.file), None, reason))
    vault.reload()


def _write_one(vault: Vault, item: Created) -> None:
    """Write one draft as a new file and read it back through the parser; when it does
    not read back, the file just made is removed and SopvaultError raised. FileExistsError
    when the name is taken (nothing changed), OSError when the disk refuses."""
    data = item.text.encode("utf-8")  # before anything is made on disk
    target = safe_relative(vault.root, item.rel)
    target.parent.mkdir(parents=True, exist_ok=True)
    safe_relative(vault.root, item.rel)  # the folder made may not lead out of the vault
    write_new(target, data)
    raw = target.read_bytes()
    back = parse_bytes(item.rel, raw)
    if raw != data or back.document is None or back.document.id != item.doc_id:
        target.unlink(missing_ok=True)
        raise SopvaultError(f"{item.rel} did not read back as {item.doc_id}: removed")
