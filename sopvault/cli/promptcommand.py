"""A step that runs a command, at the line prompt (``sopvault run``, issue 15): ``d`` shows
the command in full, asks ``run it? [y/N]``, runs it (only from the approved text on main:
``services.runcommand``) and shows how it ended with the end of its output. Every line
shown is inert; anything but ``y`` runs nothing."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from sopvault.errors import RunError
from sopvault.model.document import Step
from sopvault.model.run import Run
from sopvault.render.runcommand import confirm_lines, result_lines, step_command_line
from sopvault.render.safetext import inert_line, inert_lines
from sopvault.services.runcommand import CommandSteps

if TYPE_CHECKING:
    from sopvault.cli.prompt import LinePrompt

CONFIRM = "run it? [y/N] "
CORRECTION = "! the answer in force is a deviation; why is the command run again> "


def command_lines(step: Step) -> list[str]:
    """What the prompt's step display adds for a command step."""
    return [f"  {step_command_line(step)}  (d runs it, after you confirm)"] if step.command else []


def run_command(prompt: LinePrompt, run: Run, number: int) -> Run:
    """Show step ``number``'s command (of the work instruction open in ``prompt.within``
    when the prompt asks its steps), ask for confirmation, run it and say how it ended;
    returns the run as saved, seen as the prompt walks it (unchanged when not confirmed).
    RunError, and nothing run, when the text is not the approved one or the run rules
    refuse."""
    note = ""
    if run.step(number).deviation:
        note = _ask(prompt, CORRECTION).strip()
    steps, within = CommandSteps(prompt.runs), prompt.within
    prepared = steps.prepare(run.id, number, note, within)
    lines = confirm_lines(prepared)
    if prepared.refusal:  # said once, as the refusal
        prompt.say(inert_lines(lines[:-1]))
        raise RunError(f"the command was not run: {prepared.refusal}")
    prompt.say(inert_lines(lines))
    if _ask(prompt, CONFIRM).strip().lower() not in ("y", "yes"):
        prompt.say("not run: the step stays as it was")
        return run
    prompt.say(inert_line(f"running (time limit {prepared.limit_text})..."))
    run, event = steps.run(run.id, number, confirmed=True, note=note, within=within)
    run = _seen(run, within)
    prompt.say(inert_lines(result_lines(event, "  ")))
    departs = f"  ! {event.deviation}: a deviation" if event.deviation else ""
    prompt.say(inert_line(f"step {prepared.label} done (#{run.number_of(event.id)}){departs}"))
    if event.deviation:
        said = _ask(prompt, "note (what happened; Enter for none)> ").strip()
        if said:
            run = prompt.runs.mark(run.id, number, "note", note=said, who=prompt.who, within=within)
            run = _seen(run, within)
            prompt.say(f"note kept (#{len(run.events)})")
    return run


def _seen(run: Run, within: int | None) -> Run:
    """``run`` as the prompt walks it: inside step ``within``, its steps are the work
    instruction's (``cli.prompt_nested``)."""
    return run if within is None else replace(run, steps=run.step(within).nested)


def _ask(prompt: LinePrompt, question: str) -> str:
    """One answer; the end of input is no answer (nothing runs)."""
    try:
        return prompt.ask(inert_line(question))
    except EOFError:
        return ""
