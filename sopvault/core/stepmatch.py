"""Steps paired across two revisions by what they say, not where they stand, and what
changed in each pair: the words, and the rules a run checks (control point, evidence,
on_fail, role, instruction, when, due).

The pairing is an assignment by similarity, like git's rename detection: every old step
is scored against every new one (``SequenceMatcher.ratio`` on the lower-cased words of
the action, details and sub-steps; steps with exactly the same words pair first, in
order); pairs scoring at least ``THRESHOLD`` are taken best
first, ties broken by the smaller shift in position, then by the old and new numbers, so
the same two revisions always give the same answer. A step left without a partner was
removed (old side) or added (new side). A paired step is *moved* when it is not on the
longest run of pairs that kept their order: inserting a step before it shifts its
number but does not move it.
"""

from __future__ import annotations

from sopvault.core.wordiff import changed, only, redline, similarity, words_of
from sopvault.model.document import EvidenceSpec, Step
from sopvault.model.redline import FieldChange, Mark, StepChange, StepChangeKind

# Half the words in common, as git's default rename threshold (-M50%): below that a
# reviewer reads "removed one step, added another", above it "reworded this step".
THRESHOLD = 0.5

_NOTHING = Step(action="")


def _content(step: Step) -> list[str]:
    return words_of(" ".join([step.action, step.details or "", *step.substeps]))


def pair_steps(old: list[Step], new: list[Step]) -> list[tuple[int, int, float]]:
    """(old index, new index, similarity) for every paired step, in old order (0-based).

    Steps with the same words pair first, in order (most steps of a revision are
    unchanged, and this leaves few to score); the rest by similarity."""
    a, b = [_content(s) for s in old], [_content(s) for s in new]
    waiting: dict[tuple[str, ...], list[int]] = {}
    for j, words in enumerate(b):
        waiting.setdefault(tuple(words), []).append(j)
    pairs = []
    for i, words in enumerate(a):
        same = waiting.get(tuple(words))
        if same:
            pairs.append((i, same.pop(0), 1.0))
    taken_old = {i for i, _, _ in pairs}
    taken_new = {j for _, j, _ in pairs}
    scored = []
    for i, words_a in enumerate(a):
        for j, words_b in enumerate(b):
            if i in taken_old or j in taken_new:
                continue
            score = similarity(words_a, words_b, THRESHOLD)
            if score >= THRESHOLD:
                scored.append((-round(score, 9), abs(i - j), i, j))
    for negative, _, i, j in sorted(scored):
        if i not in taken_old and j not in taken_new:
            taken_old.add(i)
            taken_new.add(j)
            pairs.append((i, j, -negative))
    return sorted(pairs)


def _in_order(pairs: list[tuple[int, int, float]]) -> set[int]:
    """The indexes (into ``pairs``, which are in old order) on the longest run whose new
    positions also rise: those kept their place; the rest moved. The earliest such run
    wins, so the answer is stable."""
    best: list[int] = []
    chains: list[list[int]] = []
    for k, (_, j, _) in enumerate(pairs):
        before = [c for c in chains if pairs[c[-1]][1] < j]
        chain = max(before, key=len, default=[]) + [k]
        chains.append(chain)
        if len(chain) > len(best):
            best = chain
    return set(best)


