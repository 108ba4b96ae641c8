"""A step's command as people see it (issue 15): before it runs (the command in full, its
time limit, why it may not run) and after (exit status, time, the end of its output).

Plain lines, one string each; every caller makes them inert line by line
(``safetext.inert_lines``, ``Text(...)`` in the TUI): an argument or an output line
holding ESC, a bidi override or a newline shows as visible text, never acts on the
terminal and never forges a line of its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sopvault.core.commandstep import shown
from sopvault.model.document import Step
from sopvault.model.run import Event, StepEntry

if TYPE_CHECKING:  # the service (and git) is not loaded to show a report
    from sopvault.services.runcommand import Prepared

OUTPUT_MARK = "| "  # before each line of a command's output: it is quoted, not ours


def step_command_line(step: Step) -> str:
    """The command a step runs, for the step's details: ``runs: backup --now (10m)``."""
    limit = f" (time limit {step.timeout})" if step.timeout else ""
    return f"runs: {shown(step.command)}{limit}"


def confirm_lines(prepared: Prepared) -> list[str]:
    """What the operator reads before confirming: the command in full, one argument per
    line as well (its exact bounds), the time limit and where it runs."""
    lines = [f"This step runs a command: {prepared.shown}"]
    lines += [f"  argument {i}: {arg}" for i, arg in enumerate(prepared.argv)]
    lines.append(f"time limit {prepared.limit_text}; it runs in the vault's folder, no shell")
    if prepared.refusal:
        lines.append(f"it cannot run here: {prepared.refusal}")
    return lines


def outcome_text(event: Event) -> str:
    """``exit status 0 in 1.2s``, ``ended by signal 9 in 2.7s`` or ``timed out after 5m``:
    how the command ended."""
    took = f" in {event.seconds:.1f}s" if event.seconds is not None else ""
    if event.timed_out:
        return event.deviation or "timed out"
    if event.exit_status is not None and event.exit_status < 0:
        return f"ended by signal {-event.exit_status}{took}"
    return f"exit status {event.exit_status}{took}"


def result_lines(event: Event, indent: str = "") -> list[str]:
    """A command's result: the command, how it ended, and the end of its output."""
    lines = [f"{indent}command: {shown(event.command)}", f"{indent}result: {outcome_text(event)}"]
    if event.output:
        output = event.output.split("\n")
        lines.append(f"{indent}output (last {len(output)} lines):")
        lines += [f"{indent}{OUTPUT_MARK}{line}" for line in output]
    return lines


def entry_command_lines(entry: StepEntry, indent: str) -> list[str]:
    """The result lines of the command behind the step's answer in force (none when the
    answer ran no command)."""
    event = next((e for e in entry.history if e.id == entry.event), None)
    return result_lines(event, indent) if event is not None and event.command else []


def event_command_text(event: Event) -> str:
    """What a log line adds for a command's answer: `` ran `backup --now`: exit status 0``."""
    if not event.command:
        return ""
    return f" ran `{shown(event.command)}`: {outcome_text(event)}"
