"""What the line prompt prints about steps: one step as it is asked, an answer in one
phrase, the summary before completing and a work instruction (``w``);
``cli.prompt`` and the nested prompt of a work instruction run in place
(``cli.prompt_nested``) share them."""

from __future__ import annotations

from datetime import datetime

from sopvault.cli.promptcommand import command_lines
from sopvault.core.evidence import shown
from sopvault.core.wording import counted
from sopvault.errors import SopvaultError
from sopvault.model.document import Step
from sopvault.model.run import Run, StepEntry
from sopvault.render.runs import summary_lines
from sopvault.render.safetext import inert, inert_line, inert_lines
from sopvault.services.vault import Vault


def summary(run: Run) -> list[str]:
    """One line per step (``render.runs.summary_lines``), each deviation marked ``!``
    with its reason, then the outcome the run will have if completed now."""
    entries = [one for entry in run.steps for one in (entry, *entry.nested)]
    lines = [line + flag(one) for line, one in zip(summary_lines(run), entries, strict=True)]
    outcome = run.judged_outcome().value
    departed = run.recorded_deviations()
    if departed:
        outcome += f" ({counted(len(departed), 'deviation')})"
    return [*lines, f"outcome if completed now: {outcome}"]


def step_lines(run: Run, step: Step, number: int, now: datetime) -> list[str]:
    """Step ``number`` as the prompt shows it: role and person, duration, CONTROL POINT,
    LATE (against ``now``), the action, sub-steps, details, the work instruction and
    evidence it names, its note."""
    done, total = run.progress()
    entry = run.steps[number - 1]
    head = f"step {entry.label} of {total} ({done} done)"
    if step.role:
        person = run.roles.get(step.role)
        head += f"  [{step.role}{f': {person}' if person else ''}]"
    if step.duration:
        head += f"  ({step.duration})"
    if step.control_point:
        head += "  CONTROL POINT"
    if number in run.late(now):
        head += "  LATE"
    lines = ["", head, f"  {step.action}"]
    lines += [f"  - {sub}" for sub in step.substeps]
    if step.details:
        lines += [f"    {line}" for line in step.details.strip().splitlines()]
    if step.instruction:
        opens = " (w shows it, i runs it in place)" if entry.within is None else " (w shows it)"
        lines.append(f"  work instruction: {step.instruction}{opens}")
    if step.evidence is not None:
        lines.append(f"  records: {step.evidence.describe()}")
    lines += command_lines(step)
    if entry.note:
        lines.append(f"  note: {entry.note}")
    return lines


def answer(entry: StepEntry, step: Step) -> str:
    """``step 2 done = 80 °C``: a step's answer in force, in one phrase."""
    value = f" = {shown(entry.value, step.evidence)}" if entry.value is not None else ""
    why = f" ({entry.reason})" if entry.reason else ""
    return f"step {entry.label} {entry.state.value}{value}{why}"


def flag(entry: StepEntry) -> str:
    """What the summary line (``render.runs.summary_lines``, which marks a deviation
    ``! <why>``) adds: that a failed control point stops the work."""
    return "; the work stops here" if entry.stops else ""


def instruction_text(vault: Vault, step: Step) -> str:
    """The work instruction ``step`` names as the prompt prints it (``w``): its id and
    title, its steps and its body, inert; or one line saying why it cannot be shown."""
    if not step.instruction:
        return "this step names no work instruction"
    try:
        wi = vault.get(step.instruction)
    except SopvaultError as err:
        return f"cannot open {inert_line(step.instruction)}: {inert_line(str(err))}"
    lines = [f"{wi.id} {wi.title}"]
    lines += [f"  {i}. {s.action}" for i, s in enumerate(wi.steps, start=1)]
    text = inert_lines(lines)
    if wi.body.strip():
        text += "\n" + inert(wi.body.strip())
    return text
