"""``background``: the one way the TUI runs blocking work (disk, git, index) off the UI
thread, with one error path: a ``SopvaultError`` or ``OSError`` becomes a ``WorkFailed``
message instead of a traceback."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from textual import work
from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker, get_current_worker

from sopvault.errors import SopvaultError
from sopvault.tui.messages import WorkFailed

P = ParamSpec("P")
NodeT = TypeVar("NodeT", bound=DOMNode)
Method = Callable[Concatenate[NodeT, P], None]
Started = Callable[Concatenate[NodeT, P], Worker[None]]


def background(
    group: str, title: str = "Error", *, exclusive: bool = True
) -> Callable[[Method[NodeT, P]], Started[NodeT, P]]:
    """Make a method a thread worker in ``group`` (a newer one cancels the older when
    ``exclusive``). The method posts its results as messages and returns nothing; an
    expected failure is posted as ``WorkFailed(error, group, title)`` to the same node, so
    the app shows it as one notice titled ``title``. Other exceptions are bugs and still
    end the app with a traceback, as Textual does by default."""

    def decorate(method: Method[NodeT, P]) -> Started[NodeT, P]:
        @wraps(method)
        def guarded(node: NodeT, /, *args: P.args, **kwargs: P.kwargs) -> None:
            try:
                method(node, *args, **kwargs)
            except (SopvaultError, OSError) as err:
                deliver(node, WorkFailed(err, group, title))

        return work(thread=True, exclusive=exclusive, group=group)(guarded)

    return decorate


def deliver(node: DOMNode, message: Message) -> None:
    """Post a worker's result to ``node``, unless a newer worker of the same group has
    cancelled this one (its answer is stale: an older selection, an older query). Call it
    from inside a worker only."""
    if not get_current_worker().is_cancelled:
        node.post_message(message)


def busy(node: DOMNode, group: str) -> bool:
    """Whether a worker of ``node`` in ``group`` is still at work: a key pressed again
    meanwhile must not start the same write (or open the same dialog) twice, since a
    cancelled thread worker still runs to its end."""
    return any(w.node is node and w.group == group and not w.is_finished for w in node.workers)


class _Collector:
    """How many workers have the cyclic collector paused, and whether it was on before
    the first of them."""

    lock = threading.Lock()
    pauses = 0
    was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector around a worker's read that makes many
    objects and frees few (the dashboard's report: at 50,000 documents the collections
    it set off walked every object for nothing, about a tenth of the first screen's CPU,
    issue 17). Counted, so the last of overlapping workers turns it back on; left off
    when it was off. The reads are short: nothing is kept from collection for long."""
    with _Collector.lock:
        if _Collector.pauses == 0:
            _Collector.was_enabled = gc.isenabled()
            gc.disable()
        _Collector.pauses += 1
    try:
        yield
    finally:
        with _Collector.lock:
            _Collector.pauses -= 1
            if _Collector.pauses == 0 and _Collector.was_enabled:
                gc.enable()
