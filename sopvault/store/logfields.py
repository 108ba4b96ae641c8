"""The typed fields of a run record's lines, read with a clear error (KeyError, TypeError,
ValueError, worded by ``field_problem``): strings, aware times, and what a command step's
answer adds (issue 15), which always reads as a deviation when the command did not exit 0.

Shared by the run log (``store.runlog``, format 2) and the format 1 TOML runs it converts
(``store.runfile``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sopvault.model.run import Event, EventType


def field_problem(err: Exception) -> str:
    """What a KeyError, TypeError or ValueError from reading a record's fields says."""
    if isinstance(err, KeyError):
        return f"missing {err.args[0]!r}"
    return str(err)


def text_field(data: dict[str, Any], key: str, default: str | None = None) -> str:
    """``data[key]`` as a string (``default`` when absent, if given); KeyError when absent
    without a default, TypeError when not a string."""
    value = data.get(key, default) if default is not None else data[key]
    if not isinstance(value, str):
        raise TypeError(f"{key!r} must be a string")
    return value


def time_field(data: dict[str, Any], key: str) -> datetime:
    """``data[key]`` as an aware time (ISO 8601); KeyError when absent, TypeError when not
    a string, ValueError when unreadable or without its time zone."""
    moment = datetime.fromisoformat(text_field(data, key))
    if moment.tzinfo is None:
        raise ValueError(f"{key!r} must say its time zone (UTC: end it with Z)")
    return moment


def command_result(data: dict[str, Any]) -> dict[str, Any]:
    """What a command step's answer adds (issue 15): the argument list that ran, its exit
    status (absent when it timed out), the end of its output and the seconds it took;
    nothing for every other event, so older logs read exactly as before."""
    command = data.get("command", [])
    if not isinstance(command, list) or not all(isinstance(a, str) for a in command):
        raise TypeError("'command' must be a list of arguments")
    status = data.get("exit_status")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
        raise TypeError("'exit_status' must be a whole number")
    seconds = data.get("seconds")
    if seconds is not None and (isinstance(seconds, bool) or not isinstance(seconds, int | float)):
        raise TypeError("'seconds' must be a number")
    return {
        "command": tuple(command),
        "exit_status": status,
        "timed_out": data.get("timed_out") is True,
        "output": text_field(data, "output", ""),
        "seconds": float(seconds) if seconds is not None else None,
    }


def departing(event: Event) -> Event:
    """A command's answer that ended other than with exit status 0 is a deviation,
    whatever its line says (issue 15): a line hand-edited to drop its ``deviation`` still
    reads as one, so the outcome and the four-eyes acceptance cannot be talked out of it."""
    if not event.command or event.deviation or event.type is not EventType.DONE:
        return event
    if event.timed_out:
        why = "timed out"
    elif event.exit_status is None:
        why = "no exit status recorded"
    elif event.exit_status:
        why = f"exit status {event.exit_status}"
    else:
        return event
    return replace(event, deviation=why)
