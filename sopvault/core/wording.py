"""Counting things in messages the way people write them: ``1 document``, ``2 documents``."""

from __future__ import annotations

from collections.abc import Sequence


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``1 document``, ``2 documents``; ``plural`` for nouns that do not just take an s
    (``counted(2, "entry", "entries")``)."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def numbered(things: str, numbers: Sequence[int | str]) -> str:
    """``step 3`` or ``steps 3, 5``: a noun and the numbers it applies to."""
    listed = ", ".join(str(n) for n in numbers)
    return f"{things if len(numbers) == 1 else things + 's'} {listed}"


def name_of(person: str) -> str:
    """The name in ``Name <email>`` (or the text itself), for lists that are read by name."""
    # Imported here: counting words (every command's messages) needs none of the control
    # model, whose dataclasses cost 10-15 ms to define.
    from sopvault.model.control import Identity

    ident = Identity.parse(person)
    return ident.name if ident is not None and ident.name else person
