"""Gathering "my work" (``sopvault runs --mine``, the TUI's "My work" screen): the pending
steps of every open run that fall to the acting person, ordered by deadline.

Who "I" am and which steps are mine are ``core.due``'s rules, the ones ``sopvault due``
and the dashboard use (``names_person``, ``my_roles``, ``steps_for``); a step with no role
(or a role nobody fills) is the run starter's. Runs come from the runs cache; each run's
step roles from the exact text it follows.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sopvault.core import due as rules
from sopvault.errors import SopvaultError
from sopvault.model.control import Identity
from sopvault.model.mywork import MyWork, WorkItem
from sopvault.model.run import Run
from sopvault.services.runfiles import parse
from sopvault.services.runlist import list_runs
from sopvault.services.runnested import nested_step_roles
from sopvault.services.runs import Runs


def my_work(runs: Runs) -> MyWork:
    """The steps that are mine in every open run of ``runs``' vault, by deadline (none
    last), then the run's start, run id and step. What cannot be read (no git to say who
    I am, a broken run file, a text no longer available) is a note, never a failure."""
    ws = runs.ws
    work = MyWork(ws.now(), _me(runs))
    if work.me is None:
        work.notes.append("nobody is 'me' here: git names no user (user.name, user.email)")
        return work
    person = rules.person_of(work.me, ws.vault.config.people.values())
    listing = list_runs(ws.vault, open_only=True)
    work.notes += [f"cannot read {problem}" for problem in listing.problems]
    found: list[tuple[datetime, WorkItem]] = []
    for summary in listing.runs:
        try:
            run = parse((ws.vault.root / summary.file).read_text(encoding="utf-8"), summary.file)
        except (SopvaultError, OSError, UnicodeDecodeError) as err:
            work.notes.append(f"run {summary.id}: {err}")
            continue
        roles = rules.my_roles(run, person, work.me)
        started = rules.names_person(run.started_by, person, work.me)
        if roles or started:
            found += [(run.started_at, item) for item in _items(runs, run, roles, started, work)]
    far = datetime.max.replace(tzinfo=UTC)
    found.sort(key=lambda p: (p[1].due_at or far, p[0], p[1].run_id, p[1].order))
    work.items = [item for _, item in found]
    return work


def _me(runs: Runs) -> Identity | None:
    """Who is asking, as git says (None outside git or when git names nobody)."""
    if runs.ws.repo is None:
        return None
    try:
        return runs.ws.identity()
    except SopvaultError:
        return None


def _items(runs: Runs, run: Run, roles: set[str], started: bool, work: MyWork) -> list[WorkItem]:
    """The steps of ``run`` that are mine, by the roles its followed text gives them."""
    try:
        doc = runs.document(run)
    except SopvaultError as err:
        work.notes.append(f"run {run.id}: {err}")
        return []
    step_roles = {i: s.role for i, s in enumerate(doc.steps, start=1) if s.role}
    try:
        nested = nested_step_roles(runs.texts, run)
    except SopvaultError as err:
        work.notes.append(f"run {run.id}: {err}")
        nested = {}
    steps = rules.steps_for(run, step_roles, roles, work.now, starter=started, nested_roles=nested)
    return [
        WorkItem(
            run.id, run.doc_id, run.title, s.number, s.action, s.role, s.due_at, s.overdue, s.within
        )
        for s in steps
    ]
