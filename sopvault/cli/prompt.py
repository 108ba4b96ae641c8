"""``sopvault run``: a procedure at a line prompt, for SSH sessions, plain terminals and
scripts. Every answer is saved before the next question, so quitting, Ctrl-C, Ctrl-D or a
dropped connection keeps the run open exactly where it was."""

from __future__ import annotations

from collections.abc import Callable

from sopvault.core.wording import counted
from sopvault.errors import SopvaultError
from sopvault.model.document import Document, Step
from sopvault.model.run import Run, StepState
from sopvault.render.rich import unified_diff
from sopvault.render.runs import open_run_line, summary_lines
from sopvault.render.safetext import inert, inert_line, inert_lines
from sopvault.services.runs import Runs

EXIT_OK, EXIT_INTERRUPTED = 0, 130
HELP = "d done · s skip · a n/a · n note · b back · w work instruction · q quit (run stays open)"
WORDS = {
    "d": "done",
    "done": "done",
    "v": "done",
    "value": "done",
    "s": "skip",
    "skip": "skip",
    "a": "na",
    "na": "na",
    "n/a": "na",
    "n": "note",
    "note": "note",
    "b": "back",
    "back": "back",
    "w": "wi",
    "wi": "wi",
    "q": "quit",
    "quit": "quit",
    "?": "help",
    "h": "help",
    "help": "help",
}


class Quit(Exception):
    """The person left; the run stays open."""


class LinePrompt:
    """The line-by-line runner: one question per step, each answer saved through ``Runs``.

    ``ask`` and ``say`` default to ``input`` and ``print``; tests pass their own. Methods
    that walk return the process exit code (0, or 130 after Ctrl-C)."""

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
        for summary in waiting:
            self.say("  " + inert_line(open_run_line(summary)))
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
        since it began; raises SopvaultError for an unknown or closed run."""
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
        done, total = run.progress()
        self.say(
            inert_line(f"resuming run {run.id}: {run.doc_id} {run.title}, {done} of {total} done")
        )
        return self.walk(run, resumed.document)

    # ---- the loop ----------------------------------------------------------------------

    def walk(self, run: Run, doc: Document) -> int:
        """Ask about each pending step until the run ends or the person leaves (q, Ctrl-D:
        exit 0; Ctrl-C: 130); the run stays open whenever it is left."""
        self.say(HELP)
        try:
            while True:
                current = run.current()
                if current is None:
                    if self.finish(run, doc):
                        return EXIT_OK
                    continue
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
                elif action == "back":
                    return self.back(run, number)
                elif action == "note":
                    note = rest or self._ask("note> ")
                    run = self._mark(run, number, "note", note=note)
                    self.say("note kept")
                elif action == "done":
                    value = rest or (
                        self._ask(f"{step.evidence.describe()}> ") if step.evidence else ""
                    )
                    return self._mark(run, number, "done", value=value or None)
                else:  # skip, na
                    reason = rest or self._ask("reason> ")
                    return self._mark(run, number, action, reason=reason)
            except SopvaultError as err:
                self.say(f"refused: {inert_line(str(err))}")

    def _mark(self, run: Run, number: int, action: str, **fields: str | None) -> Run:
        value = fields.get("value")
        return self.runs.mark(
            run.id,
            number,
            action,
            value=value,
            note=fields.get("note") or "",
            reason=fields.get("reason") or "",
            who=self.who,
        )

    def back(self, run: Run, number: int) -> Run:
        """Reopen the step dealt with before this one (steps set n/a by a condition are
        passed over: they follow their condition)."""
        earlier = [
            s for s in run.steps[: number - 1] if s.state is not StepState.PENDING and not s.auto
        ]
        if not earlier:
            self.say("this is the first step")
            return run
        return self.runs.mark(run.id, earlier[-1].number, "undo", who=self.who)

    def finish(self, run: Run, doc: Document) -> bool:
        """Every step is dealt with: complete, abort, go back, or leave it open."""
        self.say(inert_lines(summary_lines(run)))
        answer = self._ask("all steps recorded: [c]omplete, [a]bort, [b]ack or [q]uit > ")
        choice = answer.strip().lower()[:1]
        try:
            if choice == "c":
                run, commit = self.runs.complete(run.id, who=self.who)
                where = f"committed as {commit[:10]}" if commit else f"saved in {run.file}"
                self.say(f"run {run.id} completed: {where}")
                return True
            if choice == "a":
                reason = self._ask("why abort> ")
                run, commit = self.runs.abort(run.id, reason, who=self.who)
                self.say(f"run {run.id} aborted: {'committed' if commit else 'saved'}")
                return True
            if choice == "b":
                last = run.steps[-1].number + 1
                self.back(run, last)
                return False
            if choice == "q":
                raise Quit
        except SopvaultError as err:
            self.say(f"refused: {inert_line(str(err))}")
        return False

    # ---- showing -----------------------------------------------------------------------

    def show_step(self, run: Run, step: Step, number: int) -> None:
        """Print step ``number``: role and person, duration, CONTROL POINT, LATE, the
        action, sub-steps, details, the work instruction and evidence it names, its note."""
        done, total = run.progress()
        head = f"step {number} of {total} ({done} done)"
        if step.role:
            person = run.roles.get(step.role)
            head += f"  [{step.role}{f': {person}' if person else ''}]"
        if step.duration:
            head += f"  ({step.duration})"
        if step.control_point:
            head += "  CONTROL POINT"
        if number in run.late(self.runs.now()):
            head += "  LATE"
        lines = ["", head, f"  {step.action}"]
        lines += [f"  - {sub}" for sub in step.substeps]
        if step.details:
            lines += [f"    {line}" for line in step.details.strip().splitlines()]
        if step.instruction:
            lines.append(f"  work instruction: {step.instruction} (w shows it)")
        if step.evidence is not None:
            lines.append(f"  records: {step.evidence.describe()}")
        entry = run.steps[number - 1]
        if entry.note:
            lines.append(f"  note: {entry.note}")
        self.say(inert_lines(lines))

    def show_instruction(self, step: Step) -> None:
        """Print the work instruction the step names, or one line saying why not."""
        if not step.instruction:
            self.say("this step names no work instruction")
            return
        try:
            wi = self.runs.vault.get(step.instruction)
        except SopvaultError as err:
            self.say(f"cannot open {inert_line(step.instruction)}: {inert_line(str(err))}")
            return
        lines = [f"{wi.id} {wi.title}"]
        lines += [f"  {i}. {s.action}" for i, s in enumerate(wi.steps, start=1)]
        text = inert_lines(lines)
        if wi.body.strip():
            text += "\n" + inert(wi.body.strip())
        self.say(text)
