"""The ``[[steps]]`` of a procedure or work instruction: each step, its evidence spec and
its condition, checked with findings that name the line (never an exception)."""

from __future__ import annotations

import re
from typing import Any

from sopvault.core.commandstep import read_command
from sopvault.core.conditions import ConditionError, parse_condition, parse_due
from sopvault.core.frontmatter import KeyLines
from sopvault.model.document import EvidenceSpec, EvidenceType, Step
from sopvault.model.finding import FileFindings

# The keys on disk stay "critical" (a control point) and "record" (the evidence spec).
STEP_FIELDS = frozenset(
    (
        "action",
        "role",
        "duration",
        "details",
        "instruction",
        "critical",
        "record",
        "substeps",
        "when",
        "due",
        "on_fail",
        "command",
        "timeout",
    )
)
EVIDENCE_FIELDS = frozenset(("type", "label", "min", "max", "unit", "choices", "pass"))
ON_FAIL = ("stop", "continue")
DURATION = re.compile(r"^\d+(?:\.\d+)?\s*(?:s|m|min|h|d)$")


def build_steps(raw: Any, keys: KeyLines, fallback: int, out: FileFindings) -> list[Step]:
    """The ``[[steps]]`` array as Steps; ``keys`` gives each step's lines and ``fallback``
    the line to blame when the array itself is malformed. Problems become findings."""
    if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
        out.error(fallback, "wrong-type", "'steps' must be an array of tables ([[steps]])")
        return []
    steps: list[Step] = []
    conditions: list[tuple[int, str, int]] = []  # step number, condition, line
    for index, item in enumerate(raw):
        header, step_keys = keys.steps[index] if index < len(keys.steps) else (fallback, {})
        step = _build_step(index + 1, item, header, step_keys, out)
        if step is not None:
            steps.append(step)
            if step.when is not None:
                conditions.append((len(steps), step.when, step_keys.get("when", header)))
    for number, text, line in conditions:
        problem = condition_problem(text, number, steps)
        if problem:
            out.error(line, "bad-condition", f"step {number}: {problem}")
    return steps


def condition_problem(text: str, number: int, steps: list[Step]) -> str | None:
    """What is wrong with step ``number``'s ``when``, or None: it must read, and look only
    at earlier steps, with values those steps can record."""
    try:
        condition = parse_condition(text)
    except ConditionError as err:
        return err.message
    for group in condition.groups:
        for clause in group:
            quoted = f'"{clause.describe()}"'
            if clause.step >= number:
                return f"{quoted} must look at an earlier step than {number}"
            spec = steps[clause.step - 1].evidence
            if clause.op == "is":
                continue
            if spec is None:
                return (
                    f"{quoted}: step {clause.step} records no value"
                    " (give it a record, or test 'step N is done')"
                )
            if clause.op in ("<", "<=", ">", ">=") and spec.type is not EvidenceType.NUMBER:
                return f"{quoted}: step {clause.step} records {spec.describe()}"
            allowed = spec.choices if spec.type is EvidenceType.CHOICE else ()
            if spec.type is EvidenceType.YESNO:
                allowed = ("yes", "no")
            if allowed and str(clause.value).casefold() not in {a.casefold() for a in allowed}:
                return (
                    f"{quoted}: step {clause.step} records"
                    f" {', '.join(allowed)}, never {clause.value!r}"
                )
    return None


def _build_step(
    number: int, item: dict[str, Any], header: int, step_keys: dict[str, int], out: FileFindings
) -> Step | None:
    def line(key: str) -> int:
        return step_keys.get(key, header)

    action = item.get("action")
    if not isinstance(action, str) or not action.strip():
        out.error(
            header,
            "missing-field",
            f"step {number} needs an 'action' (a line starting with a verb)",
        )
        return None
    if "\n" in action.strip():
        out.error(line("action"), "bad-value", f"step {number}: 'action' must be one line")
    step = Step(action=action.strip(), line=header)
    for key in ("role", "duration", "details", "instruction", "when", "due"):
        if key in item:
            if isinstance(item[key], str):
                setattr(step, key, item[key])
            else:
                out.error(line(key), "wrong-type", f"step {number}: '{key}' must be a string")
    _check_times(step, number, line("duration"), line("due"), out)
    if "critical" in item:
        if isinstance(item["critical"], bool):
            step.control_point = item["critical"]
        else:
            out.error(
                line("critical"), "wrong-type", f"step {number}: 'critical' must be true or false"
            )
    if "substeps" in item:
        subs = item["substeps"]
        if isinstance(subs, list) and all(isinstance(s, str) for s in subs):
            step.substeps = list(subs)
        else:
            out.error(
                line("substeps"),
                "wrong-type",
                f"step {number}: 'substeps' must be a list of strings",
            )
    if "record" in item:
        step.evidence = _build_evidence(number, item["record"], line("record"), out)
    if "on_fail" in item:
        step.stops_work = _stops_work(number, item["on_fail"], line("on_fail"), out)
    step.command, step.timeout = read_command(number, item, (line("command"), line("timeout")), out)
    if step.command and step.evidence is not None:
        out.error(
            line("record"),
            "bad-value",
            f"step {number}: a step that runs a command records its result; remove 'record'",
        )
    for key in item:
        if key not in STEP_FIELDS:
            out.warn(
                line(key), "unknown-field", f"step {number}: unknown field '{key}' (kept as it is)"
            )
    return step


