"""The runner's right side: the highlighted step's detail, and the evidence input that
checks the value as it is typed (pure rules, no disk) and posts it when Enter is pressed.

A value outside the step's range, or a failing answer, is not refused: it is a deviation,
recorded with a note (issue 13), and the input says so as it is typed. Only what is no
answer at all (a typo) is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from sopvault.core.evidence import accept, deviation, shown
from sopvault.errors import SopvaultError
from sopvault.model.document import EvidenceSpec, Step
from sopvault.model.run import Run, StepEntry, StepState
from sopvault.render.safetext import inert_line
from sopvault.tui.widgets.run_view import step_detail


class StepPanel(Vertical):
    """Shows one step at a time (``show_step``); posts ``EvidenceGiven`` on Enter."""

    @dataclass
    class EvidenceGiven(Message):
        """The evidence typed for the shown step (checked again by the service)."""

        value: str

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.spec: EvidenceSpec | None = None  # what the shown step asks to record
        self.step: Step | None = None  # the shown step

    def compose(self) -> ComposeResult:
        """The step's detail (scrolls), the evidence input and its feedback line."""
        with VerticalScroll(id="run-detail-scroll"):
            yield Static("", id="run-detail")
        yield Input(id="run-value")
        yield Static("", id="run-feedback")

    @property
    def field(self) -> Input:
        """The evidence input."""
        return self.query_one("#run-value", Input)

    def show_step(
        self, run: Run, step: Step, entry: StepEntry, now: datetime, zone: tzinfo | None = None
    ) -> None:
        """The step's detail (times in ``zone``; None: the local zone); the input while the
        step is pending and asks for evidence, and also while it holds what was typed (a
        redraw never loses it: when the step was recorded elsewhere meanwhile, Enter
        records this value as a correction)."""
        self.spec = step.evidence
        self.step = step
        self.query_one("#run-detail", Static).update(step_detail(run, step, entry, now, zone))
        field = self.field
        pending = entry.state is StepState.PENDING
        field.display = step.evidence is not None and (pending or bool(field.value))
        field.placeholder = step.evidence.describe() if step.evidence else ""
        if field.display and field.value:
            self.check(field.value)
            if not pending:
                self.say(
                    Text(
                        f"step {entry.number} was recorded meanwhile ({entry.state.value}):"
                        " Enter records this value as a correction",
                        style="bold yellow",
                    )
                )
        else:
            self.say(
                Text("Enter: type the evidence, then Enter", style="dim") if field.display else ""
            )

    def say(self, text: Text | str) -> None:
        """The line under the input."""
        self.query_one("#run-feedback", Static).update(text)

    def refuse(self, message: str) -> None:
        """The service refused the evidence: say why, keeping what was typed."""
        self.say(Text(f"✗ {inert_line(message)}", style="bold red"))

    @on(Input.Changed, "#run-value")
    def changed(self, event: Input.Changed) -> None:
        """Check the value as it is typed."""
        self.check(event.value)

    def check(self, text: str) -> None:
        """✓ with the value as it will be recorded, ! when it will be recorded as a
        deviation (with a note, asked on Enter), or ✗ with why it is no answer."""
        spec = self.spec
        if spec is None:
            return
        if not text.strip():
            self.say(Text(f"wanted: {inert_line(spec.describe())}", style="dim"))
            return
        try:
            accepted = accept(spec, text)
        except SopvaultError as err:
            self.refuse(str(err))
            return
        departs = deviation(self.step, accepted) if self.step is not None else ""
        if departs:
            self.say(
                Text(
                    f"! {inert_line(departs)}: will be recorded as a deviation (with a note)",
                    style="bold magenta",
                )
            )
        else:
            self.say(Text(f"✓ {inert_line(shown(accepted, spec))}", style="green"))

    @on(Input.Submitted, "#run-value")
    def submitted(self, event: Input.Submitted) -> None:
        """Enter in the input: the screen records it."""
        event.stop()
        self.post_message(self.EvidenceGiven(event.value))
