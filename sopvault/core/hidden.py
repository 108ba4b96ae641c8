"""Characters that make text look other than it is: ``check`` warns about them.

A bidirectional override or isolate (U+202A-202E, U+2066-2069) reorders what a reader sees
("Trojan source", CVE-2021-42574): a step can read "Close valve 3" and say otherwise. A
zero-width character (U+200B-200D, U+2060, U+FEFF) makes two ids, owners or roles that look
the same differ, so a sign-off or an assignment silently misses. The terminal output shows
the overrides as ``<U+202E>`` (``render.safetext``); this is the warning in the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sopvault.model.document import Document
from sopvault.model.finding import Finding, Severity

BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")


def hidden_characters(doc: Document) -> list[Finding]:
    """A warning for each field of ``doc`` (id, title, owner, each step's action and role)
    that holds a bidirectional control or a zero-width character, naming the first one."""
    found = []
    for line, where, value in _fields(doc):
        for pattern, what, why in (
            (BIDI, "a bidirectional control", "it can show the text in another order"),
            (ZERO_WIDTH, "a zero-width character", "it makes equal-looking text differ"),
        ):
            match = pattern.search(value)
            if match is not None:
                code = f"U+{ord(match.group()):04X}"
                message = f"{where} holds {what} ({code}): {why}; remove it"
                found.append(Finding(doc.path, line, Severity.WARNING, "hidden-character", message))
    return found


def _fields(doc: Document) -> Iterator[tuple[int, str, str]]:
    """(line, name, value) of every field the check covers."""
    yield doc.line_of("id"), "id", doc.id
    yield doc.line_of("title"), "title", doc.title
    if doc.owner:
        yield doc.line_of("owner"), "owner", doc.owner
    for number, step in enumerate(doc.steps, start=1):
        yield step.line, f"step {number} action", step.action
        if step.role:
            yield step.line, f"step {number} role", step.role
