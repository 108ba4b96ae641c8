"""``sopvault run``: a procedure at a line prompt, for SSH sessions, plain terminals and
scripts. Every answer is saved before the next question, so quitting, Ctrl-C, Ctrl-D or a
dropped connection keeps the run open exactly where it was.

A value outside its range or a failing answer is recorded as a deviation with the note
that must explain it, never refused (issue 13); deviations are marked ``!`` with their
reason wherever the prompt shows a step, and each answer and undo names its event (``#4``)
as the report and ``runs show --events`` do.
"""

from __future__ import annotations

from collections.abc import Callable

from sopvault.cli.prompt_lines import answer as _answer
from sopvault.cli.prompt_lines import flag as _flag
from sopvault.cli.prompt_lines import instruction_text, step_lines, summary
from sopvault.cli.promptcommand import run_command
from sopvault.core.checklist import NoteRequired
from sopvault.core.evidence import departure
from sopvault.core.wording import counted
from sopvault.errors import RunError, SopvaultError
from sopvault.model.document import Document, Step
from sopvault.model.run import Run, StepState
from sopvault.render.rich import unified_diff
from sopvault.render.runs import open_run_line
from sopvault.render.safetext import inert, inert_line, inert_lines
from sopvault.services.runs import Runs

EXIT_OK, EXIT_INTERRUPTED = 0, 130
HELP = (
    "d done · s skip · a n/a · n note · u undo · b back · w work instruction"
    " · i run it in place · q quit (run stays open)"
)
# What a person may type at a step, by the action it means.
_SPELLINGS = {
    "done": ("d", "done", "v", "value"), "skip": ("s", "skip"), "na": ("a", "na", "n/a"),
    "note": ("n", "note"), "undo": ("u", "undo"), "back": ("b", "back"), "wi": ("w", "wi"),
    "inplace": ("i", "in"),
    "quit": ("q", "quit"), "help": ("?", "h", "help"),
}  # fmt: skip
WORDS = {word: action for action, words in _SPELLINGS.items() for word in words}
NOTE_REQUIRED = "note (required: this is a deviation)> "
NOTE_CORRECTION = "! that answer is a deviation; why is it corrected (it stays in the record)> "


class Quit(Exception):
    """The person left; the run stays open."""


