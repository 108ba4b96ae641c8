"""The run commands: ``run`` (the line-by-line runner) and the ``runs`` group (list, show,
and the scriptable start / mark / assign / accept / complete / abort / discard). Each makes
its one call into the Runs service, built only in ``_runs()``; a refused action exits 1
with one line."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from sopvault.cli.options import (
    ListingGroup,
    assign_option,
    json_option,
    open_vault,
    vault_option,
    who_option,
)
from sopvault.cli.output import print_json, print_table, say
from sopvault.cli.params import DOCUMENT_ID, RUN_ID, require_id, resolve_id, suggesting
from sopvault.cli.runexec import exec_step
from sopvault.cli.runs_nested import address, instruction_texts, open_first, step_json
from sopvault.core.localtime import shown
from sopvault.core.wording import name_of
from sopvault.errors import SopvaultError

if TYPE_CHECKING:  # imported when a command runs, so `list` and `show` start faster
    from sopvault.model.run import Event, Run
    from sopvault.services.runs import Runs

EXIT_OK = 0
MARKS = {"done": "done", "skip": "skip", "na": "na", "n/a": "na", "note": "note", "undo": "undo"}
STRICT_HELP = "refuse unless the document is effective, signed off and unedited"


def _runs() -> Runs:
    """The Runs service on this command's vault."""
    from sopvault.services.runs import Runs
    from sopvault.services.workspace import Workspace

    return Runs(Workspace.of(open_vault()))


@click.command()
@click.argument("doc_id", metavar="[ID]", type=DOCUMENT_ID, required=False)
@click.option("--resume", metavar="RUN", type=RUN_ID, help="carry on with an open run")
@click.option("--strict", is_flag=True, help=STRICT_HELP)
@who_option
@assign_option
@vault_option
def run(
    doc_id: str | None, resume: str | None, strict: bool, who: str | None, roles: dict[str, str]
) -> int:
    """Walk procedure ID step by step at a line prompt (or --resume RUN)."""
    from sopvault.cli.prompt import LinePrompt

    runs = _runs()
    if resume and doc_id:
        raise SopvaultError("give a document ID to start, or --resume RUN, not both")
    if resume:
        return LinePrompt(runs, who=who).resume(resume)
    if not doc_id:
        raise SopvaultError("say which procedure: sopvault run ID (or --resume RUN)")
    doc_id = resolve_id(runs.vault, doc_id)
    with suggesting(runs.vault, doc_id):
        return LinePrompt(runs, who=who).start(doc_id, strict=strict, roles=roles)


@click.group(cls=ListingGroup)
@vault_option
def runs() -> None:
    """List runs, or drive one: show, start, mark, complete, abort.

    Without a sub-command this is `runs list`: `sopvault runs [ID] [--open] [--json]`
    (see `sopvault runs list --help`)."""


@runs.command("list")
@click.argument("doc_id", metavar="[ID]", type=DOCUMENT_ID, required=False)
@click.option("--open", "open_only", is_flag=True, help="only runs still open")
@click.option("--mine", is_flag=True, help="the pending steps assigned to me, by deadline")
@json_option()
@vault_option
def list_runs(doc_id: str | None, open_only: bool, mine: bool, as_json: bool) -> int:
    """List runs newest first, of every procedure or of ID; LATE marks overdue steps,
    the note gives a completed run's outcome and an open run's deviations. With --mine,
    the pending steps of open runs that fall to me (my roles; steps without a role in
    runs I started), by deadline, each with the command that opens it."""
    from sopvault.services.runlist import list_runs as listed

    if mine:
        if doc_id or open_only:
            raise SopvaultError("--mine lists my steps across all open runs: give no ID or --open")
        return _my_work(as_json)
    vault = open_vault()  # listing needs no git: the Runs service would load GitPython
    doc_id = require_id(vault, doc_id) if doc_id else None
    listing = listed(vault, doc_id, open_only=open_only, full=as_json)
    now, zone = vault.clock(), vault.zone
    for problem in listing.problems:
        say(f"sopvault: warning: {problem}", err=True)
    if as_json:
        print_json([run_json(r, now) for r in listing.full])
        return EXIT_OK
    if not listing.runs:
        which = "open runs" if open_only else "runs"
        say(f"no {which}{f' of {doc_id}' if doc_id else ''}", err=True)
        return EXIT_OK
    rows = []
    names: dict[str, str] = {}  # a few people start most runs: each name read once
    for one in listing.runs:
        late = one.late(now) if one.pending_due or one.late_done else []
        flags = [f"LATE: step {', '.join(map(str, late))}"] if late else []
        if one.outcome is not None:
            flags.append(one.outcome.upper())
        elif one.deviations:
            flags.append(f"{one.deviations} DEVIATION{'S' if one.deviations > 1 else ''}")
        if one.after_close:
            flags.append(f"{one.after_close} EVENT{'S' if one.after_close > 1 else ''} AFTER CLOSE")
        by = names.get(one.started_by)
        if by is None:
            by = names[one.started_by] = name_of(one.started_by)
        rows.append(
            [
                one.id,
                one.doc_id,
                one.state,  # a StrEnum: its word, without an enum lookup per row
                f"{one.done}/{one.total}",
                shown(one.started_at, zone),
                by,
                "; ".join(flags),
            ]
        )
    headers = ["RUN", "DOCUMENT", "STATE", "STEPS", "STARTED", "BY", "NOTE"]
    print_table(headers, rows, right=(3,))
    return EXIT_OK


