"""Step conditions (``when``) and relative deadlines (``due``) of checklist steps.

A condition looks at earlier steps of the same run::

    step 2 == 'no'
    step 3 > 8.5
    step 2 is skipped
    step 2 == 'yes' and step 4 >= 10 or step 5 is n/a

``==`` and ``!=`` compare the recorded value as text (a number recorded as ``4`` equals
``4`` and ``4.0``); ``<``, ``<=``, ``>``, ``>=`` need a number on the right and a number
recorded. ``is`` tests a step's state (``done``, ``skipped``, ``n/a``). ``and`` binds
tighter than ``or``; there are no parentheses. While a step the condition needs is still
pending, the condition is undecided; a step skipped or not applicable has no value, so a
comparison with it is false.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from sopvault.errors import Invalid

Op = Literal["==", "!=", "<", "<=", ">", ">=", "is"]
STATES = ("done", "skipped", "n/a")
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<num>-?\d+(?:\.\d+)?)
      | (?P<str>'[^']*'|"[^"]*")
      | (?P<op>==|!=|<=|>=|<|>)
      | (?P<word>[A-Za-z][A-Za-z/_-]*)
    )""",
    re.VERBOSE,
)
_DUE = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|m|min|h|d)$")
_SECONDS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}
# A span longer than this is no deadline a person keeps: past it a run's start plus the
# span leaves the calendar (year 9999), which made every command reading the run fail.
MAX_DUE_SECONDS = 36525 * 86400  # 100 years, as `due --within` allows


class ConditionError(Invalid):
    """A ``when`` that cannot be read; the message says where and what was expected."""


class SpanTooLong(ConditionError):
    """A ``due`` or ``timeout`` span longer than ``MAX_DUE_SECONDS`` (issue 15)."""


@dataclass(frozen=True)
class Clause:
    """One test on an earlier step: ``step 3 is done``, ``step 2 >= 60``, ``step 4 == 'fail'``."""

    step: int
    op: Op
    value: str | float

    def describe(self) -> str:
        """The clause as it is written in a ``when``, quoted values and all."""
        value = f"'{self.value}'" if isinstance(self.value, str) and self.op != "is" else self.value
        return f"step {self.step} {self.op} {value}"


@dataclass(frozen=True)
class Condition:
    """Clauses in disjunctive form: any group true, where a group is all its clauses true."""

    text: str
    groups: tuple[tuple[Clause, ...], ...]

    @property
    def steps(self) -> set[int]:
        """The numbers of the steps the condition looks at."""
        return {c.step for group in self.groups for c in group}


@dataclass(frozen=True)
class Outcome:
    """What a run knows of one earlier step."""

    state: str  # pending, done, skipped, n/a
    value: str | float | None = None


def parse_condition(text: str) -> Condition:
    """A ``when`` text as clauses joined by ``and`` within groups joined by ``or``.

    ConditionError says where the text stops making sense and what was expected.
    """
    tokens = _tokens(text)
    groups: list[tuple[Clause, ...]] = []
    current: list[Clause] = []
    pos = 0
    while True:
        clause, pos = _clause(text, tokens, pos)
        current.append(clause)
        if pos == len(tokens):
            break
        kind, word = tokens[pos]
        if kind == "word" and word == "and":
            pos += 1
        elif kind == "word" and word == "or":
            groups.append(tuple(current))
            current = []
            pos += 1
        else:
            raise ConditionError(f"condition {text!r}: expected 'and' or 'or', found {word!r}")
        if pos == len(tokens):
            raise ConditionError(f"condition {text!r} ends after '{word}'")
    groups.append(tuple(current))
    return Condition(text, tuple(groups))


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens = []
    pos = 0
    stripped = text.rstrip()
    while pos < len(stripped):
        match = _TOKEN.match(stripped, pos)
        if match is None or match.end() == pos:
            rest = stripped[pos:].strip()
            raise ConditionError(f"condition {text!r}: cannot read {rest[:20]!r}")
        kind = match.lastgroup or ""
        tokens.append((kind, match[kind]))
        pos = match.end()
    if not tokens:
        raise ConditionError("condition is empty: write e.g. \"step 2 == 'no'\"")
    return tokens


