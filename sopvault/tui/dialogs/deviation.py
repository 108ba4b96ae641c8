"""The note a deviation must carry: the runner asks for it when the service refuses an
answer that departs from the procedure without one (issue 13: a value outside its limits
or a failing answer is recorded with a note saying what happened, never refused, lost or
disguised as a skip)."""

from __future__ import annotations

from sopvault.core.evidence import accept, deviation
from sopvault.errors import SopvaultError
from sopvault.model.document import Step
from sopvault.tui.dialogs.comment import CommentScreen

MISSING = "A note is required: it says what happened and is kept with the run."


def departure(step: Step, raw: str | None) -> str:
    """What departs from the procedure when ``raw`` is recorded for ``step``: ``80 °C is
    above the maximum (allowed 55 to 65 °C)``; "" when it does not, or is no answer."""
    if step.evidence is None or raw is None:
        return ""
    try:
        return deviation(step, accept(step.evidence, raw))
    except SopvaultError:
        return ""


class DeviationNoteScreen(CommentScreen):
    """Asks what happened at step ``number`` whose answer departs (``departs``, else the
    service's ``refusal`` is shown); returns the note, or None when cancelled (then
    nothing is recorded)."""

    def __init__(self, number: int, departs: str, refusal: str) -> None:
        prompt = f"{departs}: recorded as a deviation; say what happened" if departs else refusal
        super().__init__(
            f"Deviation at step {number}", prompt, "Record", required=True, missing=MISSING
        )
