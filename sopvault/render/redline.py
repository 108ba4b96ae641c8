"""The structured diff for people: as Rich ``Text`` (removed words red and struck through,
added words green and underlined), as plain text with ``[-old-]{+new+}`` marks like
``git diff --word-diff`` (no terminal, ``NO_COLOR``, ``TERM=dumb``), and as JSON.

One layout serves all three: ``_Page`` writes styled runs, and in plain mode the marks
instead of the styles. Every string from a document passes through ``inert_line`` (one
line places) or ``inert`` (the body), so no revision can send an escape sequence.
"""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.text import Text

from sopvault.core.wording import counted
from sopvault.model.redline import (
    DocumentDiff,
    FieldChange,
    Mark,
    Redline,
    StepChange,
    Words,
)
from sopvault.model.redline import StepChangeKind as K
from sopvault.render.safetext import inert, inert_line

REMOVED_STYLE = "red strike"
ADDED_STYLE = "green underline"
RULE_STYLE = "bold yellow"
_MARKS = {Mark.REMOVED: ("[-", "-]"), Mark.ADDED: ("{+", "+}")}
_STYLES = {Mark.REMOVED: REMOVED_STYLE, Mark.ADDED: ADDED_STYLE, Mark.SAME: ""}
BODY_CONTEXT = 1  # unchanged lines shown around a changed one in the body
_SIGNS = {K.ADDED: "+", K.REMOVED: "-", K.CHANGED: "~", K.SAME: "↕"}


class _Page:
    """A Text being written; ``plain`` writes word-diff marks in place of styles."""

    def __init__(self, plain: bool) -> None:
        self.plain = plain
        self.text = Text()

    def add(self, text: str, style: str = "") -> None:
        self.text.append(text, style=None if self.plain else style or None)

    def words(self, text: str, mark: Mark, block: bool = False) -> None:
        shown = inert(text) if block else inert_line(text)
        if self.plain and mark is not Mark.SAME:
            opening, closing = _MARKS[mark]
            shown = f"{opening}{shown}{closing}"
        self.add(shown, _STYLES[mark])

    def redline(self, line: Redline, block: bool = False) -> None:
        before = Mark.SAME
        for run in line:
            if not self.plain and before is Mark.REMOVED and run.mark is Mark.ADDED:
                self.add(" ")  # styles alone would run the struck and the new word together
            self.words(run.text, run.mark, block)
            before = run.mark

    def change(self, field: FieldChange) -> None:
        """``old -> new`` (or the redline for prose); a side not set reads ``(none)``."""
        if field.redline:
            self.redline(field.redline)
            return
        if field.old is not None:
            self.words(field.old, Mark.REMOVED)
        else:
            self.add("(none)", "dim")
        self.add(" -> ")
        if field.new is not None:
            self.words(field.new, Mark.ADDED)
        else:
            self.add("(none)", "dim")


def headline(diff: DocumentDiff) -> str:
    """One line on what changed: ``2 steps changed, 1 rule changed, body changed``."""
    if diff.fallback is not None:
        return diff.fallback
    parts = []
    people = [f for f in diff.metadata if not f.noise]
    if people:
        parts.append(counted(len(people), "field") + " changed")
    steps = diff.step_changes
    for kind in (K.ADDED, K.REMOVED):
        found = sum(1 for s in steps if s.kind is kind)
        if found:
            parts.append(f"{counted(found, 'step')} {kind.value}")
    reworded = sum(1 for s in steps if s.kind is K.CHANGED and s.reworded)
    moved = sum(1 for s in steps if s.moved)
    rules = sum(len(s.rules) for s in steps if s.kind is K.CHANGED)
    parts += [f"{counted(reworded, 'step')} reworded"] if reworded else []
    parts += [f"{counted(moved, 'step')} moved"] if moved else []
    parts += [f"{counted(rules, 'rule')} changed"] if rules else []
    parts += ["body changed"] if diff.body else []
    if diff.unshown:
        parts.append("other changes not shown in words (layout, comments, unknown keys): --raw")
    return ", ".join(parts) or "only the version and dates changed"


def _label(step: StepChange) -> str:
    if step.kind is K.ADDED:
        return f"step {step.new_number} added"
    if step.kind is K.REMOVED:
        return f"step {step.old_number} removed"
    words = [w for w, on in (("reworded", step.reworded), ("moved", step.moved)) if on]
    if step.kind is K.CHANGED and not step.reworded:
        words.insert(0, "changed")
    where = f"step {step.new_number}"
    if step.old_number != step.new_number:
        where += f" (was {step.old_number})"
    return f"{where} {', '.join(words)}"


def rule_phrase(field: FieldChange) -> str | None:
    """A called-out rule in words where a bare ``old -> new`` would not do."""
    if field.name == "control_point":
        return "control point turned " + ("on" if field.new else "off")
    if field.name == "on_fail":
        return "a failed answer now " + ("stops the run" if field.new else "lets the run go on")
    return None


