"""Checking the evidence a run records for a step against the step's ``record`` spec.

The same functions serve the scriptable commands, the line prompt and the TUI's input
(which calls them on every key), so a value is accepted, refused or taken as a deviation
the same way everywhere. ``accept`` refuses only what is not an answer at all (a typo); a
real measurement outside the allowed range, or a failing answer, is accepted and
``deviation`` says why it departs from the procedure (issue 13: a deviation is recorded,
never lost or disguised as a skip).
"""

from __future__ import annotations

import re

from sopvault.errors import Invalid
from sopvault.model.document import EvidenceSpec, EvidenceType, Step

YES = ("yes", "y", "true")
NO = ("no", "n", "false")


class EvidenceError(Invalid):
    """A value the step does not accept; the message says what it wants."""


def accept(spec: EvidenceSpec, raw: str) -> str | float:
    """The value to record (a number as float, yes/no as "yes"/"no", a choice as the
    procedure spells it), or EvidenceError when ``raw`` is no answer of the step's type.
    A number outside its range is accepted: see ``deviation``."""
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
    if "_" in text or re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", text) or text.count(",") > 1:
        raise EvidenceError(
            f"{text!r} is ambiguous: write the number with a decimal point and no thousands"
            f" separator (1000, 58.5){_range(spec)}"
        )
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise EvidenceError(f"{text!r} is not a number{_range(spec)}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise EvidenceError(f"{text!r} is not a number{_range(spec)}")
    return value


def deviation(step: Step, value: str | float | None) -> str:
    """Why ``value``, recorded for ``step``, departs from the procedure, in one line; ""
    when it does not. A number below ``min`` or above ``max``, or an answer not in the
    step's passing answers (``Step.passing``: its ``pass`` list, ``yes`` for a yes/no
    control point) is a deviation; a failed answer is a failed control point when the
    step is one."""
    spec = step.evidence
    if spec is None or value is None:
        return ""
    if isinstance(value, float):
        if spec.min is not None and value < spec.min:
            return f"{_exact(value)}{_unit(spec)} is below the minimum{_range(spec)}"
        if spec.max is not None and value > spec.max:
            return f"{_exact(value)}{_unit(spec)} is above the maximum{_range(spec)}"
        return ""
    passing = step.passing()
    if passing and value not in passing:
        what = "failed control point" if step.control_point else "failing answer"
        return f"{what}: answered {value!r} (passes: {', '.join(passing)})"
    return ""


def _exact(value: float) -> str:
    """A number with every digit it was given (65.00000000000001 is not "65")."""
    return repr(value).removesuffix(".0")


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


def departure(step: Step, raw: str | None) -> str:
    """Why the typed answer ``raw`` departs from ``step`` (``deviation`` of the value
    ``accept`` makes of it, the rule ``checklist.mark`` applies), "" when it does not or
    the step records no evidence; for the line that asks for the note."""
    if step.evidence is None:
        return ""
    return deviation(step, accept(step.evidence, raw or ""))