def _check_times(step: Step, number: int, duration: int, due: int, out: FileFindings) -> None:
    """A step's ``duration`` and ``due`` must read as spans (lines: where each is)."""
    if step.duration is not None and not DURATION.match(step.duration.strip()):
        out.error(
            duration,
            "bad-value",
            f"step {number}: duration {step.duration!r} must read like '15m', '2h' or '1d'",
        )
    if step.due is not None:
        try:
            after = parse_due(step.due).after
        except ConditionError as err:
            out.error(due, "bad-value", f"step {number}: {err.message}")
            return
        if after is not None and not 1 <= after < number:
            where = "does not exist" if after < 1 else f"is not earlier than step {number}"
            out.error(
                due,
                "bad-value",
                f"step {number}: due {step.due!r} counts from step {after}, which {where}",
            )


def _stops_work(number: int, raw: Any, line: int, out: FileFindings) -> bool:
    """``on_fail = "stop"``: a failed answer on the step stops the work (issue 13)."""
    if raw in ON_FAIL:
        return bool(raw == "stop")
    out.error(
        line, "bad-value", f'step {number}: on_fail must be "stop" or "continue", not {raw!r}'
    )
    return False


def _build_evidence(number: int, raw: Any, line: int, out: FileFindings) -> EvidenceSpec | None:
    """Accept ``record = "yesno"`` shorthand or a table with type and its options."""
    where = f"step {number}: record"
    if isinstance(raw, str):
        raw = {"type": raw}
    if not isinstance(raw, dict):
        out.error(line, "wrong-type", f"{where} must be a type name or a table")
        return None
    type_name = raw.get("type", "text")
    if type_name == "yes/no":
        type_name = "yesno"
    if type_name not in EvidenceType._value2member_map_:
        names = ", ".join(t.value for t in EvidenceType)
        out.error(line, "bad-value", f"{where} type {type_name!r} is not one of: {names}")
        return None
    kind = EvidenceType(type_name)
    for key in raw:
        if key not in EVIDENCE_FIELDS:
            out.warn(line, "unknown-field", f"{where}: unknown field '{key}' (kept as it is)")
    bounds: dict[str, float | None] = {"min": None, "max": None}
    for key in ("min", "max"):
        value = raw.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            out.error(line, "wrong-type", f"{where} {key} must be a number")
        elif kind is not EvidenceType.NUMBER:
            out.error(line, "bad-value", f"{where} {key} only applies to type 'number'")
        else:
            bounds[key] = float(value)
    low, high = bounds["min"], bounds["max"]
    if low is not None and high is not None and low > high:
        out.error(line, "bad-value", f"{where} min {low:g} is greater than max {high:g}")
    choices: list[str] = raw.get("choices", [])
    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
        out.error(line, "wrong-type", f"{where} choices must be a list of strings")
        choices = []
    if kind is EvidenceType.CHOICE and len(choices) < 2:
        out.error(line, "bad-value", f"{where} of type 'choice' needs at least two choices")
    label = raw.get("label")
    unit = raw.get("unit")
    return EvidenceSpec(
        type=kind,
        label=label if isinstance(label, str) else None,
        min=low,
        max=high,
        unit=unit if isinstance(unit, str) else None,
        choices=tuple(choices),
        passing=_passing(where, kind, tuple(choices), raw.get("pass"), line, out),
    )


def _passing(
    where: str,
    kind: EvidenceType,
    choices: tuple[str, ...],
    raw: Any,
    line: int,
    out: FileFindings,
) -> tuple[str, ...]:
    """``pass = [...]``: the answers of a yes/no or choice step that pass (issue 13)."""
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw or not all(isinstance(a, str) for a in raw):
        out.error(line, "wrong-type", f"{where} pass must be a list of answers")
        return ()
    answers = ("yes", "no") if kind is EvidenceType.YESNO else choices
    if kind not in (EvidenceType.YESNO, EvidenceType.CHOICE):
        out.error(line, "bad-value", f"{where} pass only applies to types 'yesno' and 'choice'")
        return ()
    unknown = [a for a in raw if a.casefold() not in (c.casefold() for c in answers)]
    if unknown:
        out.error(
            line,
            "bad-value",
            f"{where} pass names {unknown[0]!r}, which is not one of: {', '.join(answers)}",
        )
        return ()
    return tuple(c for c in answers if c.casefold() in (a.casefold() for a in raw))