def _step(page: _Page, step: StepChange) -> None:
    page.add(f"  {_SIGNS[step.kind]} ", "bold")
    page.add(_label(step), "bold")
    page.add("\n      ")
    page.redline(step.action)
    for field in step.fields:
        page.add("\n      ")
        page.add("! " if field.rule else "  ", RULE_STYLE)
        phrase = rule_phrase(field)
        if phrase is not None:
            page.add(phrase, RULE_STYLE)
            continue
        page.add(f"{field.name.replace('_', ' ')}: ", RULE_STYLE if field.rule else "dim")
        page.change(field)


def _metadata(page: _Page, fields: tuple[FieldChange, ...]) -> None:
    people = [f for f in fields if not f.noise]
    noise = [f for f in fields if f.noise]
    width = max((len(f.name) for f in people), default=0)
    for field in people:
        page.add(f"  {inert_line(field.name) + ':':<{width + 1}} ", "bold")
        page.change(field)
        page.add("\n")
    if noise:
        page.add("  ")
        for n, field in enumerate(noise):
            page.add(" · " if n else "", "dim")
            page.add(f"{field.name.replace('_', ' ')} ", "dim")
            page.change(field)
        page.add("\n")


def body_lines(body: Redline, context: int = BODY_CONTEXT) -> list[Redline | None]:
    """The body's redline cut into lines, keeping those with a change and ``context``
    lines around each; None stands for a run of unchanged lines left out."""
    lines: list[list[Words]] = [[]]
    for run in body:
        for n, part in enumerate(run.text.split("\n")):
            if n:
                lines.append([])
            if part:
                lines[-1].append(Words(run.mark, part))
    changed = [i for i, line in enumerate(lines) if any(w.mark is not Mark.SAME for w in line)]
    keep = {k for i in changed for k in range(i - context, i + context + 1)}
    shown: list[Redline | None] = []
    for i, line in enumerate(lines):
        if i in keep:
            shown.append(tuple(line))
        elif not shown or shown[-1] is not None:
            shown.append(None)
    return shown


def _body(page: _Page, body: Redline) -> None:
    for line in body_lines(body):
        if line is None:
            page.add("  …", "dim")
        else:
            page.redline(line, block=True)
        page.add("\n")


def redline_text(diff: DocumentDiff, *, plain: bool = False) -> Text:
    """The whole structured diff of one document: a title line, a headline, then
    Metadata, Steps and Body (each only when something in it changed). For a diff that
    fell back, the reason in one line; the caller shows ``raw`` below it."""
    page = _Page(plain)
    if not (diff.old_label.startswith(diff.doc_id) and diff.new_label.startswith(diff.doc_id)):
        page.add(inert_line(diff.doc_id), "bold cyan")
        page.add(": ")
    page.add(inert_line(diff.old_label), "red")
    page.add(" -> ")
    page.add(inert_line(diff.new_label), "green")
    page.add("\n")
    page.add(inert_line(headline(diff)), "yellow" if diff.fallback else "italic")
    page.add("\n")
    if diff.fallback is not None:
        return page.text
    if diff.metadata:
        page.add("\nMetadata\n", "bold underline")
        _metadata(page, diff.metadata)
    if diff.step_changes:
        page.add("\nSteps\n", "bold underline")
        for step in diff.step_changes:
            _step(page, step)
            page.add("\n")
    if diff.body:
        page.add("\nBody\n", "bold underline")
        _body(page, diff.body)
    page.text.rstrip()
    page.text.append("\n")
    return page.text


def redline_plain(diff: DocumentDiff) -> str:
    """The structured diff as plain text with ``[-old-]{+new+}`` marks, and the raw diff
    under it when it fell back."""
    text = redline_text(diff, plain=True).plain
    return text + ("\n" + inert(diff.raw) if diff.fallback is not None and diff.raw else "")


def redline_renderable(diff: DocumentDiff) -> RenderableType:
    """The structured diff for a terminal or the TUI, the raw diff (coloured) under it when
    it fell back."""
    from rich.console import Group

    from sopvault.render.rich import diff_renderable

    text = redline_text(diff)
    if diff.fallback is not None and diff.raw:
        return Group(text, diff_renderable(diff.raw))
    return text


def _field_json(field: FieldChange) -> dict[str, Any]:
    return {
        "field": field.name,
        "old": field.old,
        "new": field.new,
        "words": [[w.mark.value, w.text] for w in field.redline],
        "noise": field.noise,
        "rule": field.rule,
    }


def redline_json(diff: DocumentDiff) -> dict[str, Any]:
    """The structured diff as JSON-ready data: redlines as ``[mark, text]`` pairs."""
    return {
        "id": diff.doc_id,
        "old": diff.old_label,
        "new": diff.new_label,
        "structured": diff.structured,
        "fallback": diff.fallback,
        "unshown": diff.unshown,
        "summary": headline(diff),
        "metadata": [_field_json(f) for f in diff.metadata],
        "steps": [
            {
                "change": s.kind.value,
                "old_number": s.old_number,
                "new_number": s.new_number,
                "moved": s.moved,
                "reworded": s.reworded,
                "similarity": round(s.similarity, 3),
                "action": [[w.mark.value, w.text] for w in s.action],
                "fields": [_field_json(f) for f in s.fields],
            }
            for s in diff.step_changes
        ],
        "body": [[w.mark.value, w.text] for w in diff.body],
        "raw": diff.raw,
    }
