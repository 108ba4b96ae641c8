"""Documents and their steps: kinds, statuses and the evidence a step asks for. No I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Any, TypeVar

import tomli

from sopvault.errors import Invalid

_Word = TypeVar("_Word", bound=StrEnum)


def _parse_word(cls: type[_Word], text: str, aliases: dict[str, str], what: str) -> _Word:
    """The member of ``cls`` that ``text`` names, as people type it: any case, ``-``, ``_``
    or spaces between words, a plural or one of ``aliases``; Invalid lists the valid words."""
    word = "_".join(text.strip().lower().replace("-", " ").replace("_", " ").split())
    word = aliases.get(word, word)
    for member in cls:
        plurals = (f"{member.value}s", f"{member.value}es", member.value[:-1] + "ies")
        if word == member.value or word in plurals:
            return member
    valid = ", ".join(m.value.replace("_", "-") for m in cls)
    raise Invalid(f"{text!r} is not a {what}: use one of {valid}")


class Kind(StrEnum):
    """The documentation layers, from the guiding policy down to the filled-in form."""

    POLICY = "policy"
    PROCESS = "process"
    PROCEDURE = "procedure"
    WORK_INSTRUCTION = "work_instruction"
    STANDARD = "standard"
    FORM = "form"

    @classmethod
    def parse(cls, text: str) -> Kind:
        """The kind a person means: ``work-instruction``, "work instruction", ``WI``, ``sop``
        (a procedure), ``policies``...; Invalid names the kinds there are."""
        return _parse_word(cls, text, _KIND_ALIASES, "kind")

    @property
    def label(self) -> str:
        """The kind in words: ``work instruction``."""
        return self.value.replace("_", " ")

    @property
    def plural_label(self) -> str:
        """The heading of a group of this kind in the tree: ``Work instructions``."""
        return {
            Kind.POLICY: "Policies",
            Kind.PROCESS: "Processes",
            Kind.PROCEDURE: "Procedures",
            Kind.WORK_INSTRUCTION: "Work instructions",
            Kind.STANDARD: "Standards",
            Kind.FORM: "Forms and templates",
        }[self]


class Status(StrEnum):
    """Where a document is in its life; only ``effective`` documents are in force."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    EFFECTIVE = "effective"
    RETIRED = "retired"

    @classmethod
    def parse(cls, text: str) -> Status:
        """The status a person means: ``in-review``, "in review", ``obsolete`` (retired,
        ISO 9001 §7.5.3.2 d)...; Invalid names the statuses there are."""
        return _parse_word(cls, text, _STATUS_ALIASES, "status")


_KIND_ALIASES = {
    "sop": "procedure",
    "wi": "work_instruction",
    "instruction": "work_instruction",
    "template": "form",
}
_STATUS_ALIASES = {"review": "in_review", "obsolete": "retired", "withdrawn": "retired"}


# Which kinds may be a parent of which: a child hangs below its parent in the tree, so a
# policy can never sit under a procedure, and a work instruction details a procedure.
ALLOWED_PARENT_KINDS: dict[Kind, frozenset[Kind]] = {
    Kind.POLICY: frozenset({Kind.POLICY}),
    Kind.PROCESS: frozenset({Kind.POLICY, Kind.PROCESS}),
    Kind.PROCEDURE: frozenset({Kind.POLICY, Kind.PROCESS, Kind.PROCEDURE}),
    Kind.WORK_INSTRUCTION: frozenset({Kind.PROCEDURE, Kind.WORK_INSTRUCTION}),
    Kind.STANDARD: frozenset(
        {Kind.POLICY, Kind.PROCESS, Kind.PROCEDURE, Kind.WORK_INSTRUCTION, Kind.STANDARD}
    ),
    Kind.FORM: frozenset({Kind.POLICY, Kind.PROCESS, Kind.PROCEDURE, Kind.WORK_INSTRUCTION}),
}

# Kinds whose content is a series of steps.
STEPPED_KINDS = frozenset({Kind.PROCEDURE, Kind.WORK_INSTRUCTION})

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def is_valid_id(value: str) -> bool:
    """True for ids that are safe as file and ref names: no ``..``, slashes or control chars."""
    return bool(ID_PATTERN.fullmatch(value)) and ".." not in value and len(value) <= 128


class EvidenceType(StrEnum):
    """The kinds of evidence a checklist step can ask for."""

    TEXT = "text"
    NUMBER = "number"
    YESNO = "yesno"
    CHOICE = "choice"


