"""Checking the evidence a run records for a step against the step's ``record`` spec.

The same function serves the scriptable commands, the line prompt and the TUI's input
(which calls it on every key), so a value is accepted or refused the same way everywhere.
"""

from __future__ import annotations

from sopvault.errors import Invalid
from sopvault.model.document import EvidenceSpec, EvidenceType

YES = ("yes", "y", "true")
NO = ("no", "n", "false")


class EvidenceError(Invalid):
    """A value the step does not accept; the message says what it wants."""


def accept(spec: EvidenceSpec, raw: str) -> str | float:
    """The value to record (a number as float, yes/no as "yes"/"no"), or EvidenceError."""
    text = raw.strip()
    what = spec.label or "a value"
    if not text:
        raise EvidenceError(f"this step records {spec.describe()}: give {what}")
    if spec.type is EvidenceType.NUMBER:
        return _number(spec, text)
    if spec.type is EvidenceType.YESNO:
        word = text.casefold()
        if word in YES:
            return "yes"
        if word in NO:
            return "no"
        raise EvidenceError(f"answer yes or no, not {text!r}")
    if spec.type is EvidenceType.CHOICE:
        for choice in spec.choices:
            if choice.casefold() == text.casefold():
                return choice
        raise EvidenceError(f"{text!r} is not one of: {', '.join(spec.choices)}")
    return text


def _number(spec: EvidenceSpec, text: str) -> float:
    unit = spec.unit or ""
    if unit and text.endswith(unit):  # "4.5 °C" is fine too
        text = text[: -len(unit)].strip()
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise EvidenceError(f"{text!r} is not a number{_range(spec)}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise EvidenceError(f"{text!r} is not a number{_range(spec)}")
    if spec.min is not None and value < spec.min:
        raise EvidenceError(f"{value:g}{_unit(spec)} is below the minimum{_range(spec)}")
    if spec.max is not None and value > spec.max:
        raise EvidenceError(f"{value:g}{_unit(spec)} is above the maximum{_range(spec)}")
    return value


def _unit(spec: EvidenceSpec) -> str:
    return f" {spec.unit}" if spec.unit else ""


def _range(spec: EvidenceSpec) -> str:
    if spec.min is not None and spec.max is not None:
        return f" (allowed {spec.min:g} to {spec.max:g}{_unit(spec)})"
    if spec.min is not None:
        return f" (at least {spec.min:g}{_unit(spec)})"
    if spec.max is not None:
        return f" (at most {spec.max:g}{_unit(spec)})"
    return ""


def shown(value: str | float | None, spec: EvidenceSpec | None = None) -> str:
    """A recorded value as people read it: ``4.5 °C``, ``yes``."""
    if value is None:
        return ""
    if isinstance(value, float):
        unit = f" {spec.unit}" if spec is not None and spec.unit else ""
        return f"{value:g}{unit}"
    return value
