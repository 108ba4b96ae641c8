"""Steps that run a command (issue 15: gradual automation with the human sign-off kept).

A step may carry ``command = ["prog", "arg", ...]``: an argument list, never a shell
string, so no character of an argument is ever interpreted (``;``, ``$(...)``, ``*``,
quotes and spaces reach the program as written). ``timeout = "5m"`` bounds it
(``DEFAULT_TIMEOUT`` when absent, at most ``MAX_TIMEOUT``).

Pure rules: ``read_command`` turns the front matter into the step's fields with findings
naming the line (``check``), and the time limit and the command are read and shown here;
what a run records once the command ran is ``core.commandrun``'s (kept apart: reading a
document's steps needs none of the run model). Whether a command may run at all (the
approved text, the operator's confirmation) is ``services.runcommand``'s question.
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

from sopvault.core.conditions import ConditionError, due_seconds
from sopvault.model.document import Step
from sopvault.model.finding import FileFindings

DEFAULT_TIMEOUT = 10 * 60  # seconds: a step's command without ``timeout``
MAX_TIMEOUT = 2 * 60 * 60  # seconds: a runner waits no longer for one step
# Programs that read their argument after -c as a shell command line.
SHELLS = frozenset(("sh", "bash", "dash", "zsh", "ksh", "mksh", "fish", "csh", "tcsh", "ash"))
_SHELL_FLAG = re.compile(r"^-[a-zA-Z]*c[a-zA-Z]*$")  # -c, -ec, -lc...
# C0 controls (NUL, newline, ESC...), DEL, C1, and bidi controls: an argument holding one
# would show other than it runs.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SHELL_LOOK = re.compile(r"\s|[|&;<>$`]")


def read_command(
    number: int, item: dict[str, Any], lines: tuple[int, int], out: FileFindings
) -> tuple[tuple[str, ...], str | None]:
    """Step ``number``'s ``command`` and ``timeout`` from its table ``item``; ``lines``
    are the lines of the two keys. A wrong value is an error finding (and no command), a
    shell in disguise a warning; never an exception."""
    where = f"step {number}"
    command: tuple[str, ...] = ()
    if "command" in item:
        command = _argv(where, item["command"], lines[0], out)
    timeout = item.get("timeout")
    if timeout is None:
        return command, None
    if not isinstance(timeout, str):
        out.error(lines[1], "wrong-type", f"{where}: 'timeout' must be a string like '5m'")
        return command, None
    problem = timeout_problem(timeout)
    if problem:
        out.error(lines[1], "bad-value", f"{where}: {problem}")
        return command, None
    if "command" not in item:
        out.warn(lines[1], "unused-field", f"{where}: 'timeout' applies only to a 'command'")
    return command, timeout


def _argv(where: str, raw: Any, line: int, out: FileFindings) -> tuple[str, ...]:
    """The argument list, or () with an error finding when it is no argument list."""
    if isinstance(raw, str):
        out.error(
            line,
            "wrong-type",
            f"{where}: 'command' must be a list of arguments, not a string: no shell splits"
            f" it (write {_as_list(raw)})",
        )
        return ()
    if not isinstance(raw, list) or not raw:
        out.error(line, "bad-value", f"{where}: 'command' must be a non-empty list of arguments")
        return ()
    for index, arg in enumerate(raw, start=1):
        if not isinstance(arg, str):
            out.error(line, "wrong-type", f"{where}: command argument {index} must be a string")
            return ()
        bad = _CONTROL.search(arg)
        if bad:
            out.error(
                line,
                "bad-value",
                f"{where}: command argument {index} holds a control character"
                f" (U+{ord(bad.group()):04X}): what runs would not be what is shown",
            )
            return ()
    argv = tuple(raw)
    if not argv[0]:
        out.error(line, "bad-value", f"{where}: the command's program name is empty")
        return ()
    _shell_warnings(where, argv, line, out)
    return argv


def _shell_warnings(where: str, argv: tuple[str, ...], line: int, out: FileFindings) -> None:
    """A shell after all (``["sh", "-c", "..."]``), or a command line in one string."""
    for index, arg in enumerate(argv):
        if arg.rsplit("/", 1)[-1] in SHELLS and any(_SHELL_FLAG.match(a) for a in argv[index:]):
            out.warn(
                line,
                "shell-command",
                f"{where}: the command goes through a shell after all ({arg} -c): its text"
                " is interpreted (quotes, $, ;, *), which an argument list exists to avoid",
            )
            return
    if len(argv) == 1 and _SHELL_LOOK.search(argv[0]):
        out.warn(
            line,
            "shell-string",
            f"{where}: the command is one string that looks like a shell line: it runs a"
            f" program named {argv[0]!r}; split it into arguments ({_as_list(argv[0])})",
        )


def _as_list(text: str) -> str:
    """``text`` as the argument list a shell would have made of it, in TOML."""
    try:
        parts = shlex.split(text)
    except ValueError:
        parts = text.split()
    return "[" + ", ".join(f'"{p}"' for p in parts) + "]"


def timeout_problem(text: str) -> str | None:
    """Why ``timeout`` is not a usable time limit, or None."""
    try:
        seconds = due_seconds(text)
    except ConditionError:
        return f"timeout {text!r} must read like '30s', '5m' or '1h'"
    if seconds <= 0:
        return f"timeout {text!r} must be longer than nothing"
    if seconds > MAX_TIMEOUT:
        return f"timeout {text!r} is longer than the {span(MAX_TIMEOUT)} a runner waits at most"
    return None


def timeout_of(step: Step) -> int:
    """The step's time limit in seconds (``DEFAULT_TIMEOUT`` when it names none)."""
    if step.timeout and timeout_problem(step.timeout) is None:
        return due_seconds(step.timeout)
    return DEFAULT_TIMEOUT


def span(seconds: float) -> str:
    """A time limit as people write it: ``90s``, ``5m``, ``2h``, ``1h30m``."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else ""]
    parts.append(f"{secs}s" if secs or not whole else "")
    return "".join(parts)


def shown(argv: tuple[str, ...]) -> str:
    """The command in full as the procedure writes it, every argument quoted so its
    bounds show (``["python", "-c", "print('x')"]``): what the operator confirms. Not yet
    inert (a character that could act is shown by ``render.safetext``)."""
    return json.dumps(list(argv), ensure_ascii=False)