def step_changes(old: list[Step], new: list[Step]) -> tuple[StepChange, ...]:
    """Every step of either revision as a StepChange, in the new order, each removed step
    placed after the step that stood before it in the old revision."""
    pairs = pair_steps(old, new)
    kept = _in_order(pairs)
    partner = {i: (j, score, k in kept) for k, (i, j, score) in enumerate(pairs)}
    by_new = {j: i for i, (j, _, _) in partner.items()}
    placed: list[tuple[tuple[int, int, int], StepChange]] = []
    for j, step in enumerate(new):
        if j not in by_new:
            change = StepChange(
                StepChangeKind.ADDED, None, j + 1, only(Mark.ADDED, step.action), 0.0,
                fields=step_fields(_NOTHING, step),
            )  # fmt: skip
            placed.append(((j, 0, 0), change))
            continue
        i = by_new[j]
        _, score, in_place = partner[i]
        placed.append(((j, 0, 0), _paired(old[i], step, i, j, score, not in_place)))
    anchor = -1  # the new place of the last paired old step seen
    for i, step in enumerate(old):
        if i in partner:
            anchor = partner[i][0]
            continue
        change = StepChange(
            StepChangeKind.REMOVED, i + 1, None, only(Mark.REMOVED, step.action), 0.0,
            fields=step_fields(step, _NOTHING),
        )  # fmt: skip
        placed.append(((anchor, 1, i), change))
    return tuple(change for _, change in sorted(placed, key=lambda p: p[0]))


def _paired(a: Step, b: Step, i: int, j: int, score: float, moved: bool) -> StepChange:
    line = redline(a.action, b.action)
    fields = step_fields(a, b)
    kind = StepChangeKind.CHANGED if changed(line) or fields else StepChangeKind.SAME
    return StepChange(kind, i + 1, j + 1, line, score, moved, fields)


def step_fields(a: Step, b: Step) -> tuple[FieldChange, ...]:
    """What differs between two versions of a step, besides its action: prose fields
    (details, sub-steps) as redlines, the rest ``old -> new``; the fields that change how
    a run checks the step are marked ``rule``."""
    found: list[FieldChange] = []

    def add(
        name: str, old: str | None, new: str | None, *, rule: bool, prose: bool = False
    ) -> None:
        if old != new:
            words = redline(old or "", new or "") if prose and old and new else ()
            found.append(FieldChange(name, old, new, words, rule=rule))

    add("control_point", _flag(a.control_point), _flag(b.control_point), rule=True)
    add("on_fail", _on_fail(a), _on_fail(b), rule=True)
    if a.evidence != b.evidence:
        found.extend(_evidence(a.evidence, b.evidence))
    for name in ("role", "instruction", "when", "due"):
        add(name, getattr(a, name), getattr(b, name), rule=True)
    add("duration", a.duration, b.duration, rule=False)
    add("details", _prose(a.details), _prose(b.details), rule=False, prose=True)
    subs_a, subs_b = "\n".join(a.substeps) or None, "\n".join(b.substeps) or None
    add("substeps", subs_a, subs_b, rule=False, prose=True)
    return tuple(found)


def _flag(on: bool) -> str | None:
    return "yes" if on else None


def _on_fail(step: Step) -> str | None:
    return "stop" if step.stops_work else None


def _prose(text: str | None) -> str | None:
    return text.strip() or None if text else None


def _evidence(a: EvidenceSpec | None, b: EvidenceSpec | None) -> list[FieldChange]:
    """The evidence rule's changes: the whole rule when one side has none, else each
    attribute that differs (``record.min: 0 -> 2``)."""
    if a is None or b is None:
        return [FieldChange("record", _described(a), _described(b), rule=True)]
    found = []
    for name, old, new in (
        ("type", a.type.value, b.type.value),
        ("label", a.label, b.label),
        ("min", _number(a.min), _number(b.min)),
        ("max", _number(a.max), _number(b.max)),
        ("unit", a.unit, b.unit),
        ("choices", ", ".join(a.choices) or None, ", ".join(b.choices) or None),
        ("pass", ", ".join(a.passing) or None, ", ".join(b.passing) or None),
    ):
        if old != new:
            found.append(FieldChange(f"record.{name}", old, new, rule=True))
    return found


def _described(spec: EvidenceSpec | None) -> str | None:
    return spec.describe() if spec is not None else None


def _number(value: float | None) -> str | None:
    if value is None:
        return None
    return str(int(value)) if float(value).is_integer() else str(value)
