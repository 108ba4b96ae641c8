"""The checklist runner: the steps with their states, the highlighted step's details, an
evidence input that validates as you type, progress and elapsed time.

Every answer goes through the Runs service, which writes the run file at once, so leaving
this screen, quitting the app or losing the terminal keeps the run where it was.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from sopvault.core.checklist import completion_problem
from sopvault.core.evidence import accept, shown
from sopvault.errors import SopvaultError
from sopvault.model.document import Document, Step
from sopvault.model.run import Run, RunState, StepEntry, StepState
from sopvault.render.rich import diff_renderable, document_renderable, unified_diff
from sopvault.render.runs import span, summary_lines
from sopvault.render.safetext import inert
from sopvault.services.runs import Resumed, Runs
from sopvault.tui.dialogs.comment import CommentScreen
from sopvault.tui.dialogs.text import TextScreen

BOXES = {
    StepState.PENDING: ("☐", ""),
    StepState.DONE: ("☑", "green"),
    StepState.SKIPPED: ("⊘", "yellow"),
    StepState.NA: ("–", "dim"),
}


class RunScreen(Screen[None]):
    """Dismissed when the run ends or the person leaves it open (Escape)."""

    BINDINGS = [
        Binding("escape", "leave", "Leave (stays open)"),
        Binding("s", "skip", "Skip"),
        Binding("a", "not_applicable", "N/A"),
        Binding("n", "note", "Note"),
        Binding("u", "undo", "Undo"),
        Binding("w", "instruction", "Work instr."),
        Binding("c", "complete", "Complete"),
        Binding("x", "abort", "Abort"),
        Binding("v", "changes", "What changed", show=False),
    ]

    def __init__(
        self, runs: Runs, run: Run, doc: Document, notices: list[str] | None = None
    ) -> None:
        super().__init__()
        self.runs = runs
        self.run = run
        self.doc = doc
        self.notices = list(notices or [])
        self.revised: Resumed | None = None

    @classmethod
    def resumed(cls, runs: Runs, resumed: Resumed) -> RunScreen:
        notices = []
        if resumed.changed_since:
            notices.append(
                f"{resumed.run.doc_id} was revised since this run began (now"
                f" {resumed.changed_since}); this run keeps following"
                f" {resumed.run.version or 'its revision'}. v shows what changed."
            )
        screen = cls(runs, resumed.run, resumed.document, notices)
        screen.revised = resumed if resumed.changed_since else None
        return screen

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._title(), id="run-title")
        yield Static(Text(inert("\n".join(self.notices)), style="yellow"), id="run-notices")
        with Horizontal(id="run-body"):
            yield OptionList(*self._options(), id="run-steps")
            with Vertical(id="run-side"):
                with VerticalScroll(id="run-detail-scroll"):
                    yield Static("", id="run-detail")
                yield Input(id="run-value")
                yield Static("", id="run-feedback")
        yield ProgressBar(total=len(self.run.steps), show_eta=False, id="run-progress")
        yield Static("", id="run-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#run-notices").display = bool(self.notices)
        steps = self.query_one(OptionList)
        current = self.run.current()
        steps.highlighted = (current.number - 1) if current else 0
        steps.focus()
        self.refresh_run()
        self.set_interval(1.0, self.show_status)

    # ---- showing -----------------------------------------------------------------------

    def _title(self) -> Text:
        run = self.run
        text = Text("Run ", style="bold")
        text.append(inert(run.id), style="bold")
        text.append("  ")
        text.append(inert(run.doc_id), style="bold cyan")
        text.append(f"  {inert(run.title)}", style="bold")
        if run.version:
            text.append(f"  v{inert(run.version)}", style="cyan")
        pinned = f"commit {run.commit[:8]}" if run.commit else "the working copy (not in git)"
        text.append(f"\nfollowing {pinned}, started {run.started_at:%Y-%m-%d %H:%M} UTC by ")
        text.append(inert(run.started_by))
        return text

    def _options(self) -> list[Option]:
        late = set(self.run.late(self.runs.now()))
        return [Option(self._step_line(r, r.number in late)) for r in self.run.steps]

    def _step_line(self, record: StepEntry, late: bool) -> Text:
        box, style = BOXES[record.state]
        line = Text(f"{box} ", style=style or "bold")
        line.append(f"{record.number:>2}. ", style="bold")
        line.append(inert(record.action), style=style)
        if record.control_point:
            line.append(" ◆", style="bold red")
        if record.value is not None:
            line.append(f" = {inert(shown(record.value))}", style="cyan")
        if late:
            line.append(" LATE", style="bold red")
        return line

    def refresh_run(self) -> None:
        steps = self.query_one(OptionList)
        late = set(self.run.late(self.runs.now()))
        for record in self.run.steps:
            steps.replace_option_prompt_at_index(
                record.number - 1, self._step_line(record, record.number in late)
            )
        done, _ = self.run.progress()
        self.query_one(ProgressBar).update(progress=done)
        self.show_detail()
        self.show_status()

    def show_status(self) -> None:
        now = self.runs.now()
        done, total = self.run.progress()
        status = Text(f"{done} of {total} steps", style="bold")
        status.append(f"  ·  elapsed {span(now - self.run.started_at)}")
        late = self.run.late(now)
        if late:
            status.append(f"  ·  LATE: step {', '.join(map(str, late))}", style="bold red")
        status.append(
            "  ·  Enter: done (evidence first when asked)  s skip  a n/a  n note", style="dim"
        )
        self.query_one("#run-status", Static).update(status)

    @property
    def index(self) -> int:
        highlighted = self.query_one(OptionList).highlighted
        return highlighted if highlighted is not None else 0

    def show_detail(self) -> None:
        number = self.index + 1
        step = self.doc.steps[self.index]
        record = self.run.steps[self.index]
        self.query_one("#run-detail", Static).update(self._detail(number, step, record))
        field = self.query_one("#run-value", Input)
        field.display = step.evidence is not None and record.state is StepState.PENDING
        field.placeholder = step.evidence.describe() if step.evidence else ""
        if field.display and field.value:
            self.validate(field.value)
        else:
            self.query_one("#run-feedback", Static).update(
                Text("Enter: type the evidence, then Enter", style="dim") if field.display else ""
            )

    def _detail(self, number: int, step: Step, record: StepEntry) -> RenderableType:
        head = Text(f"Step {number}  ", style="bold")
        head.append(inert(step.action), style="bold")
        lines: list[Text] = [head]

        def row(label: str, value: str, style: str = "") -> None:
            line = Text(f"{label:<12}", style="dim")
            line.append(inert(value), style=style)
            lines.append(line)

        if step.role:
            person = self.run.roles.get(step.role)
            row("role", f"{step.role}{f' ({person})' if person else ''}", "cyan")
        if step.duration:
            row("takes", step.duration)
        if record.due_at is not None:
            late = number in self.run.late(self.runs.now())
            when = f"{step.due} after the start ({record.due_at:%H:%M} UTC)"
            row("due", when + ("  LATE" if late else ""), "bold red" if late else "")
        if step.control_point:
            row("control", "CONTROL POINT: evidence or a reason is required", "bold red")
        if step.when:
            row("only when", step.when, "magenta")
        if step.evidence is not None:
            row("record", step.evidence.describe())
        if step.instruction:
            row("instruction", f"{step.instruction} (w opens it)", "underline")
        for sub in step.substeps:
            done = record.state is StepState.DONE
            lines.append(Text(f"  {'☑' if done else '☐'} {inert(sub)}"))
        if step.details:
            lines.append(Text(""))
            lines.extend(Text(inert(x), style="italic") for x in step.details.strip().splitlines())
        lines.append(Text(""))
        state = Text(f"{'state':<12}", style="dim")
        state.append(record.state.value, style=BOXES[record.state][1] or "bold")
        if record.at is not None:
            state.append(f"  {record.at:%H:%M:%S} by {inert(record.by)}")
        lines.append(state)
        if record.value is not None:
            row("value", shown(record.value, step.evidence), "cyan")
        if record.reason:
            row("reason", record.reason)
        if record.note:
            row("note", record.note)
        return Group(*lines)

    # ---- recording -------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#run-steps")
    def highlighted(self) -> None:
        self.query_one("#run-value", Input).value = ""
        self.show_detail()

    @on(OptionList.OptionSelected, "#run-steps")
    def selected(self) -> None:
        """Enter on a step: done, or to the evidence input first when the step asks for it."""
        step = self.doc.steps[self.index]
        record = self.run.steps[self.index]
        if record.state is not StepState.PENDING:
            self.notify(f"step {record.number} is {record.state.value}; u reopens it")
            return
        if step.evidence is not None:
            self.query_one("#run-value", Input).focus()
            return
        self.mark_step(record.number, "done")

    @on(Input.Changed, "#run-value")
    def validate(self, value: str | Input.Changed) -> None:
        text = value.value if isinstance(value, Input.Changed) else value
        spec = self.doc.steps[self.index].evidence
        feedback = self.query_one("#run-feedback", Static)
        if spec is None:
            return
        if not text.strip():
            feedback.update(Text(f"wanted: {inert(spec.describe())}", style="dim"))
            return
        try:
            accepted = accept(spec, text)
        except SopvaultError as err:
            feedback.update(Text(f"✗ {inert(str(err))}", style="bold red"))
        else:
            feedback.update(Text(f"✓ {inert(shown(accepted, spec))}", style="green"))

    @on(Input.Submitted, "#run-value")
    def submitted(self, event: Input.Submitted) -> None:
        if self.mark_step(self.index + 1, "done", value=event.value):
            event.input.value = ""
            self.query_one(OptionList).focus()

    def mark_step(self, number: int, action: str, **fields: str) -> bool:
        """One change through the service (written to disk before this returns)."""
        try:
            self.run = self.runs.mark(self.run.id, number, action, **fields)
        except SopvaultError as err:
            message = inert(str(err))
            if action == "done" and "value" in fields:
                self.query_one("#run-feedback", Static).update(
                    Text(f"✗ {message}", style="bold red")
                )
            else:
                self.notify(message, title="Refused", severity="error")
            return False
        if action in ("done", "skip", "na"):
            self._move_on(number)
        self.refresh_run()
        return True

    def _move_on(self, number: int) -> None:
        """To the next pending step after this one, else the first pending one."""
        pending = [s.number for s in self.run.steps if s.state is StepState.PENDING]
        after = [n for n in pending if n > number]
        target = after[0] if after else (pending[0] if pending else number)
        self.query_one(OptionList).highlighted = target - 1

    def _ask(self, title: str, prompt: str, required: bool, then: str) -> None:
        number = self.index + 1

        def answered(text: str | None) -> None:
            if text is None:
                return
            key = "note" if then == "note" else "reason"
            self.mark_step(number, then, **{key: text})

        self.app.push_screen(
            CommentScreen(title, prompt, title.split()[0], required=required), answered
        )

    def action_skip(self) -> None:
        self._ask_why("Skip", "Why is it skipped?", "skip")

    def action_not_applicable(self) -> None:
        self._ask_why("N/A", "Why does it not apply?", "na")

    def _ask_why(self, verb: str, question: str, action: str) -> None:
        """A reason, required on a control point, optional elsewhere."""
        critical = self.doc.steps[self.index].control_point
        required = " (required: a control point)" if critical else ""
        self._ask(f"{verb} step {self.index + 1}", question + required, critical, action)

    def action_note(self) -> None:
        self._ask(f"Note on step {self.index + 1}", "The note:", True, "note")

    def action_undo(self) -> None:
        record = self.run.steps[self.index]
        if record.state is StepState.PENDING:
            return
        self.mark_step(record.number, "undo")

    def action_instruction(self) -> None:
        step = self.doc.steps[self.index]
        if not step.instruction:
            self.notify("this step names no work instruction", severity="warning")
            return
        try:
            wi = self.runs.vault.get(step.instruction)
        except SopvaultError as err:
            self.notify(inert(str(err)), severity="error")
            return
        self.app.push_screen(TextScreen(f"{wi.id} {wi.title}", document_renderable(wi)))

    def action_changes(self) -> None:
        revised = self.revised
        if revised is None:
            self.notify("the procedure has not been revised since this run began")
            return
        diff = unified_diff(*revised.old, *revised.new)
        self.app.push_screen(
            TextScreen(f"What changed in {self.run.doc_id}", diff_renderable(diff))
        )

    # ---- ending ------------------------------------------------------------------------

    def action_complete(self) -> None:
        problem = completion_problem(self.run, self.doc)
        if problem:
            self.notify(inert(problem), title="Not yet", severity="error")
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.finish(complete=True, reason="")

        boxes = {state: box for state, (box, _) in BOXES.items()}
        summary = Text(inert("\n".join(summary_lines(self.run, boxes))))
        self.app.push_screen(
            TextScreen(f"Complete run {self.run.id}?", summary, "Complete and commit"),
            confirmed,
        )

    def action_abort(self) -> None:
        def reason_given(reason: str | None) -> None:
            if reason:
                self.finish(complete=False, reason=reason)

        self.app.push_screen(
            CommentScreen(
                f"Abort run {self.run.id}", "Why is the run aborted?", "Abort", required=True
            ),
            reason_given,
        )

    @work(thread=True, exclusive=True, group="finish")
    def finish(self, *, complete: bool, reason: str) -> None:
        try:
            if complete:
                run, commit = self.runs.complete(self.run.id)
            else:
                run, commit = self.runs.abort(self.run.id, reason)
        except SopvaultError as err:
            self.app.call_from_thread(
                self.notify, inert(str(err)), title="Not done", severity="error"
            )
            return
        where = f"committed as {commit[:10]}" if commit else f"saved in {run.file} (not in git)"
        self.app.call_from_thread(self._finished, f"Run {run.id} {run.state.value}: {where}")

    def _finished(self, message: str) -> None:
        self.notify(inert(message), title="Run recorded")
        self.dismiss(None)

    def action_leave(self) -> None:
        field = self.query_one("#run-value", Input)
        if field.has_focus:
            self.query_one(OptionList).focus()
            return
        if self.run.state is RunState.OPEN:
            self.notify(f"Run {self.run.id} stays open: o lists open runs to resume it.")
        self.dismiss(None)
