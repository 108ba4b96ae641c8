"""The run file (``runs/<ID>/<run-id>.toml``): a ``model.run.Run`` to TOML text and back.

The keys on disk are kept as they were first written (``critical`` for a control point),
so runs recorded by earlier versions read the same. Text in, text out: the Runs service
does the atomic write and the commit.
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import datetime
from typing import Any

import tomli_w

from sopvault.core.frontmatter import toml_error
from sopvault.core.readback import mismatch
from sopvault.errors import Invalid
from sopvault.model.document import is_valid_id
from sopvault.model.run import Run, RunState, StepEntry, StepState, check_run_id


class RunFileError(Invalid):
    """A run file that cannot be read (hand-edited into invalid TOML, wrong types)."""


def dumps(run: Run) -> str:
    """The run file's text (TOML, UTF-8 safe); datetimes are written as TOML datetimes.

    Read back before it is returned (issue 12, Trust §1): the text must parse to exactly
    the data written (``core.readback.mismatch``) and ``loads`` must give ``run`` again
    (an empty version is stored as none), or RunFileError says why and the caller writes
    nothing.
    """
    data: dict[str, Any] = {
        "run": run.id,
        "document": run.doc_id,
        "title": run.title,
        "version": run.version or "",
        "commit": run.commit,
        "blob": run.blob,
        "path": run.path,
        "state": run.state.value,
        "started_by": run.started_by,
        "started_at": run.started_at,
    }
    if run.ended_by:
        data["ended_by"] = run.ended_by
    if run.ended_at is not None:
        data["ended_at"] = run.ended_at
    if run.reason:
        data["reason"] = run.reason
    if run.roles:
        data["roles"] = dict(run.roles)
    data["steps"] = [_entry_data(s) for s in run.steps]
    text = tomli_w.dumps(data)
    where = run.file
    problem = mismatch(text, data)
    if problem is None and loads(text, where) != replace(run, version=run.version or None):
        problem = "it would not read back as the same run"
    if problem is not None:
        raise RunFileError(f"the run record is refused: {problem}; nothing written", path=where)
    return text


def _entry_data(entry: StepEntry) -> dict[str, Any]:
    data: dict[str, Any] = {"number": entry.number, "action": entry.action}
    if entry.control_point:
        data["critical"] = True
    data["state"] = entry.state.value
    optional: dict[str, Any] = {
        "by": entry.by,
        "at": entry.at,
        "value": entry.value,
        "note": entry.note,
        "reason": entry.reason,
        "due_at": entry.due_at,
    }
    data.update({k: v for k, v in optional.items() if v not in (None, "")})
    if entry.auto:
        data["auto"] = True
    return data


def loads(text: str, where: str) -> Run:
    """A run from its file's text; ``where`` is the path named in errors.

    RunFileError names the file, the line (for TOML syntax) and the problem.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        problem, line = toml_error(err)
        raise RunFileError(f"not valid TOML: {problem}", path=where, line=line) from None
    except RecursionError:
        raise RunFileError("not a run record: nested far too deeply", path=where) from None
    try:
        return _run_from(data)
    except (KeyError, TypeError, ValueError) as err:
        raise RunFileError(f"not a run record: {_problem(err)}", path=where) from None


def _problem(err: Exception) -> str:
    if isinstance(err, KeyError):
        return f"missing {err.args[0]!r}"
    return str(err)


def _str(data: dict[str, Any], key: str, default: str | None = None) -> str:
    value = data.get(key, default) if default is not None else data[key]
    if not isinstance(value, str):
        raise TypeError(f"{key!r} must be a string")
    return value


def _time(data: dict[str, Any], key: str) -> datetime | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise TypeError(f"{key!r} must be a date and time")
    return value


def _entry_from(index: int, raw: dict[str, Any]) -> StepEntry:
    value = raw.get("value")
    if value is not None and not isinstance(value, str | int | float):
        raise TypeError(f"step {index}: 'value' must be text or a number")
    return StepEntry(
        number=index,
        action=_str(raw, "action", ""),
        control_point=bool(raw.get("critical", False)),
        state=StepState(_str(raw, "state", "pending")),
        by=_str(raw, "by", ""),
        at=_time(raw, "at"),
        value=float(value) if isinstance(value, int | float) else value,
        note=_str(raw, "note", ""),
        reason=_str(raw, "reason", ""),
        due_at=_time(raw, "due_at"),
        auto=bool(raw.get("auto", False)),
    )


def _run_from(data: dict[str, Any]) -> Run:
    doc_id = _str(data, "document")
    if not is_valid_id(doc_id):
        raise ValueError(f"document {doc_id!r} is not a valid id")
    started_at = _time(data, "started_at")
    if started_at is None:
        raise KeyError("started_at")
    roles = data.get("roles", {})
    if not isinstance(roles, dict) or not all(isinstance(v, str) for v in roles.values()):
        raise TypeError("'roles' must be a table of names")
    raw_steps = data.get("steps", [])
    if not isinstance(raw_steps, list) or not all(isinstance(s, dict) for s in raw_steps):
        raise TypeError("'steps' must be an array of tables")
    return Run(
        id=check_run_id(_str(data, "run")),
        doc_id=doc_id,
        title=_str(data, "title", ""),
        version=_str(data, "version", "") or None,
        commit=_str(data, "commit", ""),
        blob=_str(data, "blob", ""),
        path=_str(data, "path", ""),
        started_by=_str(data, "started_by", ""),
        started_at=started_at,
        state=RunState(_str(data, "state", "open")),
        roles=dict(roles),
        steps=[_entry_from(i, raw) for i, raw in enumerate(raw_steps, start=1)],
        ended_by=_str(data, "ended_by", ""),
        ended_at=_time(data, "ended_at"),
        reason=_str(data, "reason", ""),
    )