def _clause(text: str, tokens: list[tuple[str, str]], pos: int) -> tuple[Clause, int]:
    def need(offset: int) -> tuple[str, str]:
        if pos + offset >= len(tokens):
            raise ConditionError(f"condition {text!r} is incomplete: write e.g. \"step 2 == 'no'\"")
        return tokens[pos + offset]

    kind, word = need(0)
    if (kind, word.lower()) != ("word", "step"):
        raise ConditionError(f"condition {text!r}: expected 'step N', found {word!r}")
    kind, number = need(1)
    if kind != "num" or not number.isdigit() or int(number) < 1:
        raise ConditionError(f"condition {text!r}: 'step' needs a step number, found {number!r}")
    kind, op = need(2)
    if kind == "word" and op == "is":
        _, state = need(3)
        if state not in STATES:
            raise ConditionError(
                f"condition {text!r}: a step is {', '.join(STATES)}, not {state!r}"
            )
        return Clause(int(number), "is", state), pos + 4
    if kind != "op":
        raise ConditionError(f"condition {text!r}: expected ==, !=, <, <=, >, >= or 'is'")
    kind, raw = need(3)
    value: str | float
    if kind == "num":
        value = float(raw)
    elif kind == "str":
        value = raw[1:-1]
    elif kind == "word" and raw not in ("and", "or"):
        value = raw  # a bare word: yes, no, pass
    else:
        raise ConditionError(f"condition {text!r}: expected a value after {op}")
    if op in ("<", "<=", ">", ">=") and not isinstance(value, float):
        raise ConditionError(f"condition {text!r}: {op} compares numbers, not {raw}")
    return Clause(int(number), op, value), pos + 4  # type: ignore[arg-type]


def evaluate(condition: Condition, outcomes: dict[int, Outcome]) -> bool | None:
    """True or False once every step it needs is decided; None while one is pending."""
    any_undecided = False
    for group in condition.groups:
        results = [_clause_value(c, outcomes.get(c.step)) for c in group]
        if all(r is True for r in results):
            return True
        if not any(r is False for r in results):
            any_undecided = True
    return None if any_undecided else False


def _clause_value(clause: Clause, outcome: Outcome | None) -> bool | None:
    if outcome is None or outcome.state == "pending":
        return None
    if clause.op == "is":
        return outcome.state == clause.value
    if outcome.state != "done" or outcome.value is None:
        return False
    recorded = outcome.value
    if clause.op in ("==", "!="):
        same = _as_text(recorded).casefold() == _as_text(clause.value).casefold()
        return same if clause.op == "==" else not same
    number = _as_number(recorded)
    if number is None or not isinstance(clause.value, float):
        return False
    limit = clause.value
    return {
        "<": number < limit,
        "<=": number <= limit,
        ">": number > limit,
        ">=": number >= limit,
    }[clause.op]


def _as_text(value: str | float) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    number = _as_number(value)
    return f"{number:g}" if number is not None else value.strip()


def _as_number(value: str | float) -> float | None:
    if isinstance(value, float | int):
        return float(value)
    try:
        return float(value.strip())
    except ValueError:
        return None


def due_seconds(text: str) -> int:
    """``"30m"`` as 1800: how long after a run's start a step is due. ConditionError when
    it reads otherwise; SpanTooLong past ``MAX_DUE_SECONDS``."""
    match = _DUE.match(text.strip())
    if match is None:
        raise ConditionError(f"due {text!r} must read like '30m', '2h' or '1d'")
    seconds = int(float(match[1]) * _SECONDS[match[2]])
    if seconds > MAX_DUE_SECONDS:
        raise SpanTooLong(f"due {text!r} is longer than 100 years")
    return seconds


@dataclass(frozen=True)
class Due:
    """A step's deadline as written: ``seconds`` after the run's start, or after step
    ``after`` was answered (``due = "30m after 3"``; no deadline until it is)."""

    seconds: int
    after: int | None = None


_DUE_AFTER = re.compile(r"^(?P<span>.+?)\s+after\s+(?:step\s+)?(?P<step>\d+)$", re.IGNORECASE)


def parse_due(text: str) -> Due:
    """``"2h"`` (from the run's start) or ``"30m after 3"`` / ``"30m after step 3"`` (from
    step 3's answer); ConditionError for anything else. Whether step 3 is an earlier step
    is ``core.steps``' check."""
    match = _DUE_AFTER.match(text.strip())
    if match is None:
        return Due(due_seconds(text))
    try:
        return Due(due_seconds(match["span"]), int(match["step"]))
    except SpanTooLong:
        raise
    except ConditionError:
        raise ConditionError(
            f"due {text!r} must read like '2h' or '30m after 3' (a step number)"
        ) from None
