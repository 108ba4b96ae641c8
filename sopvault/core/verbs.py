"""Decide whether a step's action starts with an action verb, as SOP style requires."""

from __future__ import annotations

from enum import Enum
from functools import cache
from importlib import resources

# Words that show at once the action does not start with a verb: a sentence about the step
# instead of an instruction ("The operator checks ...", "Goods are received").
_NOT_VERBS = frozenset(
    """a an the this that these those it its they them their we our you your he she his her i
    my all any each every some no not if when while after before then once during on in at to
    for of by from with without into onto upon under over as is are was were be been being has
    have had will shall should must may can could would might one two three four five six seven
    eight nine ten first second third next finally step operator staff customer goods""".split()
)


class VerbVerdict(Enum):
    """What the first word of a step's action is: a known verb, a known non-verb, or unknown."""

    VERB = "verb"
    NOT_A_VERB = "not a verb"
    UNKNOWN = "unknown"


@cache
def known_verbs() -> frozenset[str]:
    """The shipped verb list (sopvault/data/verbs.txt), read once."""
    text = resources.files("sopvault").joinpath("data/verbs.txt").read_text(encoding="utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        if not line.startswith("#"):
            words.update(line.split())
    return frozenset(words)


def first_word(action: str) -> str:
    """The first word, lower-cased, without surrounding punctuation."""
    word = action.strip().split(maxsplit=1)[0] if action.strip() else ""
    return word.strip("\"'`*_([{:;,.!?").lower()


def classify_action(action: str, extra_verbs: frozenset[str] = frozenset()) -> VerbVerdict:
    """VERB when the first word is a known verb, NOT_A_VERB when it clearly is not one.

    Unknown words are neither: a vault may use trade verbs ("decant", "leach") that belong
    in its own ``extra_verbs`` list, so they earn a warning rather than an error.
    """
    word = first_word(action)
    if not word:
        return VerbVerdict.NOT_A_VERB
    if word in known_verbs() or word in extra_verbs:
        return VerbVerdict.VERB
    if word in _NOT_VERBS or word[0].isdigit() or word.endswith(("ing", "ed")) and len(word) > 5:
        return VerbVerdict.NOT_A_VERB
    return VerbVerdict.UNKNOWN
