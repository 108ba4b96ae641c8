"""Running a step's command in a run (issue 15), under three guards:

1. the operator confirms, having been shown the command in full (``Prepared.shown``:
   every argument); the service refuses an unconfirmed call;
2. the text the run follows is the approved, effective revision on main: the run's pinned
   blob is main's current blob for the document, main's text is effective, its latest
   approval landed exactly that blob, and the working copy does not differ (nor any file
   but records and documents). Never a draft,
   an unapproved edit, a proposal, a vault outside git or a run following an older
   revision (ISO 9001 §7.5.3.2: only the approved version in force is used);
3. with the step's time limit, from the vault's root, by ``store.process.run_program``:
   an argument list, never a shell; ``SOPVAULT_RUN``, ``SOPVAULT_DOCUMENT`` and
   ``SOPVAULT_STEP`` in its environment say which run and step it serves.

The result (argv, exit status, the end of its output, seconds) is one ``done`` event
(``core.commandrun.result_event``), appended under the run's turn, which is held while
the command runs so no other process records on the run meanwhile.

A step of a work instruction run in place (``3.2``: ``within`` step 3) runs its command
under the same guards, the text judged being the instruction's pinned text: it must be
main's approved, effective revision of the instruction; the event names its parent.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sopvault.core.ackfile import ACKS_DIR
from sopvault.core.commandrun import Ran, must_be_runnable, result_event
from sopvault.core.commandstep import shown, span, timeout_of
from sopvault.core.nested import inside
from sopvault.core.parse import parse_text
from sopvault.errors import RunError
from sopvault.model.document import Document, Status, Step
from sopvault.model.run import RUNS_DIR, Event, Run
from sopvault.services.review.common import RevisionError
from sopvault.services.runfiles import taking_turns
from sopvault.services.runnested import instruction_of
from sopvault.services.runs import Runs
from sopvault.store.git import diffs
from sopvault.store.process import last_lines, run_program


@dataclass(frozen=True)
class Prepared:
    """A step's command as the operator confirms it: ``argv`` exactly as it will run,
    ``shown`` the same in one line (arguments quoted where needed; not yet inert),
    ``limit`` its time limit in seconds. ``refusal`` says in one line why it may not run
    from this run's text ("" when it may). ``within`` is the parent step of a step of a
    work instruction run in place (None for the run's own steps)."""

    run_id: str
    number: int
    argv: tuple[str, ...]
    shown: str
    limit: int
    refusal: str = ""
    within: int | None = None

    @property
    def label(self) -> str:
        """How people name the step: ``8``, or ``3.2`` inside step 3."""
        return f"{self.within}.{self.number}" if self.within is not None else str(self.number)

    @property
    def limit_text(self) -> str:
        """The time limit as people write it (``10m``)."""
        return span(self.limit)


@dataclass(frozen=True)
class _Target:
    """The step a command runs for: ``checklist`` is the run, or the run seen from inside
    a step (its steps the work instruction's), ``step`` the step's text, and
    ``doc_id``/``commit``/``blob`` the pinned text it comes from."""

    checklist: Run
    step: Step
    doc_id: str
    commit: str
    blob: str


class CommandSteps:
    """Command steps of the runs of one workspace, through its Runs service."""

    def __init__(self, runs: Runs) -> None:
        self.runs = runs
        self.ws = runs.ws

    def prepare(
        self, run_id: str, number: int, note: str = "", within: int | None = None
    ) -> Prepared:
        """Step ``number``'s command in run ``run_id`` (with ``within``: step ``number`` of
        the work instruction open in that step), to show before confirming, with why it
        may not run (``refusal``) when the text is not the approved one. RunError when
        the run rules refuse it (closed run, a step without a command...)."""
        run = self.runs.load(run_id)
        target = self._target(run, number, within)
        must_be_runnable(target.checklist, target.step, number, note)
        return Prepared(
            run.id,
            number,
            target.step.command,
            shown(target.step.command),
            timeout_of(target.step),
            self.refusal(run, target.step.command, target) or "",
            within,
        )

    def run(
        self,
        run_id: str,
        number: int,
        *,
        confirmed: bool,
        note: str = "",
        within: int | None = None,
    ) -> tuple[Run, Event]:
        """Run step ``number``'s command (``within`` as ``prepare``) and record its result
        as the step's answer; returns the run and that event (a deviation when it exited
        non-zero or timed out). RunError, and nothing run, without ``confirmed``, when the
        text is not the approved one, or the run rules refuse; ProgramError (recorded as
        nothing) when the program cannot be started; KeyboardInterrupt once an interrupted
        command's result (ended, a deviation, a note saying so) is recorded."""
        label = f"{within}.{number}" if within is not None else str(number)
        if not confirmed:
            raise RunError(
                f"step {label}'s command was not run: it runs only once you confirm it"
                " (--yes, having read it)"
            )
        self.ws.vault.must_be_writable("run a step's command")
        with taking_turns(self.runs.find(run_id).parent, run_id):
            run = self.runs.load(run_id)
            target = self._target(run, number, within)
            step = target.step
            must_be_runnable(target.checklist, step, number, note)
            refusal = self.refusal(run, step.command, target)
            if refusal:
                raise RunError(f"step {label}'s command was not run: {refusal}")
            limit = timeout_of(step)
            about = {"SOPVAULT_RUN": run.id, "SOPVAULT_DOCUMENT": target.doc_id}
            about["SOPVAULT_STEP"] = label
            done = run_program(step.command, timeout=limit, cwd=self.ws.root, env=about)
            if done.interrupted:
                said = "interrupted: sopvault was stopped while the command ran, and ended it"
                note = f"{note.strip()}; {said}" if note.strip() else said
            ran = Ran(
                done.argv,
                done.status,
                "\n".join(last_lines(done.output)),
                done.seconds,
                limit,
                done.timed_out,
            )
            who, now = self.runs.who(), self.ws.now()
            event = result_event(target.checklist, step, number, ran, who=who, now=now, note=note)
            event = replace(event, within=within)
            self.runs.files.append(run, event)
        if done.interrupted:  # recorded: now stop as the person (or the session) asked
            raise KeyboardInterrupt
        return run, event

    def _target(self, run: Run, number: int, within: int | None) -> _Target:
        """Step ``number`` of ``run``, or of the work instruction open in step ``within``
        (its pinned text); RunError when there is no such step or the parent does not
        apply."""
        if within is None:
            step = _step(self.runs.document(run), number)
            return _Target(run, step, run.doc_id, run.commit, run.blob)
        parent = run.step(within)
        inside(parent, number)  # RunError: nothing open there, or no such step
        if parent.auto:
            raise RunError(f"step {within} does not apply: its condition ({parent.when}) is false")
        pin = parent.instruction
        assert pin is not None  # inside() refuses a parent with none open
        step = _step(instruction_of(self.runs, run, within), number)
        view = replace(run, steps=parent.nested)  # the run rules on the instruction's steps
        return _Target(view, step, pin.doc_id, pin.commit, pin.blob)

    def refusal(
        self, run: Run, argv: tuple[str, ...] = (), target: _Target | None = None
    ) -> str | None:
        """Why the text ``run`` follows (or ``target``'s: a work instruction's text pinned
        inside a step) is not the approved, effective revision on main that a command may
        run from, or a file of the working copy other than a record or another document
        differs from main's (one line); None when it may run. ``argv`` is the command (its
        files are part of the working copy checked)."""
        history, repo = self.runs.history, self.ws.repo
        if history is None or repo is None:
            return "the vault is not in git, so no text of it is approved"
        doc_id, commit, blob = run.doc_id, run.commit, run.blob
        if target is not None:
            doc_id, commit, blob = target.doc_id, target.commit, target.blob
        if not commit:
            return f"run {run.id} follows a working copy of {doc_id}, pinned to no approved commit"
        main = self.ws.main
        try:
            on_main = history.main_text(doc_id)
        except RevisionError:
            return f"{doc_id} is not on {main}"
        tip, main_blob = self.runs.texts.on_main(on_main.path)
        if main_blob != blob:
            return (
                f"run {run.id} follows a text of {doc_id} that is no longer the one on {main}"
                " (start a new run to follow the current revision)"
            )
        parsed = parse_text(on_main.path, on_main.text).document
        status = parsed.status if parsed is not None else None
        if status is not Status.EFFECTIVE:
            word = status.value.replace("_", " ") if status else "without a status"
            return f"{doc_id} is {word} on {main}, not effective"
        revisions = history.revisions(doc_id)
        there = self.ws.repo_path(revisions[0].path) if revisions and revisions[0].path else ""
        if not there or repo.blob_ids(revisions[0].commit, [there]).get(there) != blob:
            return f"{doc_id}'s text on {main} is not an approved revision (see `sopvault verify`)"
        here = self.ws.repo_path(self.ws.vault.get(doc_id).path)
        if repo.worktree_ids([here]).get(here) != blob:
            return (
                f"your working copy of {doc_id} differs from its approved text on {main};"
                " restore it or have the change approved first"
            )
        return self._named_file_refusal(argv, tip) or self._worktree_refusal(tip)

    def _named_file_refusal(self, argv: tuple[str, ...], tip: str) -> str | None:
        """A file of the vault that an argument names (``tools/export.py``, as a path of
        its own) must be committed on main and unchanged in the working copy: the approved
        step says what runs, and an edited script would run something else."""
        repo, root = self.ws.git(), self.ws.root.resolve()
        named: dict[str, str] = {}  # repository path -> the argument naming it
        for arg in argv:
            try:
                full = (self.ws.root / arg).resolve()
            except (OSError, ValueError):
                continue
            if full.is_file() and full.is_relative_to(root):
                named.setdefault(self.ws.repo_path(full.relative_to(root).as_posix()), arg)
        if not named:
            return None
        here, there = repo.worktree_ids(list(named)), repo.blob_ids(tip, list(named))
        for path, arg in named.items():
            if path not in there:
                return f"{arg}, which the command names, is not committed on {self.ws.main}"
            if here.get(path) != there[path]:
                return f"{arg}, which the command names, differs from {self.ws.main}'s"
        return None

    def _worktree_refusal(self, tip: str) -> str | None:
        """Every file of the working copy but the records (run logs, acknowledgements)
        and the documents' Markdown (texts, which a pending proposal leaves edited) must be
        main's: a command reaches far more files than the ones it names (a script's
        imports, ``python -m``, a Makefile, a link now pointing elsewhere), so a file
        edited, replaced, deleted or added outside git's ignore rules refuses it (issue 15:
        never from a working copy that differs); ``tip`` is main's commit."""
        repo = self.ws.git()
        found = diffs.changed_since(repo, tip, ":/") + diffs.untracked(repo, ":/")
        found += diffs.unwatched(repo)  # an edit git was told not to see
        records = tuple(self.ws.repo_path(f"{d}/") for d in (RUNS_DIR, ACKS_DIR))
        differ = sorted(
            {p for p in found if not p.startswith(records) and not self.ws.is_document(p)}
        )
        if not differ:
            return None
        more = f" and {len(differ) - 1} more" if len(differ) > 1 else ""
        return (
            f"your working copy differs from {self.ws.main}'s ({differ[0]}{more}): a command"
            " runs only among the files approved on it; restore them, or commit them"
            " through a proposal"
        )


def _step(doc: Document, number: int) -> Step:
    """Step ``number`` of ``doc``; RunError naming the valid range."""
    if not 1 <= number <= len(doc.steps):
        raise RunError(f"step {number} does not exist: the steps are 1 to {len(doc.steps)}")
    return doc.steps[number - 1]
