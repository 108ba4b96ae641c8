"""The runner's left side: one line per step with its state, ◆ on control points, the
value recorded, who it is assigned to and LATE past a deadline."""

from __future__ import annotations

from datetime import datetime

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from sopvault.model.document import Document
from sopvault.model.run import Run, StepState
from sopvault.render.assignments import assignees
from sopvault.tui.widgets.run_view import step_line


class StepList(OptionList):
    """The steps of one run; the screen redraws it with ``show_run`` after each answer and
    hears ``OptionList.OptionHighlighted``/``OptionSelected`` as usual. With ``doc`` (the
    text the run follows) each step names the person filling its role."""

    def __init__(
        self, run: Run, now: datetime, *, id: str | None = None, doc: Document | None = None
    ) -> None:
        late = set(run.late(now))
        self.doc = doc
        who = assignees(run, doc)
        super().__init__(
            *(Option(step_line(e, e.number in late, who.get(e.number, ""))) for e in run.steps),
            id=id,
        )

    @property
    def index(self) -> int:
        """The highlighted step, from 0."""
        return self.highlighted if self.highlighted is not None else 0

    def show_run(self, run: Run, now: datetime) -> None:
        """Redraw every line from ``run`` (``now`` in UTC decides what is late)."""
        late = set(run.late(now))
        who = assignees(run, self.doc)
        for entry in run.steps:
            self.replace_option_prompt_at_index(
                entry.number - 1, step_line(entry, entry.number in late, who.get(entry.number, ""))
            )

    def move_on(self, run: Run, number: int) -> None:
        """Highlight the next pending step after ``number``, else the first pending one."""
        pending = [s.number for s in run.steps if s.state is StepState.PENDING]
        after = [n for n in pending if n > number]
        target = after[0] if after else (pending[0] if pending else number)
        self.highlighted = target - 1