def _my_work(as_json: bool) -> int:
    """``runs --mine``: my pending steps as a table (or JSON); notes go to stderr."""
    from sopvault.core.localtime import zone_of
    from sopvault.render.mywork import HEADERS, work_json, work_row
    from sopvault.services.mywork import my_work

    service = _runs()
    work = my_work(service)
    for note in work.notes:
        say(f"sopvault: note: {note}", err=True)
    if as_json:
        print_json(work_json(work))
        return EXIT_OK
    if not work.items:
        say("no pending steps assigned to you in open runs", err=True)
        return EXIT_OK
    zone = zone_of(service.vault.config.timezone)
    print_table(HEADERS, [work_row(item, zone) for item in work.items])
    return EXIT_OK


@runs.command("show")
@click.argument("run_id", metavar="RUN", type=RUN_ID)
@click.option("--events", "events", is_flag=True, help="print every event of the run's log")
@json_option()
@vault_option
def show_run(run_id: str, events: bool, as_json: bool) -> int:
    """Print run RUN as a report: who did what when, values, deviations, corrections,
    notes, skips, times; with --events, its whole log, one event per line."""
    from sopvault.render.runs import event_lines, report_lines

    service = _runs()
    one = service.load(run_id)
    if as_json:
        print_json(run_json(one, service.now()))
        return EXIT_OK
    try:
        doc = service.document(one)
    except SopvaultError:
        doc = None  # the report still reads without the procedure's text
    texts, zone = instruction_texts(service, one), service.ws.zone
    if events:
        lines = event_lines(one, doc, zone, texts)
    else:
        lines = report_lines(one, doc, service.now(), zone, texts)
    for line in lines:
        say(line)
    return EXIT_OK


@runs.command("start")
@click.argument("doc_id", metavar="ID", type=DOCUMENT_ID)
@json_option("print the whole run record as JSON")
@click.option("--strict", is_flag=True, help=STRICT_HELP)
@who_option
@assign_option
@vault_option
def start(doc_id: str, as_json: bool, strict: bool, who: str | None, roles: dict[str, str]) -> int:
    """Start a run of procedure ID and print its run id."""
    service = _runs()
    doc_id = resolve_id(service.vault, doc_id)
    with suggesting(service.vault, doc_id):
        started = service.start(doc_id, strict=strict, who=who, roles=roles)
    for warning in started.warnings:
        say(f"note: {warning}", err=True)
    if as_json:
        print_json(run_json(started.run, service.now()))
    else:
        say(started.run.id)
    return EXIT_OK


@runs.command("mark")
@click.argument("run_id", metavar="RUN", type=RUN_ID)
@click.argument("step", metavar="STEP")
@click.argument("what", metavar="done|skip|na|note|undo")
@click.option("--value", help="the evidence the step records")
@click.option("--note", default="", help="a note kept with the step (a deviation needs one)")
@click.option("--reason", default="", help="why skipped or n/a (a control point needs one)")
@click.option("--strict", is_flag=True, help=f"for a work instruction's step: {STRICT_HELP}")
@who_option
@vault_option
def mark(
    run_id: str,
    step: str,
    what: str,
    value: str | None,
    note: str,
    reason: str,
    strict: bool,
    who: str | None,
) -> int:
    """Record step STEP (from 1; 3.2 is step 2 of the work instruction run inside step 3)
    of run RUN as done, skip or na, add a note to it, or undo its answer (kept in the
    log). A value out of range or a failing answer is recorded as a deviation, with the
    --note that must say what happened. The first 3.N opens step 3's work instruction in
    place, pinned to its text on main."""
    number, within = address(step)
    if what.lower() not in MARKS:
        raise SopvaultError(f"mark a step done, skip, na, note or undo, not {what!r}")
    service = _runs()
    if within is not None:
        open_first(service, run_id, within, strict=strict, who=who)
    one = service.mark(
        run_id,
        number,
        MARKS[what.lower()],
        value=value,
        note=note,
        reason=reason,
        who=who,
        within=within,
    )
    done, total = one.progress()
    entry = one.step(number) if within is None else one.step(within).nested[number - 1]
    departs = f", DEVIATION: {entry.deviation}" if entry.deviation else ""
    stops = "; the work stops here: complete the run (it fails)" if entry.stops else ""
    say(f"step {entry.label}: {entry.state.value}{departs} ({done} of {total} steps){stops}")
    if within is not None and one.step(within).state.value == "done":
        say(f"step {within}: done (every step of its work instruction is dealt with)")
    return EXIT_OK


