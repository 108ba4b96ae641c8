"""A structured diff of two revisions of a document, as a reviewer reads it: what changed
in the metadata, which steps were added, removed, moved or reworded, which evidence rules
and control points changed, and the body word by word. Plain data, no I/O.

ISO 9001 §7.5.3.2 c asks that changes to documented information be identified; 21 CFR
Part 11 §11.10(e) asks for an audit trail a person can read. A raw TOML diff with version
and date noise first is neither for a quality reviewer; these shapes are what the CLI,
the TUI and ``--json`` show instead (``sopvault.core.redline`` makes them).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Mark(StrEnum):
    """What a run of words is in a redline: kept, struck out or inserted."""

    SAME = "same"
    REMOVED = "removed"
    ADDED = "added"


@dataclass(frozen=True)
class Words:
    """A run of text with its mark; a redline is a tuple of these, in reading order.

    Joining the SAME and REMOVED runs gives the old text, SAME and ADDED the new one (up
    to whitespace, which is taken from the new text where the words are the same)."""

    mark: Mark
    text: str


Redline = tuple[Words, ...]


@dataclass(frozen=True)
class FieldChange:
    """One field that differs: its name as written in the file (``purpose``,
    ``record.min``), the old and new values as text (None: not set), and for prose a
    word-level redline (empty for short values, shown ``old -> new``).

    ``noise`` marks the fields every approval changes (version, status, effective,
    next_review): shown last and compactly. ``rule`` marks what changes how a run is
    checked (control point, evidence, on_fail, role, instruction, when, due): called out."""

    name: str
    old: str | None
    new: str | None
    redline: Redline = ()
    noise: bool = False
    rule: bool = False


class StepChangeKind(StrEnum):
    """What happened to one step between the two revisions."""

    SAME = "same"
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"  # paired by similarity, some field differs


@dataclass(frozen=True)
class StepChange:
    """One step across the two revisions, paired by what it says, not where it stands.

    ``old_number`` and ``new_number`` are 1-based (None on the side it is missing from);
    ``moved`` is True when its place among the other paired steps changed (not merely
    shifted by a step added or removed before it); ``similarity`` is 0..1 (1 for an
    identical step); ``action`` is the action's redline (all ADDED or all REMOVED for an
    added or removed step); ``fields`` every other field that differs."""

    kind: StepChangeKind
    old_number: int | None
    new_number: int | None
    action: Redline
    similarity: float = 1.0
    moved: bool = False
    fields: tuple[FieldChange, ...] = ()

    @property
    def reworded(self) -> bool:
        """True when the action's words changed."""
        return any(w.mark is not Mark.SAME for w in self.action)

    @property
    def rules(self) -> tuple[FieldChange, ...]:
        """The changes that alter how a run checks this step (called out for reviewers)."""
        return tuple(f for f in self.fields if f.rule)


@dataclass(frozen=True)
class DocumentDiff:
    """What changed in one document between two texts.

    ``old_label`` and ``new_label`` name the two sides (``SOP-003 2.0 (ab12cd34)``);
    ``doc_id`` is the id of either side. When either side is missing or cannot be parsed,
    ``fallback`` says why in one line and ``raw`` holds the unified diff of the texts,
    which is then all there is to show; otherwise ``raw`` is still there for ``--raw``."""

    doc_id: str
    old_label: str
    new_label: str
    raw: str
    fallback: str | None = None
    metadata: tuple[FieldChange, ...] = ()
    steps: tuple[StepChange, ...] = ()
    body: Redline = ()
    # True when the texts differ beyond the version and dates yet nothing above shows it
    # (layout, comments, keys sopvault does not read): ``raw`` is then the place to look.
    unshown: bool = False

    @property
    def structured(self) -> bool:
        """True when both sides parsed and the diff is the structured one."""
        return self.fallback is None

    @property
    def in_words(self) -> bool:
        """True when the structured diff shows a change besides the version and dates."""
        people = any(not f.noise for f in self.metadata)
        return people or bool(self.step_changes) or bool(self.body)

    @property
    def step_changes(self) -> tuple[StepChange, ...]:
        """The steps that are not the same (added, removed, changed or moved)."""
        return tuple(s for s in self.steps if s.kind is not StepChangeKind.SAME or s.moved)

    @property
    def unchanged(self) -> bool:
        """True when nothing differs (the raw diff is empty)."""
        return not self.raw