@dataclass(frozen=True)
class EvidenceSpec:
    """The evidence a run must capture for a step."""

    type: EvidenceType
    label: str | None = None
    min: float | None = None
    max: float | None = None
    unit: str | None = None
    choices: tuple[str, ...] = ()
    # The answers that pass (``pass = ["yes"]``); empty: every answer passes.
    passing: tuple[str, ...] = ()

    def describe(self) -> str:
        """A short human phrase such as ``number 2-8 °C`` or ``one of: pass, fail``."""
        if self.type is EvidenceType.NUMBER:
            bounds = ""
            if self.min is not None and self.max is not None:
                bounds = f" {_num(self.min)}-{_num(self.max)}"
            elif self.min is not None:
                bounds = f" >= {_num(self.min)}"
            elif self.max is not None:
                bounds = f" <= {_num(self.max)}"
            unit = f" {self.unit}" if self.unit else ""
            text = f"number{bounds}{unit}"
        elif self.type is EvidenceType.CHOICE:
            text = "one of: " + ", ".join(self.choices)
        elif self.type is EvidenceType.YESNO:
            text = "yes/no"
        else:
            text = "text"
        return f"{self.label} ({text})" if self.label else text


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@dataclass
class Step:
    """One step of a procedure or work instruction; ``line`` is its ``[[steps]]`` header line."""

    action: str
    role: str | None = None
    duration: str | None = None
    details: str | None = None
    instruction: str | None = None
    control_point: bool = False
    evidence: EvidenceSpec | None = None
    substeps: list[str] = field(default_factory=list)
    when: str | None = None  # a condition on earlier steps (sopvault.core.conditions)
    due: str | None = None  # how long after a run's start it is due: "30m", "2h"
    stops_work: bool = False  # ``on_fail = "stop"``: a failed answer stops the run
    # ``command = ["prog", "arg"]``: the program the step runs (an argument list, never a
    # shell), and its time limit (``timeout = "5m"``; None: the default, core.commandstep)
    command: tuple[str, ...] = ()
    timeout: str | None = None
    line: int = 0

    def passing(self) -> tuple[str, ...]:
        """The answers that pass this step's evidence: its ``pass`` list, else ``yes``
        for a yes/no control point; empty when every answer passes."""
        spec = self.evidence
        if spec is None:
            return ()
        if spec.passing:
            return spec.passing
        if self.control_point and spec.type is EvidenceType.YESNO:
            return ("yes",)
        return ()


@dataclass
class Document:
    """A loaded document.

    ``front_text`` is the TOML between the ``+++`` lines and ``body`` the Markdown after
    them, byte for byte; writing goes through the file text so nothing a person wrote is
    lost. The typed attributes are a validated view of ``front`` (the parsed TOML, unknown
    keys included), which is parsed again on first use after a load from cache: keeping
    it out of the cache halves the objects a warm start must rebuild.
    """

    path: str
    id: str
    title: str
    kind: Kind
    front_text: str
    body: str
    status: Status | None = None
    version: str | None = None
    owner: str | None = None
    department: str | None = None
    parents: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    purpose: str | None = None
    scope: str | None = None
    trigger: str | None = None
    effective: date | None = None
    next_review: date | None = None
    review_every: str | None = None
    hazards: list[str] = field(default_factory=list)
    ppe: list[str] = field(default_factory=list)
    regulations: list[str] = field(default_factory=list)
    # Who may approve changes to this document (handles or ``role:<role>``), in place of
    # the vault's ``[review] approvers``.
    reviewers: list[str] = field(default_factory=list)
    # Who must read and acknowledge it besides the people holding its ``roles``: handles
    # or ``role:<role>`` (ISO 9001 §7.2 and §7.3: competence and awareness).
    readers: list[str] = field(default_factory=list)
    # The document that replaces this one once it is retired (ISO 9001 §7.5.3.2 d).
    superseded_by: str | None = None
    steps: list[Step] = field(default_factory=list)
    field_lines: dict[str, int] = field(default_factory=dict)
    # False for the light copies a warm start loads: no steps, body or front matter text.
    # ``Vault.get`` always returns a complete document.
    complete: bool = True

    @cached_property
    def front(self) -> dict[str, Any]:
        """The parsed front matter, unknown keys included (parsed again on first use after a
        cache load).
        """
        return tomli.loads(self.front_text)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("front", None)  # derived from front_text; see the class docstring
        return state

    def line_of(self, key: str) -> int:
        """The file line where a front-matter key is set, or the opening ``+++`` line."""
        return self.field_lines.get(key, 1)
