"""Whether the CLI may colour its output, and the one way it makes a Rich console.

``NO_COLOR`` (set and not empty, https://no-color.org) and ``TERM=dumb`` (Emacs shells,
serial consoles, CI logs) ask for plain text: no colour, no bold, no cursor movement, no
hyperlinks, i.e. no escape sequence at all. Rich alone honours ``NO_COLOR`` only for colours
(bold and underline stay), so every CLI console is made here. Rich is imported lazily:
``sopvault list`` must not pay for it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def plain_wanted(environ: Mapping[str, str] | None = None) -> bool:
    """True when the environment asks for output without escape sequences."""
    env = os.environ if environ is None else environ
    return bool(env.get("NO_COLOR")) or env.get("TERM", "") == "dumb"


def colour_wanted(stream: IO[str]) -> bool:
    """True when ``stream`` is a terminal and the environment does not ask for plain text."""
    return stream.isatty() and not plain_wanted()


def console(*, stderr: bool = False, colour: bool | None = None) -> Console:
    """A Rich console for stdout (or stderr) that writes plain text unless colour is wanted.

    ``colour`` True forces styles (``--color always``), False forbids them, None decides by
    ``colour_wanted``. Highlighting of numbers and URLs in plain strings is off: styles come
    only from our own ``Text`` objects."""
    import sys

    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    if colour is None:
        colour = colour_wanted(stream)
    if colour:
        return Console(stderr=stderr, highlight=False, force_terminal=True)
    return Console(stderr=stderr, highlight=False, color_system=None, emoji=False)