class LinePrompt:
    """The line-by-line runner: one question per step, each answer saved through ``Runs``.

    ``ask`` and ``say`` default to ``input`` and ``print``; tests pass their own. Methods
    that walk return the process exit code (0, or 130 after Ctrl-C)."""

    within: int | None = None  # the parent step when asking a work instruction's steps

    def __init__(
        self,
        runs: Runs,
        *,
        who: str | None = None,
        ask: Callable[[str], str] = input,
        say: Callable[[str], None] = print,
    ) -> None:
        self.runs = runs
        self.who = who
        self.ask = ask
        self.say = say
        self.strict = False  # `run --strict`: a work instruction run in place too

    # ---- entry points ------------------------------------------------------------------

    def start(self, doc_id: str, *, strict: bool, roles: dict[str, str]) -> int:
        """Start a run of ``doc_id`` (roles: role -> person) and walk it; raises
        SopvaultError when the start is refused (``strict`` and not signed off, no such id).
        With a run of ``doc_id`` still open, starting another is a decision: the person is
        asked to resume it, start another, or leave."""
        choice = self._open_run_choice(doc_id)
        if choice == "quit":
            return 0
        if choice is not None:
            return self.resume(choice)
        self.strict = strict
        started = self.runs.start(doc_id, strict=strict, who=self.who, roles=roles)
        for warning in started.warnings:
            self.say(f"note: {inert_line(warning)}")
        run = started.run
        pinned = f"commit {run.commit[:10]}" if run.commit else "the working copy"
        self.say(
            inert_line(
                f"run {run.id}: {run.doc_id} {run.title} {run.version or ''}, following {pinned}"
            )
        )
        return self.walk(run, self.runs.document(run))

    def _open_run_choice(self, doc_id: str) -> str | None:
        """None to start a new run, "quit", or the id of the open run to resume."""
        waiting = self.runs.listing(doc_id, open_only=True).runs
        if not waiting:
            return None
        self.say(inert_line(f"{doc_id} already has {counted(len(waiting), 'open run')}:"))
        for one in waiting:
            self.say("  " + inert_line(open_run_line(one, self.runs.ws.zone)))
        while True:
            try:
                answer = self.ask("[r]esume the newest, start [a]nother, or [q]uit? ")
            except (EOFError, KeyboardInterrupt):
                return "quit"
            word = answer.strip().lower()[:1]
            if word in ("r", "a", "q"):
                return {"r": waiting[0].id, "a": None, "q": "quit"}[word]
            self.say("answer r, a or q")

    def resume(self, run_id: str) -> int:
        """Carry on with open run ``run_id``, first showing what changed in the procedure
        since it began, and record that it was taken up again (a ``resume`` event, or a
        ``revision`` event naming the newer version main holds). Raises SopvaultError for
        an unknown run, RunError for a closed one."""
        resumed = self.runs.resume(run_id)
        run = resumed.run
        if resumed.changed_since:
            self.say(
                inert_line(
                    f"note: {run.doc_id} was revised since this run began (now"
                    f" {resumed.changed_since}); this run keeps following {run.version}."
                    " What changed:"
                )
            )
            self.say(inert(unified_diff(*resumed.old, *resumed.new).rstrip()))
        run = self.runs.take_up(run.id, seen=resumed.changed_since or "", who=self.who)
        done, total = run.progress()
        self.say(
            inert_line(f"resuming run {run.id}: {run.doc_id} {run.title}, {done} of {total} done")
        )
        return self.walk(run, resumed.document)

    # ---- the loop ----------------------------------------------------------------------

    def walk(self, run: Run, doc: Document) -> int:
        """Ask about each pending step until the run ends or the person leaves (q, Ctrl-D:
        exit 0; Ctrl-C: 130); the run stays open whenever it is left. A failed control
        point that stops the work goes straight to the question that ends the run."""
        self.say(HELP)
        try:
            while True:
                current = run.current()
                if current is None or run.stopped() is not None:
                    left = self.finish(run, doc)
                    if left is None:
                        return EXIT_OK
                    run = left
                    continue
                if current.instruction is not None:  # open in place: carry on inside it
                    run = self.in_place(run, current.number)
                else:
                    run = self.one_step(run, doc, current.number)
        except Quit:
            self.say(f"run {run.id} kept open: sopvault run --resume {run.id}")
            return EXIT_OK
        except KeyboardInterrupt:
            self.say(f"\nrun {run.id} kept open: sopvault run --resume {run.id}")
            return EXIT_INTERRUPTED

    def _ask(self, prompt: str) -> str:
        try:  # a prompt can quote the step's evidence spec: one inert line
            return self.ask(inert_line(prompt))
        except EOFError:
            raise Quit from None

    def one_step(self, run: Run, doc: Document, number: int) -> Run:
        """Show step ``number`` (from 1) and ask until an answer records it; a refused
        answer is said and asked again. Returns the run as saved; raises Quit on q."""
        step = doc.steps[number - 1]
        self.show_step(run, step, number)
        while True:
            answer = self._ask("> ").strip()
            word, _, rest = answer.partition(" ")
            action = WORDS.get(word.lower())
            if action is None:
                self.say(f"? {HELP}")
                continue
            try:
                if action == "quit":
                    raise Quit
                if action == "help":
                    self.say(HELP)
                elif action == "wi":
                    self.show_instruction(step)
                elif action == "inplace":
                    return self.in_place(run, number)
                elif action == "back":
                    return self.back(run, doc, number)
                elif action == "undo":
                    return self.undo_latest(run, doc, rest.strip())
                elif action == "note":
                    note = rest or self._ask("note> ")
                    run = self._mark(run, number, "note", note=note)
                    self.say(f"note kept (#{len(run.events)})")
                elif action == "done" and step.command:
                    return run_command(self, run, number)
                elif action == "done":
                    value = rest or (
                        self._ask(f"{step.evidence.describe()}> ") if step.evidence else ""
                    )
                    return self.record(run, step, number, "done", value=value or None)
                else:  # skip, na
                    reason = rest or self._ask("reason> ")
                    return self.record(run, step, number, action, reason=reason)
            except SopvaultError as err:
                self.say(f"refused: {inert_line(str(err))}")

    def record(self, run: Run, step: Step, number: int, action: str, **fields: str | None) -> Run:
        """Record an answer (``done``, ``skip``, ``na``) on step ``number`` and say what was
        recorded. An answer that is a deviation (``NoteRequired``) is said, and recorded
        with the note then asked for; RunError when that note is left blank (nothing is
        recorded), other SopvaultErrors as ``Runs.mark`` raises them."""
        try:
            run = self._mark(run, number, action, **fields)
        except NoteRequired as err:
            self.say(
                inert_line(f"! {departure(step, fields.get('value')) or err}: this is a deviation")
            )
            note = self._ask(NOTE_REQUIRED).strip()
            if not note:
                raise RunError(
                    f"step {number} was not recorded: a deviation needs a note saying what happened"
                ) from None
            run = self._mark(run, number, action, **fields, note=note)
        entry = run.step(number)
        self.say(
            inert_line(
                f"{_answer(entry, step)} (#{run.number_of(entry.event)})"
                + (f"  ! {entry.deviation}" if entry.deviation else "")
                + _flag(entry)
            )
        )
        return run

    def _mark(self, run: Run, number: int, action: str, **fields: str | None) -> Run:
        return self.runs.mark(
            run.id,
            number,
            action,
            value=fields.get("value"),
            note=fields.get("note") or "",
            reason=fields.get("reason") or "",
            who=self.who,
            within=self.within,
        )

    def undo(self, run: Run, doc: Document, number: int) -> Run:
        """Take back the answer in force on step ``number`` (it stays in the log) and say
        which event was undone (``#4``); RunError when the step has no answer."""
        entry = run.step(number)
        undone, what = entry.event, _answer(entry, doc.steps[number - 1])
        note = self._ask(NOTE_CORRECTION).strip() if entry.deviation else ""
        run = self._mark(run, number, "undo", note=note)
        self.say(
            inert_line(
                f"undone #{run.number_of(undone)} ({what}) as"
                f" #{len(run.events)}: step {entry.label} is open again"
            )
        )
        return run

    def in_place(self, run: Run, number: int) -> Run:
        """Run step ``number``'s work instruction in place (``cli.prompt_nested``): its
        steps asked one by one, then back to this run's next step. Returns the run as
        saved; raises Quit on q, RunError when the rules refuse it."""
        from sopvault.cli.prompt_nested import walk_in_place

        return walk_in_place(self, run, number)

    def undo_latest(self, run: Run, doc: Document, which: str) -> Run:
        """``u``: undo the answer recorded last, or (``u 3``) step 3's; RunError when
        ``which`` is no step number or that step has no answer."""
        if which:
            if not which.isdigit():
                raise RunError(f"undo which step? give its number (u 3), not {which!r}")
            return self.undo(run, doc, run.step(int(which)).number)
        answered = [s for s in run.steps if s.event and not s.auto]
        if not answered:
            self.say("nothing to undo yet")
            return run
        latest = max(answered, key=lambda s: run.number_of(s.event))
        return self.undo(run, doc, latest.number)

    def back(self, run: Run, doc: Document, number: int) -> Run:
        """Reopen the step dealt with before this one (steps set n/a by a condition are
        passed over: they follow their condition)."""
        earlier = [
            s for s in run.steps[: number - 1] if s.state is not StepState.PENDING and not s.auto
        ]
        if not earlier:
            self.say("this is the first step")
            return run
        return self.undo(run, doc, earlier[-1].number)

    def finish(self, run: Run, doc: Document) -> Run | None:
        """Every step is dealt with, or a failed control point stopped the work: show the
        summary with its deviations and the outcome, then complete (as failed, when
        stopped), abort, go back, or leave it open. None when the run ended, else the
        run as it now stands."""
        self.say(inert_lines(summary(run)))
        stopped = run.stopped()
        if stopped is None:
            question = "all steps recorded: [c]omplete, [a]bort, [b]ack or [q]uit > "
        else:
            self.say(
                f"! step {stopped.number} is a failed control point and the procedure says"
                " the work stops there"
            )
            question = (
                f"[c]omplete the run as failed, [b]ack (undo step {stopped.number}),"
                " [a]bort or [q]uit > "
            )
        choice = self._ask(question).strip().lower()[:1]
        try:
            if choice == "c":
                run, commit = self.runs.complete(run.id, who=self.who)
                where = f"committed as {commit[:10]}" if commit else f"saved in {run.file}"
                outcome = f" ({run.outcome.value})" if run.outcome else ""
                self.say(inert_line(f"run {run.id} completed{outcome}: {where}"))
                return None
            if choice == "a":
                reason = self._ask("why abort> ")
                run, commit = self.runs.abort(run.id, reason, who=self.who)
                self.say(f"run {run.id} aborted: {'committed' if commit else 'saved'}")
                return None
            if choice == "b" and stopped is not None:
                return self.undo(run, doc, stopped.number)
            if choice == "b":
                return self.back(run, doc, run.steps[-1].number + 1)
            if choice == "q":
                raise Quit
        except SopvaultError as err:
            self.say(f"refused: {inert_line(str(err))}")
        return run

    # ---- showing -----------------------------------------------------------------------

    def show_step(self, run: Run, step: Step, number: int) -> None:
        """Print step ``number`` as ``step_lines`` shows it."""
        self.say(inert_lines(step_lines(run, step, number, self.runs.now())))

    def show_instruction(self, step: Step) -> None:
        """Print the work instruction the step names, or one line saying why not."""
        self.say(instruction_text(self.runs.vault, step))
