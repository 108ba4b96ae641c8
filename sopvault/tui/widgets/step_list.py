"""The runner's left side: one line per step with its state, ◆ on control points, the
value recorded and LATE past a deadline."""

from __future__ import annotations

from datetime import datetime

from textual.widgets import OptionList
from textual.widgets.option_list import Option

from sopvault.model.run import Run, StepState
from sopvault.tui.widgets.run_view import step_line


class StepList(OptionList):
    """The steps of one run; the screen redraws it with ``show_run`` after each answer and
    hears ``OptionList.OptionHighlighted``/``OptionSelected`` as usual."""

    def __init__(self, run: Run, now: datetime, *, id: str | None = None) -> None:
        late = set(run.late(now))
        super().__init__(*(Option(step_line(e, e.number in late)) for e in run.steps), id=id)

    @property
    def index(self) -> int:
        """The highlighted step, from 0."""
        return self.highlighted if self.highlighted is not None else 0

    def show_run(self, run: Run, now: datetime) -> None:
        """Redraw every line from ``run`` (``now`` in UTC decides what is late)."""
        late = set(run.late(now))
        for entry in run.steps:
            self.replace_option_prompt_at_index(
                entry.number - 1, step_line(entry, entry.number in late)
            )

    def move_on(self, run: Run, number: int) -> None:
        """Highlight the next pending step after ``number``, else the first pending one."""
        pending = [s.number for s in run.steps if s.state is StepState.PENDING]
        after = [n for n in pending if n > number]
        target = after[0] if after else (pending[0] if pending else number)
        self.highlighted = target - 1
