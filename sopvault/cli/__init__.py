"""The ``sopvault`` command line, a thin Click layer over the services.

``main(argv) -> int`` is the entry point of the console script and of the tests; the
commands live one area per module (documents, search, review, runs, sync, completion) and
are imported only when they run.
"""

from __future__ import annotations

from sopvault.cli.app import main

__all__ = ["main"]