@runs.command("assign")
@click.argument("run_id", metavar="RUN", type=RUN_ID)
@click.argument("role", metavar="ROLE")
@click.argument("person", metavar="PERSON")
@who_option
@vault_option
def assign(run_id: str, role: str, person: str, who: str | None) -> int:
    """Record that PERSON (a handle, e-mail or name from [people]) fills ROLE in run RUN
    from now on: an event in its log, which keeps whoever filled it before."""
    last = _runs().assign(run_id, role, person, who=who).events[-1]
    say(f"run {run_id}: {last.role} is {last.person}")
    return EXIT_OK


@runs.command("accept")
@click.argument("run_id", metavar="RUN", type=RUN_ID)
@click.option("-m", "--message", "note", default="", help="what the acceptance rests on")
@vault_option
def accept(run_id: str, note: str) -> int:
    """Accept run RUN's deviations as yourself (git's identity): never the person who
    recorded one; with [runs] deviation_approvers, one of them. Committed at once."""
    one, commit = _runs().accept(run_id, note)
    where = f"committed as {commit[:10]}" if commit else f"saved in {one.file} (not in git)"
    count = len(one.recorded_deviations())
    say(f"run {run_id}: {count} deviation{'s' if count != 1 else ''} accepted; {where}")
    return EXIT_OK


@runs.command("complete")
@click.argument("run_id", metavar="RUN", type=RUN_ID)
@who_option
@vault_option
def complete(run_id: str, who: str | None) -> int:
    """Complete run RUN and commit its file; refused while a step is pending."""
    say(_ended(*_runs().complete(run_id, who=who)))
    return EXIT_OK


@runs.command("abort")
@click.argument("run_id", metavar="RUN", type=RUN_ID)
@click.option("--reason", required=True, help="why the run stops here")
@who_option
@vault_option
def abort(run_id: str, reason: str, who: str | None) -> int:
    """Abort run RUN with a reason and commit its file."""
    say(_ended(*_runs().abort(run_id, reason, who=who)))
    return EXIT_OK


@runs.command("discard")
@click.argument("run_id", metavar="RUN", type=RUN_ID)
@vault_option
def discard(run_id: str) -> int:
    """Remove open run RUN that recorded nothing, if you started it and it is not in git."""
    one = _runs().discard(run_id)
    say(f"run {one.id} discarded: it recorded nothing")
    return EXIT_OK


def _ended(one: Run, commit: str | None) -> str:
    where = f"committed as {commit[:10]}" if commit else f"saved in {one.file} (not in git)"
    outcome = f" ({one.outcome.value})" if one.outcome is not None else ""
    return f"run {one.id} {one.state.value}{outcome}: {where}"


def run_json(one: Run, now: datetime) -> dict[str, Any]:
    """A run as the JSON ``runs show --json`` and ``runs start --json`` print: its header,
    progress [done, total], late step numbers and each step entry (times as ISO 8601)."""
    done, total = one.progress()
    return {
        "id": one.id,
        "document": one.doc_id,
        "title": one.title,
        "version": one.version,
        "commit": one.commit or None,
        "blob": one.blob,
        "path": one.path,
        "state": one.state.value,
        "started_by": one.started_by,
        "started_at": one.started_at.isoformat(),
        "ended_by": one.ended_by or None,
        "ended_at": one.ended_at.isoformat() if one.ended_at else None,
        "reason": one.reason or None,
        "outcome": one.outcome.value if one.outcome else None,
        "deviations": [
            {"event": e.id, "step": e.step, "deviation": e.deviation}
            | ({"within": e.within} if e.within is not None else {})
            for e in one.recorded_deviations()
        ],
        "roles": one.roles,
        "progress": [done, total],
        "late_steps": one.late(now),
        "file": one.file,
        "steps": [step_json(s) for s in one.steps],
        "events": [_event_json(e) for e in one.events],
    }


def _event_json(event: Event) -> dict[str, Any]:
    """One event of the log as JSON: exactly its line in the run file (times in UTC)."""
    import json

    from sopvault.store.runlog import event_line

    data: dict[str, Any] = json.loads(event_line(event))
    return data


runs.add_command(exec_step)  # a step's command (issue 15), kept in a module of its own
