"""``sopvault runs exec RUN STEP``: run a step's command and record its result (issue 15),
the scriptable twin of ``d`` on a command step at the line prompt. ``STEP`` ``3.2`` is
step 2 of the work instruction run in place inside step 3 (its pinned text must be the
instruction's approved, effective revision on main).

The command is printed in full first. It runs only when confirmed: ``--yes`` (a script
that has read the command: it is the approved text's), or ``y`` typed at the question
when standard input is a terminal; otherwise nothing runs and the exit status is 1. The
result is recorded even when the command failed (a deviation: exit status 0 here, as
``runs mark`` records a deviation); ``--json`` prints the recorded event.
"""

from __future__ import annotations

import sys

import click

from sopvault.cli.options import json_option, open_vault, vault_option
from sopvault.cli.output import print_json, say
from sopvault.cli.params import RUN_ID
from sopvault.core.nested import address
from sopvault.errors import RunError


@click.command("exec")
@click.argument("run_id", metavar="RUN", type=RUN_ID)
@click.argument("step", metavar="STEP")
@click.option("--yes", "confirmed", is_flag=True, help="run it without asking: you have read it")
@click.option("--note", default="", help="a note kept with the result (re-running needs one)")
@json_option("print the recorded event as JSON")
@vault_option
def exec_step(run_id: str, step: str, confirmed: bool, note: str, as_json: bool) -> int:
    """Run step STEP's command in run RUN, after confirmation, and record its exit status
    and the end of its output as the step's evidence (a non-zero exit or a timeout is a
    deviation). Only from the approved, effective text on main; never through a shell."""
    from sopvault.render.runcommand import confirm_lines, result_lines
    from sopvault.services.runcommand import CommandSteps
    from sopvault.services.runs import Runs
    from sopvault.services.workspace import Workspace

    number, within = address(step)  # 3, or 3.2: step 2 of the instruction run in step 3
    steps = CommandSteps(Runs(Workspace.of(open_vault())))
    prepared = steps.prepare(run_id, number, note, within)
    lines = confirm_lines(prepared)
    if prepared.refusal:
        for line in lines[:-1]:
            say(line, err=as_json)
        raise RunError(f"the command was not run: {prepared.refusal}")
    for line in lines:
        say(line, err=as_json)
    if not confirmed:
        confirmed = sys.stdin.isatty() and click.confirm("run it?", default=False, err=True)
    if not confirmed:
        raise RunError("the command was not run: confirm with --yes once you have read it")
    run, event = steps.run(run_id, number, confirmed=True, note=note, within=within)
    if as_json:
        import json

        from sopvault.store.runlog import event_line

        print_json(json.loads(event_line(event)))  # exactly its line in the run's log
        return 0
    for line in result_lines(event):
        say(line)
    done, total = run.progress()
    departs = f", DEVIATION: {event.deviation}" if event.deviation else ""
    stops = "; the work stops here: complete the run (it fails)" if event.stops else ""
    say(f"step {step}: done{departs} ({done} of {total} steps){stops}")
    return 0
