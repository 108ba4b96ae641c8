"""Vault-wide validation: ids, links, the parent tree, kinds, and the wording of steps."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sopvault.core.hidden import hidden_characters
from sopvault.core.lifecycle import reader_problems, retired_links, successor_problems
from sopvault.core.verbs import VerbVerdict, classify_action
from sopvault.model.config import VaultConfig
from sopvault.model.document import ALLOWED_PARENT_KINDS, STEPPED_KINDS, Document, Kind, Step
from sopvault.model.finding import Finding, ParseResult, Severity


@dataclass
class CheckedVault:
    """The documents that can be used (first of each id), and every finding, in file order."""

    documents: dict[str, Document]
    findings: list[Finding] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        """The findings that fail ``check`` (exit status 1)."""
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        """The findings that are reported but do not fail ``check``."""
        return [f for f in self.findings if f.severity is Severity.WARNING]


def check_vault(
    results: Iterable[ParseResult], config: VaultConfig, today: date | None = None
) -> CheckedVault:
    """Index parse results by id and run every cross-document check.

    Files that could not be parsed are listed in ``skipped``; of two documents sharing an id
    the one whose path sorts first is kept, so the result does not depend on disk order.
    """
    checked = index_results(results)
    extra = frozenset(config.extra_verbs)
    for doc in checked.documents.values():
        checked.findings.extend(_check_links(doc, checked.documents))
        checked.findings.extend(_check_steps(doc, checked.documents, extra))
        checked.findings.extend(hidden_characters(doc))
        if today is not None:
            checked.findings.extend(_check_review_date(doc, today))
        checked.findings.extend(retired_links(doc, checked.documents))
        checked.findings.extend(successor_problems(doc, checked.documents))
        if config.people:
            checked.findings.extend(reader_problems(doc, config.people.values()))
        if config.people and doc.owner and doc.owner not in config.people:
            checked.findings.append(
                _warning(
                    doc,
                    doc.line_of("owner"),
                    "unknown-owner",
                    f"owner '{doc.owner}' is not one of the people in sopvault.toml",
                )
            )
    checked.findings.extend(_check_cycles(checked.documents))
    checked.findings.sort(key=lambda f: (f.path, f.line, f.code))
    return checked


def index_results(results: Iterable[ParseResult]) -> CheckedVault:
    """Parse results as documents by id, with every parse finding, before any check across
    documents: files that could not be parsed are ``skipped``, and of two documents
    sharing an id the one whose path sorts first is kept (a ``duplicate-id`` error names
    the other), so the result does not depend on disk order. Ids that differ only in case
    (``SOP-003``, ``sop-003``) count as the same id (``duplicate-id-case``, naming both
    files): a case-insensitive file system, a Windows or macOS share, and Hugo's
    lower-cased URLs would mix up their files and pages."""
    checked = CheckedVault(documents={})
    folded: dict[str, Document] = {}
    for result in sorted(results, key=lambda r: r.path):
        checked.findings.extend(result.findings)
        doc = result.document
        if doc is None:
            if not result.ignored:
                checked.skipped.append(result.path)
            continue
        first = checked.documents.get(doc.id)
        if first is not None:
            checked.findings.append(
                _error(
                    doc,
                    doc.line_of("id"),
                    "duplicate-id",
                    f"id '{doc.id}' is already used by {first.path}",
                )
            )
            checked.skipped.append(doc.path)
            continue
        same = folded.get(doc.id.casefold())
        if same is not None:
            checked.findings.append(
                _error(
                    doc,
                    doc.line_of("id"),
                    "duplicate-id-case",
                    f"id '{doc.id}' differs only in case from '{same.id}' of {same.path}:"
                    f" {doc.path} and {same.path} would be mixed up on a case-insensitive"
                    " file system",
                )
            )
            checked.skipped.append(doc.path)
            continue
        folded[doc.id.casefold()] = doc
        checked.documents[doc.id] = doc
    return checked


def _error(doc: Document, line: int, code: str, message: str) -> Finding:
    return Finding(doc.path, line, Severity.ERROR, code, message)


def _warning(doc: Document, line: int, code: str, message: str) -> Finding:
    return Finding(doc.path, line, Severity.WARNING, code, message)


def _check_links(doc: Document, documents: dict[str, Document]) -> list[Finding]:
    found: list[Finding] = []
    for parent_id in doc.parents:
        parent = documents.get(parent_id)
        if parent is None:
            found.append(
                _error(
                    doc,
                    doc.line_of("parents"),
                    "unknown-parent",
                    f"parent '{parent_id}' is not a document in this vault",
                )
            )
        elif parent.kind not in ALLOWED_PARENT_KINDS[doc.kind]:
            allowed = ", ".join(sorted(k.label for k in ALLOWED_PARENT_KINDS[doc.kind]))
            found.append(
                _error(
                    doc,
                    doc.line_of("parents"),
                    "bad-parent-kind",
                    f"a {doc.kind.label} cannot sit under {parent.kind.label} '{parent_id}'"
                    f" (allowed parents: {allowed})",
                )
            )
    for related_id in doc.related:
        if related_id not in documents:
            found.append(
                _error(
                    doc,
                    doc.line_of("related"),
                    "unknown-related",
                    f"related '{related_id}' is not a document in this vault",
                )
            )
        elif related_id == doc.id:
            found.append(
                _warning(
                    doc,
                    doc.line_of("related"),
                    "self-related",
                    "a document cannot be related to itself",
                )
            )
    return found


def _check_steps(
    doc: Document, documents: dict[str, Document], extra_verbs: frozenset[str]
) -> list[Finding]:
    found: list[Finding] = []
    if doc.kind in STEPPED_KINDS and not doc.steps and "steps" not in doc.front:
        found.append(
            _error(
                doc,
                doc.line_of("kind"),
                "empty-procedure",
                f"a {doc.kind.label} needs at least one [[steps]] entry",
            )
        )
    elif doc.steps and doc.kind not in STEPPED_KINDS:
        found.append(
            _warning(
                doc,
                doc.line_of("steps"),
                "steps-ignored",
                f"steps are only run for procedures and work instructions, not a {doc.kind.label}",
            )
        )
    for number, step in enumerate(doc.steps, start=1):
        found += _check_step(doc, number, step, documents, extra_verbs)
    return found


def _check_step(
    doc: Document,
    number: int,
    step: Step,
    documents: dict[str, Document],
    extra_verbs: frozenset[str],
) -> list[Finding]:
    """One step: its action starts with a verb, its instruction is a work instruction."""
    found: list[Finding] = []
    verdict = classify_action(step.action, extra_verbs)
    if verdict is VerbVerdict.NOT_A_VERB:
        message = f"step {number}: action must start with a verb: {step.action!r}"
        found.append(_error(doc, step.line, "step-verb", message))
    elif verdict is VerbVerdict.UNKNOWN:
        message = (
            f"step {number}: {step.action.split()[0]!r} is not a known verb"
            " (add it to [checks] extra_verbs in sopvault.toml if it is one)"
        )
        found.append(_warning(doc, step.line, "step-verb", message))
    if step.instruction is None:
        return found
    target = documents.get(step.instruction)
    if target is None:
        message = f"step {number}: instruction '{step.instruction}' is not a document in this vault"
        found.append(_error(doc, step.line, "unknown-instruction", message))
    elif target.kind is not Kind.WORK_INSTRUCTION:
        message = (
            f"step {number}: instruction '{step.instruction}' is a"
            f" {target.kind.label}, not a work instruction"
        )
        found.append(_error(doc, step.line, "bad-instruction", message))
    return found


def _check_review_date(doc: Document, today: date) -> list[Finding]:
    """A document in force past its ``next_review`` (ISO 9001 §7.5.2: periodic review)."""
    if doc.next_review is not None and doc.next_review < today and doc.status != "retired":
        return [
            _warning(
                doc,
                doc.line_of("next_review"),
                "review-overdue",
                f"review was due on {doc.next_review.isoformat()}",
            )
        ]
    return []


def _check_cycles(documents: dict[str, Document]) -> list[Finding]:
    """Report each parent cycle once, on the document whose id sorts first in it."""
    found: list[Finding] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    reported: set[frozenset[str]] = set()
    for start in sorted(documents):
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, index = stack.pop()
            if index == 0:
                state[node] = 1
                path.append(node)
            parents = [p for p in documents[node].parents if p in documents]
            if index < len(parents):
                stack.append((node, index + 1))
                nxt = parents[index]
                if state.get(nxt) == 1:
                    cycle = path[path.index(nxt) :]
                    key = frozenset(cycle)
                    if key not in reported:
                        reported.add(key)
                        first = documents[min(cycle)]
                        ring = " -> ".join([*cycle, nxt])
                        found.append(
                            _error(
                                first,
                                first.line_of("parents"),
                                "parent-cycle",
                                f"parents form a cycle: {ring}",
                            )
                        )
                elif not state.get(nxt):
                    stack.append((nxt, 0))
            else:
                state[node] = 2
                path.pop()
    return found
