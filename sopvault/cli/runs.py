"""The run commands: ``run`` (the line-by-line runner) and ``runs`` (list, show, and the
scriptable start / mark / complete / abort). Each action is one call into the Runs service;
a refused action exits 1 with one line, like every other command."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sopvault.core.approval import name_of
from sopvault.errors import SopvaultError
from sopvault.render.safetext import inert

if TYPE_CHECKING:  # imported when a command runs, so `list` and `show` start faster
    from sopvault.core.checklist import Run
    from sopvault.services.runs import Runs

EXIT_OK, EXIT_FAILURE = 0, 1
ACTIONS = ("start", "show", "mark", "complete", "abort")
MARKS = {"done": "done", "skip": "skip", "na": "na", "n/a": "na"}


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("run", help="walk a procedure step by step at a line prompt")
    p.add_argument("id", nargs="?", metavar="ID", help="the procedure to run")
    p.add_argument("--resume", metavar="RUN", help="carry on with an open run")
    p.add_argument("--strict", action="store_true", help="refuse unless effective and signed off")
    p.add_argument("--as", dest="who", metavar="'NAME <EMAIL>'", help="who is acting")
    p.add_argument(
        "--assign",
        action="append",
        default=[],
        metavar="ROLE=PERSON",
        help="who takes a role in this run (repeat for several)",
    )

    p = sub.add_parser(
        "runs",
        help="list runs; runs show|start|mark|complete|abort drive one from scripts",
    )
    p.add_argument(
        "words",
        nargs="*",
        metavar="ARGS",
        help="[ID] to list, or: show RUN | start ID | mark RUN STEP done|skip|na"
        " | complete RUN | abort RUN",
    )
    p.add_argument("--open", action="store_true", help="only runs still open")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.add_argument("--strict", action="store_true", help="start: refuse unless signed off")
    p.add_argument("--as", dest="who", metavar="'NAME <EMAIL>'", help="who is acting")
    p.add_argument("--assign", action="append", default=[], metavar="ROLE=PERSON")
    p.add_argument("--value", help="mark: the evidence the step records")
    p.add_argument("--note", default="", help="mark: a note kept with the step")
    p.add_argument("--reason", default="", help="mark: why skipped or n/a; abort: why")


def _runs(args: argparse.Namespace) -> Runs:
    from sopvault.services.runs import Runs
    from sopvault.services.workspace import Workspace

    return Runs(Workspace.open(args.vault))


def _roles(pairs: list[str]) -> dict[str, str]:
    roles = {}
    for pair in pairs:
        role, sep, person = pair.partition("=")
        if not sep or not role.strip() or not person.strip():
            raise SopvaultError(f"--assign wants ROLE=PERSON, not {pair!r}")
        roles[role.strip()] = person.strip()
    return roles


def cmd_run(args: argparse.Namespace) -> int:
    from sopvault.cli.prompt import LinePrompt

    runs = _runs(args)
    if args.resume and args.id:
        raise SopvaultError("give a document ID to start, or --resume RUN, not both")
    if args.resume:
        return LinePrompt(runs, who=args.who).resume(args.resume)
    if not args.id:
        raise SopvaultError("say which procedure: sopvault run ID (or --resume RUN)")
    return LinePrompt(runs, who=args.who).start(
        args.id, strict=args.strict, roles=_roles(args.assign)
    )


def cmd_runs(args: argparse.Namespace) -> int:
    words = list(args.words)
    action = words.pop(0) if words and words[0] in ACTIONS else None
    runs = _runs(args)
    if action is None:
        if len(words) > 1:
            raise SopvaultError(f"unexpected {words[1]!r}: sopvault runs [ID] [--open]")
        return _list(runs, words[0] if words else None, args)
    if action == "start":
        _need(words, 1, "sopvault runs start ID")
        started = runs.start(words[0], strict=args.strict, who=args.who, roles=_roles(args.assign))
        for warning in started.warnings:
            sys.stderr.write(f"note: {inert(warning)}\n")
        if args.json:
            print(json.dumps(run_json(started.run, runs.now()), indent=2, ensure_ascii=False))
        else:
            print(started.run.id)
        return EXIT_OK
    if action == "show":
        _need(words, 1, "sopvault runs show RUN")
        return _show(runs, words[0], args)
    if action == "mark":
        _need(words, 3, "sopvault runs mark RUN STEP done|skip|na")
        run_id, step, what = words
        if not step.isdigit():
            raise SopvaultError(f"STEP is a step number (from 1), not {step!r}")
        if what not in MARKS:
            raise SopvaultError(f"mark a step done, skip or na, not {what!r}")
        run = runs.mark(
            run_id,
            int(step),
            MARKS[what],
            value=args.value,
            note=args.note,
            reason=args.reason,
            who=args.who,
        )
        record = run.step(int(step))
        done, total = run.progress()
        print(f"step {step}: {record.state.value} ({done} of {total} steps)")
        return EXIT_OK
    if action == "complete":
        _need(words, 1, "sopvault runs complete RUN")
        run, commit = runs.complete(words[0], who=args.who)
        print(_ended(run, commit))
        return EXIT_OK
    _need(words, 1, "sopvault runs abort RUN --reason R")
    run, commit = runs.abort(words[0], args.reason, who=args.who)
    print(_ended(run, commit))
    return EXIT_OK


def _need(words: list[str], count: int, usage: str) -> None:
    if len(words) != count:
        raise SopvaultError(f"usage: {usage}")


def _ended(run: Run, commit: str | None) -> str:
    where = f"committed as {commit[:10]}" if commit else f"saved in {run.file} (not in git)"
    return f"run {run.id} {run.state.value}: {where}"


def _list(runs: Runs, doc_id: str | None, args: argparse.Namespace) -> int:
    listing = runs.listing(doc_id, open_only=args.open, full=args.json)
    now = runs.now()
    for problem in listing.problems:
        sys.stderr.write(f"sopvault: warning: {inert(str(problem))}\n")
    if args.json:
        print(json.dumps([run_json(r, now) for r in listing.full], indent=2, ensure_ascii=False))
        return EXIT_OK
    if not listing.runs:
        which = "open runs" if args.open else "runs"
        sys.stderr.write(f"no {which}{f' of {inert(doc_id)}' if doc_id else ''}\n")
        return EXIT_OK
    for run in listing.runs:
        done, total = run.progress()
        late = run.late(now)
        flag = f"  LATE: step {', '.join(map(str, late))}" if late else ""
        print(
            inert(
                f"{run.id}  {run.doc_id:<10} {run.state.value:<9} {done:>3}/{total:<3}"
                f" {_stamp(run.started_at)}  {name_of(run.started_by):<18}{flag}"
            )
        )
    return EXIT_OK


def _show(runs: Runs, run_id: str, args: argparse.Namespace) -> int:
    from sopvault.core.checklist import report_lines

    run = runs.load(run_id)
    if args.json:
        print(json.dumps(run_json(run, runs.now()), indent=2, ensure_ascii=False))
        return EXIT_OK
    try:
        doc = runs.document(run)
    except SopvaultError:
        doc = None  # the report still reads without the procedure's text
    print(inert("\n".join(report_lines(run, doc, runs.now()))))
    return EXIT_OK


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def run_json(run: Run, now: datetime) -> dict[str, Any]:
    done, total = run.progress()
    return {
        "id": run.id,
        "document": run.doc_id,
        "title": run.title,
        "version": run.version,
        "commit": run.commit or None,
        "blob": run.blob,
        "path": run.path,
        "state": run.state.value,
        "started_by": run.started_by,
        "started_at": run.started_at.isoformat(),
        "ended_by": run.ended_by or None,
        "ended_at": run.ended_at.isoformat() if run.ended_at else None,
        "reason": run.reason or None,
        "roles": run.roles,
        "progress": [done, total],
        "late_steps": run.late(now),
        "file": run.file,
        "steps": [
            {
                "number": s.number,
                "action": s.action,
                "critical": s.control_point,
                "state": s.state.value,
                "by": s.by or None,
                "at": s.at.isoformat() if s.at else None,
                "value": s.value,
                "note": s.note or None,
                "reason": s.reason or None,
                "due_at": s.due_at.isoformat() if s.due_at else None,
            }
            for s in run.steps
        ],
    }


COMMANDS = {"run": cmd_run, "runs": cmd_runs}
